package sdk

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Document is one document of an output manifest file, as EachDocument and EachDocumentOf read
// it: the file is read one document at a time, so what a Document gives (its YAML, its
// Manifests) is this document alone, and it is written back, edited or removed, before the
// next one is read. Keep what a later step needs as copied values (strings.Clone, numbers), not
// Documents, Manifests or Nodes: those hold the document's bytes and tree.
type Document struct {
	File OutputFile // the file it is read from
	doc  *yamldoc.Doc
	mf   *ManifestFile // this document alone, for Manifests and Manifest.Remove
}

// Doc is the YAML document itself: read it, edit it by path (Root), or Remove it.
func (d *Document) Doc() *yamldoc.Doc { return d.doc }

// Index is the document's index in its file, from 0, as ManifestFile.Documents counts.
func (d *Document) Index() int { return d.doc.Index() }

// Line is the file's line the document starts at.
func (d *Document) Line() int { return d.doc.Line() }

// At is where the document is: its file and first line.
func (d *Document) At() Location { return Location{File: d.File.Path, Line: d.Line()} }

// Manifests lists the Kubernetes objects of the document: the document itself, or the items of
// a *List at any depth (see ManifestFile.Manifests). Each Manifest's File holds this document
// only, and the file is saved by EachDocument: calling its Save is an error.
func (d *Document) Manifests() []*Manifest { return d.mf.Manifests() }

// NonObject reports whether the document holds a value but is not a Kubernetes object (no
// apiVersion or kind), which a stage may warn about (see ManifestFile.NonObjects).
func (d *Document) NonObject() bool { return !d.doc.Empty() && !isObject(d.doc.Root()) }

// Remove drops the document from its file; the other documents keep their bytes. A file left
// with no document is removed.
func (d *Document) Remove() { d.doc.Remove() }

// ManifestFiles lists the files of the output that are parsed for manifests (see IsManifest),
// in name order, each once: a file reached through several symlinks is listed under its first
// name. Problems are Files' (the files that are fine are still returned).
func (o *Output) ManifestFiles() ([]OutputFile, error) {
	files, err := o.Files()
	seen := make(map[string]bool, len(files))
	out := files[:0]
	for _, f := range files {
		if !f.IsManifest() || seen[f.Real] {
			continue
		}
		seen[f.Real] = true
		out = append(out, f)
	}
	return out, err
}

// EachDocument calls fn for every document of every manifest file of the output (ManifestFiles),
// one document at a time, and saves what fn changed: the document-at-a-time counterpart of
// EachManifestFile, for a stage whose memory must stay bounded by the largest document, not the
// file. Problems are collected over every file and returned joined, as EachManifestFile does.
func (o *Output) EachDocument(fn func(d *Document) error) error {
	return o.everyDocument(fn, true)
}

// ReadDocuments calls fn for every document of every manifest file of the output, one at a
// time, as EachDocument does, but only reads: nothing is saved, and a document fn edits or
// removes is an error. It is the cheaper pass for gathering facts (the first of two passes):
// no document is written back, compared or checked.
func (o *Output) ReadDocuments(fn func(d *Document) error) error {
	return o.everyDocument(fn, false)
}

// everyDocument runs eachDocument over every manifest file, collecting the problems of all.
func (o *Output) everyDocument(fn func(d *Document) error, write bool) error {
	files, err := o.ManifestFiles()
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, f := range files {
		if err := o.eachDocument(f, fn, write); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// EachDocumentOf calls fn for every document of one output manifest file, in order, one at a
// time, writing each back before the next is read:
//
//   - the documents are those Parse and EachManifestFile read (Kubernetes' reading: JSON
//     streams, byte order marks, "---" lines), with the same lines;
//   - what is saved is what EachManifestFile would save for the same edits: edited documents
//     spliced, the others byte for byte. A file that comes back unchanged is not rewritten, a
//     file left with no document is removed, and an edit that would not read back as written
//     is an error naming file and line;
//   - the new file is staged in the run's transaction as it is written, so it reaches the
//     output only when the run commits;
//   - fn is called for every document even after it failed, so one run reports every problem
//     of the file, but a file where fn failed is not saved. A document that does not parse
//     ends the file, which is not saved either: the documents before it were visited.
//
// Errors name the file (output/app.yaml:12), and are joined.
func (o *Output) EachDocumentOf(name string, fn func(d *Document) error) error {
	full, err := o.name(name)
	if err != nil {
		return err
	}
	real, err := fsys.Resolve(o.k.FS, "output", full)
	if err != nil {
		return err
	}
	return o.eachDocument(OutputFile{Name: name, Path: full, Real: real}, fn, true)
}

// eachDocument visits the documents of f; write: save what fn changed, else refuse changes.
func (o *Output) eachDocument(f OutputFile, fn func(d *Document) error, write bool) error {
	// The file is read whole (an fsys.FS reads files whole), and framed and parsed in place
	// (yamldoc reads a bytes.Buffer where it is): one document's tree at a time, and no second
	// copy of the file.
	data, err := o.k.FS.ReadFile(f.Real)
	if err != nil {
		return Errorf(Location{File: f.Path}, "cannot read: %v", unwrapPath(err))
	}
	f.Size = int64(len(data))
	defer dropped(len(data))
	out := &changeWriter{o: o, f: f, src: data}
	var w io.Writer
	if write {
		w = out
	}
	s := yamldoc.NewStream(f.Path, bytes.NewBuffer(data), w)
	var errs []error
	kept, removed := 0, false
	for {
		yd, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			break
		}
		mf := &ManifestFile{OutputFile: f, file: yd.File(), o: o, streamed: true}
		if err := fn(&Document{File: f, doc: yd, mf: mf}); err != nil {
			errs = append(errs, err)
		}
		if err := mf.applyRemovals(); err != nil {
			errs = append(errs, err)
		}
		if !write && (yd.Changed() || len(yd.File().Docs()) == 0) {
			errs = append(errs, Errorf(Location{File: f.Path, Line: yd.Line()}, "document %d was edited during ReadDocuments, which saves nothing: edit it with EachDocument", yd.Index()+1))
		}
		if len(errs) > 0 {
			out.drop()
		}
		if len(yd.File().Docs()) == 0 {
			removed = true
		} else {
			kept++
		}
	}
	if len(errs) == 0 {
		if err := s.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		out.drop()
		return errors.Join(errs...)
	}
	if !write {
		return nil
	}
	if removed && kept == 0 {
		out.drop()
		return o.k.FS.Remove(f.Real)
	}
	return out.finish()
}

// changeWriter stages a file's new content only from the first byte that differs from what the
// file holds: while the documents come back as they were, it only compares, so an unchanged file
// is never rewritten; at the first difference it stages the file, the unchanged part first.
type changeWriter struct {
	o       *Output
	f       OutputFile
	src     []byte
	n       int // src[:n] came back unchanged
	w       io.WriteCloser
	bw      *bufio.Writer
	dropped bool
}

func (c *changeWriter) Write(b []byte) (int, error) {
	if c.dropped {
		return len(b), nil
	}
	if c.w == nil {
		if c.n+len(b) <= len(c.src) && bytes.Equal(b, c.src[c.n:c.n+len(b)]) {
			c.n += len(b)
			return len(b), nil
		}
		if err := c.open(); err != nil {
			return 0, err
		}
	}
	return c.bw.Write(b)
}

func (c *changeWriter) open() error {
	w, err := c.o.k.tx.Create(c.f.Real)
	if err != nil {
		return err
	}
	c.bw = writers.Get().(*bufio.Writer)
	c.w = w
	c.bw.Reset(w)
	_, err = c.bw.Write(c.src[:c.n])
	return err
}

// writers buffer the staged files, reused from file to file: a run that edits thousands of
// files would otherwise allocate a buffer for each.
var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}

// finish stages the file if it changed: a strict prefix of it (documents removed from its end)
// is a change too.
func (c *changeWriter) finish() error {
	if c.dropped {
		return nil
	}
	if c.w == nil {
		if c.n == len(c.src) {
			return nil
		}
		if err := c.open(); err != nil {
			return err
		}
	}
	err := c.bw.Flush()
	if cerr := c.w.Close(); err == nil {
		err = cerr
	}
	c.bw.Reset(nil)
	writers.Put(c.bw)
	c.w, c.bw = nil, nil
	return err
}

// drop gives the file up: nothing of it is saved. A staged file already opened is never closed,
// so the transaction never counts it (only a closed one is part of the run); what it holds is
// removed with the run's staging directory, and the collector closes its descriptor.
func (c *changeWriter) drop() {
	c.dropped, c.w, c.bw = true, nil, nil
}
