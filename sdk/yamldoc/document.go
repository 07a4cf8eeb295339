package yamldoc

import (
	"bytes"
	"sort"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Doc is one document of a File.
type Doc struct {
	file       *File
	index      int
	start, end int // the document's bytes in file.src, including its "---" line
	firstLine  int // file line of start
	root       *node
	removed    bool
	replaced   bool // the root itself was replaced by SetRoot
	origRoot   *node

	lineStarts []int // file offsets of the document's lines, computed on first edit
}

// parse parses the document with the fast parser, or with yaml.v3 when the fast parser does
// not handle what the document holds.
func (d *Doc) parse(fp *fastParser) error {
	root, ok := fp.parse(d.file.src, d.start, d.end, d.firstLine)
	if src := d.file.src[d.start:d.end]; !ok && len(bytes.TrimSpace(src)) > 0 {
		d.file.slowDocs++
		var err error
		if root, err = parseSlow(d.file.src[d.start:d.end], d.firstLine); err != nil {
			return err
		}
	}
	d.root = root
	d.origRoot = root
	return nil
}

// parseSlow parses one document with yaml.v3; firstLine is the file line where src starts.
// root is nil for an empty document.
func parseSlow(src []byte, firstLine int) (*node, error) {
	y, err := decodeNode(src)
	if err != nil {
		return nil, explain(src, firstLine, parseError(err, firstLine-1))
	}
	if y.Kind == 0 || len(y.Content) == 0 {
		return nil, nil
	}
	root, err := convert(y.Content[0], firstLine-1, map[*yaml.Node]*node{})
	if err != nil {
		return nil, err
	}
	// A document whose only content is a null (a bare "---" with a comment) is empty.
	if root.kind == ScalarKind && root.tag == "!!null" && root.value == "" {
		return nil, nil
	}
	return root, nil
}

// File is the file the document belongs to.
func (d *Doc) File() *File { return d.file }

// Index is the document's position in its file, from 0, counting empty documents.
func (d *Doc) Index() int { return d.index }

// Line is the file line where the document's content starts (its first key), or where the
// document starts when it is empty.
func (d *Doc) Line() int {
	if d.origRoot != nil {
		return d.origRoot.line
	}
	return d.firstLine
}

// Empty reports whether the document holds no value (only comments, or nothing after "---").
func (d *Doc) Empty() bool { return d.root == nil }

// Root is the document's top-level value.
func (d *Doc) Root() Node { return Node{doc: d, n: d.root} }

// Remove drops the document from its file; the other documents keep their bytes.
func (d *Doc) Remove() { d.removed = true }

// Source is the document's original bytes, including its "---" line.
func (d *Doc) Source() []byte { return d.file.src[d.start:d.end] }

// Changed reports whether the document was edited.
func (d *Doc) Changed() bool { return d.replaced || d.root != nil && d.root.dirty }

// offset converts a parser position to a file offset. Columns count characters, so lines with
// multi-byte characters are walked; ASCII lines are not.
func (d *Doc) offset(line, col int) int {
	if d.lineStarts == nil {
		d.indexLines()
	}
	i := line - d.firstLine
	if i < 0 {
		return d.start
	}
	if i >= len(d.lineStarts) {
		return d.end
	}
	off := d.lineStarts[i]
	src := d.file.src
	for c := 1; c < col && off < d.end; c++ {
		if src[off] < utf8.RuneSelf {
			off++
			continue
		}
		_, w := utf8.DecodeRune(src[off:d.end])
		off += w
	}
	return off
}

func (d *Doc) indexLines() {
	src := d.file.src[:d.end]
	if d.lineStarts == nil {
		d.lineStarts = make([]int, 0, 1+bytes.Count(src[d.start:], nl))
	}
	d.lineStarts = append(d.lineStarts[:0], d.start)
	if d.start == 0 && bytes.HasPrefix(src, bom) {
		// The parser does not count a byte order mark in columns, nor does indentation.
		d.lineStarts[0] = len(bom)
	}
	for i := d.start; i < len(src); {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		d.lineStarts = append(d.lineStarts, i)
	}
}

var bom = []byte("\ufeff")

// lineStartOf returns the offset of the start of the line holding off.
func (d *Doc) lineStartOf(off int) int {
	if d.lineStarts == nil {
		d.indexLines()
	}
	// The last line start at or before off: a binary search, so that long lines (minified
	// JSON) are not scanned backwards for every lookup.
	i := sort.SearchInts(d.lineStarts, off+1) - 1
	if i < 0 {
		return d.start
	}
	return d.lineStarts[i]
}

// lineEndOf returns the offset just past the newline ending the line that holds off (or the
// document end).
func (d *Doc) lineEndOf(off int) int {
	i := bytes.IndexByte(d.file.src[off:d.end], '\n')
	if i < 0 {
		return d.end
	}
	return off + i + 1
}
