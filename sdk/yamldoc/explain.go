package yamldoc

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// explain replaces two of yaml.v3's errors that point at the wrong place or say too little:
// invalid UTF-8 (always reported at line 1) and a tab used for indentation ("found character
// that cannot start any token", on the line before). src is one document starting at file line
// firstLine; err is the SyntaxError parseError made of yaml.v3's message.
func explain(src []byte, firstLine int, err error) error {
	se, ok := err.(*SyntaxError)
	if !ok {
		return err
	}
	if !utf8.Valid(src) {
		line, col, b := firstInvalidUTF8(src)
		return &SyntaxError{Line: firstLine + line - 1, Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02x at column %d): YAML and JSON files must be UTF-8 text", b, col)}
	}
	if strings.Contains(se.Msg, "cannot start any token") || strings.Contains(se.Msg, "tab") {
		// The parser names the line before the one with the tab, or the tab's own line.
		for l := se.Line - 1; l <= se.Line+1; l++ {
			if tabIndented(src, l-firstLine+1) {
				return &SyntaxError{Line: l, Msg: "a tab indents this line: YAML allows only spaces for indentation"}
			}
		}
	}
	return err
}

// firstInvalidUTF8 finds the first byte that is not UTF-8: its 1-based line and column (in
// characters, as the parser counts) within src.
func firstInvalidUTF8(src []byte) (line, col int, b byte) {
	line, col = 1, 1
	for i := 0; i < len(src); {
		r, w := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && w <= 1 {
			return line, col, src[i]
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += w
	}
	return line, col, 0
}

// tabIndented reports whether line n (1-based) of src has a tab before its first other
// character.
func tabIndented(src []byte, n int) bool {
	if n < 1 {
		return false
	}
	lines := bytes.SplitN(src, []byte("\n"), n+1)
	if len(lines) < n {
		return false
	}
	l := lines[n-1]
	indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
	return bytes.IndexByte(indent, '\t') >= 0 && len(bytes.TrimSpace(l)) > 0
}
