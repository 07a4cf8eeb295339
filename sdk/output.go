package sdk

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Output is /kratix/output: what the work-writer ships to the destinations, byte for byte.
// Names given to its methods are relative to it ("app/deployment.yaml").
type Output struct{ k *Kratix }

// OutputFile is a regular file under /kratix/output.
type OutputFile struct {
	Name string // relative to the output directory: app/deploy.yaml
	Path string // relative to the kratix directory, as messages show it: output/app/deploy.yaml
	Real string // the file it reads through any symlink, relative to the kratix directory
	Size int64
}

// IsManifest reports whether the file is parsed for Kubernetes objects: .yaml, .yml and .json
// (but not .tf.json). Every other file (.tf, .md, ...) is shipped as is and never parsed.
func (f OutputFile) IsManifest() bool { return IsManifestName(f.Name) }

// IsManifestName reports whether a file name is one that holds manifests. Terraform's JSON
// syntax (*.tf.json) is JSON but never Kubernetes objects, so it is not parsed as manifests.
func IsManifestName(name string) bool {
	if strings.HasSuffix(strings.ToLower(name), ".tf.json") {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// Files lists every regular file under the output directory, recursively, in name order,
// through symlinks that stay inside it. A symlink escaping it, a loop or a dangling link is an
// error naming the link (the files that are fine are still returned). Leftover temporary files of
// a crashed earlier attempt are removed, so the work-writer never ships them.
func (o *Output) Files() ([]OutputFile, error) {
	o.sweep("output")
	entries, err := fsys.Walk(o.k.FS, "output")
	out := make([]OutputFile, 0, len(entries))
	for _, e := range entries {
		out = append(out, OutputFile{Name: strings.TrimPrefix(e.Name, "output/"), Path: e.Name, Real: e.Real, Size: e.Size})
	}
	return out, err
}

// sweep removes temporary files left by an interrupted atomic write.
func (o *Output) sweep(dir string) {
	ents, err := o.k.FS.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		name := dir + "/" + e.Name()
		switch {
		case fsys.IsTemp(name) && e.Type().IsRegular():
			_ = o.k.FS.Remove(name)
		case e.IsDir():
			o.sweep(name)
		}
	}
}

func (o *Output) name(name string) (string, error) {
	if err := fsys.CheckName(name); err != nil || name == "." {
		if err == nil {
			err = fmt.Errorf("%q is not a file name", name)
		}
		return "", Errorf(Location{File: "output/" + name}, "refused: %v", err)
	}
	return "output/" + name, nil
}

// Write writes a file (0644, parents 0755), staged until the run commits. The name cannot leave
// the output directory: an absolute name, "..", or a symlink resolving outside it is refused; a
// symlink inside it is written through and kept.
func (o *Output) Write(name string, data []byte) error {
	full, err := o.name(name)
	if err != nil {
		return err
	}
	return o.k.FS.WriteFile(full, data)
}

// Create starts writing a file as a stream, for a file too large to hold whole: what is written
// goes straight to the run's staging directory, and the file is part of the run once the writer
// is closed without error (then staged until the run commits, like Write).
func (o *Output) Create(name string) (io.WriteCloser, error) {
	full, err := o.name(name)
	if err != nil {
		return nil, err
	}
	return o.k.tx.Create(full)
}

// WriteObject writes one or more objects (Go values with json tags, maps, yamldoc nodes) as a
// YAML stream, or as JSON when the name ends in .json (one object).
func (o *Output) WriteObject(name string, objs ...any) error {
	data, err := Marshal(yamldoc.FormatOf(name), objs...)
	if err != nil {
		return Errorf(Location{File: "output/" + name}, "%v", err)
	}
	return o.Write(name, data)
}

// Read reads an output file.
func (o *Output) Read(name string) ([]byte, error) {
	full, err := o.name(name)
	if err != nil {
		return nil, err
	}
	real, err := fsys.Resolve(o.k.FS, "output", full)
	if err != nil {
		return nil, err
	}
	return o.k.FS.ReadFile(real)
}

// Remove deletes an output file; a missing one is not an error.
func (o *Output) Remove(name string) error {
	full, err := o.name(name)
	if err != nil {
		return err
	}
	err = o.k.FS.Remove(full)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Open parses an output manifest file for reading and editing.
func (o *Output) Open(name string) (*ManifestFile, error) {
	full, err := o.name(name)
	if err != nil {
		return nil, err
	}
	real, err := fsys.Resolve(o.k.FS, "output", full)
	if err != nil {
		return nil, err
	}
	return o.open(OutputFile{Name: name, Path: full, Real: real})
}

func (o *Output) open(f OutputFile) (*ManifestFile, error) {
	data, err := o.k.FS.ReadFile(f.Real)
	if err != nil {
		return nil, Errorf(Location{File: f.Path}, "cannot read: %v", unwrapPath(err))
	}
	doc, err := yamldoc.Parse(f.Path, data)
	if err != nil {
		return nil, err
	}
	return &ManifestFile{OutputFile: f, file: doc, o: o, disk: data}, nil
}

// EachManifestFile parses every manifest file of the output and calls fn with it, then saves
// the file if fn changed it. One file is held at a time, so memory stays bounded by the largest
// file, not the tree; what is saved is staged, so a run that fails (this call's error returned,
// or any other) leaves the output exactly as it was. Problems are errors naming file and line,
// all reported (joined) after every file was visited, so one run shows every problem; a file
// whose fn failed is not saved. Files reached through two symlinks are visited once.
//
// The whole file is parsed before fn sees it: a stage that needs one document at a time uses
// EachDocument, whose memory is bounded by the largest document.
func (o *Output) EachManifestFile(fn func(f *ManifestFile) error) error {
	files, err := o.ManifestFiles()
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, f := range files {
		mf, err := o.open(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := fn(mf); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, err := mf.Save(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// EachManifest calls fn for every Kubernetes object of the output (see ManifestFile.Manifests)
// and saves the files it changed.
func (o *Output) EachManifest(fn func(m *Manifest) error) error {
	return o.EachManifestFile(func(f *ManifestFile) error {
		var errs []error
		for _, m := range f.Manifests() {
			if err := fn(m); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
}

// unwrapPath drops the path an *fs.PathError or *fsys.Error repeats: the message that uses it
// already names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var fe *fsys.Error
	if errors.As(err, &fe) {
		return fe.Err
	}
	return err
}
