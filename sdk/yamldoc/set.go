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
	var log editLog
	chain, err := v.doc.chain(full[:len(full)-1], true, &log)
	if err != nil {
		log.undo()
		return err
	}
	parent := chain[len(chain)-1]
	last := full[len(full)-1]
	changed, err := v.doc.setIn(chain, parent, last, nv, full, &log)
	if err != nil || !changed {
		log.undo()
	}
	return err
}

func (d *Doc) setRoot(nv *node) error {
	if d.root != nil && equalNodes(d.root, nv) {
		return nil
	}
	d.root = nv
	d.replaced = true
	return nil
}

// Edits are edits of the value Kubernetes reads. The walk to the edited place goes through
// aliases and "<<" merge keys, and owns what it changes: a node that other places share (an
// alias's anchored value, an anchored node that aliases use, and everything inside them) is
// not changed in place but copied, and the copy is edited. At save time (reconcile) an edited
// anchored node is written in place only if every alias of it ends up with the same value;
// an edited alias use is written as an explicit copy of its value; an edit that would change a
// place the stage did not edit is refused.

// editLog undoes the changes of a walk whose edit fails or turns out to change nothing.
type editLog []undoStep

// undoStep restores a node: its children list, or (touched) its dirty flag and orig.
type undoStep struct {
	n       *node
	kids    []*node
	i       int // the child replaced, or -1 for the whole list, -2 for a touch
	old     *node
	dirty   bool
	hadOrig bool
	root    *Doc // the document whose empty root the walk created
}

func (l *editLog) undo() {
	for i := len(*l) - 1; i >= 0; i-- {
		u := (*l)[i]
		switch {
		case u.root != nil:
			u.root.root, u.root.replaced = nil, false
		case u.i == -2:
			u.n.dirty = u.dirty
			if !u.hadOrig && u.n.more != nil {
				u.n.more.orig = nil
			}
		case u.i == -1:
			u.n.children = u.kids
		default:
			u.kids[u.i] = u.old
			u.n.children = u.kids
		}
	}
	*l = (*l)[:0]
}

// setChild replaces a child of parent, logging how to undo it.
func (l *editLog) setChild(parent *node, i int, c *node) {
	*l = append(*l, undoStep{n: parent, kids: parent.children, i: i, old: parent.children[i]})
	parent.children[i] = c
}

// setChildren replaces parent's children list, logging how to undo it.
func (l *editLog) setChildren(parent *node, kids []*node) {
	*l = append(*l, undoStep{n: parent, kids: parent.children, i: -1})
	parent.children = kids
}

// touch records that the nodes of a chain are about to change, keeping their parsed children
// so the saved file can be diffed against the source.
func (l *editLog) touch(chain []*node) {
	for _, n := range chain {
		*l = append(*l, undoStep{n: n, i: -2, dirty: n.dirty, hadOrig: n.orig() != nil})
		if !n.synthetic() && n.orig() == nil {
			// Never nil, even for an empty collection: a nil orig means "not edited".
			n.extra().orig = append(make([]*node, 0, len(n.children)), n.children...)
		}
		n.dirty = true
	}
}

func (n *node) copyOf() *node {
	if n.more == nil {
		return nil
	}
	return n.more.copyOf
}

// shared reports whether changing n in place would change another place too: it is an
// anchored node that an alias uses.
func (n *node) shared() bool { return n.more != nil && len(n.more.uses) > 0 }

// own makes child i of parent (a node the edit owns) a node the edit may change, and returns
// it. inCopy tells that parent is a copy, whose parsed children other places still share.
func (d *Doc) own(parent *node, i int, inCopy bool, log *editLog) (*node, bool) {
	c := parent.children[i]
	switch {
	case c.kind == AliasKind:
		// An alias use: a copy of the anchored value, written in place of the alias.
		t := c.resolved()
		cp := &node{kind: t.kind, value: t.value, style: t.style, flow: t.flow, json: t.json, merges: t.merges, oddKeys: t.oddKeys}
		cp.copyTag(t)
		cp.children = append([]*node(nil), t.children...)
		cp.extra().copyOf, cp.more.replaces = t, c
		log.touch([]*node{parent})
		log.setChild(parent, i, cp)
		return cp, true
	case c.synthetic() || c.copyOf() != nil:
		return c, inCopy || c.copyOf() != nil
	case c.kind != ScalarKind && (inCopy || c.shared()):
		// A parsed node others share: a copy written where it is.
		cp := &node{kind: c.kind, value: c.value, style: c.style, flow: c.flow, json: c.json, merges: c.merges, oddKeys: c.oddKeys,
			line: c.line, col: c.col}
		cp.copyTag(c)
		if c.explicit() {
			cp.extra().explicit = true
		}
		cp.children = append([]*node(nil), c.children...)
		m := cp.extra()
		m.copyOf, m.anchor = c, c.anchor()
		m.orig = append(make([]*node, 0, len(c.children)), c.children...)
		log.touch([]*node{parent})
		log.setChild(parent, i, cp)
		return cp, true
	}
	return c, inCopy
}

// explicitKey is the index of n's explicit key that reads as key, or -1.
func explicitKey(n *node, key string) int {
	for i := 0; i+1 < len(n.children); i += 2 {
		k := n.children[i]
		if isMergeKey(k) {
			continue
		}
		if s, _, _ := keyString(k); s == key {
			return i
		}
	}
	return -1
}

// chain returns the nodes from the root along p, owned by the edit (see own). With create,
// missing maps are made (and nulls turned into maps) so that a value can be set below them.
func (d *Doc) chain(p fieldpath.Path, create bool, log *editLog) ([]*node, error) {
	if d.root == nil {
		if !create {
			return nil, d.fieldErr(nil, d.firstLine, ErrNotFound, "not found: the document is empty")
		}
		d.root = &node{kind: MapKind, tid: idMap}
		d.replaced = true
		*log = append(*log, undoStep{root: d})
	}
	out := []*node{d.root}
	cur, inCopy := d.root, false
	line := d.root.line
	for i, e := range p {
		var next *node
		switch {
		case e.IsIndex:
			if cur.kind != SeqKind {
				return nil, d.fieldErr(p[:i], int(line), nil, fmt.Sprintf("is %s, not a list", describe(cur)))
			}
			if e.Index >= len(cur.children) {
				return nil, d.fieldErr(p[:i+1], int(line), ErrNotFound, fmt.Sprintf("not found: the list has %d items", len(cur.children)))
			}
			next, inCopy = d.own(cur, e.Index, inCopy, log)
			if next.line > 0 {
				line = next.line
			}
		default:
			if cur.kind != MapKind {
				return nil, d.fieldErr(p[:i], int(line), nil, fmt.Sprintf("is %s, not a map", describe(cur)))
			}
			en, ok := lookup(cur, e.Key)
			switch {
			case !ok && create:
				next = &node{kind: MapKind, tid: idMap}
				log.touch(out)
				log.setChildren(cur, append(cur.children[:len(cur.children):len(cur.children)], keyNode(e.Key), next))
			case !ok:
				return nil, d.fieldErr(p[:i+1], int(line), ErrNotFound, "not found")
			case en.via >= 0:
				// Only a "<<" merge key supplies the key: it becomes an explicit key, after the
				// merge keys (a key before a "<<" is overridden by what it merges), holding
				// a copy of the merged value.
				if k := explicitKey(cur, e.Key); k >= 0 {
					return nil, d.fieldErr(p[:i+1], int(cur.children[en.via].line), nil, "the key is written before a \"<<\" merge key that overrides it; move it after the merge key to edit it")
				}
				log.touch(out)
				log.setChildren(cur, append(cur.children[:len(cur.children):len(cur.children)], keyNode(e.Key), en.v))
				next, inCopy = d.own(cur, len(cur.children)-1, true, log)
				if next.kind == ScalarKind && next.tag() == tagNull && create {
					next = &node{kind: MapKind, tid: idMap}
					log.setChild(cur, len(cur.children)-1, next)
				}
			default:
				idx := en.i + 1
				if en.v.kind == ScalarKind && en.v.tag() == tagNull && create {
					next = &node{kind: MapKind, tid: idMap, more: &nodeMore{replaces: en.v}}
					log.touch(out)
					log.setChild(cur, idx, next)
				} else {
					next, inCopy = d.own(cur, idx, inCopy, log)
				}
				line = en.k.line
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
			cur = cur.resolved()
			if cur.kind == MapKind && !e.IsIndex {
				en, ok := lookup(cur, e.Key)
				if !ok || en.v.resolved().kind == ScalarKind && en.v.resolved().tag() == tagNull {
					from = i + 1
					break
				}
				cur = en.v
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

func (d *Doc) setIn(chain []*node, parent *node, last fieldpath.Elem, nv *node, full fieldpath.Path, log *editLog) (changed bool, err error) {
	line := parent.line
	switch {
	case last.IsIndex:
		if parent.kind != SeqKind {
			return false, d.fieldErr(full[:len(full)-1], int(line), nil, fmt.Sprintf("is %s, not a list", describe(parent)))
		}
		switch {
		case last.Index < len(parent.children):
			old := parent.children[last.Index]
			if equalNodes(old, nv) {
				return false, nil
			}
			nv.extra().replaces = replaced(old)
			log.touch(chain)
			log.setChild(parent, last.Index, nv)
		case last.Index == len(parent.children):
			log.touch(chain)
			log.setChildren(parent, append(parent.children[:len(parent.children):len(parent.children)], nv))
		default:
			return false, d.fieldErr(full, int(line), nil, fmt.Sprintf("index out of range: the list has %d items (append at [%d])", len(parent.children), len(parent.children)))
		}
	default:
		if parent.kind != MapKind {
			return false, d.fieldErr(full[:len(full)-1], int(line), nil, fmt.Sprintf("is %s, not a map", describe(parent)))
		}
		en, ok := lookup(parent, last.Key)
		switch {
		case ok && equalNodes(en.v, nv):
			return false, nil
		case !ok || en.via >= 0:
			// A new key, or one only a "<<" merge key supplies: an explicit key after the
			// merge keys overrides the merged value.
			if ok && explicitKey(parent, last.Key) >= 0 {
				return false, d.fieldErr(full, int(parent.children[en.via].line), nil, "the key is written before a \"<<\" merge key that overrides it; move it after the merge key to edit it")
			}
			log.touch(chain)
			log.setChildren(parent, append(parent.children[:len(parent.children):len(parent.children)], keyNode(last.Key), nv))
		default:
			idx := en.i + 1
			nv.extra().replaces = replaced(en.v)
			log.touch(chain)
			log.setChild(parent, idx, nv)
		}
	}
	return true, nil
}

// replaced returns the parsed node a new value stands in for: replacing a synthetic value
// again still replaces what the source had.
func replaced(old *node) *node {
	if old.synthetic() {
		if r := old.replaces(); r != nil {
			return r
		}
		return nil
	}
	return old
}

// Delete removes the value at path, as Kubernetes reads it: a key reached through an alias is
// removed from a copy written in the alias's place, a key a "<<" merge key supplies from the
// map it merges. It reports whether there was a value; a missing value is not an error.
func (v Node) Delete(path string) (bool, error) {
	p, err := fieldpath.Parse(path)
	if err != nil {
		return false, err
	}
	return v.DeletePath(p)
}

// DeletePath is Delete with a parsed path.
func (v Node) DeletePath(p fieldpath.Path) (bool, error) {
	if v.doc == nil {
		return false, nil
	}
	full := fieldpath.Join(v.path, p)
	if len(full) == 0 {
		return false, v.errAt(nil, v.Line(), nil, "cannot delete the document root; remove the document instead")
	}
	d := v.doc
	var log editLog
	chain, err := d.chain(full[:len(full)-1], false, &log)
	if err != nil {
		log.undo()
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
			log.undo()
			return false, nil
		}
		log.touch(chain)
		log.setChildren(parent, append(parent.children[:last.Index:last.Index], parent.children[last.Index+1:]...))
		return true, nil
	case !last.IsIndex && parent.kind == MapKind:
		had, err := d.deleteKey(chain, parent, last.Key, &log)
		if err != nil || !had {
			log.undo()
		}
		return had, err
	}
	log.undo()
	return false, nil
}

// deleteKey removes key from map m (the end of chain) until no entry supplies it: an explicit
// key, and what "<<" merge keys supply, from copies where the merged maps are shared.
func (d *Doc) deleteKey(chain []*node, m *node, key string, log *editLog) (bool, error) {
	had := false
	for range 64 {
		en, ok := lookup(m, key)
		if !ok {
			return had, nil
		}
		had = true
		if en.via < 0 {
			idx := en.i
			log.touch(chain)
			log.setChildren(m, append(m.children[:idx:idx], m.children[idx+2:]...))
			continue
		}
		// The key comes from the map a "<<" names (or one of the maps of its list): delete it
		// there, on a copy if that map is shared.
		merged, inCopy := d.own(m, en.via+1, m.copyOf() != nil, log)
		src := merged
		sub := append(chain[:len(chain):len(chain)], merged)
		if merged.kind == SeqKind {
			found := false
			for i := range merged.children {
				if _, ok := lookup(merged.children[i], key); ok {
					src, _ = d.own(merged, i, inCopy, log)
					sub = append(sub, src)
					found = true
					break
				}
			}
			if !found {
				return had, d.fieldErr(nil, int(m.children[en.via].line), nil, "internal error: the merge key's map was not found")
			}
		}
		if src.kind != MapKind {
			return had, d.fieldErr(nil, int(m.children[en.via].line), nil, "a \"<<\" merge key must name a map or a list of maps")
		}
		if _, err := d.deleteKey(sub, src, key, log); err != nil {
			return had, err
		}
		log.touch(chain)
		if len(src.children) == 0 && merged == src {
			// An emptied merged map merges nothing: the "<<" entry goes.
			idx := en.via
			log.setChildren(m, append(m.children[:idx:idx], m.children[idx+2:]...))
		}
	}
	return had, d.fieldErr(nil, int(m.line), nil, "internal error: the key is supplied by too many merge keys")
}

func keyNode(k string) *node { return &node{kind: ScalarKind, tid: idStr, value: k} }

func (d *Doc) fieldErr(p fieldpath.Path, line int, wrapped error, msg string) error {
	return &FieldError{File: d.file.name, Line: line, Path: p.String(), Msg: msg, Err: wrapped}
}

func isNotFound(err error) bool {
	fe, ok := err.(*FieldError)
	return ok && fe.Err == ErrNotFound
}
