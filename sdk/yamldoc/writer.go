package yamldoc

import (
	"bytes"
	"io"
)

// docWriter writes the documents of a file one after another (File.Bytes and Stream share
// it) and records where each document's content lands, so that check can prove the output
// splits into the same documents when read back: a removal must not join two documents nor
// make a "---" line start one, an edit must not turn the first JSON value into something that
// is not an object.
type docWriter struct {
	// prevLast: the document written last was the last of its source, which may end without
	// a line break.
	prevLast bool
	prev     *Doc
	// n is how many bytes were written before the buffer write appends to, and last the last
	// of them (Stream writes each document into a buffer of its own).
	n    int
	last byte

	check outCheck
}

// write appends document d, as edited, to out.
func (w *docWriter) write(out *bytes.Buffer, d *Doc, last bool) error {
	mark := out.Len()
	prevByte, wrote := w.last, w.n > 0
	if mark > 0 {
		prevByte, wrote = out.Bytes()[mark-1], true
	}
	if w.prevLast && wrote && prevByte != '\n' {
		// The previous document was last in the source and had no final newline; another
		// document follows it now that a document in between was removed.
		out.WriteString(w.prev.newline())
	}
	start := out.Len()
	if err := d.writeTo(out); err != nil {
		out.Truncate(mark)
		return err
	}
	if out.Len() == start && w.check.written > 0 {
		out.Truncate(mark) // nothing follows the previous document after all
		return nil
	}
	body := start + (d.body - d.start)
	end := out.Len() - (d.tail - d.end)
	if !d.json && w.n+start == 0 && d.body > d.start && startsWithDashes(d.file.src[d.body:d.end]) {
		// The first document of the output begins with the "---" line that cut it from a
		// removed document, and its content with another "---" line: the reader would keep
		// the first in the chunk and cut at the second, making an empty document.
		b := out.Bytes()
		k := copy(b[start:], b[body:])
		out.Truncate(start + k)
		end -= body - start
		body = start
	}
	w.check.want = append(w.check.want, wantFrame{body: w.n + body, end: w.n + end, tail: w.n + out.Len(), json: d.json, doc: d})
	w.check.written++
	w.prevLast, w.prev = last, d
	return nil
}

func startsWithDashes(b []byte) bool { return bytes.HasPrefix(b, dashes) }

// wantFrame is where a written document's parsed content is in the output.
type wantFrame struct {
	body, end, tail int
	json            bool
	doc             *Doc
}

// outCheck frames the output as it is written and compares the frames with the documents
// written: buf holds the output from offset base on that is not checked yet.
type outCheck struct {
	fr      *framer
	buf     []byte
	base    int
	want    []wantFrame // the documents written and not checked yet, in order
	written int         // documents written
}

// add appends output bytes to check.
func (c *outCheck) add(b []byte) {
	if c.fr == nil {
		c.fr = newFramer(nil, false)
	}
	c.buf = append(c.buf, b...)
	c.fr.src = c.buf
}

// run checks the frames that can be decided; eof: the output is complete.
func (c *outCheck) run(eof bool) error {
	if c.fr == nil {
		c.add(nil)
	}
	c.fr.eof = eof
	if eof && c.written == 0 && c.base+len(c.buf) == 0 {
		return nil // every document was removed
	}
	for {
		fm, err := c.fr.next()
		switch {
		case err == errNeedMore && !eof:
			return nil
		case err == io.EOF:
			if len(c.want) > 0 {
				return c.mismatch()
			}
			return nil
		case err != nil || len(c.want) == 0:
			return c.mismatch()
		}
		want := c.want[0]
		body, end := want.body-c.base, want.end-c.base
		switch {
		case fm.json == want.json:
			if fm.bodyEnd != end || skipDashLine(c.buf, fm.body, fm.bodyEnd) != skipDashLine(c.buf, body, end) {
				return c.mismatch()
			}
		case fm.end != want.tail-c.base || !c.readsAs(fm, want.doc):
			// A document written anew in the other dialect (a YAML file's root set to a
			// value written as JSON): it must read as intended in the dialect it reads in.
			return c.mismatch()
		}
		c.want[0] = wantFrame{}
		c.want = c.want[1:]
		// What came before this frame's end is checked.
		n := fm.end
		c.fr.shift(n)
		c.buf = c.buf[n:]
		c.base += n
	}
}

// readsAs reports whether the frame reads as document d's edited value.
func (c *outCheck) readsAs(fm frame, d *Doc) bool {
	fp := &fastParser{arena: &arena{}}
	var n *node
	var err error
	if fm.json {
		jp := jsonParser{arena: fp.arena}
		n, err = jp.parse(c.buf[:fm.bodyEnd], fm.body, 1, fm.body)
	} else {
		n, err = parseYAML(fp, c.buf, fm.body, fm.bodyEnd, 1, nil)
	}
	if err != nil {
		return false
	}
	if n == nil || d.root == nil {
		return n == d.root
	}
	return equalNodes(n, d.root)
}

// skipDashLine skips a leading "---" line of a YAML chunk: it only starts the document.
func skipDashLine(b []byte, body, end int) int {
	if body < end && bytes.HasPrefix(b[body:end], dashes) {
		if i := bytes.IndexByte(b[body:end], '\n'); i >= 0 {
			return body + i + 1
		}
		return end
	}
	return body
}

func (c *outCheck) mismatch() error {
	if len(c.want) == 0 {
		return &FieldError{Msg: "the edited file would not read back as the same documents; nothing was written"}
	}
	d := c.want[0].doc
	return &FieldError{File: d.file.name, Line: d.Line(), Msg: "removing or editing these documents would change how the file splits into documents (two would join, or a \"---\" line would start one); nothing was written"}
}
