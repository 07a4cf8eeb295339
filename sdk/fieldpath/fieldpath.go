// Package fieldpath is the one path syntax used across stagekit to address a value inside a
// Kubernetes object, a status file or any YAML/JSON document.
//
// A path is a list of map keys and list indexes:
//
//	spec.replicas                           key "spec", then key "replicas"
//	spec.template.spec.containers[0].image  [N] indexes a list
//	metadata.labels.app\.kubernetes\.io/name  a backslash escapes . [ ] and \ inside a key
//	metadata.labels["app.kubernetes.io/name"] or quote the key in brackets (JSON string rules)
//
// Digits after a dot are a map key ("data.0" is the key "0"), never an index, so a path means
// the same thing whatever the document holds. The empty path addresses the document root.
package fieldpath

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Elem is one step of a Path: a map key, or a list index when IsIndex is true.
type Elem struct {
	Key     string
	Index   int
	IsIndex bool
}

// Key returns the step that selects a map key.
func Key(k string) Elem { return Elem{Key: k} }

// Index returns the step that selects a list item.
func Index(i int) Elem { return Elem{Index: i, IsIndex: true} }

// Path addresses a value; the zero Path is the root.
type Path []Elem

// Parse parses the path syntax of the package documentation.
func Parse(s string) (Path, error) {
	var p Path
	if s == "" {
		return p, nil
	}
	i := 0
	expectKey := true // at the start or after a dot, a bare key must follow
	for i < len(s) {
		switch {
		case s[i] == '[':
			end, elem, err := parseBracket(s, i)
			if err != nil {
				return nil, err
			}
			p = append(p, elem)
			i = end
			expectKey = false
			if i < len(s) && s[i] != '.' && s[i] != '[' {
				return nil, fmt.Errorf("path %q: unexpected %q at offset %d after ]", s, s[i], i)
			}
			if i < len(s) && s[i] == '.' {
				i++
				expectKey = true
				if i == len(s) {
					return nil, fmt.Errorf("path %q: ends with a dot", s)
				}
			}
		case expectKey:
			var b strings.Builder
			for i < len(s) && s[i] != '.' && s[i] != '[' {
				if s[i] == ']' {
					return nil, fmt.Errorf("path %q: unexpected ] at offset %d (escape it as \\])", s, i)
				}
				if s[i] == '\\' {
					if i+1 == len(s) {
						return nil, fmt.Errorf("path %q: ends with a lone backslash", s)
					}
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			if b.Len() == 0 {
				return nil, fmt.Errorf("path %q: empty key at offset %d", s, i)
			}
			p = append(p, Key(b.String()))
			expectKey = false
			if i < len(s) && s[i] == '.' {
				i++
				expectKey = true
				if i == len(s) {
					return nil, fmt.Errorf("path %q: ends with a dot", s)
				}
			}
		default:
			return nil, fmt.Errorf("path %q: unexpected %q at offset %d", s, s[i], i)
		}
	}
	return p, nil
}

func parseBracket(s string, i int) (int, Elem, error) {
	if i+1 < len(s) && s[i+1] == '"' {
		// A quoted key: find the closing quote honouring JSON escapes, then the ].
		j := i + 2
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) || j+1 >= len(s) || s[j+1] != ']' {
			return 0, Elem{}, fmt.Errorf("path %q: unterminated quoted key at offset %d", s, i)
		}
		var key string
		if err := json.Unmarshal([]byte(s[i+1:j+1]), &key); err != nil {
			return 0, Elem{}, fmt.Errorf("path %q: bad quoted key at offset %d: %v", s, i, err)
		}
		return j + 2, Key(key), nil
	}
	end := strings.IndexByte(s[i:], ']')
	if end < 0 {
		return 0, Elem{}, fmt.Errorf("path %q: missing ] after offset %d", s, i)
	}
	digits := s[i+1 : i+end]
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || digits == "" || (len(digits) > 1 && digits[0] == '0') || digits[0] == '+' {
		return 0, Elem{}, fmt.Errorf("path %q: index %q at offset %d is not a non-negative integer (quote map keys as [\"key\"])", s, digits, i)
	}
	return i + end + 1, Index(n), nil
}

// MustParse is Parse for paths written in code; it panics on a malformed path.
func MustParse(s string) Path {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String formats p so that Parse(p.String()) == p.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		if e.IsIndex {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
			continue
		}
		if e.Key == "" {
			q, _ := json.Marshal(e.Key)
			b.WriteByte('[')
			b.Write(q)
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		for j := 0; j < len(e.Key); j++ {
			switch c := e.Key[j]; c {
			case '.', '[', ']', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// Child returns p extended by the given steps, without aliasing p's backing array.
func (p Path) Child(elems ...Elem) Path {
	out := make(Path, 0, len(p)+len(elems))
	return append(append(out, p...), elems...)
}

// Join returns the path a then b.
func Join(a, b Path) Path { return a.Child(b...) }
