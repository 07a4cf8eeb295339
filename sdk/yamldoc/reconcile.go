package yamldoc

import "fmt"

// reconcile decides, before an edited document with anchors is written, how each anchored
// value and its aliases are written (see own): an alias whose copy holds the anchored value as
// it ends up stays the alias (keep); any other edited use is written as an explicit copy. An
// anchored value that is edited, or removed, while an alias of it is not edited is an error
// naming both lines: writing it would change what the alias reads, a place the stage did not
// edit (a Deployment's immutable selector, say).
func (d *Doc) reconcile() (keep map[*node]bool, err error) {
	defAt := map[*node]*node{} // anchored node -> what is written at its place
	useAt := map[*node]*node{} // alias -> what is written at its place
	var walk func(n *node, rendered bool)
	walk = func(n *node, rendered bool) {
		if n == nil {
			return
		}
		if !rendered {
			orig := n
			if c := n.copyOf(); c != nil && !n.synthetic() {
				orig = c
			}
			if orig.shared() {
				defAt[orig] = n
			}
			switch {
			case n.kind == AliasKind:
				useAt[n] = n
			case n.synthetic() && n.replaces() != nil && n.replaces().kind == AliasKind:
				useAt[n.replaces()] = n
			}
		}
		rendered = rendered || n.synthetic()
		for _, c := range n.children {
			walk(c, rendered)
		}
	}
	walk(d.root, false)
	var anchored []*node
	var collect func(n *node)
	collect = func(n *node) { // the tree as parsed: edits keep what they replaced in orig
		if n.shared() {
			anchored = append(anchored, n)
		}
		for _, c := range origChildren(n) {
			collect(c)
		}
	}
	collect(d.origRoot)
	keep = map[*node]bool{}
	for _, a := range anchored {
		def, present := defAt[a]
		changed := !present || def != a && !equalNodes(def, a)
		for _, use := range a.more.uses {
			now, ok := useAt[use]
			switch {
			case !ok:
				// The alias's place was removed or replaced whole: it no longer reads the anchor.
			case now == use:
				if changed {
					return nil, d.anchorConflict(a, use, !present)
				}
			case present && equalNodes(now, def):
				keep[now] = true
			}
		}
	}
	return keep, nil
}

func (d *Doc) anchorConflict(anchor, use *node, removed bool) error {
	what := "is edited"
	if removed {
		what = "is removed or replaced"
	}
	return &FieldError{File: d.file.name, Line: int(anchor.line), Msg: fmt.Sprintf("the anchored value on this line %s, but its alias at line %d is not: writing the edit would change what that alias reads too; edit every use of the anchor alike (or only the alias's place)", what, use.line)}
}
