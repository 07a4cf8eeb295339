package yamldoc

import (
	"fmt"
	"unicode/utf8"

	"github.com/stagekit/stagekit/sdk/fieldpath"
)

// Set writes value at path (relative to this node), creating missing maps on the way. The value
// is any Go value that encoding/json can marshal, or a Node (copied). Setting a value equal to
// the current one changes nothing, so edits are idempotent and unchanged files keep their bytes.
func (v Node) Set(path string, value any) error {
	p, err := fieldpath.Parse(path)
	if err != nil {
		return err
	}
	return v.SetPath(p, value)
}

// SetPath is Set with a parsed path.
func (v Node) SetPath(p fieldpath.Path, value any) error {
	if v.doc == nil {
		return fmt.Errorf("yamldoc: Set on a value that does not exist")
	}
	for _, e := range p {
		if !e.IsIndex && !utf8.ValidString(e.Key) {
			return v.errAt(p, v.Line(), nil, fmt.Sprintf("key %q is not valid UTF-8; YAML cannot hold it", e.Key))
		}
	}
	nv, err := fromGo(value)
	if err != nil {
		return v.errAt(p, v.Line(), nil, err.Error())
	}
	full := fieldpath.Join(v.path, p)
	if len(full) == 0 {
		return v.doc.setRoot(nv)
	}
	if err := v.doc.checkCreate(full); err != nil {
		return err
	}
	chain, err := v.doc.chain(full[:len(full)-1], true)
	if err != nil {
		return err
	}
	parent := chain[len(chain)-1]
	last := full[len(full)-1]
	return v.doc.setIn(chain, parent, last, nv, full)
}

func (d *Doc) setRoot(nv *node) error {
	if d.root != nil && equalNodes(d.root, nv) {
		return nil
	}
	d.root = nv
	d.replaced = true
	return nil
}

// chain returns the nodes from the root along p. With create, missing maps are made (and nulls
// turned into maps) so that a value can be set below them.
func (d *Doc) chain(p fieldpath.Path, create bool) ([]*node, error) {
	if d.root == nil {
		if !create {
			return nil, d.fieldErr(nil, d.firstLine, ErrNotFound, "not found: the document is empty")
		}
		d.root = &node{kind: MapKind, tag: "!!map"}
		d.replaced = true
	}
	out := []*node{d.root}
	cur := d.root
	for i, e := range p {
		if cur.kind == AliasKind {
			return nil, d.fieldErr(p[:i], cur.line, nil, "is a YAML alias; edit the anchored value instead")
		}
		var next *node
		switch {
		case e.IsIndex:
			if cur.kind != SeqKind {
				return nil, d.fieldErr(p[:i], cur.line, nil, fmt.Sprintf("is %s, not a list", describe(cur)))
			}
			if e.Index >= len(cur.children) {
				return nil, d.fieldErr(p[:i+1], cur.line, ErrNotFound, fmt.Sprintf("not found: the list has %d items", len(cur.children)))
			}
			next = cur.children[e.Index]
		default:
			if cur.kind != MapKind {
				return nil, d.fieldErr(p[:i], cur.line, nil, fmt.Sprintf("is %s, not a map", describe(cur)))
			}
			_, val, idx := cur.mapGet(e.Key)
			switch {
			case val == nil && create:
				next = &node{kind: MapKind, tag: "!!map"}
				touch(out)
				cur.children = append(cur.children, keyNode(e.Key), next)
			case val == nil:
				return nil, d.fieldErr(p[:i+1], cur.line, ErrNotFound, "not found")
			case create && val.kind == ScalarKind && val.tag == "!!null":
				next = &node{kind: MapKind, tag: "!!map", more: &nodeMore{replaces: val}}
				touch(out)
				cur.children[idx+1] = next
			default:
				next = val
			}
		}
		out = append(out, next)
		cur = next
	}
	return out, nil
}

// checkCreate refuses, before anything is changed, a Set that would create maps on the way
// and then fail on a list index below them: a failed Set leaves the document as it was.
func (d *Doc) checkCreate(full fieldpath.Path) error {
	from := 0 // where creation starts: every element from there on is created as a map key
	if cur := d.root; cur != nil {
		from = -1
		for i, e := range full[:len(full)-1] {
			if cur.kind == MapKind && !e.IsIndex {
				_, val, _ := cur.mapGet(e.Key)
				if val == nil || val.kind == ScalarKind && val.tag == "!!null" {
					from = i + 1
					break
				}
				cur = val
				continue
			}
			if cur.kind == SeqKind && e.IsIndex && e.Index < len(cur.children) {
				cur = cur.children[e.Index]
				continue
			}
			return nil // chain reports the error before changing anything
		}
		if from < 0 {
			return nil
		}
	}
	for i := from; i < len(full); i++ {
		if full[i].IsIndex {
			return d.fieldErr(full[:i+1], d.Line(), ErrNotFound, "not found: only maps are created on the way; set the list first")
		}
	}
	return nil
}

// touch records that the nodes of a chain are about to change, keeping their parsed children
// so the saved file can be diffed against the source.
func touch(chain []*node) {
	for _, n := range chain {
		if !n.synthetic() && n.orig() == nil {
			// Never nil, even for an empty collection: a nil orig means "not edited".
			n.extra().orig = append(make([]*node, 0, len(n.children)), n.children...)
		}
		n.dirty = true
	}
}

func (d *Doc) setIn(chain []*node, parent *node, last fieldpath.Elem, nv *node, full fieldpath.Path) error {
	switch {
	case parent.kind == AliasKind:
		return d.fieldErr(full[:len(full)-1], parent.line, nil, "is a YAML alias; edit the anchored value instead")
	case last.IsIndex:
		if parent.kind != SeqKind {
			return d.fieldErr(full[:len(full)-1], parent.line, nil, fmt.Sprintf("is %s, not a list", describe(parent)))
		}
		switch {
		case last.Index < len(parent.children):
			old := parent.children[last.Index]
			if equalNodes(old, nv) {
				return nil
			}
			nv.extra().replaces = replaced(old)
			touch(chain)
			parent.children[last.Index] = nv
		case last.Index == len(parent.children):
			touch(chain)
			parent.children = append(parent.children, nv)
		default:
			return d.fieldErr(full, parent.line, nil, fmt.Sprintf("index out of range: the list has %d items (append at [%d])", len(parent.children), len(parent.children)))
		}
	default:
		if parent.kind != MapKind {
			return d.fieldErr(full[:len(full)-1], parent.line, nil, fmt.Sprintf("is %s, not a map", describe(parent)))
		}
		_, old, idx := parent.mapGet(last.Key)
		if old == nil {
			touch(chain)
			parent.children = append(parent.children, keyNode(last.Key), nv)
			return nil
		}
		if old.kind == AliasKind {
			return d.fieldErr(full, old.line, nil, "is a YAML alias; edit the anchored value instead")
		}
		if equalNodes(old, nv) {
			return nil
		}
		nv.extra().replaces = replaced(old)
		touch(chain)
		parent.children[idx+1] = nv
	}
	return nil
}

// replaced returns the parsed node a new value stands in for: replacing a synthetic value
// again still replaces what the source had.
func replaced(old *node) *node {
	if old.synthetic() {
		return old.replaces()
	}
	return old
}

// Delete removes the value at path. It reports whether there was one; a missing value is not
// an error.
func (v Node) Delete(path string) (bool, error) {
	p, err := fieldpath.Parse(path)
	if err != nil {
		return false, err
	}
	if v.doc == nil {
		return false, nil
	}
	full := fieldpath.Join(v.path, p)
	if len(full) == 0 {
		return false, v.errAt(nil, v.Line(), nil, "cannot delete the document root; remove the document instead")
	}
	chain, err := v.doc.chain(full[:len(full)-1], false)
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	parent := chain[len(chain)-1]
	last := full[len(full)-1]
	switch {
	case last.IsIndex && parent.kind == SeqKind:
		if last.Index >= len(parent.children) {
			return false, nil
		}
		touch(chain)
		parent.children = append(parent.children[:last.Index:last.Index], parent.children[last.Index+1:]...)
	case !last.IsIndex && parent.kind == MapKind:
		_, old, idx := parent.mapGet(last.Key)
		if old == nil {
			return false, nil
		}
		touch(chain)
		parent.children = append(parent.children[:idx:idx], parent.children[idx+2:]...)
	default:
		return false, nil
	}
	return true, nil
}

func keyNode(k string) *node { return &node{kind: ScalarKind, tag: "!!str", value: k} }

func (d *Doc) fieldErr(p fieldpath.Path, line int, wrapped error, msg string) error {
	return &FieldError{File: d.file.name, Line: line, Path: p.String(), Msg: msg, Err: wrapped}
}

func isNotFound(err error) bool {
	fe, ok := err.(*FieldError)
	return ok && fe.Err == ErrNotFound
}
