package secretforbidder

import (
	"encoding/base64"
	"strings"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// maxMergeDepth bounds how far "<<" merge keys are followed, so no input can make a lookup hang.
const maxMergeDepth = 8

// field reads key of a map the way kubectl's YAML decoder does: a key written in the map, else
// one it inherits through a "<<" merge key (a map or a list of maps, the first one wins). A
// Secret spelled through a merge key is still a Secret to the API server.
//
// It never returns an error: errors of the yamldoc getters quote scalar values, and a value here
// may be a Secret's.
func field(n yamldoc.Node, key string) (yamldoc.Node, bool) { return fieldAt(n, key, 0) }

func fieldAt(n yamldoc.Node, key string, depth int) (yamldoc.Node, bool) {
	if depth > maxMergeDepth || n.Kind() != yamldoc.MapKind {
		return yamldoc.Node{}, false
	}
	merge := false
	for _, k := range n.Keys() {
		if k == key {
			v, err := n.LookupPath(fieldpath.Path{fieldpath.Key(key)})
			return v, err == nil
		}
		merge = merge || k == "<<"
	}
	if !merge {
		return yamldoc.Node{}, false
	}
	m, err := n.LookupPath(fieldpath.Path{fieldpath.Key("<<")})
	if err != nil {
		return yamldoc.Node{}, false
	}
	switch m.Kind() {
	case yamldoc.MapKind:
		return fieldAt(m, key, depth+1)
	case yamldoc.SeqKind:
		for i := 0; i < m.Len(); i++ {
			if v, ok := fieldAt(m.Item(i), key, depth+1); ok {
				return v, true
			}
		}
	}
	return yamldoc.Node{}, false
}

// str reads a string field as the API server would see it: plain, quoted or custom-tagged
// scalars are strings; !!binary is decoded (kubectl's YAML decoder does); numbers, booleans,
// nulls, maps and lists are not strings.
func str(n yamldoc.Node, key string) (string, bool) {
	v, ok := field(n, key)
	if !ok || v.Kind() != yamldoc.ScalarKind {
		return "", false
	}
	switch v.Tag() {
	case "!!int", "!!float", "!!bool", "!!null":
		return "", false
	case "!!binary":
		raw, err := v.GetString("")
		if err != nil {
			return "", false
		}
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(raw), ""))
		if err != nil {
			return "", false
		}
		return string(b), true
	case "!!str", "!!timestamp":
		s, err := v.GetString("")
		return s, err == nil
	}
	x, err := v.Value()
	s, isStr := x.(string)
	return s, err == nil && isStr
}

// isEmpty reports whether a field is absent, null or an empty map or list. Anything else (a
// non-empty value, or a value of the wrong type) is not empty: when in doubt, it holds data.
func isEmpty(n yamldoc.Node, key string) bool {
	v, ok := field(n, key)
	if !ok {
		return true
	}
	switch v.Kind() {
	case yamldoc.MapKind, yamldoc.SeqKind:
		return v.Len() == 0
	case yamldoc.ScalarKind:
		return v.Tag() == "!!null"
	}
	return false
}
