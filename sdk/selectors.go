package sdk

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Selector is one entry of /kratix/metadata/destination-selectors.yaml:
//
//   - matchLabels: {environment: dev}     # no directory: the default group
//   - directory: platform                 # one top-level directory of /kratix/output
//     matchLabels: {environment: platform}
type Selector struct {
	Directory   string            `json:"directory,omitempty"`
	MatchLabels map[string]string `json:"matchLabels"`
}

// Selectors is the destination-selectors file. It is read as the work-writer reads it, and every
// rule the work-writer enforces (docs/contract.md#destination-selectors) is checked when the
// file is read or added to, naming file, line and field; that the directories exist is checked
// when the run ends (CheckDirectories).
type Selectors struct {
	k      *Kratix
	warned map[string]bool
}

// Read returns the selectors written so far, as the work-writer reads them: label values that
// are numbers, booleans or null become strings (an unquoted yes is "true"), a duplicate key's
// last value counts, and a directory is cleaned to one name ("./foo/" is "foo"; "" is the
// default group). A missing or empty file, or a null document, means none.
func (s *Selectors) Read() ([]Selector, error) {
	m, err := s.k.readMeta(SelectorsFile)
	if err != nil {
		return nil, err
	}
	_, sels, err := s.current(m)
	return sels, err
}

// readSelectorsYAML reads the file as the work-writer does: sigs.k8s.io/yaml into a list of its
// selector type, whose field names match case-insensitively and whose label values are strings.
func readSelectorsYAML(data []byte) (any, error) {
	var sels []Selector
	err := sigsyaml.Unmarshal(data, &sels)
	return sels, err
}

// current is the file as written (directories as they are spelled) and as read (cleaned),
// checked against the work-writer's rules.
func (s *Selectors) current(m *metaFile) (raw, sels []Selector, err error) {
	if s.warned == nil {
		s.warned = map[string]bool{}
	}
	v, err := m.read(readSelectorsYAML, func(doc any) error { return explainSelectors(m, doc) })
	if err != nil {
		return nil, nil, err
	}
	m.warnLaterDocuments(s.warned)
	raw = v.([]Selector)
	var errs []error
	seen := map[string]int{}
	for i, e := range raw {
		entry := fieldpath.Path{fieldpath.Index(i)}
		dir, err := s.cleanDirectory(e.Directory, m.at(entry.Child(fieldpath.Key("directory"))))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(e.MatchLabels) == 0 {
			errs = append(errs, Errorf(m.at(entry), "has no matchLabels: every selector needs at least one label"))
		}
		if j, dup := seen[dir]; dup {
			what := fmt.Sprintf("directory %q", dir)
			if dir == "" {
				what = "the default group (no directory)"
			}
			errs = append(errs, Errorf(m.at(entry), "names %s again (already in entry [%d]): the work-writer allows one entry per directory", what, j))
			continue
		}
		seen[dir] = i
		sels = append(sels, Selector{Directory: dir, MatchLabels: e.MatchLabels})
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return raw, sels, nil
}

// explainSelectors says which field made the work-writer's decoding fail.
func explainSelectors(m *metaFile, doc any) error {
	list, ok := doc.([]any)
	if !ok {
		if doc == nil {
			return nil
		}
		return Errorf(Location{File: m.name, Line: m.line(nil)}, "is %s; the work-writer needs a list of selectors (- matchLabels: {...})", yamldoc.TypeName(doc))
	}
	var errs []error
	for i, item := range list {
		entry := fieldpath.Path{fieldpath.Index(i)}
		e, ok := item.(map[string]any)
		if !ok {
			if item != nil {
				errs = append(errs, Errorf(m.at(entry), "must be a map with matchLabels, got %s", yamldoc.TypeName(item)))
			}
			continue
		}
		for _, k := range sortedKeys(e) {
			field, v := entry.Child(fieldpath.Key(k)), e[k]
			switch {
			case strings.EqualFold(k, "matchLabels"):
				labels, isMap := v.(map[string]any)
				if !isMap && v != nil {
					errs = append(errs, Errorf(m.at(field), "must be a map of labels, got %s", yamldoc.TypeName(v)))
				}
				for _, l := range sortedKeys(labels) {
					if isCollection(labels[l]) {
						errs = append(errs, Errorf(m.at(field.Child(fieldpath.Key(l))), "a label value must be a string (a number, boolean or null becomes one), got %s", yamldoc.TypeName(labels[l])))
					}
				}
			case strings.EqualFold(k, "directory") && isCollection(v):
				errs = append(errs, Errorf(m.at(field), "must be a directory name, got %s", yamldoc.TypeName(v)))
			}
		}
	}
	return errors.Join(errs...)
}

// cleanDirectory reads a selector's directory as the work-writer does (SelectorDirectory), the
// error at its location, and warns once per place about a directory of "/".
func (s *Selectors) cleanDirectory(dir string, at Location) (string, error) {
	c, err := SelectorDirectory(dir)
	if err != nil {
		return "", Errorf(at, "%v", err)
	}
	if c == "/" {
		if key := at.String(); !s.warned[key] {
			s.warned[key] = true
			s.k.ReportWarningf(at, "%q names all of /kratix/output: Kratix ships every file in this group and again in the default group", dir)
		}
	}
	return c, nil
}

// SelectorDirectory is the directory of a destination selector as the work-writer reads it
// (docs/contract.md#selector-rules): cleaned like filepath.Clean, it must be one path segment,
// so "foo", "foo/", "./foo", "foo//" and "foo/." are all "foo", "foo/../bar" is "bar", and "a\b"
// is one segment. "", "." and whatever cleans to "." name the default group, returned as "";
// "/" names all of /kratix/output and is returned as "/". "foo/bar" and "/foo" are errors, and
// so is "..", which the work-writer accepts although it ships files from outside
// /kratix/output. The error says why, quoting dir; the caller says where dir came from.
//
// Selectors.Read and Selectors.Add read every directory this way; a setting that names a
// directory of the output for a selector reads it with ComponentDirectory.
func SelectorDirectory(dir string) (string, error) {
	c := path.Clean(dir)
	switch {
	case c == ".":
		return "", nil
	case c == "..":
		return "", fmt.Errorf("%q leaves /kratix/output: Kratix would ship files from outside it, so stagekit refuses it on purpose", dir)
	case path.Base(c) != c:
		return "", fmt.Errorf("%q must be one top-level directory of /kratix/output (like platform), not a path", dir)
	}
	return c, nil
}

// ComponentDirectory is SelectorDirectory for a directory a stage must name: one top-level
// directory of /kratix/output that it writes to or reads as a group of its own, such as the
// sub-requests of a compound Promise that a selector sends to the platform cluster. Spelled any
// way the work-writer accepts ("platform/", "./platform"), it is returned as the selector reads
// it ("platform"), so that it matches the first element of an output file's name. The default
// group ("", "."), all of the output ("/") and a name with a backslash (which the SDK's file
// system refuses, see fsys.CheckName) are errors.
func ComponentDirectory(dir string) (string, error) {
	c, err := SelectorDirectory(dir)
	switch {
	case err != nil:
		return "", err
	case c == "":
		return "", fmt.Errorf("%q names no directory (it is the default group): give one top-level directory of /kratix/output, like platform", dir)
	case c == "/":
		return "", fmt.Errorf("%q names all of /kratix/output: give one top-level directory of it, like platform", dir)
	case strings.Contains(c, `\`):
		return "", fmt.Errorf("%q holds a backslash: stagekit reads and writes no file there (give a plain directory name, like platform)", dir)
	}
	return c, nil
}

// Add merges selectors into the file: an entry for a directory already there (however it is
// spelled) gets its labels merged, a label with another value being an error, not an override;
// a new directory is appended. Entries and labels not changed keep their bytes, and what an
// earlier stage wrote keeps the value Kratix read. Directories must exist in the output when the
// run ends; the run checks that.
func (s *Selectors) Add(sels ...Selector) error {
	if s.warned == nil {
		s.warned = map[string]bool{}
	}
	var errs []error
	adds := make([]Selector, 0, len(sels))
	for _, a := range sels {
		dir, err := s.cleanDirectory(a.Directory, Location{File: SelectorsFile, Path: "directory"})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(a.MatchLabels) == 0 {
			errs = append(errs, Errorf(Location{File: SelectorsFile, Path: "matchLabels"}, "is empty: every selector needs at least one label"))
			continue
		}
		adds = append(adds, Selector{Directory: dir, MatchLabels: a.MatchLabels})
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	m, err := s.k.readMeta(SelectorsFile)
	if err != nil {
		return err
	}
	raw, _, err := s.current(m)
	if err != nil {
		return err
	}
	want := make([]Selector, len(raw), len(raw)+len(adds))
	for i, e := range raw {
		want[i] = Selector{Directory: e.Directory, MatchLabels: copyLabels(e.MatchLabels)}
	}
	for _, a := range adds {
		j := 0
		for j < len(want) && selectorDirectory(want[j].Directory) != a.Directory {
			j++
		}
		if j == len(want) {
			want = append(want, Selector{Directory: a.Directory, MatchLabels: copyLabels(a.MatchLabels)})
			continue
		}
		for _, k := range sortedKeys(a.MatchLabels) {
			if old, ok := want[j].MatchLabels[k]; ok && old != a.MatchLabels[k] {
				errs = append(errs, Errorf(m.at(fieldpath.Path{fieldpath.Index(j), fieldpath.Key("matchLabels"), fieldpath.Key(k)}), "is %q (written by an earlier stage); refusing to change it to %q", old, a.MatchLabels[k]))
				continue
			}
			want[j].MatchLabels[k] = a.MatchLabels[k]
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if reflect.DeepEqual(raw, want) {
		return nil
	}
	return m.write(want, readSelectorsYAML, selectorsEdit(raw, want, true), selectorsEdit(raw, want, false))
}

// selectorDirectory is SelectorDirectory of a directory already checked (an entry of the file).
func selectorDirectory(dir string) string {
	c, _ := SelectorDirectory(dir)
	return c
}

// selectorsEdit appends new entries and, labelwise, adds the new labels of an existing entry one
// by one, or else writes each changed entry whole.
func selectorsEdit(raw, want []Selector, labelwise bool) edit {
	entry := func(s Selector) map[string]any {
		e := map[string]any{"matchLabels": s.MatchLabels}
		if s.Directory != "" {
			e["directory"] = s.Directory
		}
		return e
	}
	return func(root yamldoc.Node) error {
		if !root.Exists() || root.Kind() == yamldoc.ScalarKind && root.Tag() == "!!null" {
			list := make([]any, len(want))
			for i, s := range want {
				list[i] = entry(s)
			}
			return root.Set("", list)
		}
		for i, s := range want {
			at := fieldpath.Path{fieldpath.Index(i)}
			switch {
			case i < len(raw) && reflect.DeepEqual(raw[i], s):
				continue
			case i < len(raw) && labelwise:
				for _, k := range sortedKeys(s.MatchLabels) {
					if old, ok := raw[i].MatchLabels[k]; ok && old == s.MatchLabels[k] {
						continue
					}
					if err := root.SetPath(at.Child(fieldpath.Key("matchLabels"), fieldpath.Key(k)), s.MatchLabels[k]); err != nil {
						return err
					}
				}
				continue
			}
			if err := root.SetPath(at, entry(s)); err != nil {
				return err
			}
		}
		return nil
	}
}

func copyLabels(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CheckDirectories checks output/ the way the work-writer will walk it when the pipeline ends,
// whatever stage wrote what: every directory a selector names exists there, and no symlink
// breaks the walk (the work-writer reads a symlink as a file, so a link to a directory or a
// dangling link fails it; a link out of output/ would ship a file from elsewhere, which stagekit
// refuses on purpose), nor a named pipe, a socket or a device (reading a named pipe would hang
// it). The work-writer does not walk output/ in a delete workflow, nor when
// workflow control suspends or retries the pipeline; neither does this. Stage.Execute calls it
// at the end of a run.
func (s *Selectors) CheckDirectories() error {
	if s.k.Env.IsDelete() {
		return nil
	}
	m, err := s.k.readMeta(SelectorsFile)
	if err != nil {
		return err
	}
	_, sels, err := s.current(m)
	if err != nil {
		return err
	}
	ctl, err := s.k.Control.Read()
	if err != nil {
		return err
	}
	if ctl.Suspend || ctl.Retry {
		return nil
	}
	root, err := fsys.Resolve(s.k.FS, "output", "output")
	if err != nil {
		return err
	}
	top, err := s.k.FS.ReadDir(root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Errorf(Location{File: "output"}, "cannot read: %v", unwrapPath(err))
	}
	var errs []error
	for i, sel := range sels {
		if sel.Directory == "" || sel.Directory == "/" {
			continue
		}
		found := false
		for _, e := range top {
			found = found || e.Name() == sel.Directory && (e.IsDir() || e.Type()&fs.ModeSymlink != 0)
		}
		if !found {
			errs = append(errs, Errorf(m.at(fieldpath.Path{fieldpath.Index(i), fieldpath.Key("directory")}), "%q has no /kratix/output/%s: write files there or drop the selector (the work-writer fails on a missing directory)", sel.Directory, sel.Directory))
		}
	}
	errs = append(errs, s.walkOutput(root, "output", top)...)
	return errors.Join(errs...)
}

// walkOutput finds the symlinks that break the work-writer's walk under dir (shown as shown).
func (s *Selectors) walkOutput(dir, shown string, entries []fs.DirEntry) []error {
	var errs []error
	for _, e := range entries {
		if fsys.IsTemp(e.Name()) {
			continue
		}
		name, real := shown+"/"+e.Name(), dir+"/"+e.Name()
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			if err := s.checkLink(name); err != nil {
				errs = append(errs, err)
			}
		case e.IsDir():
			sub, err := s.k.FS.ReadDir(real)
			if err != nil {
				// A name the SDK cannot address (a backslash in it) is no problem for Kratix.
				if !errors.Is(err, fs.ErrInvalid) {
					errs = append(errs, Errorf(Location{File: name}, "cannot read: %v", unwrapPath(err)))
				}
				continue
			}
			errs = append(errs, s.walkOutput(real, name, sub)...)
		default:
			// The work-writer reads every file: a named pipe would hang it.
			if err := fsys.CheckType(name, e.Type()); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

func (s *Selectors) checkLink(name string) error {
	real, err := fsys.Resolve(s.k.FS, "output", name)
	var esc *fsys.EscapeError
	switch {
	case errors.As(err, &esc):
		return Errorf(Location{File: name}, "symlink resolves to %s, outside /kratix/output: Kratix would ship that file, so stagekit refuses a link out of the output on purpose", esc.Target)
	case errors.Is(err, fs.ErrInvalid):
		return nil
	case err != nil:
		return Errorf(Location{File: name}, "%v", unwrapPath(err))
	}
	fi, err := s.k.FS.Lstat(real)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Errorf(Location{File: name}, "dangling symlink: the work-writer fails when it reads it; remove it or point it at a file")
	case err != nil:
		return Errorf(Location{File: name}, "cannot read: %v", unwrapPath(err))
	case fi.IsDir():
		return Errorf(Location{File: name}, "symlink to a directory: the work-writer reads every symlink as a file and fails on this one (is a directory); put the files in output/ instead of linking their directory")
	}
	return fsys.CheckType(name, fi.Mode())
}
