package sdk

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

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

// Selectors is the destination-selectors file. Every rule the work-writer enforces
// (docs/contract.md#selector-rules) is checked when the file is read or added to, naming the entry.
type Selectors struct {
	k     *Kratix
	added map[string]bool // directories this run added, checked to exist at the end of the run
}

// Read returns the selectors written so far, validated. A missing or empty file means none.
func (s *Selectors) Read() ([]Selector, error) {
	m, err := s.k.readMeta(SelectorsFile)
	if err != nil {
		return nil, err
	}
	_, root := m.first()
	return parseSelectors(root)
}

func parseSelectors(root yamldoc.Node) ([]Selector, error) {
	if !root.Exists() || root.Kind() == yamldoc.ScalarKind && root.Tag() == "!!null" {
		return nil, nil
	}
	if root.Kind() != yamldoc.SeqKind {
		return nil, Errorf(Location{File: SelectorsFile, Line: root.Line()}, "is a %s; the work-writer needs a list of selectors (- matchLabels: {...})", root.Kind())
	}
	var out []Selector
	var errs []error
	for i := 0; i < root.Len(); i++ {
		it := root.Item(i)
		at := Location{File: SelectorsFile, Line: it.Line(), Path: fmt.Sprintf("[%d]", i)}
		if it.Kind() != yamldoc.MapKind {
			errs = append(errs, Errorf(at, "must be a map with matchLabels, got a %s", it.Kind()))
			continue
		}
		var sel Selector
		if it.Has("directory") {
			d, err := it.Get("directory")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if d != nil {
				sel.Directory = fmt.Sprint(d)
			}
		}
		if it.Has("matchLabels") {
			ml, err := it.GetMap("matchLabels")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			sel.MatchLabels = make(map[string]string, len(ml))
			for k, v := range ml {
				// The work-writer turns scalar values into strings; so does this.
				sel.MatchLabels[k] = scalarString(v)
			}
		}
		out = append(out, sel)
	}
	if err := checkSelectors(out); err != nil {
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

func scalarString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// normalizeDirectory applies the work-writer's rules: "", "." mean the default group; "foo",
// "foo/" and "./foo" mean foo; anything with more than one segment is an error.
func normalizeDirectory(dir string) (string, error) {
	d := strings.TrimPrefix(dir, "./")
	d = strings.TrimSuffix(d, "/")
	if d == "." {
		d = ""
	}
	if strings.HasPrefix(dir, "/") || strings.Contains(d, "/") || d == ".." || strings.ContainsAny(d, "\\\x00") {
		return "", fmt.Errorf("directory %q must be one top-level directory of /kratix/output (like platform), not a path", dir)
	}
	return d, nil
}

func checkSelectors(sels []Selector) error {
	var errs []error
	seen := map[string]int{}
	for i := range sels {
		at := Location{File: SelectorsFile, Path: fmt.Sprintf("[%d]", i)}
		d, err := normalizeDirectory(sels[i].Directory)
		if err != nil {
			errs = append(errs, Errorf(at, "%v", err))
			continue
		}
		sels[i].Directory = d
		if len(sels[i].MatchLabels) == 0 {
			errs = append(errs, Errorf(at, "has no matchLabels: every selector needs at least one label"))
		}
		if j, dup := seen[d]; dup {
			what := fmt.Sprintf("directory %q", d)
			if d == "" {
				what = "the default group (no directory)"
			}
			errs = append(errs, Errorf(at, "names %s again (already in entry [%d]): the work-writer allows one entry per directory", what, j))
			continue
		}
		seen[d] = i
	}
	return errors.Join(errs...)
}

// Add merges selectors into the file: an entry for a directory already there gets its labels
// merged (a label with another value is an error, not an override), a new directory is
// appended. Directories must exist in the output when the run ends; the run checks that.
func (s *Selectors) Add(sels ...Selector) error {
	m, err := s.k.readMeta(SelectorsFile)
	if err != nil {
		return err
	}
	doc, root := m.first()
	cur, err := parseSelectors(root)
	if err != nil {
		return err
	}
	add := append([]Selector(nil), sels...)
	for i := range add {
		add[i].MatchLabels = copyLabels(add[i].MatchLabels)
	}
	if err := checkSelectors(add); err != nil {
		return err
	}
	var errs []error
	for _, a := range add {
		merged := false
		for i := range cur {
			if cur[i].Directory != a.Directory {
				continue
			}
			merged = true
			for _, k := range sortedKeys(a.MatchLabels) {
				if old, ok := cur[i].MatchLabels[k]; ok && old != a.MatchLabels[k] {
					errs = append(errs, Errorf(Location{File: SelectorsFile, Path: fmt.Sprintf("[%d].matchLabels.%s", i, k)}, "is %q (written by an earlier stage); refusing to change it to %q", old, a.MatchLabels[k]))
					continue
				}
				cur[i].MatchLabels[k] = a.MatchLabels[k]
			}
		}
		if !merged {
			cur = append(cur, a)
		}
		if a.Directory != "" {
			if s.added == nil {
				s.added = map[string]bool{}
			}
			s.added[a.Directory] = true
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	list := make([]any, len(cur))
	for i, c := range cur {
		e := map[string]any{"matchLabels": c.MatchLabels}
		if c.Directory != "" {
			e["directory"] = c.Directory
		}
		list[i] = e
	}
	if doc == nil {
		return Errorf(Location{File: SelectorsFile}, "internal error: no document")
	}
	if err := doc.Root().Set("", list); err != nil {
		return err
	}
	return m.save()
}

func copyLabels(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CheckDirectories verifies that every directory named by a selector this run added exists in
// the output: the work-writer fails the pipeline otherwise. Stage.Execute calls it at the end of
// a run.
func (s *Selectors) CheckDirectories() error {
	dirs := make([]string, 0, len(s.added))
	for d := range s.added {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var errs []error
	for _, d := range dirs {
		name := "output/" + d
		real, err := fsys.Resolve(s.k.FS, "output", name)
		if err == nil {
			var fi fs.FileInfo
			if fi, err = s.k.FS.Lstat(real); err == nil && !fi.IsDir() {
				err = fmt.Errorf("is not a directory")
			}
		}
		if err != nil {
			errs = append(errs, Errorf(Location{File: SelectorsFile}, "directory %q has no /kratix/output/%s: write files there or drop the selector (the work-writer fails on a missing directory)", d, d))
		}
	}
	return errors.Join(errs...)
}
