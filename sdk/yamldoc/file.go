package yamldoc

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
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
	fp := &fastParser{arena: &f.arena}
	jp := &jsonParser{}
	fr := newFramer(src, true)
	for {
		fm, err := fr.next()
		if err == io.EOF {
			break
		}
		if err == nil {
			d := f.newDoc(fm)
			err = d.parse(fp, jp)
			f.docs = append(f.docs, d)
		}
		if err != nil {
			if se, ok := err.(*SyntaxError); ok {
				se.File = name
			}
			return nil, err
		}
	}
	return f, nil
}

func (f *File) newDoc(fm frame) *Doc {
	return &Doc{file: f, index: len(f.docs), start: fm.start, body: fm.body, end: fm.bodyEnd, tail: fm.end,
		firstLine: fm.line, bodyLine: fm.bodyLine, json: fm.json}
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
	defer f.dropChecker()
	var out bytes.Buffer
	out.Grow(len(f.src) + len(f.src)/8 + 256) // room for the edits: one allocation
	var w docWriter
	for i, d := range f.docs {
		if d.removed {
			continue
		}
		if err := w.write(&out, d, i == len(f.docs)-1); err != nil {
			return nil, err
		}
	}
	w.check.buf = out.Bytes() // the whole output: checked in place
	w.check.fr = newFramer(w.check.buf, true)
	if err := w.check.run(true); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (f *File) dropChecker() {
	f.checker.arena.reset()
	f.checker.src = nil // keep no output alive in the pool
	if cap(f.checker.scratch) > 1<<16 {
		f.checker.scratch = nil
	}
	checkers.Put(f.checker)
	f.checker = nil
}

// newline is the line break of the document's own lines: what an edit writes.
func (d *Doc) newline() string {
	if d.crlf == 0 {
		d.crlf = 1
		if bytes.Contains(d.file.src[d.start:d.tail], []byte("\r\n")) {
			d.crlf = 2
		}
	}
	if d.crlf == 2 {
		return "\r\n"
	}
	return "\n"
}

func isMarker(l []byte, m string) bool {
	if len(l) < 3 || string(l[:3]) != m {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r'
}
