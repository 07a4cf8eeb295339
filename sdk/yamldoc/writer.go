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
	want []wantFrame
	// prevLast: the document written last was the last of its source, which may end without
	// a line break.
	prevLast bool
	// base is the output offset of the bytes passed to check (Stream checks as it goes).
	base int
}

// wantFrame is where a written document's parsed content is in the output.
type wantFrame struct {
	body, end int
	json      bool
	doc       *Doc
}

// write appends document d, as edited, to out.
func (w *docWriter) write(out *bytes.Buffer, d *Doc, last bool) error {
	mark := out.Len()
	if w.prevLast && mark > 0 && out.Bytes()[mark-1] != '\n' {
		// The previous document was last in the source and had no final newline; another
		// document follows it now that a document in between was removed.
		out.WriteString(d.file.newline())
	}
	start := out.Len()
	if err := d.writeTo(out); err != nil {
		out.Truncate(mark)
		return err
	}
	if out.Len() == start && len(w.want) > 0 {
		out.Truncate(mark) // nothing follows the previous document after all
		return nil
	}
	body := start + (d.body - d.start)
	end := out.Len() - (d.tail - d.end)
	if !d.json && start == 0 && d.body > d.start && startsWithDashes(d.file.src[d.body:d.end]) {
		// The first document of the output begins with the "---" line that cut it from a
		// removed document, and its content with another "---" line: the reader would keep
		// the first in the chunk and cut at the second, making an empty document.
		b := out.Bytes()
		n := copy(b[start:], b[body:])
		out.Truncate(start + n)
		end -= body - start
		body = start
	}
	w.want = append(w.want, wantFrame{body: w.base + body, end: w.base + end, json: d.json, doc: d})
	w.prevLast = last
	return nil
}

func startsWithDashes(b []byte) bool { return bytes.HasPrefix(b, dashes) }

// check frames out (the output from offset w.base on; eof: nothing follows) and compares the
// frames with the documents written.
func (w *docWriter) check(out []byte, eof bool) error {
	if len(w.want) == 0 && len(out) == 0 {
		return nil // every document was removed
	}
	fr := newFramer(out, eof)
	for i := 0; ; i++ {
		fm, err := fr.next()
		if err == io.EOF {
			if i != len(w.want) {
				return w.mismatch(i)
			}
			return nil
		}
		if err != nil || i >= len(w.want) {
			return w.mismatch(i)
		}
		want := w.want[i]
		if fm.json != want.json || fm.bodyEnd != want.end || skipDashLine(out, fm.body, fm.bodyEnd) != skipDashLine(out, want.body, want.end) {
			return w.mismatch(i)
		}
	}
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

func (w *docWriter) mismatch(i int) error {
	i = min(i, len(w.want)-1)
	if i < 0 {
		return &FieldError{Msg: "the edited file would not read back as the same documents; nothing was written"}
	}
	d := w.want[i].doc
	return &FieldError{File: d.file.name, Line: d.Line(), Msg: "removing or editing these documents would change how the file splits into documents (two would join, or a \"---\" line would start one); nothing was written"}
}
