package yamldoc

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// What a document holds is what Kubernetes reads from it (sigs.k8s.io/yaml on goyaml.v2 for
// YAML, encoding/json for JSON): aliases are followed; a "<<" merge key copies the keys of the
// map (or maps) it names into its own map, in goyaml.v2's order (an entry overrides the
// entries before it, the "<<" included, so an explicit key written before a "<<" is replaced
// by a merged one); map keys become strings (1 is "1", yes is "true", 1.5 is "1.5"). Keys
// that only differ before that (1 and "1"), a null key, a key above 2^63-1, and a .inf or
// .nan value (which JSON cannot hold) make a document Kubernetes cannot read: yamldoc refuses
// it rather than guess.

// isMergeKey reports whether k is a merge key for goyaml.v2: "<<", plain or tagged !!merge.
func isMergeKey(k *node) bool {
	return k.kind == ScalarKind && k.tag() == tagMerge && k.value == "<<"
}

// keyString is the string Kubernetes reads a map key as, and the key's identity before it
// became a string (goyaml.v2's map key: 1 and "1" are different keys that collide). problem
// is why Kubernetes cannot read the key.
func keyString(k *node) (s, identity, problem string) {
	k = k.resolved()
	if k.kind != ScalarKind {
		// The usual cause is a template left unrendered: {{ .Values.x }} is a map whose key
		// is a map.
		return "", "", "a map key is a map or a list, which Kubernetes cannot read (an unrendered template such as {{ ... }}?)"
	}
	if k.json {
		return k.value, "s" + k.value, ""
	}
	switch k.tag() {
	case tagNull:
		return "", "", "a map key is null, which Kubernetes cannot read"
	case tagBool:
		s = strconv.FormatBool(yaml11Bools[k.value])
		return s, "b" + s, ""
	case tagInt, tagFloat:
		switch x := yamlNumber(k.tag(), k.value).(type) {
		case int64:
			s = strconv.FormatInt(x, 10)
			return s, "i" + s, ""
		case uint64:
			return "", "", "a map key is an integer above 2^63-1, which Kubernetes cannot read"
		case float64:
			// sigs.k8s.io/yaml formats a float key with 32-bit precision.
			s = strconv.FormatFloat(x, 'g', -1, 32)
			switch s {
			case "+Inf":
				s = ".inf"
			case "-Inf":
				s = "-.inf"
			case "NaN":
				// Every NaN is a different key.
				return ".nan", fmt.Sprintf("n%p", k), ""
			}
			return s, "f" + strconv.FormatFloat(x, 'g', -1, 64), ""
		}
		return k.value, "s" + k.value, ""
	}
	v, _ := scalarValue(k).(string)
	return v, "s" + v, ""
}

// entry is one key of a map as Kubernetes reads it.
type entry struct {
	key      string
	identity string
	k, v     *node // the key as written (nil for a merged key's... never) and its value
	// via is the index in the map's children of the "<<" key that supplied the entry, or -1;
	// i is the index of an explicit entry's key.
	via, i int
}

// readErr is a problem of a document Kubernetes cannot read, at a node.
type readErr struct {
	n   *node
	msg string
}

func (e *readErr) Error() string { return e.msg }

// mapEntries lists the keys of map m as Kubernetes reads them, in the order they are first
// set, merged keys included.
func mapEntries(m *node) ([]entry, error) {
	m = m.resolved()
	kids := m.children
	out := make([]entry, 0, len(kids)/2)
	if !m.merges && !m.oddKeys {
		for i := 0; i+1 < len(kids); i += 2 {
			k := kids[i]
			out = append(out, entry{key: k.value, identity: "s" + k.value, k: k, v: kids[i+1], via: -1, i: i})
		}
		return out, nil
	}
	var dup error
	set := func(e entry) {
		for j := range out {
			if out[j].identity == e.identity {
				if out[j].via < 0 && e.via < 0 && dup == nil {
					dup = duplicateKey(out[j].k, e.k)
				}
				out[j].k, out[j].v, out[j].via, out[j].i = e.k, e.v, e.via, e.i
				return
			}
		}
		out = append(out, e)
	}
	for i := 0; i+1 < len(kids); i += 2 {
		k, v := kids[i], kids[i+1]
		if !isMergeKey(k) {
			s, id, problem := keyString(k)
			if problem != "" {
				return nil, &readErr{k, problem}
			}
			set(entry{key: s, identity: id, k: k, v: v, via: -1, i: i})
			continue
		}
		merged, err := mergeEntries(k, v)
		if err != nil {
			return nil, err
		}
		for _, e := range merged {
			e.via = i
			set(e)
		}
	}
	if dup != nil {
		return nil, dup
	}
	// Two keys that are one string once read (1 and "1"): which value wins is left to Go's
	// map order, so no reading is right.
	if len(out) > 1 {
		seen := make(map[string]*node, len(out))
		for _, e := range out {
			if _, dup := seen[e.key]; dup {
				return nil, &readErr{e.k, "two keys of this map are the same key once Kubernetes reads them as strings (such as 1 and \"1\"); which value it keeps is undefined"}
			}
			seen[e.key] = e.k
		}
	}
	return out, nil
}

// mergeEntries are the entries a "<<" key k with value v merges in: a map, an alias of a map,
// or a list of those, where an earlier map wins over a later one.
func mergeEntries(k, v *node) ([]entry, error) {
	const want = "a \"<<\" merge key must name a map or a list of maps"
	switch v.kind {
	case MapKind:
		return mapEntries(v)
	case AliasKind:
		if v.resolved().kind != MapKind {
			return nil, &readErr{k, want}
		}
		return mapEntries(v.resolved())
	case SeqKind:
		var out []entry
		for i := len(v.children) - 1; i >= 0; i-- {
			it := v.children[i]
			if it.resolved().kind != MapKind {
				return nil, &readErr{k, want}
			}
			es, err := mapEntries(it.resolved())
			if err != nil {
				return nil, err
			}
			for _, e := range es {
				replaced := false
				for j := range out {
					if out[j].identity == e.identity {
						out[j] = e
						replaced = true
						break
					}
				}
				if !replaced {
					out = append(out, e)
				}
			}
		}
		return out, nil
	}
	return nil, &readErr{k, want}
}

// lookup finds key in map m as Kubernetes reads it; e tells where the value comes from.
func lookup(m *node, key string) (e entry, ok bool) {
	m = m.resolved()
	if !m.merges && !m.oddKeys {
		for i := 0; i+1 < len(m.children); i += 2 {
			if k := m.children[i]; k.value == key {
				return entry{key: key, k: k, v: m.children[i+1], via: -1, i: i}, true
			}
		}
		return entry{}, false
	}
	es, err := mapEntries(m)
	if err != nil {
		return entry{}, false
	}
	for _, e := range es {
		if e.key == key {
			return e, true
		}
	}
	return entry{}, false
}

// goValue is what Kubernetes reads from a value, as Go values: map[string]any, []any, string,
// bool, nil, int64, *big.Int (integers beyond int64) and float64. Like every walk of a value
// that follows aliases, it needs no budget of its own: see v2Sim.
func goValue(n *node) (any, error) {
	n = n.resolved()
	if n == nil {
		return nil, nil
	}
	switch n.kind {
	case MapKind:
		es, err := mapEntries(n)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(es))
		for _, e := range es {
			v, err := goValue(e.v)
			if err != nil {
				return nil, err
			}
			out[e.key] = v
		}
		return out, nil
	case SeqKind:
		out := make([]any, len(n.children))
		for i, c := range n.children {
			v, err := goValue(c)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return goScalar(n)
}

// goScalar is a scalar as a Go value; .inf and .nan are refused, as JSON cannot hold them.
func goScalar(n *node) (any, error) {
	switch x := scalarValue(n).(type) {
	case float64:
		if n.json && isIntegerText(n.value) {
			if b, ok := new(big.Int).SetString(n.value, 10); ok {
				return b, nil
			}
		}
		if math.IsInf(x, 0) || math.IsNaN(x) {
			if n.json {
				return nil, &readErr{n, "a number too large for a float64"}
			}
			return nil, &readErr{n, "a .inf or .nan value cannot be read by Kubernetes (JSON has no such number)"}
		}
		return x, nil
	case uint64:
		return new(big.Int).SetUint64(x), nil
	default:
		return x, nil
	}
}

// v2Sim counts the values goyaml.v2 decodes for a document, in its order, to refuse what it
// refuses as "excessive aliasing" (an alias bomb) and aliases that contain themselves.
//
// That is the only bound on aliases, as it is Kubernetes': a document is refused for what it
// decodes through aliases, relative to what it decodes in all, never for its size. Only yaml.v3
// makes alias nodes (slow.go), and every document it parses that has one goes through v2Sim
// first, then through goyaml.v2 itself (crossCheck); an edit copies what it takes through an
// alias and makes no alias. So every tree yamldoc holds expands to at most what goyaml.v2
// allows (about 1.2 million values decoded through aliases, or a ninth of the values of a
// document of over 4 million), and walking it (reading, comparing, copying, writing JSON)
// needs no budget of its own: one would only refuse large documents Kubernetes reads.
type v2Sim struct {
	decodeCount, aliasCount, aliasDepth int
	active                              map[*node]bool
}

func allowedAliasRatio(decodeCount int) float64 {
	const low, high = 400000, 4000000
	switch {
	case decodeCount <= low:
		return 0.99
	case decodeCount >= high:
		return 0.10
	}
	return 0.99 - 0.89*(float64(decodeCount-low)/float64(high-low))
}

func (s *v2Sim) unmarshal(n *node) error {
	s.decodeCount++
	if s.aliasDepth > 0 {
		s.aliasCount++
	}
	if s.aliasCount > 100 && s.decodeCount > 1000 && float64(s.aliasCount)/float64(s.decodeCount) > allowedAliasRatio(s.decodeCount) {
		return &SyntaxError{Line: int(n.line), Msg: "the document's aliases expand to too many values (excessive aliasing, a YAML alias bomb): Kubernetes refuses it"}
	}
	switch n.kind {
	case AliasKind:
		if s.active[n] {
			return &SyntaxError{Line: int(n.line), Msg: "an alias refers to an anchor that contains it"}
		}
		s.active[n] = true
		s.aliasDepth++
		err := s.unmarshal(n.alias())
		s.aliasDepth--
		delete(s.active, n)
		return err
	case MapKind:
		for i := 0; i+1 < len(n.children); i += 2 {
			k, v := n.children[i], n.children[i+1]
			if isMergeKey(k) {
				if err := s.merge(k, v); err != nil {
					return err
				}
				continue
			}
			if err := s.unmarshal(k); err != nil {
				return err
			}
			if err := s.unmarshal(v); err != nil {
				return err
			}
		}
	case SeqKind:
		for _, c := range n.children {
			if err := s.unmarshal(c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *v2Sim) merge(k, v *node) error {
	switch v.kind {
	case MapKind, AliasKind:
		if v.resolved().kind != MapKind {
			return &SyntaxError{Line: int(k.line), Msg: "a \"<<\" merge key must name a map or a list of maps"}
		}
		return s.unmarshal(v)
	case SeqKind:
		for i := len(v.children) - 1; i >= 0; i-- {
			if v.children[i].resolved().kind != MapKind {
				return &SyntaxError{Line: int(k.line), Msg: "a \"<<\" merge key must name a map or a list of maps"}
			}
			if err := s.unmarshal(v.children[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return &SyntaxError{Line: int(k.line), Msg: "a \"<<\" merge key must name a map or a list of maps"}
}
