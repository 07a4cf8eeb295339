package sdk

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// ManifestFile is a parsed YAML or JSON file of the output.
type ManifestFile struct {
	OutputFile
	file     *yamldoc.File
	o        *Output
	removals []*Manifest
	disk     []byte // the file's bytes as last read or written; nil once removed
	removed  bool
	streamed bool // one document of a file EachDocument reads, and saves
}

// Documents are the file's documents, including the ones that are not Kubernetes objects.
func (f *ManifestFile) Documents() []*yamldoc.Doc { return f.file.Docs() }

// Manifests lists the Kubernetes objects of the file: every document with an apiVersion and a
// kind, and the items of every *List kind (v1 List, ConfigMapList...) in place of the list, at
// any depth: a Service in a ServiceList in a List is a manifest, the ServiceList is not.
// Documents that are not objects are left out; see NonObjects.
func (f *ManifestFile) Manifests() []*Manifest {
	var out []*Manifest
	for _, d := range f.file.Docs() {
		root := d.Root()
		if d.Empty() || !isObject(root) {
			continue
		}
		out = f.collect(out, d, root, nil)
	}
	return out
}

// collect adds the object n, or the objects it lists, found at the list items at.
func (f *ManifestFile) collect(out []*Manifest, d *yamldoc.Doc, n yamldoc.Node, at []int) []*Manifest {
	kind, _ := n.GetString("kind")
	if !strings.HasSuffix(kind, "List") || !n.Has("items") {
		return append(out, &Manifest{Node: n, File: f, doc: d, items: at})
	}
	items, _ := n.Lookup("items")
	for i := 0; i < items.Len(); i++ {
		if it := items.Item(i); isObject(it) {
			out = f.collect(out, d, it, append(at[:len(at):len(at)], i))
		}
	}
	return out
}

// NonObjects lists the documents that hold a value but are not Kubernetes objects (no
// apiVersion or kind), with their lines, so a stage can warn about them.
func (f *ManifestFile) NonObjects() []Location {
	var out []Location
	for _, d := range f.file.Docs() {
		if !d.Empty() && !isObject(d.Root()) {
			out = append(out, Location{File: f.Path, Line: d.Line()})
		}
	}
	return out
}

func isObject(n yamldoc.Node) bool {
	if n.Kind() != yamldoc.MapKind {
		return false
	}
	av, err1 := n.GetString("apiVersion")
	k, err2 := n.GetString("kind")
	return err1 == nil && err2 == nil && av != "" && k != ""
}

// Changed reports whether an edit or removal is pending: whether Save would write.
func (f *ManifestFile) Changed() bool {
	if len(f.removals) > 0 {
		return true
	}
	if !f.file.Changed() {
		return false
	}
	if len(f.file.Docs()) == 0 {
		return !f.removed
	}
	data, err := f.file.Bytes()
	return err != nil || !bytes.Equal(data, f.disk)
}

// Save writes the file if it changed: edited documents spliced, other documents byte for byte.
// A file left with no document is removed. It reports whether anything was written.
//
// The File of a Manifest that EachDocument or EachDocumentOf visit holds that one document,
// and the file is saved by them: Save is an error.
func (f *ManifestFile) Save() (bool, error) {
	if f.streamed {
		return false, Errorf(Location{File: f.Path}, "Save: the file is saved by EachDocument, which visits it one document at a time")
	}
	if err := f.applyRemovals(); err != nil {
		return false, err
	}
	if !f.file.Changed() {
		return false, nil
	}
	if len(f.file.Docs()) == 0 {
		if f.removed {
			return false, nil
		}
		if err := f.o.k.FS.Remove(f.Real); err != nil {
			return false, err
		}
		f.removed, f.disk = true, nil
		return true, nil
	}
	data, err := f.file.Bytes()
	if err != nil {
		return false, err
	}
	// An edit that gives back the same bytes (a label set to the value it had), or a second
	// Save with no new edit, writes nothing: unchanged files are never rewritten.
	if !f.removed && bytes.Equal(data, f.disk) {
		return false, nil
	}
	if err := f.o.k.FS.WriteFile(f.Real, data); err != nil {
		return false, err
	}
	f.removed, f.disk = false, data
	return true, nil
}

func (f *ManifestFile) applyRemovals() error {
	// Remove list items from the last to the first so earlier indexes stay valid, at every
	// depth: items[1].items[3] before items[1].items[0], both before items[0].
	sort.SliceStable(f.removals, func(i, j int) bool {
		a, b := f.removals[i], f.removals[j]
		if a.doc.Index() != b.doc.Index() {
			return a.doc.Index() > b.doc.Index()
		}
		return slices.Compare(a.items, b.items) > 0
	})
	var errs []error
	for _, m := range f.removals {
		if len(m.items) == 0 {
			m.doc.Remove()
			continue
		}
		if _, err := m.doc.Root().Delete(m.itemsPath()); err != nil {
			errs = append(errs, err)
		}
	}
	f.removals = nil
	return errors.Join(errs...)
}

// Manifest is one Kubernetes object in an output file: a document, or an item of a *List. The
// embedded Node reads and edits it by path (Set, Delete, GetString...); edits are saved with
// the file.
type Manifest struct {
	yamldoc.Node
	File  *ManifestFile
	doc   *yamldoc.Doc
	items []int // indexes in the items of the *Lists holding it, outermost first
}

// Document is the manifest's document index in its file, from 0.
func (m *Manifest) Document() int { return m.doc.Index() }

// ListItem is the manifest's index in the items of the *List holding it, or -1 for a whole
// document.
func (m *Manifest) ListItem() int {
	if len(m.items) == 0 {
		return -1
	}
	return m.items[len(m.items)-1]
}

// ListItems is where the manifest sits in nested *Lists, outermost first: [2] is items[2] of the
// document, [2 0] is items[0] of the list at items[2]; empty for a whole document. With Document
// it tells apart every manifest of a file.
func (m *Manifest) ListItems() []int { return slices.Clone(m.items) }

// itemsPath is the manifest's path from its document's root: items[2].items[0].
func (m *Manifest) itemsPath() string {
	var b strings.Builder
	for i, it := range m.items {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprintf(&b, "items[%d]", it)
	}
	return b.String()
}

// At is where the manifest is: its file and first line.
func (m *Manifest) At() Location { return Location{File: m.File.Path, Line: m.Line()} }

// AtPath is where a field of the manifest is, for messages: the line of its key when it exists,
// else the line of its closest parent that does (so "spec.replicas: not set" points at the
// "spec:" line). Object.AtPath follows the same rule.
func (m *Manifest) AtPath(path string) Location { return fieldAt(m.File.Path, m.Node, path) }

// fieldAt is the location of the field at path of n, in file (see yamldoc's LineOf).
func fieldAt(file string, n yamldoc.Node, path string) Location {
	return Location{File: file, Line: n.LineOf(path), Path: path}
}

func (m *Manifest) str(path string) string {
	s, _ := m.GetString(path)
	return s
}

// APIVersion is the object's apiVersion.
func (m *Manifest) APIVersion() string { return m.str("apiVersion") }

// Kind is the object's kind.
func (m *Manifest) Kind() string { return m.str("kind") }

// Group is the API group of the object ("" for the core group).
func (m *Manifest) Group() string {
	av := m.APIVersion()
	if i := strings.LastIndexByte(av, '/'); i >= 0 {
		return av[:i]
	}
	return ""
}

// Name is metadata.name.
func (m *Manifest) Name() string { return m.str("metadata.name") }

// Namespace is metadata.namespace ("" when unset).
func (m *Manifest) Namespace() string { return m.str("metadata.namespace") }

// Is reports whether the object has this group and kind ("" is the core group).
func (m *Manifest) Is(group, kind string) bool { return m.Kind() == kind && m.Group() == group }

// Labels reads metadata.labels (nil when there are none or they are not a map of strings).
func (m *Manifest) Labels() map[string]string {
	l, _ := m.GetStringMap("metadata.labels")
	return l
}

// Annotations reads metadata.annotations.
func (m *Manifest) Annotations() map[string]string {
	a, _ := m.GetStringMap("metadata.annotations")
	return a
}

// Label is the value of one label, and whether the object has it. A value that is not a string
// (which the API server refuses) reads as it is written: 1 as "1", null as "".
func (m *Manifest) Label(key string) (string, bool) { return stringAt(m.Node, labelPath(key)) }

// Annotation is the value of one annotation, and whether the object has it (see Label).
func (m *Manifest) Annotation(key string) (string, bool) {
	return stringAt(m.Node, annotationPath(key))
}

// SetLabel sets one label, keeping the others, as Node.Set does (Label reads the value it
// replaces, if a caller wants to report it). A key is a key, never parsed as a path: it holds
// dots and slashes (app.kubernetes.io/name).
func (m *Manifest) SetLabel(key, value string) error { return m.SetPath(labelPath(key), value) }

// SetAnnotation sets one annotation, keeping the others (see SetLabel).
func (m *Manifest) SetAnnotation(key, value string) error {
	return m.SetPath(annotationPath(key), value)
}

// DeleteLabel removes one label, keeping the others, and reports whether it was there, as
// Node.Delete does: a missing label is not an error, and changes nothing. Through an alias or a
// "<<" merge key it removes the label from what Kubernetes reads: the alias becomes a copy
// without the label, a merged map loses the key (copied first when other maps share it).
func (m *Manifest) DeleteLabel(key string) (bool, error) { return m.DeletePath(labelPath(key)) }

// DeleteAnnotation removes one annotation, keeping the others (see DeleteLabel).
func (m *Manifest) DeleteAnnotation(key string) (bool, error) {
	return m.DeletePath(annotationPath(key))
}

// labelPath and annotationPath are built from keys, never parsed: a key holds dots and slashes
// (app.kubernetes.io/name).
func labelPath(key string) fieldpath.Path {
	return fieldpath.Path{fieldpath.Key("metadata"), fieldpath.Key("labels"), fieldpath.Key(key)}
}

func annotationPath(key string) fieldpath.Path {
	return fieldpath.Path{fieldpath.Key("metadata"), fieldpath.Key("annotations"), fieldpath.Key(key)}
}

// stringAt reads the value at p as a string, for Label and Annotation: a string as it is, any
// other scalar as it reads ("1" for 1), null as "" (what it decodes to in a map of strings).
func stringAt(n yamldoc.Node, p fieldpath.Path) (string, bool) {
	cur, err := n.LookupPath(p)
	if err != nil {
		return "", false
	}
	if cur.Tag() == "!!null" {
		return "", true
	}
	if s, err := cur.GetString(""); err == nil {
		return s, true
	}
	if v, err := cur.Value(); err == nil {
		return fmt.Sprint(v), true
	}
	return "", true
}

// Remove drops the object from its file when the file is saved: its document (the other
// documents keep their bytes), or its item of a *List. A file left with no document is removed.
func (m *Manifest) Remove() { m.File.removals = append(m.File.removals, m) }
