package secretforbidder

import (
	"bytes"
	"io"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// streamAbove is the size above which a manifest file is read one document at a time, so that
// memory holds one document's tree, not the file's. Kubernetes stores no object over about
// 1.5 MB: a file larger than this is many documents. Smaller files are parsed whole, which
// costs less CPU than streaming them. Tests lower it to stream every file.
var streamAbove int64 = 4 << 20

// scan lists the forbidden objects of a manifest file, in document order. Every document is
// parsed, so a malformed one fails the file as it always did (a malformed manifest stops the
// pipeline, docs/design.md); the detector walks only the documents whose bytes may spell a
// forbidden kind (mayHold). A kustomization is always walked: its secretGenerator names no kind.
//
// mf is the parsed file, or nil when the file was streamed (MODE=remove opens it again to edit
// it). Errors are the ones Output.Open reports, and a streamed file's findings are dropped when
// a later document fails, as a whole parse would.
func (d detector) scan(k *sdk.Kratix, f sdk.OutputFile, kustomization bool) (_ []finding, mf *sdk.ManifestFile, _ error) {
	if kustomization || f.Size <= streamAbove {
		mf, err := k.Output.Open(f.Name)
		if err != nil {
			return nil, nil, err
		}
		docs := mf.Documents()
		if !kustomization {
			docs = d.candidates(docs)
		}
		return d.file(docs, kustomization), mf, nil
	}
	data, err := k.Output.Read(f.Name)
	if err != nil {
		_, err = k.Output.Open(f.Name) // the error every stage reports for an unreadable file
		return nil, nil, err
	}
	s := yamldoc.NewStream(f.Path, bytes.NewBuffer(data), nil) // a Buffer is parsed in place, not copied
	var out []finding
	one := make([]*yamldoc.Doc, 1)
	for {
		doc, err := s.Next()
		if err == io.EOF {
			return out, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		one[0] = doc
		out = append(out, d.file(d.candidates(one), false)...)
	}
}

// candidates are the documents the detector must walk: those that may spell a forbidden kind.
func (d detector) candidates(docs []*yamldoc.Doc) []*yamldoc.Doc {
	out := docs[:0:0]
	for _, doc := range docs {
		if d.p.mayHold(doc.Source()) {
			out = append(out, doc)
		}
	}
	return out
}
