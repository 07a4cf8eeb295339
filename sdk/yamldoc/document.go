package yamldoc

import (
	"bytes"
	"math"
	"sort"
	"unicode/utf8"
)

// Doc is one document of a File.
type Doc struct {
	file *File
	// The document's bytes are src[start:tail]: its "---" line (if the line that cut it from
	// the previous document), what the decoder parses, src[body:end], and a trailing "---"
	// line after which nothing follows. Edits only change src[body:end].
	start, body, end, tail int
	firstLine, bodyLine    int // file lines of start and body
	index                  int
	json                   bool // a value of a JSON stream, read by encoding/json's rules
	crlf                   byte // 0 unknown, 1 no, 2: the document's lines end with "\r\n"
	anchors                bool // the document has anchors or aliases (edits reconcile them)
	root                   *node
	removed                bool
	replaced               bool // the root itself was replaced by SetRoot
	origRoot               *node

	lineStarts []int // file offsets of the document's lines, computed on first edit
}

// maxLine is the last line (and column) a node can be at: node holds them in 32 bits, which
// keeps the tree of a large document smaller. A document's lines are at most its bytes, so
// one starting at line l of at most maxLine-l bytes fits.
const maxLine = math.MaxInt32

// parse parses the document with the JSON parser, the fast parser, or yaml.v3 when the fast
// parser does not handle what the document holds.
func (d *Doc) parse(fp *fastParser, jp *jsonParser) error {
	src := d.file.src
	slow := d.file.slowDocs
	if d.bodyLine+(d.end-d.body) > maxLine {
		return &SyntaxError{Line: d.bodyLine, Msg: "the document reaches beyond line 2^31-1, which yamldoc cannot hold"}
	}
	var root *node
	switch {
	case d.json:
		jp.arena = fp.arena
		var err error
		if root, err = jp.parse(src[:d.end], d.body, d.bodyLine, d.body); err != nil {
			return d.jsonErr(err)
		}
	default:
		var err error
		if root, err = parseYAML(fp, src, d.body, d.end, d.bodyLine, &d.file.slowDocs); err != nil {
			return err
		}
	}
	d.root = root
	d.origRoot = root
	d.anchors = root != nil && d.file.slowDocs > slow && hasAnchors(root)
	return nil
}

// parseYAML parses the YAML chunk src[start:end], whose first line is line, with the fast
// parser or the slow path. The chunk is read as the decoder's line reader hands it to
// goyaml.v2, with a line break after its last line (a literal block at the end of a file
// without a final line break still ends with one).
func parseYAML(fp *fastParser, src []byte, start, end, line int, slowDocs *int) (*node, error) {
	body := src[start:end]
	if len(body) > 0 && body[len(body)-1] != '\n' {
		c := make([]byte, len(body)+1)
		copy(c, body)
		c[len(body)] = '\n'
		src, start, end, body = c, 0, len(c), c
	}
	root, ok := fp.parse(src, start, end, line)
	if ok {
		return root, nil
	}
	if slowDocs != nil {
		*slowDocs++
	}
	return parseSlow(lineChunk(body), line)
}

// jsonErr is a JSON parse error on its file line.
func (d *Doc) jsonErr(err error) error {
	je, ok := err.(*jsonError)
	if !ok {
		return err // a duplicate key, on its line
	}
	line := d.bodyLine + bytes.Count(d.file.src[d.body:min(je.off, d.end)], nl)
	return &SyntaxError{Line: line, Msg: je.msg}
}

// File is the file the document belongs to.
func (d *Doc) File() *File { return d.file }

// Index is the document's position in its file, from 0, counting empty documents.
func (d *Doc) Index() int { return d.index }

// Line is the file line where the document's content starts (its first key), or where the
// document starts when it is empty.
func (d *Doc) Line() int {
	if d.origRoot != nil {
		return int(d.origRoot.line)
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
func (d *Doc) Source() []byte { return d.file.src[d.start:d.tail] }

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
	for i := d.start; i < len(src); {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		d.lineStarts = append(d.lineStarts, i)
	}
	// Columns on the body's first line count from where the parser started reading, which
	// is mid-line after a JSON value, and after a byte order mark (the parsers skip it; so
	// does indentation).
	if k := d.bodyLine - d.firstLine; k >= 0 && k < len(d.lineStarts) {
		origin := d.body
		if bytes.HasPrefix(src[d.body:], bom) {
			origin += len(bom)
		}
		d.lineStarts[k] = max(d.lineStarts[k], origin)
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
