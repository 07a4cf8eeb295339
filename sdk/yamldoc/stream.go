package yamldoc

import (
	"bytes"
	"io"
)

// Stream reads a manifest stream one document at a time and writes the documents back, edited
// or removed, as soon as the next one is asked for: memory holds one document (and the start
// of the next), not the file. The documents are those Parse finds, with the same lines, and the
// output is what Parse, the same edits and Bytes give: an unchanged stream is copied byte for
// byte.
//
//	func relabel(in io.Reader, out io.Writer) error {
//		s := yamldoc.NewStream("output/all.yaml", in, out)
//		for {
//			d, err := s.Next()
//			if err == io.EOF {
//				break
//			}
//			if err != nil {
//				return err
//			}
//			_ = d // read, edit or d.Remove() the document
//		}
//		return s.Close() // writes the last document and checks the output
//	}
//
// An error (a document that does not parse, an edit that cannot be written, a write that
// fails) is final: Next and Close keep returning it, and what was written so far must be
// discarded.
type Stream struct {
	name   string
	format Format
	r      io.Reader
	w      io.Writer // nil: read only

	fr      *framer
	buf     []byte // input from the framer's position on
	eof     bool
	inPlace bool // buf is the whole input, which documents point into

	cur     *Doc // handed out, written on the next call
	curLast bool
	index   int
	out     bytes.Buffer
	dw      docWriter
	err     error
	closed  bool
	readBuf int
	fp      fastParser // reused from document to document, each with an arena of its own
	jp      jsonParser
}

// NewStream reads name's documents from r and writes them to w (nil to only read). The format
// comes from the name, as for Parse.
//
// A *bytes.Buffer is read in place: a caller that already holds the whole stream in memory
// gives it as one, and its documents are framed and parsed where they are, not copied (its
// bytes must then stay unchanged while the documents are in use, as for Parse).
func NewStream(name string, r io.Reader, w io.Writer) *Stream {
	s := &Stream{name: name, format: FormatOf(name), r: r, w: w, fr: newFramer(nil, false), readBuf: 64 << 10}
	if b, ok := r.(*bytes.Buffer); ok {
		s.buf, s.inPlace = b.Next(b.Len()), true
		s.eof, s.fr.eof, s.fr.src = true, true, s.buf
	}
	return s
}

// Next writes the previous document and returns the next one; io.EOF after the last.
func (s *Stream) Next() (*Doc, error) {
	if s.err != nil {
		return nil, s.err
	}
	if err := s.flush(); err != nil {
		return nil, s.fail(err)
	}
	for {
		fm, err := s.fr.next()
		switch {
		case err == errNeedMore:
			if err := s.fill(); err != nil {
				return nil, s.fail(err)
			}
			continue
		case err == io.EOF:
			return nil, io.EOF
		case err != nil:
			if se, ok := err.(*SyntaxError); ok {
				se.File = s.name
			}
			return nil, s.fail(err)
		}
		d, err := s.doc(fm)
		if err != nil {
			return nil, s.fail(err)
		}
		s.cur, s.curLast = d, s.fr.mode == modeDone
		return d, nil
	}
}

// doc makes a document of frame fm, in a File of its own that holds its bytes.
func (s *Stream) doc(fm frame) (*Doc, error) {
	var src []byte
	if s.inPlace {
		src = s.buf[fm.start:fm.end:fm.end]
	} else {
		src = append([]byte(nil), s.buf[fm.start:fm.end]...)
	}
	f := &File{name: s.name, src: src, format: s.format}
	d := &Doc{file: f, index: s.index, start: 0, body: fm.body - fm.start, end: fm.bodyEnd - fm.start, tail: len(src),
		firstLine: fm.line, bodyLine: fm.bodyLine, json: fm.json}
	s.index++
	// The bytes before the next frame are done with.
	s.fr.shift(fm.end)
	s.buf = s.buf[fm.end:]
	s.fr.src = s.buf
	s.fp.arena = &f.arena
	if err := d.parse(&s.fp, &s.jp); err != nil {
		if se, ok := err.(*SyntaxError); ok {
			se.File = s.name
		}
		return nil, err
	}
	f.docs = []*Doc{d}
	return d, nil
}

// fill reads more input.
func (s *Stream) fill() error {
	if s.eof {
		return io.ErrUnexpectedEOF // the framer asked for more after the end: a bug
	}
	// Read in chunks that grow with what is buffered, so that a big document is read in a
	// few reads and framed a few times, not once per chunk.
	n := max(s.readBuf, len(s.buf))
	if cap(s.buf)-len(s.buf) < n {
		nb := make([]byte, len(s.buf), len(s.buf)+n)
		copy(nb, s.buf)
		s.buf = nb
	}
	m, err := io.ReadFull(s.r, s.buf[len(s.buf):len(s.buf)+n])
	s.buf = s.buf[:len(s.buf)+m]
	s.fr.src = s.buf
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		s.eof, s.fr.eof = true, true
		return nil
	}
	return err
}

// flush writes the document handed out last.
func (s *Stream) flush() error {
	d := s.cur
	if d == nil {
		return nil
	}
	s.cur = nil
	if s.w == nil || d.removed {
		return nil
	}
	d.file.checker = checkers.Get().(*fastParser)
	s.out.Reset()
	err := s.dw.write(&s.out, d, s.curLast)
	d.file.dropChecker()
	if err != nil {
		return err
	}
	return s.emit(s.out.Bytes())
}

// emit writes output bytes and checks the documents they complete.
func (s *Stream) emit(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	s.dw.n += len(b)
	s.dw.last = b[len(b)-1]
	s.dw.check.add(b)
	if err := s.dw.check.run(false); err != nil {
		return err
	}
	_, err := s.w.Write(b)
	return err
}

// Close writes the last document and checks that the output reads back as the documents
// written. It does not close the reader or the writer.
func (s *Stream) Close() error {
	if s.closed || s.err != nil {
		return s.err
	}
	s.closed = true
	if err := s.flush(); err != nil {
		return s.fail(err)
	}
	if s.w != nil {
		if err := s.dw.check.run(true); err != nil {
			return s.fail(err)
		}
	}
	return nil
}

func (s *Stream) fail(err error) error {
	s.err = err
	return err
}
