package yamldoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/stagekit/stagekit/sdk/fieldpath"
)

// ErrNotFound is wrapped by errors for a path that leads nowhere.
var ErrNotFound = errors.New("not found")

// FieldError is a problem with one value of a document: a missing field, a value of the wrong
// type, an edit that cannot be made. It names the file, line and path.
type FieldError struct {
	File string
	Line int
	Path string
	Msg  string
	Err  error // ErrNotFound for missing values
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// Node is a value inside a document, addressed for reading and editing. The zero Node is a
// value that does not exist.
type Node struct {
	doc  *Doc
	n    *node
	path fieldpath.Path // from the document root, for messages
}

// Exists reports whether the node holds a value.
func (v Node) Exists() bool { return v.n != nil }

// Kind is the kind of the value, aliases followed; 0 when it does not exist.
func (v Node) Kind() Kind {
	if n := v.n.resolved(); n != nil {
		return n.kind
	}
	return 0
}

// Tag is the YAML tag of the value (!!str, !!int, !!map...), aliases followed.
func (v Node) Tag() string {
	if n := v.n.resolved(); n != nil {
		return n.tag
	}
	return ""
}

// Line is the file line where the value is written; for a value added by an edit, the line of
// the closest value that was parsed.
func (v Node) Line() int {
	if v.n != nil && v.n.line > 0 {
		return v.n.line
	}
	if v.doc != nil {
		return v.doc.Line()
	}
	return 0
}

// Path is where the node sits in its document.
func (v Node) Path() fieldpath.Path { return v.path }

// Doc is the document holding the node.
func (v Node) Doc() *Doc { return v.doc }

// Lookup walks a path from this node. A malformed path or a missing value is an error naming
// the path; errors.Is(err, ErrNotFound) tells the two apart.
func (v Node) Lookup(path string) (Node, error) {
	p, err := fieldpath.Parse(path)
	if err != nil {
		return Node{}, err
	}
	return v.LookupPath(p)
}

// LookupPath is Lookup with a parsed path.
func (v Node) LookupPath(p fieldpath.Path) (Node, error) {
	cur := v
	for i, e := range p {
		n := cur.n.resolved()
		if n == nil {
			return Node{}, v.errAt(p[:i+1], cur.Line(), ErrNotFound, "not found")
		}
		next := cur.path.Child(e)
		switch {
		case e.IsIndex && n.kind == SeqKind:
			if e.Index >= len(n.children) {
				return Node{}, v.errAt(p[:i+1], n.line, ErrNotFound, fmt.Sprintf("not found: the list has %d items", len(n.children)))
			}
			cur = Node{doc: v.doc, n: n.children[e.Index], path: next}
		case !e.IsIndex && n.kind == MapKind:
			_, val, _ := n.mapGet(e.Key)
			if val == nil {
				return Node{}, v.errAt(p[:i+1], n.line, ErrNotFound, "not found")
			}
			cur = Node{doc: v.doc, n: val, path: next}
		default:
			want := "a map"
			if e.IsIndex {
				want = "a list"
			}
			return Node{}, v.errAt(p[:i], n.line, nil, fmt.Sprintf("is %s, not %s", describe(n), want))
		}
	}
	return cur, nil
}

// Has reports whether a value exists at path.
func (v Node) Has(path string) bool {
	n, err := v.Lookup(path)
	return err == nil && n.Exists()
}

func (v Node) errAt(rel fieldpath.Path, line int, wrapped error, msg string) error {
	e := &FieldError{Line: line, Path: fieldpath.Join(v.path, rel).String(), Msg: msg, Err: wrapped}
	if v.doc != nil {
		e.File = v.doc.file.name
	}
	return e
}

func (v Node) typeErr(want string) error {
	return v.errAt(nil, v.Line(), nil, fmt.Sprintf("want %s, got %s", want, describe(v.n.resolved())))
}

// describe names a value's type for messages.
func describe(n *node) string {
	// Values are never quoted: the node may be a Secret's data, and an error message ends up
	// in logs and in Git history. The file, line and path say where to look.
	switch {
	case n == nil:
		return "nothing"
	case n.kind == MapKind:
		return "a map"
	case n.kind == SeqKind:
		return "a list"
	}
	switch n.tag {
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a float"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	}
	return "a " + strings.TrimPrefix(n.tag, "!!") + " value"
}

func (v Node) at(path string) (Node, error) {
	if path == "" {
		if v.n == nil {
			return Node{}, v.errAt(nil, v.Line(), ErrNotFound, "not found")
		}
		return v, nil
	}
	return v.Lookup(path)
}

// GetString reads a string. Timestamps and binary values are strings too, as they are in JSON.
func (v Node) GetString(path string) (string, error) {
	x, err := v.at(path)
	if err != nil {
		return "", err
	}
	n := x.n.resolved()
	if n.kind != ScalarKind || (n.tag != "!!str" && n.tag != "!!timestamp" && n.tag != "!!binary") {
		return "", x.typeErr("a string")
	}
	return n.value, nil
}

// GetInt reads an integer; it stays an int64 (no float64 round trip). Values outside int64
// are an error.
func (v Node) GetInt(path string) (int64, error) {
	x, err := v.at(path)
	if err != nil {
		return 0, err
	}
	n := x.n.resolved()
	if n.kind != ScalarKind || n.tag != "!!int" {
		return 0, x.typeErr("an integer")
	}
	i, err := parseInt(n.value)
	if err != nil {
		return 0, x.errAt(nil, x.Line(), nil, fmt.Sprintf("integer %s does not fit in 64 bits", n.value))
	}
	return i, nil
}

// GetFloat reads a number (integer or float) as a float64.
func (v Node) GetFloat(path string) (float64, error) {
	x, err := v.at(path)
	if err != nil {
		return 0, err
	}
	n := x.n.resolved()
	if n.kind != ScalarKind || (n.tag != "!!int" && n.tag != "!!float") {
		return 0, x.typeErr("a number")
	}
	f, ok := parseFloat(n.value)
	if !ok {
		return 0, x.typeErr("a number")
	}
	return f, nil
}

// GetBool reads a boolean (true or false; YAML 1.1's yes/no/on/off are strings).
func (v Node) GetBool(path string) (bool, error) {
	x, err := v.at(path)
	if err != nil {
		return false, err
	}
	n := x.n.resolved()
	if n.kind != ScalarKind || n.tag != "!!bool" {
		return false, x.typeErr("a boolean")
	}
	return strings.EqualFold(n.value, "true"), nil
}

// GetList reads a list as Go values (see Value).
func (v Node) GetList(path string) ([]any, error) {
	x, err := v.at(path)
	if err != nil {
		return nil, err
	}
	if x.Kind() != SeqKind {
		return nil, x.typeErr("a list")
	}
	val, err := x.Value()
	if err != nil {
		return nil, err
	}
	return val.([]any), nil
}

// GetMap reads a map as Go values (see Value).
func (v Node) GetMap(path string) (map[string]any, error) {
	x, err := v.at(path)
	if err != nil {
		return nil, err
	}
	if x.Kind() != MapKind {
		return nil, x.typeErr("a map")
	}
	val, err := x.Value()
	if err != nil {
		return nil, err
	}
	return val.(map[string]any), nil
}

// GetStringMap reads a map of strings, such as labels or annotations.
func (v Node) GetStringMap(path string) (map[string]string, error) {
	x, err := v.at(path)
	if err != nil {
		return nil, err
	}
	n := x.n.resolved()
	if n.kind != MapKind {
		return nil, x.typeErr("a map of strings")
	}
	out := make(map[string]string, len(n.children)/2)
	for i := 0; i+1 < len(n.children); i += 2 {
		k, val := n.children[i].resolved(), n.children[i+1].resolved()
		if k.kind != ScalarKind || val.kind != ScalarKind || val.tag != "!!str" {
			item := Node{doc: v.doc, n: val, path: x.path.Child(fieldpath.Key(k.value))}
			return nil, item.typeErr("a string")
		}
		out[k.value] = val.value
	}
	return out, nil
}

// Get reads any value as Go values (see Value).
func (v Node) Get(path string) (any, error) {
	x, err := v.at(path)
	if err != nil {
		return nil, err
	}
	return x.Value()
}

// Keys lists a map's keys in document order.
func (v Node) Keys() []string {
	n := v.n.resolved()
	if n == nil || n.kind != MapKind {
		return nil
	}
	out := make([]string, 0, len(n.children)/2)
	for i := 0; i < len(n.children); i += 2 {
		out = append(out, n.children[i].value)
	}
	return out
}

// Len is the number of entries of a map or items of a list.
func (v Node) Len() int {
	n := v.n.resolved()
	switch {
	case n == nil:
		return 0
	case n.kind == MapKind:
		return len(n.children) / 2
	case n.kind == SeqKind:
		return len(n.children)
	}
	return 0
}

// Item returns item i of a list.
func (v Node) Item(i int) Node {
	n := v.n.resolved()
	if n == nil || n.kind != SeqKind || i < 0 || i >= len(n.children) {
		return Node{}
	}
	return Node{doc: v.doc, n: n.children[i], path: v.path.Child(fieldpath.Index(i))}
}

// Decode decodes the value at path into out through encoding/json, so Kubernetes API types and
// any struct with json tags work.
func (v Node) Decode(path string, out any) error {
	x, err := v.at(path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := x.writeJSON(&buf); err != nil {
		return err
	}
	dec := json.NewDecoder(&buf)
	if err := dec.Decode(out); err != nil {
		return x.errAt(nil, x.Line(), nil, fmt.Sprintf("cannot decode: %v", err))
	}
	return nil
}

// Decode reads the value at path of v into a new T.
func Decode[T any](v Node, path string) (T, error) {
	var out T
	err := v.Decode(path, &out)
	return out, err
}

// aliasBudget bounds how many nodes reading one value may visit, so a "billion laughs" alias
// bomb fails fast instead of exhausting memory.
const aliasBudget = 1 << 20

// Value converts the node to Go values: map[string]any, []any, string, int64 (or *big.Int
// beyond 64 bits), float64, bool and nil. Aliases are expanded, within a budget.
func (v Node) Value() (any, error) {
	budget := aliasBudget
	return v.value(v.n, &budget)
}

func (v Node) value(n *node, budget *int) (any, error) {
	*budget--
	if *budget < 0 {
		return nil, v.errAt(nil, v.Line(), nil, "value expands to too many nodes (YAML alias bomb?)")
	}
	n = n.resolved()
	if n == nil {
		return nil, nil
	}
	switch n.kind {
	case MapKind:
		out := make(map[string]any, len(n.children)/2)
		for i := 0; i+1 < len(n.children); i += 2 {
			k := n.children[i].resolved()
			if k.kind != ScalarKind {
				return nil, v.errAt(nil, k.line, nil, "map key is not a scalar")
			}
			val, err := v.value(n.children[i+1], budget)
			if err != nil {
				return nil, err
			}
			out[k.value] = val
		}
		return out, nil
	case SeqKind:
		out := make([]any, len(n.children))
		for i, c := range n.children {
			val, err := v.value(c, budget)
			if err != nil {
				return nil, err
			}
			out[i] = val
		}
		return out, nil
	}
	return scalarValue(n), nil
}

func scalarValue(n *node) any {
	switch n.tag {
	case "!!null":
		return nil
	case "!!bool":
		return strings.EqualFold(n.value, "true")
	case "!!int":
		if i, err := parseInt(n.value); err == nil {
			return i
		}
		if b, ok := parseBigInt(n.value); ok {
			return b
		}
		return n.value
	case "!!float":
		// yaml.v3 types integers beyond 64 bits as floats; keep them exact.
		if isIntegerText(n.value) {
			if b, ok := parseBigInt(n.value); ok {
				return b
			}
		}
		if f, ok := parseFloat(n.value); ok {
			return f
		}
		return n.value
	}
	return n.value
}

func parseInt(s string) (int64, error) {
	return strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
}

func parseBigInt(s string) (*big.Int, bool) {
	b, ok := new(big.Int).SetString(strings.ReplaceAll(s, "_", ""), 0)
	return b, ok
}

func isIntegerText(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseFloat(s string) (float64, bool) {
	switch strings.ToLower(s) {
	case ".nan":
		return math.NaN(), true
	case ".inf", "+.inf":
		return math.Inf(1), true
	case "-.inf":
		return math.Inf(-1), true
	}
	s = strings.ReplaceAll(s, "_", "")
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
	}
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		return float64(i), true
	}
	return 0, false
}
