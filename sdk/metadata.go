package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// metaFile is a parsed metadata file, read fresh for every change so that what earlier stages
// (or earlier calls) wrote is merged, never clobbered.
type metaFile struct {
	k    *Kratix
	name string // metadata/status.yaml
	real string
	file *yamldoc.File
}

func (k *Kratix) readMeta(name string) (*metaFile, error) {
	real, err := fsys.Resolve(k.FS, "metadata", name)
	if err != nil {
		return nil, err
	}
	data, err := k.FS.ReadFile(real)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, Errorf(Location{File: name}, "cannot read: %v", unwrapPath(err))
	}
	f, err := yamldoc.Parse(name, data)
	if err != nil {
		return nil, err
	}
	return &metaFile{k: k, name: name, real: real, file: f}, nil
}

// first is the first document's root; Kratix reads only that one.
func (m *metaFile) first() (*yamldoc.Doc, yamldoc.Node) {
	docs := m.file.Docs()
	if len(docs) == 0 {
		return nil, yamldoc.Node{}
	}
	return docs[0], docs[0].Root()
}

func (m *metaFile) save() error {
	if !m.file.Changed() {
		return nil
	}
	data, err := m.file.Bytes()
	if err != nil {
		return err
	}
	return m.k.FS.WriteFile(m.real, data)
}

// generic turns any value into JSON-shaped Go values (maps, lists, json.Number...), so rules are
// checked the same whether a stage passes a struct, a map or a yamldoc node.
func generic(v any) (any, error) {
	if n, ok := v.(yamldoc.Node); ok {
		return n.Value()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	err = dec.Decode(&out)
	return out, err
}
