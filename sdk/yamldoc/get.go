package yamldoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
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

// Tag is the type Kubernetes reads the value as, spelled as a YAML tag: !!str, !!int,
// !!float, !!bool, !!null, !!map or !!seq, aliases followed. A date, a !!binary or a scalar
// with a custom tag (!Ref x) is a string to Kubernetes, so its Tag is !!str.
func (v Node) Tag() string {
	n := v.n.resolved()
	if n == nil {
		return ""
	}
	return kubeTag(n)
}

// kubeTag is the tag of the JSON type Kubernetes reads n as.
func kubeTag(n *node) string {
	switch n.kind {
	case MapKind:
		return tagMap
	case SeqKind:
		return tagSeq
	}
	switch n.tag() {
	case tagInt, tagFloat, tagBool, tagNull:
		return n.tag()
	}
	return tagStr
}

// Line is the file line where the value is written; for a value added by an edit, the line of
// the closest value that was parsed.
func (v Node) Line() int {
	if v.n != nil && v.n.line > 0 {
		return int(v.n.line)
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

// LookupPath is Lookup with a parsed path. Keys are looked up as Kubernetes reads the map:
// through aliases and "<<" merge keys, with keys read as strings (yes is "true").
func (v Node) LookupPath(p fieldpath.Path) (Node, error) {
	n, _, err := v.walk(p)
	return n, err
}

// LineOf is the file line a message about path should name: the line of its key (or of its
// list item) when the value exists, else the line of the key of the closest parent that exists,
// so "spec.replicas: not found" points at the "spec:" line, not at the first key under it. It is
// the line Lookup's errors name. A malformed path gives the line of the node's own key.
func (v Node) LineOf(path string) int {
	p, err := fieldpath.Parse(path)
	if err != nil {
		p = nil
	}
	return v.LineOfPath(p)
}

// LineOfPath is LineOf with a parsed path.
func (v Node) LineOfPath(p fieldpath.Path) int {
	if v.doc == nil || v.doc.root == nil {
		return v.Line()
	}
	// From the document's root, so that the node's own key is known: a node holds its value,
	// whose line is its first entry's when it is a map.
	_, line, _ := v.doc.Root().walk(fieldpath.Join(v.path, p))
	return line
}

// walk follows p from v. line is the line of the key (or list item) that holds the last value
// reached: the value at p when it exists, else its closest existing parent, or the value that
// p cannot go through.
func (v Node) walk(p fieldpath.Path) (_ Node, line int, _ error) {
	cur := v
	line = v.Line()
	for i, e := range p {
		n := cur.n.resolved()
		if n == nil {
			return Node{}, line, v.errAt(p[:i+1], line, ErrNotFound, "not found")
		}
		next := cur.path.Child(e)
		switch {
		case e.IsIndex && n.kind == SeqKind:
			if e.Index >= len(n.children) {
				return Node{}, line, v.errAt(p[:i+1], line, ErrNotFound, fmt.Sprintf("not found: the list has %d items", len(n.children)))
			}
			cur = Node{doc: v.doc, n: n.children[e.Index], path: next}
			line = lineOr(int(cur.n.line), line)
		case !e.IsIndex && n.kind == MapKind:
			en, ok := lookup(n, e.Key)
			if !ok {
				return Node{}, line, v.errAt(p[:i+1], line, ErrNotFound, "not found")
			}
			cur = Node{doc: v.doc, n: en.v, path: next}
			line = lineOr(int(en.k.line), line)
		default:
			want := "a map"
			if e.IsIndex {
				want = "a list"
			}
			return Node{}, line, v.errAt(p[:i], line, nil, fmt.Sprintf("is %s, not %s", describe(n), want))
		}
	}
	return cur, line, nil
}

// lineOr is line, or parent's line for a value an edit added (it has no line of its own).
func lineOr(line, parent int) int {
	if line > 0 {
		return line
	}
	return parent
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
	return v.errAt(nil, v.LineOfPath(nil), nil, fmt.Sprintf("want %s, got %s", want, describe(v.n.resolved())))
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

// GetString reads a string: a value Kubernetes reads as a string (a date, a decoded !!binary,
// a custom-tagged scalar).
func (v Node) GetString(path string) (string, error) {
	x, err := v.at(path)
	if err != nil {
		return "", err
	}
	n := x.n.resolved()
	if n.kind != ScalarKind || kubeTag(n) != tagStr {
		return "", x.typeErr("a string")
	}
	s, _ := scalarValue(n).(string)
	return s, nil
}

// GetInt reads an integer; it stays an int64 (no float64 round trip). A float with an integral
// value (1.0, 1e0) is an integer, as Kubernetes reads it; 1.5 and values outside int64 are an
// error.
func (v Node) GetInt(path string) (int64, error) {
	x, err := v.at(path)
	if err != nil {
		return 0, err
	}
	n := x.n.resolved()
	if n.kind != ScalarKind || n.tag() != tagInt && n.tag() != tagFloat {
		return 0, x.typeErr("an integer")
	}
	r, ok := numberRat(n)
	if !ok || !r.IsInt() {
		return 0, x.typeErr("an integer")
	}
	if !r.Num().IsInt64() {
		return 0, x.errAt(nil, x.Line(), nil, "the integer does not fit in 64 bits")
	}
	return r.Num().Int64(), nil
}

// GetFloat reads a number (integer or float) as a float64.
func (v Node) GetFloat(path string) (float64, error) {
	x, err := v.at(path)
	if err != nil {
		return 0, err
	}
	n := x.n.resolved()
	if n.kind != ScalarKind || (n.tag() != tagInt && n.tag() != tagFloat) {
		return 0, x.typeErr("a number")
	}
	switch f := scalarValue(n).(type) {
	case int64:
		return float64(f), nil
	case uint64:
		return float64(f), nil
	case float64:
		return f, nil
	}
	return 0, x.typeErr("a number")
}

// GetBool reads a boolean: true or false, and YAML 1.1's y, yes, on, n, no, off... as
// Kubernetes reads them.
func (v Node) GetBool(path string) (bool, error) {
	x, err := v.at(path)
	if err != nil {
		return false, err
	}
	n := x.n.resolved()
	if n.kind != ScalarKind || n.tag() != tagBool {
		return false, x.typeErr("a boolean")
	}
	b, _ := scalarValue(n).(bool)
	return b, nil
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
	es, err := mapEntries(n)
	if err != nil {
		return nil, x.errAt(nil, x.Line(), nil, err.Error())
	}
	out := make(map[string]string, len(es))
	for _, e := range es {
		val := e.v.resolved()
		if val.kind != ScalarKind || kubeTag(val) != tagStr {
			item := Node{doc: v.doc, n: e.v, path: x.path.Child(fieldpath.Key(e.key))}
			return nil, item.typeErr("a string")
		}
		out[e.key], _ = scalarValue(val).(string)
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

// Keys lists a map's keys as Kubernetes reads them (strings; merged keys included), in the
// order they are first set.
func (v Node) Keys() []string {
	n := v.n.resolved()
	if n == nil || n.kind != MapKind {
		return nil
	}
	es, _ := mapEntries(n)
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.key
	}
	return out
}

// Entries yields a map's entries as Kubernetes reads them, in the order of Keys, each key with
// the value Lookup of that key gives: one pass over the map, where looking every key up is a
// pass per key. A value that is not a map yields nothing.
func (v Node) Entries() iter.Seq2[string, Node] {
	return func(yield func(string, Node) bool) {
		n := v.n.resolved()
		if n == nil || n.kind != MapKind {
			return
		}
		es, _ := mapEntries(n)
		for _, e := range es {
			if !yield(e.key, Node{doc: v.doc, n: e.v, path: v.path.Child(fieldpath.Key(e.key))}) {
				return
			}
		}
	}
}

// Len is the number of entries of a map (merged keys included) or items of a list.
func (v Node) Len() int {
	n := v.n.resolved()
	switch {
	case n == nil:
		return 0
	case n.kind == MapKind:
		if !n.merges && !n.oddKeys {
			return len(n.children) / 2
		}
		es, _ := mapEntries(n)
		return len(es)
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

// Value converts the node to Go values as Kubernetes reads it: map[string]any, []any,
// string, int64 (or *big.Int beyond), float64, bool and nil. Aliases and merge keys are
// resolved.
func (v Node) Value() (any, error) {
	x, err := goValue(v.n)
	if err != nil {
		line := v.Line()
		var re *readErr
		if errors.As(err, &re) && re.n.line > 0 {
			line = int(re.n.line)
		}
		return nil, v.errAt(nil, line, nil, err.Error())
	}
	return x, nil
}

// numberRat is a number's exact value.
func numberRat(n *node) (*big.Rat, bool) {
	if n.json {
		return new(big.Rat).SetString(n.value)
	}
	switch x := scalarValue(n).(type) {
	case int64:
		return new(big.Rat).SetInt64(x), true
	case uint64:
		return new(big.Rat).SetUint64(x), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
		return new(big.Rat).SetFloat64(x), true
	}
	return nil, false
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

// JSON is the value as Kubernetes reads it, as JSON: aliases and "<<" merge keys resolved,
// keys as strings, numbers exactly as they are read (a JSON file's as written). Map keys are in
// the order Keys gives.
func (v Node) JSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := v.writeJSON(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
