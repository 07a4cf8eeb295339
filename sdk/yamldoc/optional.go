package yamldoc

import "github.com/stagekit/stagekit/sdk/fieldpath"

// GetStringOr reads an optional string: def when the value, or a parent on its path, is
// missing or null (see "Optional fields and null" in the package doc).
func (v Node) GetStringOr(path string, def string) (string, error) {
	return getOr(v, path, def, Node.GetString)
}

// GetIntOr reads an optional integer: def when the value is missing or null.
func (v Node) GetIntOr(path string, def int64) (int64, error) {
	return getOr(v, path, def, Node.GetInt)
}

// GetFloatOr reads an optional number: def when the value is missing or null.
func (v Node) GetFloatOr(path string, def float64) (float64, error) {
	return getOr(v, path, def, Node.GetFloat)
}

// GetBoolOr reads an optional boolean: def when the value is missing or null.
func (v Node) GetBoolOr(path string, def bool) (bool, error) {
	return getOr(v, path, def, Node.GetBool)
}

// GetListOr reads an optional list: def when the value is missing or null.
func (v Node) GetListOr(path string, def []any) ([]any, error) {
	return getOr(v, path, def, Node.GetList)
}

// GetMapOr reads an optional map: def when the value is missing or null.
func (v Node) GetMapOr(path string, def map[string]any) (map[string]any, error) {
	return getOr(v, path, def, Node.GetMap)
}

// GetStringMapOr reads an optional map of strings: def when the value is missing or null.
func (v Node) GetStringMapOr(path string, def map[string]string) (map[string]string, error) {
	return getOr(v, path, def, Node.GetStringMap)
}

// getOr is every getter with a default: the value at path read with get, or def when it is not
// set.
func getOr[T any](v Node, path string, def T, get func(Node, string) (T, error)) (T, error) {
	x, set, err := v.optional(path)
	if err != nil || !set {
		return def, err
	}
	return get(x, "")
}

// optional finds the value at path; set is false when it, or a parent on the way, is missing
// or null. Walking through any other scalar, or into a list with a key, is an error.
func (v Node) optional(path string) (_ Node, set bool, _ error) {
	p, err := fieldpath.Parse(path)
	if err != nil {
		return Node{}, false, err
	}
	cur := v
	for i := range p {
		if cur.isNull() {
			return Node{}, false, nil
		}
		next, err := cur.LookupPath(p[i : i+1])
		if isNotFound(err) {
			return Node{}, false, nil
		}
		if err != nil {
			_, err = v.LookupPath(p) // worded and placed as Lookup words it for the whole path
			return Node{}, false, err
		}
		cur = next
	}
	return cur, !cur.isNull(), nil
}

// isNull reports whether the node is missing or holds null.
func (v Node) isNull() bool {
	n := v.n.resolved()
	return n == nil || n.kind == ScalarKind && kubeTag(n) == tagNull
}
