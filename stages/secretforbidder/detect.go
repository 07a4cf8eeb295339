package secretforbidder

import (
	"path"
	"strings"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// maxListDepth bounds how deep *List items nested in *List items are searched.
const maxListDepth = 8

// finding is one forbidden object of a file. It holds where the object is and who it is, never
// what it holds: a Secret's values must not reach a log.
type finding struct {
	line      int
	doc       int   // document index in the file, from 0
	items     []int // indexes of the object in the items of its *List (nested lists: outer first)
	entry     int   // index in a kustomization's secretGenerator, or -1
	kind      groupKind
	namespace string
	name      string
	empty     bool // no data and no stringData (or a generator with no source)
	// inArray is an object that is an item of a document that is a bare sequence (a JSON file
	// that is an array): not something kubectl applies, but plaintext in the state store all the
	// same. Removing it removes the whole document.
	inArray bool
}

// detector finds forbidden objects in parsed files.
type detector struct{ p *policy }

// file lists the forbidden objects of a file's documents, in document order. kustomization says the file is
// a kustomization, whose secretGenerator entries make Secrets at apply time.
func (d detector) file(docs []*yamldoc.Doc, kustomization bool) []finding {
	var out []finding
	for _, doc := range docs {
		if doc.Empty() {
			continue
		}
		root := doc.Root()
		if root.Kind() == yamldoc.SeqKind {
			// Fail closed: a document that is an array of objects is stored as it is.
			for i := 0; i < root.Len(); i++ {
				n := len(out)
				out = d.object(out, root.Item(i), doc.Index(), []int{i}, nil, 1)
				for j := n; j < len(out); j++ {
					out[j].inArray = true
				}
			}
			continue
		}
		out = d.object(out, root, doc.Index(), nil, nil, 0)
		if kustomization && d.p.secretForbidden {
			out = d.generators(out, root, doc.Index())
		}
	}
	return out
}

// object appends the findings of one object, or of the items of a *List. listOf is the kind a
// typed list (SecretList) gives items that carry no apiVersion and kind.
func (d detector) object(out []finding, n yamldoc.Node, doc int, items []int, listOf *groupKind, depth int) []finding {
	if n.Kind() != yamldoc.MapKind {
		return out
	}
	apiVersion, hasAV := str(n, "apiVersion")
	kind, hasKind := str(n, "kind")
	if hasKind && strings.HasSuffix(kind, "List") && depth < maxListDepth {
		if list, ok := field(n, "items"); ok && list.Kind() == yamldoc.SeqKind {
			var of *groupKind
			if gk, ok := d.p.forbidden(apiVersion, strings.TrimSuffix(kind, "List")); ok {
				of = &gk
			}
			for i := 0; i < list.Len(); i++ {
				path := append(append([]int(nil), items...), i)
				out = d.object(out, list.Item(i), doc, path, of, depth+1)
			}
			return out
		}
	}
	var gk groupKind
	switch {
	case hasAV && hasKind:
		var ok bool
		if gk, ok = d.p.forbidden(apiVersion, kind); !ok {
			return out
		}
	case listOf != nil && !hasAV && (!hasKind || kind == listOf.kind):
		gk = *listOf
	default:
		return out
	}
	meta, _ := field(n, "metadata")
	name, ok := str(meta, "name")
	if !ok {
		if g, ok := str(meta, "generateName"); ok {
			name = g + "*"
		}
	}
	ns, _ := str(meta, "namespace")
	return append(out, finding{
		line: n.Line(), doc: doc, items: items, entry: -1, kind: gk, namespace: ns, name: name,
		empty: isEmpty(n, "data") && isEmpty(n, "stringData"),
	})
}

// generators appends a finding per secretGenerator entry of a kustomization.
func (d detector) generators(out []finding, root yamldoc.Node, doc int) []finding {
	gens, ok := field(root, "secretGenerator")
	if !ok || gens.Kind() == yamldoc.ScalarKind && gens.Tag() == "!!null" {
		return out
	}
	ns, _ := str(root, "namespace")
	secret := groupKind{"", "Secret"}
	if gens.Kind() != yamldoc.SeqKind {
		// Not a list: kustomize refuses it, but what it holds may still be credentials.
		return append(out, finding{line: gens.Line(), doc: doc, entry: 0, kind: secret, namespace: ns})
	}
	for i := 0; i < gens.Len(); i++ {
		g := gens.Item(i)
		name, _ := str(g, "name")
		gns := ns
		if s, ok := str(g, "namespace"); ok && s != "" {
			gns = s
		}
		empty := g.Kind() == yamldoc.MapKind && isEmpty(g, "literals") && isEmpty(g, "files") && isEmpty(g, "envs") && isEmpty(g, "env")
		out = append(out, finding{line: g.Line(), doc: doc, entry: i, kind: secret, namespace: gns, name: name, empty: empty})
	}
	return out
}

// isKustomization reports whether kustomize reads the file as a kustomization.
func isKustomization(name string) bool {
	switch path.Base(name) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

// violates reports whether the policy forbids the finding (not allowed by ALLOW or ALLOW_EMPTY).
func (p *policy) violates(f finding) bool {
	if f.empty && p.allowEmpty {
		return false
	}
	return !p.allowed(f.namespace, f.name)
}
