package labels

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Operator is how a requirement compares a label.
type Operator string

// The operators of the selector syntax.
const (
	Equals       Operator = "="
	DoubleEquals Operator = "=="
	NotEquals    Operator = "!="
	In           Operator = "in"
	NotIn        Operator = "notin"
	Exists       Operator = "exists"
	DoesNotExist Operator = "!"
	GreaterThan  Operator = "gt"
	LessThan     Operator = "lt"
)

// Requirement is one comma-separated part of a selector: a key, an operator and its values
// (sorted, without duplicates; none for Exists and DoesNotExist).
type Requirement struct {
	Key      string
	Operator Operator
	Values   []string
}

// Selector is a parsed label selector: every requirement must hold. The zero Selector matches
// everything.
type Selector struct {
	reqs []Requirement
}

// Requirements returns the requirements, sorted by key.
func (s Selector) Requirements() []Requirement { return slices.Clone(s.reqs) }

// Empty reports whether the selector has no requirement (it matches everything).
func (s Selector) Empty() bool { return len(s.reqs) == 0 }

// Matches reports whether a set of labels satisfies every requirement.
func (s Selector) Matches(labels map[string]string) bool {
	for _, r := range s.reqs {
		if !r.Matches(labels) {
			return false
		}
	}
	return true
}

// Matches reports whether a set of labels satisfies the requirement.
func (r Requirement) Matches(labels map[string]string) bool {
	v, ok := labels[r.Key]
	switch r.Operator {
	case Equals, DoubleEquals, In:
		return ok && slices.Contains(r.Values, v)
	case NotEquals, NotIn:
		return !ok || !slices.Contains(r.Values, v)
	case Exists:
		return ok
	case DoesNotExist:
		return !ok
	case GreaterThan, LessThan:
		if !ok || len(r.Values) != 1 {
			return false
		}
		have, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return false
		}
		want, err := strconv.ParseInt(r.Values[0], 10, 64)
		if err != nil {
			return false
		}
		return r.Operator == GreaterThan && have > want || r.Operator == LessThan && have < want
	}
	return false
}

// String is the canonical form of the selector, as kubectl prints it: requirements sorted by
// key, values sorted ("env in (dev,staging),!legacy").
func (s Selector) String() string {
	parts := make([]string, len(s.reqs))
	for i, r := range s.reqs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// String is the canonical form of one requirement.
func (r Requirement) String() string {
	switch r.Operator {
	case Exists:
		return r.Key
	case DoesNotExist:
		return "!" + r.Key
	case In, NotIn:
		return r.Key + " " + string(r.Operator) + " (" + strings.Join(r.Values, ",") + ")"
	case GreaterThan:
		return r.Key + ">" + strings.Join(r.Values, ",")
	case LessThan:
		return r.Key + "<" + strings.Join(r.Values, ",")
	}
	return r.Key + string(r.Operator) + strings.Join(r.Values, ",")
}

// Parse reads a label selector. An empty (or all-blank) string is the empty selector, which
// matches everything. Errors say what was found and what was expected.
func Parse(selector string) (Selector, error) {
	p := parser{items: lex(selector)}
	reqs, err := p.parse()
	if err != nil {
		return Selector{}, fmt.Errorf("label selector %q: %w", selector, err)
	}
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].Key < reqs[j].Key })
	return Selector{reqs: reqs}, nil
}

// --- lexer: the token rules of apimachinery's labels.Lexer ---

type token int

const (
	tokError token = iota
	tokEnd
	tokClosePar
	tokComma
	tokNot
	tokDoubleEquals
	tokEquals
	tokGreater
	tokIdent
	tokIn
	tokLess
	tokNotEquals
	tokNotIn
	tokOpenPar
)

var keywords = map[string]token{
	")": tokClosePar, ",": tokComma, "!": tokNot, "==": tokDoubleEquals, "=": tokEquals,
	">": tokGreater, "in": tokIn, "<": tokLess, "!=": tokNotEquals, "notin": tokNotIn, "(": tokOpenPar,
}

type item struct {
	tok token
	lit string
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isSymbol(c byte) bool {
	switch c {
	case '=', '!', '(', ')', ',', '>', '<':
		return true
	}
	return false
}

// lex splits the input into tokens, ending with tokEnd or tokError, byte for byte as
// apimachinery's lexer does, NUL included: a NUL byte where a token starts ends the input, and
// one inside a word or an operator ends that token.
func lex(s string) []item {
	pos := 0
	read := func() byte {
		if pos < len(s) {
			pos++
			return s[pos-1]
		}
		return 0
	}
	var out []item
	for {
		c := read()
		for isSpace(c) {
			c = read()
		}
		if c == 0 {
			return append(out, item{tokEnd, ""})
		}
		pos--
		if isSymbol(c) {
			// The longest run of symbols that still forms a token: "!=" but "=" then "(".
			var last item
			var buf []byte
			for {
				c := read()
				if c == 0 {
					break
				}
				if !isSymbol(c) {
					pos--
					break
				}
				buf = append(buf, c)
				if t, ok := keywords[string(buf)]; ok {
					last = item{t, string(buf)}
				} else if last.tok != tokError {
					pos--
					break
				}
			}
			if last.tok == tokError {
				return append(out, item{tokError, string(buf)})
			}
			out = append(out, last)
			continue
		}
		var word []byte
		for {
			c := read()
			if c == 0 {
				break
			}
			if isSymbol(c) || isSpace(c) {
				pos--
				break
			}
			word = append(word, c)
		}
		if t, ok := keywords[string(word)]; ok {
			out = append(out, item{t, string(word)})
		} else {
			out = append(out, item{tokIdent, string(word)})
		}
	}
}

// --- parser: the grammar of apimachinery's labels.Parser ---

type parser struct {
	items []item
	pos   int
}

// peek and next read the next token; where a value may stand, the keywords in and notin are
// plain words ("env=in" is the value "in").
func (p *parser) peek(values bool) item {
	it := p.items[p.pos]
	if values && (it.tok == tokIn || it.tok == tokNotIn) {
		it.tok = tokIdent
	}
	return it
}

func (p *parser) next(values bool) item {
	it := p.peek(values)
	if p.pos < len(p.items)-1 {
		p.pos++
	}
	return it
}

func found(it item) string {
	switch {
	case it.tok == tokEnd:
		return "end of string"
	case it.tok == tokError:
		return fmt.Sprintf("%q (not an operator)", it.lit)
	}
	return fmt.Sprintf("%q", it.lit)
}

func (p *parser) parse() ([]Requirement, error) {
	var reqs []Requirement
	for {
		switch it := p.peek(true); it.tok {
		case tokIdent, tokNot:
			r, err := p.requirement()
			if err != nil {
				return nil, err
			}
			reqs = append(reqs, r)
			switch sep := p.next(true); sep.tok {
			case tokEnd:
				return reqs, nil
			case tokComma:
				if after := p.peek(true); after.tok != tokIdent && after.tok != tokNot {
					return nil, fmt.Errorf("found %s after ',', expected a key or '!'", found(after))
				}
			default:
				return nil, fmt.Errorf("found %s after %s, expected ',' or the end", found(sep), r)
			}
		case tokEnd:
			return reqs, nil
		default:
			return nil, fmt.Errorf("found %s, expected a key, '!' or the end", found(it))
		}
	}
}

func (p *parser) requirement() (Requirement, error) {
	var r Requirement
	it := p.next(true)
	if it.tok == tokNot {
		r.Operator = DoesNotExist
		it = p.next(true)
	}
	if it.tok != tokIdent {
		return r, fmt.Errorf("found %s, expected a key", found(it))
	}
	r.Key = it.lit
	if after := p.peek(true); after.tok == tokEnd || after.tok == tokComma {
		if r.Operator != DoesNotExist {
			r.Operator = Exists
		}
	}
	if r.Operator == Exists || r.Operator == DoesNotExist {
		return r, check(r)
	}
	op := p.next(false)
	var err error
	switch op.tok {
	case tokIn, tokNotIn:
		r.Operator = In
		if op.tok == tokNotIn {
			r.Operator = NotIn
		}
		r.Values, err = p.valueSet()
	case tokEquals, tokDoubleEquals, tokNotEquals, tokGreater, tokLess:
		r.Operator = map[token]Operator{tokEquals: Equals, tokDoubleEquals: DoubleEquals, tokNotEquals: NotEquals,
			tokGreater: GreaterThan, tokLess: LessThan}[op.tok]
		r.Values, err = p.exactValue()
	default:
		return r, fmt.Errorf("found %s after key %q, expected an operator: =, ==, !=, in, notin, >, <", found(op), r.Key)
	}
	if err != nil {
		return r, err
	}
	return r, check(r)
}

// valueSet reads "(a,b)". Empty items are the empty value: "()", "(,)" and "(a,)" all hold "".
func (p *parser) valueSet() ([]string, error) {
	if it := p.next(true); it.tok != tokOpenPar {
		return nil, fmt.Errorf("found %s, expected '('", found(it))
	}
	set := map[string]bool{}
	switch it := p.peek(true); it.tok {
	case tokClosePar:
		p.next(true)
		return []string{""}, nil
	case tokIdent, tokComma:
	default:
		return nil, fmt.Errorf("found %s, expected a value, ',' or ')'", found(it))
	}
loop:
	for {
		switch it := p.next(true); it.tok {
		case tokIdent:
			set[it.lit] = true
			switch after := p.peek(true); after.tok {
			case tokComma:
				continue
			case tokClosePar:
				break loop
			default:
				return nil, fmt.Errorf("found %s, expected ',' or ')'", found(after))
			}
		case tokComma:
			if len(set) == 0 {
				set[""] = true
			}
			switch after := p.peek(true); after.tok {
			case tokClosePar:
				set[""] = true
				break loop
			case tokComma:
				set[""] = true
			}
		default:
			return nil, fmt.Errorf("found %s, expected a value or ','", found(it))
		}
	}
	if it := p.next(true); it.tok != tokClosePar {
		return nil, fmt.Errorf("found %s, expected ')'", found(it))
	}
	values := make([]string, 0, len(set))
	for v := range set {
		values = append(values, v)
	}
	sort.Strings(values)
	return values, nil
}

// exactValue reads the value after =, ==, !=, > or <; nothing before a ',' or the end is "".
func (p *parser) exactValue() ([]string, error) {
	if it := p.peek(true); it.tok == tokEnd || it.tok == tokComma {
		return []string{""}, nil
	}
	it := p.next(true)
	if it.tok != tokIdent {
		return nil, fmt.Errorf("found %s, expected a value", found(it))
	}
	return []string{it.lit}, nil
}

// check applies Kubernetes' rules to a parsed requirement: a valid key, valid values, integer
// values for > and <.
func check(r Requirement) error {
	var errs []error
	if why := KeyError(r.Key); why != "" {
		errs = append(errs, fmt.Errorf("key %q: %s", r.Key, why))
	}
	for _, v := range r.Values {
		if why := ValueError(v); why != "" {
			errs = append(errs, fmt.Errorf("value %q of %s: %s", v, r.Key, why))
		}
		if r.Operator == GreaterThan || r.Operator == LessThan {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				errs = append(errs, fmt.Errorf("value %q of %s: '>' and '<' need an integer", v, r.Key))
			}
		}
	}
	return errors.Join(errs...)
}
