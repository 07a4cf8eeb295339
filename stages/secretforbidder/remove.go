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
// documents keep their bytes. A file left with no document stays, as an empty file: a
// kustomization's resources may list it, and a listed file that is missing fails every build of
// that directory, while kustomize, kubectl, Flux and Argo CD all read an empty file as no
// objects. Each removal is logged, as a warning, when the run commits. It reports whether the
// file changed.
func remove(k *sdk.Kratix, mf *sdk.ManifestFile, found []finding, kustomization bool) (bool, error) {
	whole, err := removeFrom(mf, found, kustomization)
	if err != nil {
		return false, err
	}
	for _, fd := range found {
		k.Change(sdk.Diagnostic{Severity: sdk.Warning, Location: sdk.Location{File: mf.Path, Line: fd.line}, Message: "removed " + fd.String()})
	}
	for _, d := range whole {
		k.Change(sdk.Diagnostic{Severity: sdk.Warning, Location: sdk.Location{File: mf.Path, Line: d.Line()},
			Message: fmt.Sprintf("removed the whole of document %d with it: the text of what it holds is shared through a YAML anchor, alias or merge key, so it cannot be cut out alone", d.Index()+1)})
	}
	if len(mf.Documents()) == 0 {
		// Written through any symlink to it, which stays valid.
		return true, k.Output.Write(mf.Name, nil)
	}
	return mf.Save()
}

// removeFrom marks the findings' objects removed from their file: whole documents, *List items
// (a list left with no item goes too) and secretGenerator entries. Where an object cannot be cut
// out cleanly (its text is shared through an anchor, an alias or a merge key), its whole
// document is removed: the stage fails closed. A kustomization is never removed whole, since
// an empty kustomization fails every build of its directory: such an entry is an error, to be
// removed by hand.
//
// It returns the documents removed whole although the findings were parts of them.
func removeFrom(mf *sdk.ManifestFile, found []finding, kustomization bool) ([]*yamldoc.Doc, error) {
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
	var errs []error
	var whole []*yamldoc.Doc
	for _, i := range order {
		doc := docs[i]
		if doc == nil {
			return nil, fmt.Errorf("%s: document %d vanished while removing it (this is a bug)", mf.Path, i+1)
		}
		ok, err := cutFrom(doc, byDoc[i])
		if err != nil {
			return nil, err
		}
		fd := byDoc[i][0]
		switch {
		case ok:
		case kustomization && fd.entry >= 0:
			errs = append(errs, sdk.Errorf(sdk.Location{File: mf.Path, Line: fd.line},
				"cannot remove %s cleanly: its text is shared through a YAML anchor, alias or merge key (or secretGenerator is not a list), and removing the whole kustomization would fail every build of its directory; remove the entry by hand", fd))
		default:
			doc.Remove()
			if partOfDoc(byDoc[i]) {
				whole = append(whole, doc)
			}
		}
	}
	return whole, errors.Join(errs...)
}

// partOfDoc reports whether the findings are parts of their document (list items, generator
// entries), not the document itself.
func partOfDoc(found []finding) bool {
	for _, fd := range found {
		if len(fd.items) == 0 && fd.entry < 0 || fd.inArray {
			return false
		}
	}
	return true
}

// cutFrom deletes the findings from one document and reports whether the document keeps any
// content; false means the whole document must go.
func cutFrom(doc *yamldoc.Doc, found []finding) (bool, error) {
	root := doc.Root()
	var items, entries []string
	for _, fd := range found {
		switch {
		case fd.inArray:
			return false, nil // an item of a bare array: the whole document goes
		case fd.entry >= 0:
			if !cutsClean(doc, []step{"secretGenerator", fd.entry}) {
				return false, nil
			}
			entries = append(entries, "secretGenerator["+strconv.Itoa(fd.entry)+"]")
		case len(fd.items) > 0:
			if !cutsClean(doc, itemsSteps(fd.items)) {
				return false, nil
			}
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
		g, ok := field(root, "secretGenerator")
		if !ok || g.Kind() != yamldoc.SeqKind {
			return false, nil // not a list: nothing precise to cut
		}
		// An emptied secretGenerator goes, unless it is all the kustomization holds:
		// kustomize refuses a kustomization with nothing but apiVersion and kind ("is
		// empty"), and reads secretGenerator: [] as something.
		if g.Len() == 0 && !onlyTypeBesides(root, "secretGenerator") {
			if _, err := root.Delete("secretGenerator"); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// onlyTypeBesides reports whether a map holds nothing but apiVersion, kind and key.
func onlyTypeBesides(n yamldoc.Node, key string) bool {
	for _, k := range n.Keys() {
		if k != key && k != "apiVersion" && k != "kind" {
			return false
		}
	}
	return true
}

func itemsSteps(items []int) []step {
	var out []step
	for _, it := range items {
		out = append(out, "items", it)
	}
	return out
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
