package labelinjector

import (
	"errors"
	"strings"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

var metadataLabels = path("metadata", "labels")

// injector labels the objects of one run and counts what it changed.
type injector struct {
	k    *sdk.Kratix
	cfg  *Config
	sets labelSets
	dirs map[string]bool

	objects, files, overrides int
	seq                       int        // counts the objects visited: tells them apart
	over                      overwrites // of the file being labelled
}

func (in *injector) file(f sdk.OutputFile) error {
	set := in.sets.Plain
	if in.inComponentDir(f.Name) {
		set = in.sets.Component
	}
	changed := false
	in.over = overwrites{}
	err := in.k.Output.EachDocumentOf(f.Name, func(d *sdk.Document) error {
		if d.NonObject() {
			in.k.ReportWarningf(d.At(), "not a Kubernetes object (no apiVersion or kind): left alone")
		}
		var errs []error
		for _, m := range d.Manifests() {
			in.seq++
			c, err := in.object(m, set)
			if err != nil {
				errs = append(errs, err)
			}
			if c {
				in.objects++
				changed = true
			}
		}
		return errors.Join(errs...)
	})
	if err != nil {
		return err
	}
	if changed {
		in.files++
	}
	in.over.report(in.k, f.Path)
	return nil
}

func (in *injector) inComponentDir(name string) bool {
	top, _, nested := strings.Cut(name, "/")
	return nested && in.dirs[top]
}

// object stamps set on one object: its metadata.labels, then the templates and selectors the
// settings include. It reports whether anything changed.
func (in *injector) object(m *sdk.Manifest, set []label) (bool, error) {
	changed := false
	var errs []error
	for _, base := range append([]fieldpath.Path{metadataLabels}, targets(m, in.cfg)...) {
		for _, l := range set {
			c, err := in.set(m, base, l)
			if err != nil {
				errs = append(errs, err)
				break // the same map would fail again for the next label
			}
			changed = changed || c
		}
	}
	return changed, errors.Join(errs...)
}

// set writes one label into the labels map at base, logging a value it overwrites.
func (in *injector) set(m *sdk.Manifest, base fieldpath.Path, l label) (bool, error) {
	p := base.Child(fieldpath.Key(l.Key))
	cur, err := m.LookupPath(p)
	had := err == nil
	if had && cur.Kind() == yamldoc.ScalarKind && cur.Tag() == "!!str" {
		if s, _ := cur.GetString(""); s == l.Value {
			return false, nil
		}
	}
	if err := m.SetPath(p, l.Value); err != nil {
		return false, err
	}
	if had {
		in.overrides++
		old, shown := oldValue(cur, maybeSecret(m))
		in.over.add(in.seq, maybeSecret(m), l, old, shown, sdk.Location{File: m.File.Path, Line: cur.Line(), Path: cur.Path().String()})
	}
	return true, nil
}
