package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stagekit/stagekit/sdk/fieldpath"
)

// Violation is one way in which a spec breaks its schema.
type Violation struct {
	Path    string // field path in stagekit's path syntax, always starting with "spec", e.g. spec.containers[0].image
	Message string // e.g. `expected integer, but got string`, `missing property "subnet_id"`
}

// String formats the violation as "path: message".
func (v Violation) String() string { return v.Path + ": " + v.Message }

// maxExponent bounds the decimal exponent of a number: exact arithmetic on 1e999999999 would take
// gigabytes. Kubernetes itself decodes numbers into int64 or float64 (|exponent| < 309).
const maxExponent = 1000

// ValidateSpec checks a request's spec against properties.spec of the schema and returns every
// violation at once (an empty slice when the spec is valid), sorted by path then message.
// spec is a JSON-like Go value (see the package documentation); it is not modified.
func (s *Schema) ValidateSpec(spec any) []Violation {
	root := fieldpath.Path{fieldpath.Key("spec")}
	c := &collector{seen: map[string]bool{}}
	if spec == nil {
		if s.specRequired {
			c.add(root, `missing property "spec"`)
		}
		return c.sorted()
	}
	cv := &converter{bad: map[string]bool{}, out: c}
	value := cv.convert(spec, root)
	if s.compiled == nil {
		return c.sorted()
	}
	err := s.compiled.Validate(value)
	var ve *jsonschema.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &ve):
		for _, leaf := range leaves(ve, nil) {
			s.report(c, cv, value, root, leaf)
		}
	default:
		c.add(root, err.Error())
	}
	return c.sorted()
}

// report turns one leaf of the jsonschema error tree into violations.
func (s *Schema) report(c *collector, cv *converter, value any, root fieldpath.Path, leaf *jsonschema.ValidationError) {
	path, target := instancePath(root, value, leaf.InstanceLocation)
	for p := path; len(p) > 0; p = p[:len(p)-1] {
		if cv.bad[p.String()] {
			return // already reported as an unsupported value
		}
	}
	keyword := ""
	kwPtr := ""
	if i := strings.IndexByte(leaf.AbsoluteKeywordLocation, '#'); i >= 0 {
		kwPtr = leaf.AbsoluteKeywordLocation[i+1:]
		keyword = kwPtr[strings.LastIndexByte(kwPtr, '/')+1:]
	}
	switch keyword {
	case "required":
		req, ok := lookup(s.doc, kwPtr).([]any)
		obj, isObj := target.(map[string]any)
		if ok && isObj {
			found := false
			for _, r := range req {
				name, ok := r.(string)
				if !ok {
					continue
				}
				if _, present := obj[name]; !present {
					c.add(path.Child(fieldpath.Key(name)), "missing property "+strconv.Quote(name))
					found = true
				}
			}
			if found {
				return
			}
		}
	case "enum":
		if enum, ok := lookup(s.doc, kwPtr).([]any); ok && len(enum) > 0 {
			vals := make([]string, len(enum))
			for i, e := range enum {
				vals[i] = compactJSON(e)
			}
			if len(vals) == 1 {
				c.add(path, "value must be "+vals[0])
			} else {
				c.add(path, "value must be one of "+strings.Join(vals, ", "))
			}
			return
		}
	}
	c.add(path, leaf.Message)
}

// leaves appends the leaf causes of ve's tree to out.
func leaves(ve *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(out, ve)
	}
	for _, c := range ve.Causes {
		out = leaves(c, out)
	}
	return out
}

// pointerTokens splits a JSON pointer as jsonschema v5 writes it (each token ~-escaped, then
// URL-path-escaped) into its unescaped tokens.
func pointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		p = strings.ReplaceAll(p, "~1", "/")
		parts[i] = strings.ReplaceAll(p, "~0", "~")
	}
	return parts
}

// instancePath converts an instance location into a field path below root, deciding from the
// value itself whether a token indexes a list. It also returns the value found there.
func instancePath(root fieldpath.Path, value any, loc string) (fieldpath.Path, any) {
	path := root.Child()
	cur := value
	for _, tok := range pointerTokens(loc) {
		if list, ok := cur.([]any); ok {
			if n, err := strconv.Atoi(tok); err == nil && n >= 0 && n < len(list) && strconv.Itoa(n) == tok {
				path = append(path, fieldpath.Index(n))
				cur = list[n]
				continue
			}
		}
		path = append(path, fieldpath.Key(tok))
		if m, ok := cur.(map[string]any); ok {
			cur = m[tok]
		} else {
			cur = nil
		}
	}
	return path, cur
}

// lookup resolves a JSON pointer in a decoded JSON document; nil if it leads nowhere.
func lookup(doc any, ptr string) any {
	cur := doc
	for _, tok := range pointerTokens(ptr) {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n >= len(c) {
				return nil
			}
			cur = c[n]
		default:
			return nil
		}
	}
	return cur
}

func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// collector gathers violations without duplicates.
type collector struct {
	list []pathViolation
	seen map[string]bool
}

type pathViolation struct {
	path fieldpath.Path
	v    Violation
}

func (c *collector) add(p fieldpath.Path, msg string) {
	v := Violation{Path: p.String(), Message: msg}
	key := v.Path + "\x00" + v.Message
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.list = append(c.list, pathViolation{path: p, v: v})
}

func (c *collector) sorted() []Violation {
	sort.Slice(c.list, func(i, j int) bool {
		if d := comparePaths(c.list[i].path, c.list[j].path); d != 0 {
			return d < 0
		}
		return c.list[i].v.Message < c.list[j].v.Message
	})
	out := make([]Violation, len(c.list))
	for i, pv := range c.list {
		out[i] = pv.v
	}
	return out
}

// comparePaths orders paths element by element: keys by string, indexes by number, a key before
// an index, a prefix before its extensions.
func comparePaths(a, b fieldpath.Path) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.IsIndex != y.IsIndex:
			if y.IsIndex {
				return -1
			}
			return 1
		case x.IsIndex:
			if x.Index != y.Index {
				if x.Index < y.Index {
					return -1
				}
				return 1
			}
		case x.Key != y.Key:
			return strings.Compare(x.Key, y.Key)
		}
	}
	return len(a) - len(b)
}

// converter copies a Go value into the form jsonschema v5 validates (map[string]any, []any,
// string, bool, nil, json.Number), reporting what cannot be converted.
type converter struct {
	bad map[string]bool // paths of values reported here, replaced by nil
	out *collector
}

func (cv *converter) fail(p fieldpath.Path, msg string) any {
	cv.bad[p.String()] = true
	cv.out.add(p, msg)
	return nil
}

func (cv *converter) convert(v any, p fieldpath.Path) any {
	switch x := v.(type) {
	case nil, bool, string:
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cv.convert(e, p.Child(fieldpath.Key(k)))
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cv.convert(e, p.Child(fieldpath.Index(i)))
		}
		return out
	case json.Number:
		return cv.number(string(x), p)
	case json.RawMessage:
		dec := json.NewDecoder(bytes.NewReader(x))
		dec.UseNumber()
		var d any
		if err := dec.Decode(&d); err != nil {
			return cv.fail(p, fmt.Sprintf("invalid JSON: %v", err))
		}
		return cv.convert(d, p)
	case *big.Int:
		if x == nil {
			return nil
		}
		return json.Number(x.String())
	case float64:
		return cv.float(x, 64, p)
	case float32:
		return cv.float(float64(x), 32, p)
	case int:
		return json.Number(strconv.FormatInt(int64(x), 10))
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case int32:
		return json.Number(strconv.FormatInt(int64(x), 10))
	case uint64:
		return json.Number(strconv.FormatUint(x, 10))
	}
	// Other integer and float kinds, typed maps and slices.
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return json.Number(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		return cv.float(rv.Float(), rv.Type().Bits(), p)
	case reflect.Bool:
		return rv.Bool()
	case reflect.String:
		return rv.String()
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		if rv.IsNil() {
			return nil
		}
		out := make(map[string]any, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			k := iter.Key().String()
			out[k] = cv.convert(iter.Value().Interface(), p.Child(fieldpath.Key(k)))
		}
		return out
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = cv.convert(rv.Index(i).Interface(), p.Child(fieldpath.Index(i)))
		}
		return out
	}
	return cv.fail(p, fmt.Sprintf("unsupported value of Go type %T", v))
}

func (cv *converter) float(f float64, bits int, p fieldpath.Path) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return cv.fail(p, fmt.Sprintf("value must be a finite number, got %v", f))
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, bits))
}

// number checks that s is a JSON number literal with a bounded exponent.
func (cv *converter) number(s string, p fieldpath.Path) any {
	if !validNumber(s) {
		return cv.fail(p, fmt.Sprintf("invalid number %q", s))
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp := strings.TrimLeft(s[i+1:], "+-")
		if exp = strings.TrimLeft(exp, "0"); exp == "" {
			exp = "0"
		}
		if n, err := strconv.Atoi(exp); err != nil || n > maxExponent {
			return cv.fail(p, fmt.Sprintf("number %s is out of range", s))
		}
	}
	return json.Number(s)
}

// validNumber reports whether s is exactly a JSON number literal.
func validNumber(s string) bool {
	i := 0
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	n := digits()
	if n == 0 || (n > 1 && s[start] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}
