package yamldoc

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// Format is how a file is written: YAML, or JSON (which is also YAML, but must stay JSON).
type Format uint8

// The formats of a file.
const (
	YAML Format = iota
	JSON
)

// FormatOf tells the format from a file name: .json is JSON, anything else YAML.
func FormatOf(name string) Format {
	if strings.EqualFold(path.Ext(name), ".json") {
		return JSON
	}
	return YAML
}

// SyntaxError is a document that cannot be parsed; Line is the file's line.
type SyntaxError struct {
	File string
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// File is a parsed YAML or JSON file: a stream of documents over the original bytes.
type File struct {
	name   string
	src    []byte
	format Format
	docs   []*Doc
	crlf   bool

	// wholeRenders counts the documents that Bytes had to re-render whole because their splice
	// did not read back; tests use it to check that the splice path was taken.
	wholeRenders int
	// slowDocs counts the documents the fast parser left to yaml.v3.
	slowDocs int

	arena   arena       // the parsed documents' nodes
	checker *fastParser // re-parses edited documents in Bytes (readsBack)
}

// checkers are fast parsers whose arenas are reused from file to file to re-parse edited
// documents: the trees they make are only compared, then dropped.
var checkers = sync.Pool{New: func() any { return &fastParser{arena: &arena{}} }}

// Parse splits src into documents and parses each one. name is used in errors and to pick the
// format (see FormatOf). A document that cannot be parsed makes Parse fail with a *SyntaxError
// naming the file and line: a malformed document is never skipped.
//
// The File keeps src, and parsed strings point into it: src must not be modified afterwards.
func Parse(name string, src []byte) (*File, error) {
	return ParseFormat(name, src, FormatOf(name))
}

// ParseFormat is Parse with an explicit format.
func ParseFormat(name string, src []byte, format Format) (*File, error) {
	f := &File{name: name, src: src, format: format}
	f.crlf = bytes.Contains(src, []byte("\r\n"))
	fp := &fastParser{arena: &f.arena}
	for _, r := range splitDocuments(src) {
		d := &Doc{file: f, index: len(f.docs), start: r.start, end: r.end, firstLine: r.line}
		if err := d.parse(fp); err != nil {
			if se, ok := err.(*SyntaxError); ok {
				se.File = name
			}
			return nil, err
		}
		f.docs = append(f.docs, d)
	}
	return f, nil
}

// Name is the name the file was parsed with.
func (f *File) Name() string { return f.name }

// Format is the file's format.
func (f *File) Format() Format { return f.format }

// Docs returns the documents in order, including empty ones (a bare "---"), so that indexes
// match what yq and kubectl count. Removed documents are not returned.
func (f *File) Docs() []*Doc {
	out := make([]*Doc, 0, len(f.docs))
	for _, d := range f.docs {
		if !d.removed {
			out = append(out, d)
		}
	}
	return out
}

// Changed reports whether any document was edited or removed.
func (f *File) Changed() bool {
	for _, d := range f.docs {
		if d.removed || d.root != nil && d.root.dirty || d.replaced {
			return true
		}
	}
	return false
}

// Bytes returns the file with every edit applied: unchanged documents keep their bytes, edited
// ones are spliced. An edit that cannot be written faithfully is an error, never a silent loss.
func (f *File) Bytes() ([]byte, error) {
	if !f.Changed() {
		return f.src, nil
	}
	f.checker = checkers.Get().(*fastParser)
	defer func() {
		f.checker.arena.reset()
		f.checker.src = nil // keep no output alive in the pool
		if cap(f.checker.scratch) > 1<<16 {
			f.checker.scratch = nil
		}
		checkers.Put(f.checker)
		f.checker = nil
	}()
	var out bytes.Buffer
	out.Grow(len(f.src) + len(f.src)/8 + 256) // room for the edits: one allocation
	for _, d := range f.docs {
		if d.removed {
			continue
		}
		mark := out.Len()
		if mark > 0 && out.Bytes()[mark-1] != '\n' {
			// The previous document was last in the source and had no final newline; another
			// document follows it now that a document in between was removed.
			out.WriteString(f.newline())
		}
		start := out.Len()
		if err := d.writeTo(&out); err != nil {
			return nil, err
		}
		if out.Len() == start {
			out.Truncate(mark) // nothing follows the previous document after all
		}
	}
	return out.Bytes(), nil
}

func (f *File) newline() string {
	if f.crlf {
		return "\r\n"
	}
	return "\n"
}

type docRange struct{ start, end, line int }

// splitDocuments cuts a YAML stream at its document markers. A line starting with "---" or "..."
// followed by a space, a tab or the end of the line is a marker wherever it appears (YAML forbids
// such a line inside a scalar), so no parsing is needed to split. Comments and directives before
// an explicit "---" belong to the document that follows, as the YAML parser sees them.
func splitDocuments(src []byte) []docRange {
	var out []docRange
	start, startLine := 0, 1
	explicit := false // the current range began with "---"
	line := 1         // the line of pos
	ms := markerSearch{src: src, dash: -2, dots: -2}
	for pos := 0; ; {
		m := ms.next(pos)
		if m < 0 {
			break
		}
		line += bytes.Count(src[pos:m], nl)
		next := len(src)
		if eol := bytes.IndexByte(src[m:], '\n'); eol >= 0 {
			next = m + eol + 1
		}
		if src[m] == '-' {
			// Before a "---", a range that began with "---" or holds content is a document.
			if explicit || hasContent(src[start:m]) {
				out = append(out, docRange{start, m, startLine})
				start, startLine = m, line
			}
			explicit = true
		} else {
			// "..." ends the document; what follows until the next "---" is a new range.
			out = append(out, docRange{start, next, startLine})
			start, startLine = next, line+1
			explicit = false
		}
		pos = next
		if next < len(src) || src[len(src)-1] == '\n' {
			line++
		}
	}
	if explicit || len(out) == 0 || hasContent(src[start:]) {
		out = append(out, docRange{start, len(src), startLine})
	} else if start < len(src) {
		// Trailing comments after the last document stay with it.
		out[len(out)-1].end = len(src)
	}
	return out
}

var nl = []byte("\n")

// markerSearch finds the document markers of src in order.
type markerSearch struct {
	src        []byte
	dash, dots int // the next "---" and "...", -1 for none, -2 before the first search
}

// next returns the offset of the first marker line at or after pos (a line start), or -1.
func (ms *markerSearch) next(pos int) int {
	for {
		if ms.dash != -1 && ms.dash < pos {
			ms.dash = ms.find(pos, "---")
		}
		if ms.dots != -1 && ms.dots < pos {
			ms.dots = ms.find(pos, "...")
		}
		m := ms.dash
		if m < 0 || ms.dots >= 0 && ms.dots < m {
			m = ms.dots
		}
		if m < 0 {
			return -1
		}
		end := bytes.IndexByte(ms.src[m:], '\n')
		if end < 0 {
			end = len(ms.src) - m
		}
		kind := "---"
		if ms.src[m] == '.' {
			kind = "..."
		}
		if (m == 0 || ms.src[m-1] == '\n') && isMarker(ms.src[m:m+end], kind) {
			return m
		}
		pos = m + 1 // not at a line start, or not followed by a blank
	}
}

func (ms *markerSearch) find(from int, m string) int {
	i := bytes.Index(ms.src[from:], []byte(m))
	if i < 0 {
		return -1
	}
	return from + i
}

// hasContent reports whether b holds a line with something other than blanks, a comment or a
// directive.
func hasContent(b []byte) bool {
	for len(b) > 0 {
		l := b
		if eol := bytes.IndexByte(b, '\n'); eol >= 0 {
			l, b = b[:eol+1], b[eol+1:]
		} else {
			b = nil
		}
		if c, ok := firstNonSpace(l); ok && c != '#' && c != '%' {
			return true
		}
	}
	return false
}

// firstNonSpace is the first byte of bytes.TrimSpace(l), without trimming ASCII lines.
func firstNonSpace(l []byte) (byte, bool) {
	for i, c := range l {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
		case c < 0x80:
			return c, true
		default:
			if t := bytes.TrimSpace(l[i:]); len(t) > 0 {
				return t[0], true
			}
			return 0, false
		}
	}
	return 0, false
}

func isMarker(l []byte, m string) bool {
	if len(l) < 3 || string(l[:3]) != m {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r'
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): `)

// parseError turns a yaml.v3 error into a SyntaxError on the file's line.
func parseError(err error, lineOffset int) error {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &SyntaxError{Line: n + lineOffset, Msg: msg[len(m[0]):]}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &SyntaxError{Line: lineOffset + 1, Msg: msg}
}

func decodeNode(src []byte) (*yaml.Node, error) {
	var y yaml.Node
	if err := yaml.Unmarshal(src, &y); err != nil {
		return nil, err
	}
	return &y, nil
}
