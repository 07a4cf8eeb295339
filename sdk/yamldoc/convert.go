package yamldoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"unicode/utf8"
)

// fromGo builds a synthetic node tree from a Go value.
func fromGo(v any) (*node, error) {
	switch x := v.(type) {
	case nil:
		return &node{kind: ScalarKind, tid: idNull, value: "null"}, nil
	case Node:
		if x.n == nil {
			return nil, fmt.Errorf("cannot set a value that does not exist")
		}
		return copyNode(x.n), nil
	case *Node:
		return fromGo(*x)
	case string:
		return strNode(x)
	case bool:
		return &node{kind: ScalarKind, tid: idBool, value: strconv.FormatBool(x)}, nil
	case int:
		return intNode(strconv.FormatInt(int64(x), 10)), nil
	case int8, int16, int32, int64:
		return intNode(strconv.FormatInt(reflect.ValueOf(x).Int(), 10)), nil
	case uint, uint8, uint16, uint32, uint64:
		return intNode(strconv.FormatUint(reflect.ValueOf(x).Uint(), 10)), nil
	case *big.Int:
		return intNode(x.String()), nil
	case float32:
		return floatNode(float64(x))
	case float64:
		return floatNode(x)
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil || isIntegerText(string(x)) {
			return intNode(string(x)), nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("invalid number %q", x)
		}
		return floatNode(f)
	case map[string]any:
		m := &node{kind: MapKind, tid: idMap}
		for _, k := range sortedKeys(x) {
			c, err := fromGo(x[k])
			if err != nil {
				return nil, err
			}
			kn, err := strNode(k)
			if err != nil {
				return nil, err
			}
			m.children = append(m.children, kn, c)
		}
		return m, nil
	case map[string]string:
		m := &node{kind: MapKind, tid: idMap}
		for _, k := range sortedKeys(x) {
			kn, err := strNode(k)
			if err != nil {
				return nil, err
			}
			vn, err := strNode(x[k])
			if err != nil {
				return nil, err
			}
			m.children = append(m.children, kn, vn)
		}
		return m, nil
	case []any:
		s := &node{kind: SeqKind, tid: idSeq, children: make([]*node, 0, len(x))}
		for _, it := range x {
			c, err := fromGo(it)
			if err != nil {
				return nil, err
			}
			s.children = append(s.children, c)
		}
		return s, nil
	case []string:
		s := &node{kind: SeqKind, tid: idSeq, children: make([]*node, 0, len(x))}
		for _, it := range x {
			c, err := strNode(it)
			if err != nil {
				return nil, err
			}
			s.children = append(s.children, c)
		}
		return s, nil
	}
	// Anything else goes through encoding/json, keeping struct field order.
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot encode %T: %v", v, err)
	}
	return fromJSON(b)
}

// strNode is a string value; YAML holds only valid UTF-8 text.
func strNode(s string) (*node, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("string %q is not valid UTF-8; YAML cannot hold it", s)
	}
	return &node{kind: ScalarKind, tid: idStr, value: s}, nil
}

func intNode(s string) *node { return &node{kind: ScalarKind, tid: idInt, value: s} }

func floatNode(f float64) (*node, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v is not a number JSON can hold; Kubernetes cannot read it", f)
	}
	return &node{kind: ScalarKind, tid: idFloat, value: strconv.FormatFloat(f, 'g', -1, 64)}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fromJSON builds nodes from JSON keeping object key order (a struct's field order).
func fromJSON(b []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	n, err := jsonValue(dec)
	if err != nil {
		return nil, err
	}
	return n, nil
}

func jsonValue(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			m := &node{kind: MapKind, tid: idMap}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := jsonValue(dec)
				if err != nil {
					return nil, err
				}
				kn, err := strNode(kt.(string))
				if err != nil {
					return nil, err
				}
				m.children = append(m.children, kn, v)
			}
			_, err := dec.Token()
			return m, err
		}
		s := &node{kind: SeqKind, tid: idSeq}
		for dec.More() {
			v, err := jsonValue(dec)
			if err != nil {
				return nil, err
			}
			s.children = append(s.children, v)
		}
		_, err := dec.Token()
		return s, err
	default:
		return fromGo(t)
	}
}

// copyNode deep-copies a value as synthetic nodes, expanding aliases (bounded: see v2Sim).
func copyNode(n *node) *node {
	n = n.resolved()
	c := &node{kind: n.kind, value: n.value, style: n.style, flow: n.flow, json: n.json, merges: n.merges, oddKeys: n.oddKeys}
	c.copyTag(n)
	if len(n.children) > 0 {
		c.children = make([]*node, len(n.children))
		for i, ch := range n.children {
			c.children[i] = copyNode(ch)
		}
	}
	return c
}

// equalNodes compares two values as Kubernetes reads them: same kinds, maps with the same keys
// (merged keys included, in any order), equal scalars (numbers by exact value, so 2 and 2.0
// are equal as they are in JSON; yes and true are the same boolean).
func equalNodes(a, b *node) bool {
	a, b = a.resolved(), b.resolved()
	if a == nil || b == nil {
		return a == b
	}
	if a == b {
		return true
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case ScalarKind:
		return sameTag(a, b) && a.value == b.value && a.json == b.json || equalScalars(a, b)
	case SeqKind:
		if len(a.children) != len(b.children) {
			return false
		}
		for i := range a.children {
			if !equalNodes(a.children[i], b.children[i]) {
				return false
			}
		}
		return true
	}
	plain := !a.merges && !a.oddKeys && !b.merges && !b.oddKeys
	if plain && len(a.children) == len(b.children) {
		inOrder := true
		for i := 0; i < len(a.children); i += 2 {
			if a.children[i].value != b.children[i].value {
				inOrder = false
				break
			}
		}
		if inOrder {
			for i := 1; i < len(a.children); i += 2 {
				if !equalNodes(a.children[i], b.children[i]) {
					return false
				}
			}
			return true
		}
	}
	ea, err1 := mapEntries(a)
	eb, err2 := mapEntries(b)
	if err1 != nil || err2 != nil || len(ea) != len(eb) {
		return false
	}
	byKey := make(map[string]*node, len(eb))
	for _, e := range eb {
		byKey[e.key] = e.v
	}
	for _, e := range ea {
		bv, ok := byKey[e.key]
		if !ok || !equalNodes(e.v, bv) {
			return false
		}
	}
	return true
}

// equalScalars compares two scalars as Kubernetes reads them.
func equalScalars(a, b *node) bool {
	ta, tb := kubeTag(a), kubeTag(b)
	num := func(t string) bool { return t == tagInt || t == tagFloat }
	if num(ta) && num(tb) {
		ra, ok1 := numberRat(a)
		rb, ok2 := numberRat(b)
		return ok1 && ok2 && ra.Cmp(rb) == 0
	}
	if ta != tb {
		return false
	}
	return scalarValue(a) == scalarValue(b)
}

// writeJSON writes the value as JSON, as Kubernetes reads it: merge keys resolved, keys as
// strings, numbers exactly as written in JSON (and as goyaml.v2 reads them in YAML).
func (v Node) writeJSON(buf *bytes.Buffer) error {
	if err := v.writeJSONNode(buf, v.n); err != nil {
		line := v.Line()
		var re *readErr
		if errors.As(err, &re) && re.n.line > 0 {
			line = int(re.n.line)
		}
		return v.errAt(nil, line, nil, err.Error())
	}
	return nil
}

func (v Node) writeJSONNode(buf *bytes.Buffer, n *node) error {
	n = n.resolved()
	if n == nil {
		buf.WriteString("null")
		return nil
	}
	switch n.kind {
	case MapKind:
		es, err := mapEntries(n)
		if err != nil {
			return err
		}
		buf.WriteByte('{')
		for i, e := range es {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, e.key)
			buf.WriteByte(':')
			if err := v.writeJSONNode(buf, e.v); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case SeqKind:
		buf.WriteByte('[')
		for i, c := range n.children {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := v.writeJSONNode(buf, c); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		if !n.json {
			if _, err := goScalar(n); err != nil {
				return err
			}
		}
		buf.WriteString(jsonScalar(n))
	}
	return nil
}

// jsonScalar writes a scalar as JSON; a JSON number keeps its text.
func jsonScalar(n *node) string {
	if n.json && (n.tag() == tagInt || n.tag() == tagFloat) {
		return n.value
	}
	switch x := scalarValue(n).(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.Quote(n.value)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		var b bytes.Buffer
		writeJSONString(&b, x)
		return b.String()
	}
	return "null"
}

func writeJSONString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	// Encode appends a newline.
	buf.Truncate(buf.Len() - 1)
}
