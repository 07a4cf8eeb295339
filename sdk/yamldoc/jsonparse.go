package yamldoc

import (
	"io"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The values of a JSON stream are read as encoding/json reads them, which is what Kubernetes
// does with a JSON manifest: the grammar of its scanner (every escape, "\/" included; no
// comment, no control character in a string; at most 10000 levels of nesting), strings
// decoded by its rules (a surrogate pair is one character, a lone surrogate or a byte that is
// not UTF-8 becomes U+FFFD), and numbers kept exactly as written. A top-level value ends
// where the scanner ends it: an object or array at its closing bracket, a string at its
// closing quote, a number or literal at the first byte that cannot continue it.

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

// jsonError is a value that encoding/json refuses; off is where.
type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return e.msg }

// jsonParser reads one JSON value at a time. With build, it makes the value's nodes.
type jsonParser struct {
	src   []byte
	eof   bool // no byte follows src (else running into its end asks for more)
	pos   int
	depth int

	build bool
	arena *arena
	stack []*node

	line, lineStart        int
	cLineStart, cPos, cCol int // the column cache of col
	scratch                []byte
	keys                   []string

	// check and want are the fast parser's (a read-back check), for a JSON document.
	check, want *node
}

// jsonStop is the panic value of a parse that stops: errNeedMore or a *jsonError.
type jsonStop struct{ err error }

func (p *jsonParser) fail(msg string) {
	if p.pos >= len(p.src) && !p.eof {
		panic(jsonStop{errNeedMore})
	}
	panic(jsonStop{&jsonError{off: p.pos, msg: msg}})
}

func (p *jsonParser) run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(jsonStop)
			if !ok {
				panic(r)
			}
			err = s.err
		}
	}()
	f()
	return nil
}

// skip finds the end of the value that starts after the blanks at i: io.EOF when only blanks
// are left, errNeedMore when src ends first, or a *jsonError.
func (p *jsonParser) skip(src []byte, i int, eof bool) (end int, err error) {
	p.src, p.pos, p.eof, p.build, p.depth = src, i, eof, false, 0
	p.blanks()
	if p.pos >= len(src) {
		if eof {
			return 0, io.EOF
		}
		return 0, errNeedMore
	}
	err = p.run(func() { p.value(true) })
	return p.pos, err
}

// blanksLeft reports io.EOF when only JSON blanks follow i, nil when something else does.
func (p *jsonParser) blanksLeft(src []byte, i int, eof bool) error {
	p.src, p.pos = src, i
	p.blanks()
	switch {
	case p.pos < len(src):
		return nil
	case eof:
		return io.EOF
	}
	return errNeedMore
}

// parse reads the value after the blanks at start, whose line is line (a line starting at
// lineStart, from which columns count).
func (p *jsonParser) parse(src []byte, start, line, lineStart int) (root *node, err error) {
	p.src, p.pos, p.eof, p.build, p.depth = src, start, true, true, 0
	p.line, p.lineStart, p.cLineStart = line, lineStart, -1
	p.stack = p.stack[:0]
	p.want = p.check
	p.blanks()
	err = p.run(func() { root = p.value(true) })
	return root, err
}

func (p *jsonParser) blanks() {
	src := p.src
	for p.pos < len(src) {
		switch src[p.pos] {
		case ' ', '\t', '\r':
		case '\n':
			p.line++
			p.lineStart = p.pos + 1
		default:
			return
		}
		p.pos++
	}
}

// col is the 1-based column, in characters, of pos on the current line.
func (p *jsonParser) col(pos int) int {
	if p.cLineStart != p.lineStart || pos < p.cPos {
		p.cLineStart, p.cPos, p.cCol = p.lineStart, p.lineStart, 1
	}
	p.cCol += utf8.RuneCount(p.src[p.cPos:pos])
	p.cPos = pos
	return p.cCol
}

func (p *jsonParser) node(kind Kind, tag tagID) *node {
	if !p.build {
		return nil
	}
	n := p.arena.node(kind, tag, p.line, p.col(p.pos))
	n.json = true
	return n
}

// value reads a value at pos (not a blank).
func (p *jsonParser) value(top bool) *node {
	if p.pos >= len(p.src) {
		p.fail("unexpected end of JSON input")
	}
	switch c := p.src[p.pos]; {
	case c == '{' || c == '[':
		return p.collection(c == '{')
	case c == '"':
		n := p.node(ScalarKind, idStr)
		s := p.str()
		if n != nil {
			n.style, n.value = doubleStyle, s
		}
		return n
	case c == '-' || c >= '0' && c <= '9':
		return p.number(top)
	case c == 't':
		return p.literal("true", idBool, top)
	case c == 'f':
		return p.literal("false", idBool, top)
	case c == 'n':
		return p.literal("null", idNull, top)
	}
	p.fail("invalid character looking for the beginning of a JSON value")
	return nil
}

func (p *jsonParser) literal(word string, tag tagID, top bool) *node {
	n := p.node(ScalarKind, tag)
	for i := 0; i < len(word); i++ {
		if p.pos >= len(p.src) || p.src[p.pos] != word[i] {
			p.fail("invalid character in a JSON literal")
		}
		p.pos++
	}
	p.endScalar(top)
	if n != nil {
		n.value = word
	}
	return n
}

// endScalar checks what follows a number or literal: at the top level anything ends it, but
// the scanner must see that byte (or the end of the stream).
func (p *jsonParser) endScalar(top bool) {
	if top && p.pos >= len(p.src) && !p.eof {
		panic(jsonStop{errNeedMore})
	}
}

func (p *jsonParser) number(top bool) *node {
	src := p.src
	start := p.pos
	n := p.node(ScalarKind, idInt)
	digits := func() int {
		k := 0
		for p.pos < len(src) && src[p.pos] >= '0' && src[p.pos] <= '9' {
			p.pos++
			k++
		}
		return k
	}
	if src[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(src) && src[p.pos] == '0':
		p.pos++
	case digits() == 0:
		p.fail("invalid character in a JSON number")
	}
	float := false
	if p.pos < len(src) && src[p.pos] == '.' {
		p.pos++
		float = true
		if digits() == 0 {
			p.fail("invalid character in a JSON number")
		}
	}
	if p.pos < len(src) && (src[p.pos] == 'e' || src[p.pos] == 'E') {
		p.pos++
		float = true
		if p.pos < len(src) && (src[p.pos] == '+' || src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.fail("invalid character in a JSON number")
		}
	}
	p.endScalar(top)
	if n != nil {
		if float {
			n.tid = idFloat
		}
		b := src[start:p.pos]
		n.value = unsafe.String(&b[0], len(b))
	}
	return n
}

func (p *jsonParser) collection(isMap bool) *node {
	if p.depth++; p.depth > maxJSONDepth {
		p.fail("JSON nested too deeply")
	}
	n := p.node(SeqKind, idSeq)
	closer := byte(']')
	if isMap {
		closer = '}'
		if n != nil {
			n.kind, n.tid = MapKind, idMap
		}
	}
	if n != nil {
		n.flow = true
	}
	p.pos++
	base := len(p.stack)
	var want *node
	if p.build {
		kind := SeqKind
		if isMap {
			kind = MapKind
		}
		want = counterpartOf(p.want, kind)
		p.want = nil
	}
	p.blanks()
	if p.pos < len(p.src) && p.src[p.pos] == closer {
		p.pos++
		p.depth--
		return n
	}
	for i := 0; ; i++ {
		if isMap {
			if p.pos >= len(p.src) || p.src[p.pos] != '"' {
				p.fail("invalid character looking for the beginning of a JSON object key")
			}
			k := p.node(ScalarKind, idStr)
			s := p.str()
			if k != nil {
				k.style, k.value = doubleStyle, s
			}
			p.blanks()
			if p.pos >= len(p.src) || p.src[p.pos] != ':' {
				p.fail("invalid character after a JSON object key")
			}
			p.pos++
			p.blanks()
			var w *node
			if want != nil && 2*i+1 < len(want.children) && want.children[2*i].value == s {
				w = want.children[2*i+1]
			}
			v := p.checked(w)
			if p.build {
				p.stack = append(p.stack, k, v)
			}
		} else {
			var w *node
			if want != nil && i < len(want.children) {
				w = want.children[i]
			}
			v := p.checked(w)
			if p.build {
				p.stack = append(p.stack, v)
			}
		}
		p.blanks()
		if p.pos >= len(p.src) {
			p.fail("unexpected end of JSON input")
		}
		c := p.src[p.pos]
		if c == closer {
			p.pos++
			break
		}
		if c != ',' {
			p.fail("invalid character after a JSON value")
		}
		p.pos++
		p.blanks()
	}
	p.depth--
	if p.build {
		kids := p.arena.children(p.stack[base:])
		p.stack = p.stack[:base]
		n.children = kids
		if isMap {
			if first, again := firstDuplicate(kids, &p.keys); first != nil {
				panic(jsonStop{duplicateKey(first, again)})
			}
		}
	}
	return n
}

// checked parses a collection's value whose counterpart in a read-back check is w (see
// checkedValue).
func (p *jsonParser) checked(w *node) *node {
	if w == nil {
		return p.value(false)
	}
	mark := p.arena.mark()
	p.want = w
	v := p.value(false)
	p.want = nil
	return checkedValue(p.arena, v, w, mark)
}

// str reads a string at pos (on its opening quote) and returns its value decoded as
// encoding/json decodes it ("" when not building).
func (p *jsonParser) str() string {
	src := p.src
	start := p.pos + 1
	i := start
	plain := true // no escape, and valid UTF-8: the value is the source bytes
	for {
		if i >= len(src) {
			p.pos = i
			p.fail("unexpected end of JSON input in a string")
		}
		c := src[i]
		switch {
		case c == '"':
			p.pos = i + 1
			if !p.build {
				return ""
			}
			raw := src[start:i]
			if plain {
				if len(raw) == 0 {
					return ""
				}
				return unsafe.String(&raw[0], len(raw))
			}
			return p.decodeString(raw)
		case c == '\\':
			plain = false
			i++
			if i >= len(src) {
				p.pos = i
				p.fail("unexpected end of JSON input in a string")
			}
			switch src[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				for k := 1; k <= 4; k++ {
					if i+k >= len(src) {
						p.pos = i + k
						p.fail("unexpected end of JSON input in a string")
					}
					if hexVal(src[i+k]) < 0 {
						p.pos = i + k
						p.fail("invalid character in a JSON \\u escape")
					}
				}
				i += 5
			default:
				p.pos = i
				p.fail("invalid escape in a JSON string")
			}
		case c < 0x20:
			p.pos = i
			p.fail("control character in a JSON string")
		case c < utf8.RuneSelf:
			i++
		default:
			r, w := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && w == 1 {
				plain = false
			}
			i += w
		}
	}
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		v := hexVal(c)
		if v < 0 {
			return -1
		}
		r = r<<4 | v
	}
	return r
}

// decodeString is encoding/json's unquote of a string the scanner accepted.
func (p *jsonParser) decodeString(s []byte) string {
	b := p.scratch[:0]
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			r++
			switch s[r] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(s[r-1:])
				r += 5
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						r += 6
						b = utf8.AppendRune(b, dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // " \ /
				b = append(b, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	p.scratch = b
	return p.arena.str(b)
}
