package secretforbidder

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// remove deletes the offending objects of one file (MODE=remove) and saves it: the other
// documents keep their bytes, a file left with no document is removed, and so are the symlinks
// that led to it (names: every name the file is reached by; a dangling link would fail the
// work-writer). Each removal is logged, as a warning, when the run commits. It reports whether
// the file changed.
func remove(k *sdk.Kratix, mf *sdk.ManifestFile, found []finding, names []string) (bool, error) {
	if err := removeFrom(mf, found); err != nil {
		return false, err
	}
	wrote, err := mf.Save()
	if err != nil {
		return false, err
	}
	var errs []error
	if len(mf.Documents()) == 0 {
		for _, n := range names {
			if "output/"+n != mf.Real {
				if err := k.Output.Remove(n); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	for _, fd := range found {
		k.Change(sdk.Diagnostic{Severity: sdk.Warning, Location: sdk.Location{File: mf.Path, Line: fd.line}, Message: "removed " + fd.String()})
	}
	return wrote, errors.Join(errs...)
}

// removeFrom marks the findings' objects removed from their file: whole documents, *List items
// (a list left with no item goes too) and secretGenerator entries (an emptied secretGenerator
// goes too). Where an object cannot be cut out precisely (it comes through a merge key), its
// whole document is removed: the stage fails closed.
func removeFrom(mf *sdk.ManifestFile, found []finding) error {
	docs := map[int]*yamldoc.Doc{}
	for _, d := range mf.Documents() {
		docs[d.Index()] = d
	}
	byDoc := map[int][]finding{}
	var order []int
	for _, fd := range found {
		if _, ok := byDoc[fd.doc]; !ok {
			order = append(order, fd.doc)
		}
		byDoc[fd.doc] = append(byDoc[fd.doc], fd)
	}
	for _, i := range order {
		doc := docs[i]
		if doc == nil {
			return fmt.Errorf("%s: document %d vanished while removing it (this is a bug)", mf.Path, i+1)
		}
		ok, err := cutFrom(doc.Root(), byDoc[i])
		if err != nil {
			return err
		}
		if !ok {
			doc.Remove()
		}
	}
	return nil
}

// cutFrom deletes the findings from one document and reports whether the document keeps any
// content; false means the whole document must go.
func cutFrom(root yamldoc.Node, found []finding) (bool, error) {
	var items, entries []string
	for _, fd := range found {
		switch {
		case fd.inArray:
			return false, nil // an item of a bare array: the whole document goes
		case fd.entry >= 0:
			entries = append(entries, "secretGenerator["+strconv.Itoa(fd.entry)+"]")
		case len(fd.items) > 0:
			items = append(items, itemsPath(fd.items))
		default:
			return false, nil // the document itself is the object
		}
	}
	// Delete from the last index to the first so the earlier indexes stay valid.
	sort.Sort(sort.Reverse(byIndexes(items)))
	sort.Sort(sort.Reverse(byIndexes(entries)))
	for _, p := range append(items, entries...) {
		done, err := root.Delete(p)
		if err != nil {
			return false, err
		}
		if !done {
			return false, nil
		}
	}
	if len(items) > 0 {
		if l, ok := field(root, "items"); ok && l.Len() == 0 {
			return false, nil
		}
	}
	if len(entries) > 0 {
		if g, ok := field(root, "secretGenerator"); !ok || g.Kind() != yamldoc.SeqKind {
			return false, nil // not a list: nothing precise to cut
		} else if g.Len() == 0 {
			if _, err := root.Delete("secretGenerator"); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

func itemsPath(items []int) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString("items[" + strconv.Itoa(it) + "]")
	}
	return b.String()
}

// byIndexes orders paths like items[2].items[10] by their indexes, numerically.
type byIndexes []string

func (s byIndexes) Len() int      { return len(s) }
func (s byIndexes) Swap(i, j int) { s[i], s[j] = s[j], s[i] }
func (s byIndexes) Less(i, j int) bool {
	a, b := indexes(s[i]), indexes(s[j])
	for n := 0; n < len(a) && n < len(b); n++ {
		if a[n] != b[n] {
			return a[n] < b[n]
		}
	}
	return len(a) < len(b)
}

func indexes(p string) []int {
	var out []int
	for _, part := range strings.Split(p, "[")[1:] {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.SplitN(part, "]", 2)[0], ""))
		out = append(out, n)
	}
	return out
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
