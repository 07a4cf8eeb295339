package fleet

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/stagekit/stagekit/sdk/yamldoc"
	"sigs.k8s.io/yaml"
)

// A Secret's values are replaced by these markers: the old side's by secretValue, the new
// side's by secretValue when the value did not change and secretChanged when it did, so a
// unified diff shows a changed value as a changed line without showing either value.
const (
	secretValue   = "(secret value)"
	secretChanged = "(secret value, changed)"
)

// secretObject is one Secret, List item or secretGenerator of a manifest file, with its values.
type secretObject struct {
	id, where string            // "Secret default/db", "document 2"
	values    map[string]string // "data.password" -> the value (compared, never shown)
	redact    func(markers map[string]string)
}

// manifest is a parsed manifest file: its documents as Go values, and the Secrets in them.
type manifest struct {
	docs    []any
	secrets []*secretObject
}

// parseManifest reads a manifest file. The error names the file and line only: a document
// that does not parse may be a Secret, and its text must not be shown.
func parseManifest(name string, data []byte) (*manifest, error) {
	f, err := yamldoc.Parse(name, data)
	if err != nil {
		var se *yamldoc.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s:%d does not parse", name, se.Line)
		}
		return nil, fmt.Errorf("%s does not parse", name)
	}
	m := &manifest{}
	kustomization := isKustomization(name)
	for i, d := range f.Docs() {
		if d.Empty() {
			continue
		}
		v, err := d.Root().Value()
		if err != nil {
			return nil, fmt.Errorf("%s:%d cannot be read", name, d.Line())
		}
		m.docs = append(m.docs, v)
		where := fmt.Sprintf("document %d", i+1)
		obj, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if kustomization {
			m.secrets = append(m.secrets, generators(obj, where)...)
			continue
		}
		m.secrets = append(m.secrets, secretsIn(obj, where, "")...)
	}
	return m, nil
}

// sensitive reports whether the file holds anything whose values must be withheld.
func (m *manifest) sensitive() bool { return len(m.secrets) > 0 }

// secretsIn finds the Secrets of a document: the document itself, or the items of a List
// (a SecretList's items carry no kind).
func secretsIn(obj map[string]any, where, listKind string) []*secretObject {
	kind, _ := obj["kind"].(string)
	if items, ok := obj["items"].([]any); ok && strings.HasSuffix(kind, "List") {
		var out []*secretObject
		for i, it := range items {
			if im, ok := it.(map[string]any); ok {
				out = append(out, secretsIn(im, fmt.Sprintf("%s, item %d", where, i+1), kind)...)
			}
		}
		return out
	}
	_, hasData := obj["data"]
	_, hasString := obj["stringData"]
	mayBe := kind == "" && (hasData || hasString || listKind == "SecretList")
	if kind != "Secret" && !mayBe {
		return nil
	}
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	id := "Secret " + name
	if ns != "" {
		id = "Secret " + ns + "/" + name
	}
	s := &secretObject{id: id, where: where, values: map[string]string{}}
	for _, field := range []string{"data", "stringData"} {
		vals, ok := obj[field].(map[string]any)
		if !ok {
			if obj[field] != nil {
				s.values[field] = fmt.Sprint(obj[field]) // not a map: the whole field is withheld
			}
			continue
		}
		for k, v := range vals {
			s.values[field+"."+k] = fmt.Sprint(v)
		}
	}
	s.redact = func(markers map[string]string) {
		for _, field := range []string{"data", "stringData"} {
			vals, ok := obj[field].(map[string]any)
			if !ok {
				if obj[field] != nil {
					obj[field] = markers[field]
				}
				continue
			}
			red := make(map[string]any, len(vals))
			for k := range vals {
				red[k] = markers[field+"."+k]
			}
			obj[field] = red
		}
	}
	return []*secretObject{s}
}

// generators finds a kustomization's secretGenerator entries: their literals are secrets.
func generators(obj map[string]any, where string) []*secretObject {
	list, ok := obj["secretGenerator"].([]any)
	if !ok {
		return nil
	}
	var out []*secretObject
	for i, e := range list {
		em, ok := e.(map[string]any)
		if !ok {
			continue
		}
		name, _ := em["name"].(string)
		s := &secretObject{id: "secretGenerator " + name, where: fmt.Sprintf("%s, entry %d", where, i+1), values: map[string]string{}}
		lits, _ := em["literals"].([]any)
		for _, l := range lits {
			k, v, _ := strings.Cut(fmt.Sprint(l), "=")
			s.values["literals."+k] = v
		}
		s.redact = func(markers map[string]string) {
			red := make([]any, len(lits))
			for j, l := range lits {
				k, _, _ := strings.Cut(fmt.Sprint(l), "=")
				red[j] = k + "=" + markers["literals."+k]
			}
			if lits != nil {
				em["literals"] = red
			}
		}
		out = append(out, s)
	}
	return out
}

// render writes the documents back as YAML, one after another, with Secret values replaced.
func (m *manifest) render() string {
	var b strings.Builder
	for i, d := range m.docs {
		if i > 0 {
			b.WriteString("---\n")
		}
		data, err := yaml.Marshal(d)
		if err != nil {
			b.WriteString("# (cannot be shown)\n")
			continue
		}
		b.Write(data)
	}
	return b.String()
}

// compareSecrets lists every key of every Secret of either side with how it changed, and
// replaces the values in both manifests by markers.
func compareSecrets(old, new *manifest) []SecretDiff {
	byID := func(m *manifest) map[string]*secretObject {
		out := map[string]*secretObject{}
		if m == nil {
			return out
		}
		for _, s := range m.secrets {
			id := s.id
			for n := 2; out[id] != nil; n++ {
				id = fmt.Sprintf("%s #%d", s.id, n)
			}
			out[id] = s
		}
		return out
	}
	a, b := byID(old), byID(new)
	ids := map[string]bool{}
	for id := range a {
		ids[id] = true
	}
	for id := range b {
		ids[id] = true
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	var out []SecretDiff
	for _, id := range sorted {
		sa, sb := a[id], b[id]
		keys := map[string]bool{}
		for _, s := range []*secretObject{sa, sb} {
			if s != nil {
				for k := range s.values {
					keys[k] = true
				}
			}
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		oldMarks, newMarks := map[string]string{}, map[string]string{}
		d := SecretDiff{Object: id}
		if sb != nil {
			d.Object += " (" + sb.where + ")"
		} else {
			d.Object += " (" + sa.where + ")"
		}
		for _, k := range names {
			var va, vb string
			var ina, inb bool
			if sa != nil {
				va, ina = sa.values[k]
			}
			if sb != nil {
				vb, inb = sb.values[k]
			}
			change := "unchanged"
			switch {
			case !ina:
				change = "added"
			case !inb:
				change = "removed"
			case va != vb:
				change = "changed"
			}
			oldMarks[k], newMarks[k] = secretValue, secretValue
			if change == "changed" {
				newMarks[k] = secretChanged
			}
			d.Keys = append(d.Keys, KeyChange{Key: k, Change: change})
		}
		if sa != nil {
			sa.redact(oldMarks)
		}
		if sb != nil {
			sb.redact(newMarks)
		}
		out = append(out, d)
	}
	return out
}

// isKustomization reports a kustomization file: kustomize reads these three names.
func isKustomization(name string) bool {
	switch path.Base(name) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

// generatorFiles lists the files (relative to the output) that a kustomization's
// secretGenerator reads: their content is a Secret's, so it is never shown. by names the
// kustomization reading each.
func generatorFiles(kustomization string, data []byte, by map[string]string) {
	f, err := yamldoc.Parse(kustomization, data)
	if err != nil || len(f.Docs()) == 0 || f.Docs()[0].Empty() {
		return
	}
	v, err := f.Docs()[0].Root().Value()
	obj, ok := v.(map[string]any)
	if err != nil || !ok {
		return
	}
	list, _ := obj["secretGenerator"].([]any)
	dir := path.Dir(kustomization)
	add := func(p string) {
		if _, file, ok := strings.Cut(p, "="); ok {
			p = file // files: [key=path]
		}
		by[path.Join(dir, p)] = kustomization
	}
	for _, e := range list {
		em, _ := e.(map[string]any)
		for _, field := range []string{"files", "envs"} {
			items, _ := em[field].([]any)
			for _, it := range items {
				add(fmt.Sprint(it))
			}
		}
		if env, ok := em["env"].(string); ok {
			add(env)
		}
	}
}
