package yamldoc

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

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
}

// Parse splits src into documents and parses each one. name is used in errors and to pick the
// format (see FormatOf). A document that cannot be parsed makes Parse fail with a *SyntaxError
// naming the file and line: a malformed document is never skipped.
func Parse(name string, src []byte) (*File, error) {
	return ParseFormat(name, src, FormatOf(name))
}

// ParseFormat is Parse with an explicit format.
func ParseFormat(name string, src []byte, format Format) (*File, error) {
	f := &File{name: name, src: src, format: format}
	f.crlf = bytes.Contains(src, []byte("\r\n"))
	for _, r := range splitDocuments(src) {
		d := &Doc{file: f, index: len(f.docs), start: r.start, end: r.end, firstLine: r.line}
		if err := d.parse(); err != nil {
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
	var out bytes.Buffer
	out.Grow(len(f.src) + 256)
	for _, d := range f.docs {
		if d.removed {
			continue
		}
		b, err := d.bytes()
		if err != nil {
			return nil, err
		}
		if out.Len() > 0 && out.Bytes()[out.Len()-1] != '\n' && len(b) > 0 {
			// The previous document was last in the source and had no final newline; another
			// document follows it now that a document in between was removed.
			out.WriteString(f.newline())
		}
		out.Write(b)
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
	hasContent := false // the current range holds something other than comments and blank lines
	line := 1
	explicit := false // the current range began with "---"
	for pos := 0; pos < len(src); {
		eol := bytes.IndexByte(src[pos:], '\n')
		next := len(src)
		if eol >= 0 {
			next = pos + eol + 1
		}
		l := src[pos:next]
		switch {
		case isMarker(l, "---"):
			if hasContent || explicit {
				out = append(out, docRange{start, pos, startLine})
				start, startLine = pos, line
			}
			explicit = true
			hasContent = false
			if rest := bytes.TrimSpace(l[3:]); len(rest) > 0 && rest[0] != '#' {
				hasContent = true
			}
		case isMarker(l, "..."):
			// The document ends here; what follows until the next "---" is a new range.
			out = append(out, docRange{start, next, startLine})
			start, startLine = next, line+1
			explicit, hasContent = false, false
		default:
			if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' && (t[0] != '%' || hasContent) {
				hasContent = true
			}
		}
		pos = next
		line++
	}
	if hasContent || explicit || len(out) == 0 {
		out = append(out, docRange{start, len(src), startLine})
	} else if start < len(src) && len(out) > 0 {
		// Trailing comments after the last document stay with it.
		out[len(out)-1].end = len(src)
	}
	return out
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
