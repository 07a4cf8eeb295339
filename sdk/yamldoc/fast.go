package yamldoc

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// The fast parser builds the node tree straight from the bytes for the YAML that Kubernetes
// tooling writes, and gives up on a document (bail) at anything else or anything it is not
// sure of; yaml.v3 then parses that document (slow.go). It only accepts documents yaml.v3 and
// goyaml.v2 read alike, and builds for them exactly the tree the slow path builds: kinds,
// resolved tags (goyaml.v2's YAML 1.1 rules), values, styles, lines and columns
// (FuzzFastParseMatchesYAMLv3, TestFastParseRandomDocuments and FuzzReadsAsKubernetes hold it
// to that). So every error message comes from the slow path, and exotic YAML still works.
//
// It reads: block mappings and sequences (indented or at their key's column), plain scalars
// (multi-line ones folded), single- and double-quoted scalars (with YAML's escapes, multi-line
// ones folded), literal and folded block scalars (chomping and indentation indicators), flow
// mappings and sequences (JSON, {}, [a, b], {a: 1}, a trailing comma), comments, a "---" line
// and a "..." line. Where it follows yaml.v3's scanner (folding, block scalar indentation,
// where an empty value sits), it does so step by step.
//
// It leaves to yaml.v3: anchors, aliases and tags (&, *, !), complex keys (?), directives,
// content on the "---" line, a scalar as the whole document, carriage returns, tabs anywhere
// but in quoted scalars, block scalar content, comments and between flow tokens, characters
// YAML refuses or treats as line breaks (controls, invalid UTF-8, NEL, LS, PS, the byte order
// mark), implicit and empty flow entries ({a, b: 1}, [a: b], [a,,b]), plain scalars holding
// ":" or spanning lines in flow context, keys spanning lines or longer than YAML's limit,
// duplicate keys (the slow path reports them), keys that are not strings (1, yes, the "<<"
// merge key), .inf and .nan, nesting deeper than maxFastDepth, and anything malformed.
//
// Scalars that equal their source bytes are not copied: their value is a string over the
// source (unsafe.String), which is why Parse's source must not be modified afterwards. Nodes,
// children lists and decoded strings are allocated in chunks (arena).

// fallback is the panic value with which the fast parser gives up on a document; parse
// recovers it and reports ok == false.
type fallback struct{}

// maxFastDepth bounds the nesting the fast parser recurses into; deeper documents go to
// yaml.v3, which has its own limit and error message.
const maxFastDepth = 500

// maxKeyLen is below YAML's limit of 1024 characters for a key (yaml.v3 refuses a longer one).
const maxKeyLen = 1000

// Tags of the fast parser's nodes.
const (
	tagStr       = "!!str"
	tagInt       = "!!int"
	tagFloat     = "!!float"
	tagBool      = "!!bool"
	tagNull      = "!!null"
	tagTimestamp = "!!timestamp"
	tagMerge     = "!!merge"
	tagBinary    = "!!binary"
	tagMap       = "!!map"
	tagSeq       = "!!seq"
)

type fastParser struct {
	src       []byte // the buffer; positions are offsets in it
	end       int    // the end of the document
	pos       int
	line      int // the line of pos
	lineStart int // the offset where that line starts

	// ascii: the document has no multi-byte character, so a column is a byte offset. Otherwise
	// columns are counted in characters from a cache on the current line.
	ascii                  bool
	cLineStart, cPos, cCol int

	// After a value, ind is the indentation of the next line with content and pos is on its
	// first character; ind is -1 at the end of the document. commentFirst tells that the first
	// non-blank line after the value was a comment.
	ind          int
	commentFirst bool
	// ahead is the next content line that continuation found from the line break at
	// aheadFrom, for nextLine to jump to.
	aheadFrom, aheadPos, aheadLineStart, aheadLine int
	prologue                                       bool // before the content: a "---" line is expected

	depth   int
	stack   []*node // children of the collections being parsed
	keys    []string
	scratch []byte
	arena   *arena

	// check, when set, is the value the document must read as (the read-back check of an
	// edit, readsBack): each value of a block collection is compared with its counterpart in
	// check as soon as it is parsed and, when equal, replaced by it, its nodes handed back to
	// the arena. The tree parse returns then holds the parts of check it was proven to equal,
	// so comparing it with check is as strict as comparing the whole parsed tree, while the
	// parser only holds the collections it is inside of, not a second copy of the document.
	// want is the counterpart of the value about to be parsed (nil: none, or not known).
	check, want *node
}

// parse parses the document src[start:end], whose first line is line firstLine. root is nil
// for an empty document; ok is false when the document must be parsed by yaml.v3.
func (p *fastParser) parse(src []byte, start, end, firstLine int) (root *node, ok bool) {
	p.src, p.end, p.pos, p.line, p.lineStart = src, end, start, firstLine, start
	p.depth, p.stack, p.cLineStart, p.aheadFrom = 0, p.stack[:0], -1, -1
	p.want = p.check
	defer func() {
		if r := recover(); r != nil {
			if _, give := r.(fallback); !give {
				panic(r)
			}
			root, ok = nil, false
		}
	}()
	p.prescan(start, end)
	p.prelude()
	if p.ind < 0 {
		return nil, true
	}
	root = p.block(-1, true)
	if p.ind >= 0 {
		p.bail()
	}
	return root, true
}

// bail gives up on the document.
func (p *fastParser) bail() {
	if bailHook != nil {
		bailHook(p)
	}
	panic(fallback{})
}

// bailHook, set by tests, learns where the fast parser gave up.
var bailHook func(*fastParser)

// asciiOK marks the ASCII bytes the fast parser reads: tab, line feed and printable ASCII.
var asciiOK = func() (t [256]bool) {
	t['\t'], t['\n'] = true, true
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	return t
}()

// prescan checks every character: YAML refuses control characters and invalid UTF-8, and
// treats NEL, LS, PS and the byte order mark specially; carriage returns are left to yaml.v3.
func (p *fastParser) prescan(start, end int) {
	src := p.src[start:end]
	ascii := true
	for i := 0; i < len(src); {
		// Eight bytes at a time while they are all printable ASCII (no byte below 0x20, none
		// with the high bit set, no DEL).
		for i+8 <= len(src) {
			if m := unusualBytes(binary.LittleEndian.Uint64(src[i:])); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		if i >= len(src) {
			break
		}
		c := src[i]
		if c < utf8.RuneSelf {
			if !asciiOK[c] {
				p.bail()
			}
			i++
			continue
		}
		ascii = false
		r, w := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && w == 1, r == 0x2028, r == 0x2029, r == 0xfeff:
			p.bail()
		case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000:
		default: // C1 controls, NEL
			p.bail()
		}
		i += w
	}
	p.ascii = ascii
}

// unusualBytes flags, in the high bit of each byte of x, the bytes prescan must look at: all but
// printable ASCII, tab and line feed. Each byte is tested on its own (no carry crosses bytes).
func unusualBytes(x uint64) uint64 {
	const low7, highs = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	// (y&low7)+low7 | y has the high bit of each non-zero byte of y set.
	nl, tab, del := x^0x0a0a0a0a0a0a0a0a, x^0x0909090909090909, x^low7
	control := ^((x & low7) + 0x6060606060606060) // low 7 bits below 0x20
	control &= (nl&low7 + low7 | nl) & (tab&low7 + low7 | tab)
	return (x | control | ^(del&low7 + low7 | del)) & highs
}

// col is the 1-based column, in characters, of pos on the current line.
func (p *fastParser) col(pos int) int {
	if p.ascii {
		return pos - p.lineStart + 1
	}
	if p.cLineStart != p.lineStart || pos < p.cPos {
		p.cLineStart, p.cPos, p.cCol = p.lineStart, p.lineStart, 1
	}
	p.cCol += utf8.RuneCount(p.src[p.cPos:pos])
	p.cPos = pos
	return p.cCol
}

// prelude skips the comments and the "---" line before the document's content.
func (p *fastParser) prelude() {
	p.prologue = true
	p.startLine()
	p.prologue = false
	if p.ind == 0 && p.marker() {
		if p.src[p.pos] != '-' {
			p.bail() // "..."
		}
		p.pos += 3
		p.afterValue()
		p.nextLine()
	}
	if p.ind == 0 && (p.src[p.pos] == '%' || p.marker()) {
		p.bail()
	}
}

// marker reports whether a document marker ("---" or "...") is at pos.
func (p *fastParser) marker() bool { return p.markerAt(p.pos) }

func (p *fastParser) markerAt(i int) bool {
	s := p.src
	if i+3 > p.end || !(s[i] == '-' && s[i+1] == '-' && s[i+2] == '-' || s[i] == '.' && s[i+1] == '.' && s[i+2] == '.') {
		return false
	}
	return i+3 == p.end || s[i+3] == ' ' || s[i+3] == '\t' || s[i+3] == '\n'
}

// startLine moves from the start of a line past blank and comment lines to the first content
// character, setting ind.
func (p *fastParser) startLine() {
	src := p.src
	first := true
	p.commentFirst = false
	for {
		i := p.pos
		for i < p.end && src[i] == ' ' {
			i++
		}
		if i >= p.end {
			p.pos, p.ind = p.end, -1
			return
		}
		switch src[i] {
		case '\n':
		case '#':
			if first {
				p.commentFirst = true
			}
			first = false
			j := bytes.IndexByte(src[i:p.end], '\n')
			if j < 0 {
				p.pos, p.ind = p.end, -1
				return
			}
			i += j
		case '\t':
			p.bail()
		default:
			p.pos, p.ind = i, i-p.lineStart
			if p.ind == 0 && !p.prologue && p.marker() {
				p.documentEnd()
			}
			return
		}
		p.pos = i + 1
		p.line++
		p.lineStart = p.pos
	}
}

// documentEnd reads a "..." line, after which only comments may follow.
func (p *fastParser) documentEnd() {
	if p.src[p.pos] != '.' {
		p.bail() // "---" cannot be inside a document range
	}
	p.pos += 3
	p.afterValue()
	p.nextLine()
	if p.ind >= 0 {
		p.bail()
	}
}

// nextLine moves from the end of a value's line (at its line feed or a comment) to the next
// content line.
func (p *fastParser) nextLine() {
	if p.pos == p.aheadFrom {
		p.pos, p.lineStart, p.line, p.commentFirst = p.aheadPos, p.aheadLineStart, p.aheadLine, false
		if p.ind = p.pos - p.lineStart; p.ind == 0 && p.marker() {
			p.documentEnd()
		}
		return
	}
	if p.pos < p.end && p.src[p.pos] == '\n' {
		p.pos++
		p.line++
		p.lineStart = p.pos
		p.startLine()
		return
	}
	j := bytes.IndexByte(p.src[p.pos:p.end], '\n')
	if j < 0 {
		p.pos, p.ind, p.commentFirst = p.end, -1, false
		return
	}
	p.pos += j + 1
	p.line++
	p.lineStart = p.pos
	p.startLine()
}

// spaces skips spaces on the line; a tab sends the document to yaml.v3.
func (p *fastParser) spaces() {
	for p.pos < p.end && p.src[p.pos] == ' ' {
		p.pos++
	}
	if p.pos < p.end && p.src[p.pos] == '\t' {
		p.bail()
	}
}

// afterValue checks that only blanks and a comment follow a value on its line.
func (p *fastParser) afterValue() (eol bool) {
	p.spaces()
	if p.pos >= p.end || p.src[p.pos] == '\n' {
		return true
	}
	if p.src[p.pos] != '#' || p.src[p.pos-1] != ' ' {
		p.bail() // a comment must be separated from the value
	}
	return false
}

// endValue finishes a scalar or flow value in block context and moves to the next content
// line. indent is the column of the enclosing block collection: a plain scalar ending its line
// continues on a more indented next line (a multi-line scalar), which is left to yaml.v3.
func (p *fastParser) endValue(indent int, plain bool) {
	eol := p.afterValue()
	p.nextLine()
	if plain && eol && !p.commentFirst && p.ind > indent {
		p.bail()
	}
}

// blankz: pos is past the end, or at a blank or a line break.
func (p *fastParser) blankz(pos int) bool {
	return pos >= p.end || p.src[pos] == ' ' || p.src[pos] == '\n' || p.src[pos] == '\t'
}

// block parses the node at pos in block context. indent is the column of the enclosing block
// collection (-1 at the top); blockOK allows a block collection to start here (at the start of
// a line or after "- ", but not after "key: ").
func (p *fastParser) block(indent int, blockOK bool) *node {
	if p.depth++; p.depth > maxFastDepth {
		p.bail()
	}
	src := p.src
	start := p.pos
	var n *node
	switch c := src[start]; {
	case c == '-' && p.blankz(start+1):
		if !blockOK {
			p.bail()
		}
		n = p.seq(start-p.lineStart, false)
	case c == '{' || c == '[':
		n = p.flow()
		p.endValue(indent, false)
	case c == '|' || c == '>':
		if indent < 0 {
			p.bail()
		}
		n = p.blockScalar(indent)
	default:
		switch {
		case c == '"' || c == '\'':
			n = p.quoted()
		case p.plainStart(start, false):
			n = p.plain(false, indent)
		default:
			p.bail()
		}
		if p.keyFollows() {
			if !blockOK || int(n.line) != p.line || n.tag() != tagStr {
				p.bail() // a mapping in a mapping's value, or a key spanning lines
			}
			n = p.mapping(n, start)
		} else {
			if indent < 0 {
				p.bail() // a scalar document
			}
			p.endValue(indent, n.style == plainStyle)
		}
	}
	p.depth--
	return n
}

// keyFollows skips blanks and reports whether a mapping's ":" follows.
func (p *fastParser) keyFollows() bool {
	p.spaces()
	return p.pos < p.end && p.src[p.pos] == ':' && p.blankz(p.pos+1)
}

// mapping parses a block mapping whose first key, starting at keyStart, has been read; pos is
// on the ":" after it.
func (p *fastParser) mapping(key *node, keyStart int) *node {
	col := keyStart - p.lineStart
	m := p.arena.node(MapKind, idMap, int(key.line), int(key.col))
	base := len(p.stack)
	want := p.counterpart(MapKind)
	for i := 0; ; i += 2 {
		if p.pos-keyStart >= maxKeyLen {
			p.bail()
		}
		p.pos++
		if want == nil {
			p.stack = append(p.stack, key, p.mapValue(col))
		} else {
			// The splice keeps keys in order: the counterpart of the i-th key's value is
			// the i-th key's of want; a key elsewhere leaves its value to the final comparison.
			var w *node
			if i+1 < len(want.children) && want.children[i].value == key.value {
				w = want.children[i+1]
			}
			mark := p.arena.mark()
			p.want = w
			p.stack = append(p.stack, key, p.proven(p.mapValue(col), w, mark))
		}
		if p.ind < col {
			break
		}
		if p.ind > col {
			p.bail()
		}
		keyStart = p.pos
		switch c := p.src[keyStart]; {
		case c == '"' || c == '\'':
			key = p.quoted()
		case p.plainStart(keyStart, false):
			key = p.plain(false, singleLine)
		default:
			p.bail()
		}
		if !p.keyFollows() || int(key.line) != p.line || key.tag() != tagStr {
			p.bail()
		}
	}
	m.children = p.children(base, true)
	return m
}

// mapValue parses the value after a block mapping key's ":" (pos is just past it); col is the
// mapping's column.
func (p *fastParser) mapValue(col int) *node {
	colon := p.pos
	p.spaces()
	if p.pos < p.end && p.src[p.pos] != '\n' && p.src[p.pos] != '#' {
		return p.block(col, false)
	}
	line, c := p.line, p.col(colon)
	p.nextLine()
	switch {
	case p.ind > col:
		return p.block(col, true)
	case p.ind == col && p.src[p.pos] == '-' && p.blankz(p.pos+1):
		return p.seq(col, true) // "key:\n- item"
	}
	return p.empty(line, c)
}

// empty is the null of an empty value, placed where yaml.v3 places it: just after its ":" or
// "-".
func (p *fastParser) empty(line, col int) *node {
	return p.arena.node(ScalarKind, idNull, line, col)
}

// seq parses a block sequence whose first "-" is at pos, in column col. An indentless
// sequence ("key:\n- item", at its mapping's column) ends at the next key.
func (p *fastParser) seq(col int, indentless bool) *node {
	s := p.arena.node(SeqKind, idSeq, p.line, p.col(p.pos))
	base := len(p.stack)
	want := p.counterpart(SeqKind)
	for i := 0; ; i++ {
		p.pos++
		dash := p.pos
		p.spaces()
		var it *node
		var w *node
		var mark arenaMark
		if want != nil {
			if i < len(want.children) {
				w = want.children[i]
			}
			mark = p.arena.mark()
			p.want = w
		}
		if p.pos < p.end && p.src[p.pos] != '\n' && p.src[p.pos] != '#' {
			it = p.block(col, true)
		} else {
			line, c := p.line, p.col(dash)
			p.nextLine()
			if p.ind > col {
				it = p.block(col, true)
			} else {
				it = p.empty(line, c)
			}
		}
		if want != nil {
			it = p.proven(it, w, mark)
		}
		p.stack = append(p.stack, it)
		if p.ind < col {
			break
		}
		if p.ind > col {
			p.bail()
		}
		if p.src[p.pos] != '-' || !p.blankz(p.pos+1) {
			if indentless {
				break
			}
			p.bail()
		}
	}
	s.children = p.children(base, false)
	return s
}

// counterpart takes the counterpart of the block collection about to be parsed, a kind
// collection.
func (p *fastParser) counterpart(kind Kind) *node {
	w := counterpartOf(p.want, kind)
	p.want = nil
	return w
}

// proven is what a block collection keeps of its value v, parsed from mark on, whose
// counterpart is w (see checkedValue).
func (p *fastParser) proven(v, w *node, mark arenaMark) *node {
	p.want = nil
	return checkedValue(p.arena, v, w, mark)
}

// counterpartOf is w as the counterpart of a kind collection being parsed in a read-back check,
// when it is one whose children can be matched one for one: a map with plain string keys (no
// "<<", no key of another type), or a list; else nil.
func counterpartOf(w *node, kind Kind) *node {
	w = w.resolved()
	if w == nil || w.kind != kind || w.merges || w.oddKeys {
		return nil
	}
	return w
}

// checkedValue is what a collection parsed in a read-back check keeps of its value v, parsed
// from mark on, whose counterpart is w: w itself when v equals it, v's nodes then handed back to
// the arena; else v, for the final comparison to find the difference.
func checkedValue(a *arena, v, w *node, mark arenaMark) *node {
	if w == nil || !equalNodes(v, w) {
		return v
	}
	a.rewind(mark)
	return w
}

// children moves the collection's children from the stack into the arena, checking a
// mapping's keys for duplicates (yaml.v3's path reports them).
func (p *fastParser) children(base int, isMap bool) []*node {
	kids := p.arena.children(p.stack[base:])
	p.stack = p.stack[:base]
	if isMap {
		p.checkDuplicates(kids)
	}
	return kids
}

// checkDuplicates gives up on a mapping with two keys of the same value, whatever their tags:
// the slow path decides whether that is an error.
func (p *fastParser) checkDuplicates(kids []*node) {
	if first, _ := firstDuplicate(kids, &p.keys); first != nil {
		p.bail()
	}
}

// firstDuplicate finds two keys of a mapping's children (key, value, key, value...) with the
// same value; keys is scratch space.
func firstDuplicate(kids []*node, keys *[]string) (first, again *node) {
	if len(kids) <= 64 {
		for i := 0; i < len(kids); i += 2 {
			for j := i + 2; j < len(kids); j += 2 {
				if kids[i].value == kids[j].value {
					return kids[i], kids[j]
				}
			}
		}
		return nil, nil
	}
	ks := (*keys)[:0]
	for i := 0; i < len(kids); i += 2 {
		ks = append(ks, kids[i].value)
	}
	slices.Sort(ks)
	defer func() {
		clear(ks)
		*keys = ks[:0]
	}()
	for i := 1; i < len(ks); i++ {
		if ks[i] == ks[i-1] {
			for a := 0; a < len(kids); a += 2 {
				if kids[a].value != ks[i] {
					continue
				}
				for b := a + 2; b < len(kids); b += 2 {
					if kids[b].value == ks[i] {
						return kids[a], kids[b]
					}
				}
			}
		}
	}
	return nil, nil
}

// plainIndicator marks the characters that cannot start a plain scalar (some can when a
// non-blank follows, see plainStart), and the bytes that end a plain scalar's word.
var (
	plainIndicator = charSet("-?:,[]{}#&*!|>'\"%@` \t\n")
	blockStop      = charSet(" \t\n:")
	flowStop       = charSet(" \t\n:,?[]{}")
)

func charSet(s string) (t [256]bool) {
	for i := 0; i < len(s); i++ {
		t[s[i]] = true
	}
	return t
}

// plainStart reports whether a plain scalar starts at i.
func (p *fastParser) plainStart(i int, flow bool) bool {
	c := p.src[i]
	if !plainIndicator[c] {
		return true
	}
	if c == '-' || !flow && (c == '?' || c == ':') {
		return i+1 < p.end && !p.blankz(i+1)
	}
	return false
}

// singleLine, as plain's indent, reads a plain scalar on its line only (a key).
const singleLine = -2

// plain reads a plain scalar: its words end at a ": ", a comment or the end of the line, and in
// flow context at a flow indicator. In block context, unless indent is singleLine, it goes on
// over the following lines indented deeper than indent (the column of the enclosing block
// collection), folded as yaml.v3's scanner folds it. pos is left at the end of its last word.
func (p *fastParser) plain(flow bool, indent int) *node {
	start := p.pos
	n := p.arena.node(ScalarKind, idNone, p.line, p.col(start))
	end := p.words(start, flow)
	v := unsafe.String(&p.src[start], end-start)
	if !flow && indent != singleLine {
		b, folded := p.scratch[:0], false
		for {
			next, breaks := p.continuation(end, indent)
			if next < 0 {
				break
			}
			if !folded {
				b, folded = add(b, p.src[start:end], p.end-start), true
			}
			if breaks == 1 {
				b = append(b, ' ')
			}
			for ; breaks > 1; breaks-- {
				b = append(b, '\n')
			}
			end = p.words(next, false)
			b = add(b, p.src[next:end], p.end-start)
		}
		if folded {
			v = p.value(b)
		}
	}
	p.pos = end
	n.value, n.tid = v, tagIDOf(resolvePlain(v))
	if n.tid == idFloat && strings.ContainsAny(v, "nN") {
		p.bail() // .inf and .nan, which Kubernetes cannot read: yaml.v3's path explains
	}
	return n
}

// words scans a plain scalar's words on one line from i and returns the end of the last one.
func (p *fastParser) words(i int, flow bool) (end int) {
	src := p.src
	stop := &blockStop
	if flow {
		stop = &flowStop
	}
	end = i
	for {
		ws := i
		for i < p.end {
			c := src[i]
			if !stop[c] {
				i++
				continue
			}
			if c != ':' || p.blankz(i+1) {
				break
			}
			if flow {
				p.bail() // "a:b" in flow context
			}
			i++
		}
		if i == ws {
			return end
		}
		end = i
		if i >= p.end || src[i] != ' ' && src[i] != '\t' {
			return end
		}
		for i < p.end && src[i] == ' ' {
			i++
		}
		if i < p.end && src[i] == '\t' {
			p.bail()
		}
		if i >= p.end || src[i] == '\n' || src[i] == '#' {
			return end
		}
	}
}

// continuation looks past the end of a plain scalar's line for a line that continues it: the
// next non-blank line, if it is indented deeper than indent and starts with neither a comment
// nor ": ". It returns where that line's text starts and how many line breaks come before it,
// having moved to its line, or -1.
func (p *fastParser) continuation(end, indent int) (next, breaks int) {
	src := p.src
	i := end
	for i < p.end && src[i] == ' ' {
		i++
	}
	from := i
	for {
		if i >= p.end || src[i] != '\n' {
			return -1, 0
		}
		breaks++
		i++
		ls := i
		for i < p.end && src[i] == ' ' {
			i++
		}
		switch {
		case i >= p.end:
			return -1, 0
		case src[i] == '\t':
			p.bail()
		case src[i] == '\n':
			continue
		case src[i] == '#':
			return -1, 0 // a comment ends the scalar; startLine skips it
		case i-ls <= indent:
			p.aheadFrom, p.aheadPos, p.aheadLineStart, p.aheadLine = from, i, ls, p.line+breaks
			return -1, 0
		case src[i] == ':' && p.blankz(i+1):
			return -1, 0
		}
		p.line += breaks
		p.lineStart = ls
		return i, breaks
	}
}

// quoted reads a single- or double-quoted scalar. One that ends on its line and has no escape
// is its source bytes; one that spans lines is folded as yaml.v3's scanner folds it.
func (p *fastParser) quoted() *node {
	src := p.src
	start := p.pos
	q := src[start]
	n := p.arena.node(ScalarKind, idStr, p.line, p.col(start))
	n.style = singleStyle
	if q == '"' {
		n.style = doubleStyle
	}
	i := start + 1
	esc := false
	for {
		if i >= p.end {
			p.bail()
		}
		c := src[i]
		if c == q {
			if q == '\'' && i+1 < p.end && src[i+1] == '\'' {
				esc = true
				i += 2
				continue
			}
			break
		}
		switch c {
		case '\n':
			n.value = p.value(p.folded(start))
			return n
		case '\\':
			if q == '"' {
				if i+1 < p.end && src[i+1] == '\n' {
					n.value = p.value(p.folded(start))
					return n
				}
				esc = true
				i++
			}
		}
		i++
	}
	raw := src[start+1 : i]
	p.pos = i + 1
	if !esc {
		n.value = unsafe.String(unsafe.SliceData(raw), len(raw))
		return n
	}
	b := p.scratch[:0]
	for j := 0; j < len(raw); j++ {
		switch {
		case raw[j] == '\'' && q == '\'':
			b = append(b, '\'')
			j++
		case raw[j] == '\\' && q == '"':
			b, j = p.escape(b, raw, j)
		default:
			b = append(b, raw[j])
		}
	}
	n.value = p.value(b)
	return n
}

// folded reads a quoted scalar that spans lines from its opening quote at start, following
// yaml.v3's scanner: blanks around a line break are dropped, a single break folds to a space
// and n breaks to n-1 newlines, an escaped break joins the lines.
func (p *fastParser) folded(start int) []byte {
	src := p.src
	single := src[start] == '\''
	b := p.scratch[:0]
	i := start + 1
	for {
		if i >= p.end || i == p.lineStart && p.markerAt(i) {
			p.bail() // unterminated, or a document marker inside
		}
		joined := false // an escaped line break
		for i < p.end && src[i] != ' ' && src[i] != '\t' && src[i] != '\n' {
			c := src[i]
			if single && c == '\'' {
				if i+1 < p.end && src[i+1] == '\'' {
					b = append(b, '\'')
					i += 2
					continue
				}
				break
			}
			if !single && c == '"' {
				break
			}
			if !single && c == '\\' {
				if i+1 < p.end && src[i+1] == '\n' {
					i += 2
					p.line++
					p.lineStart = i
					joined = true
					break
				}
				b, i = p.escape(b, src[:p.end], i)
				i++
				continue
			}
			b = append(b, c)
			i++
		}
		if i >= p.end {
			p.bail()
		}
		if src[i] == src[start] {
			break
		}
		blanks, breaks := i, 0
		leading := joined
		for i < p.end && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n') {
			if src[i] == '\n' {
				if leading {
					breaks++
				}
				leading = true
				p.line++
				p.lineStart = i + 1
			}
			i++
		}
		switch {
		case joined:
			for ; breaks > 0; breaks-- {
				b = append(b, '\n')
			}
		case leading && breaks == 0:
			b = append(b, ' ')
		case leading:
			for ; breaks > 0; breaks-- {
				b = append(b, '\n')
			}
		default:
			b = add(b, src[blanks:i], p.end-start)
		}
	}
	p.pos = i + 1
	return b
}

// value makes the string of a value built in the scratch buffer: a small one is copied into
// the arena, a big one keeps the buffer (and the scratch buffer starts over).
func (p *fastParser) value(b []byte) string {
	if len(b) <= 2048 {
		p.scratch = b
		return p.arena.str(b)
	}
	p.scratch = nil
	return unsafe.String(&b[0], len(b))
}

// add appends data to b, growing it to limit bytes at most (the most the value can hold), so
// that the buffer of a big value is not twice its size.
func add(b, data []byte, limit int) []byte {
	if n := len(b) + len(data); n > cap(b) {
		c := max(2*cap(b), n, 64)
		if c > limit {
			c = max(limit, n)
		}
		b = append(make([]byte, 0, c), b...)
	}
	return append(b, data...)
}

// escape decodes the escape at raw[i] (a backslash) onto b as YAML defines escapes, returning
// the index of its last byte; an escape YAML does not define (such as JSON's "\/"), a
// surrogate or an out-of-range code is left to yaml.v3 to report.
func (p *fastParser) escape(b, raw []byte, i int) ([]byte, int) {
	i++
	if i >= len(raw) {
		p.bail()
	}
	digits := 0
	switch raw[i] {
	case '0':
		b = append(b, 0)
	case 'a':
		b = append(b, '\a')
	case 'b':
		b = append(b, '\b')
	case 't', '\t':
		b = append(b, '\t')
	case 'n':
		b = append(b, '\n')
	case 'v':
		b = append(b, '\v')
	case 'f':
		b = append(b, '\f')
	case 'r':
		b = append(b, '\r')
	case 'e':
		b = append(b, 0x1b)
	case ' ', '"', '\'', '\\':
		b = append(b, raw[i])
	case 'N':
		b = utf8.AppendRune(b, 0x85)
	case '_':
		b = utf8.AppendRune(b, 0xa0)
	case 'L':
		b = utf8.AppendRune(b, 0x2028)
	case 'P':
		b = utf8.AppendRune(b, 0x2029)
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		p.bail()
	}
	if digits == 0 {
		return b, i
	}
	if i+digits >= len(raw) {
		p.bail()
	}
	r := rune(0)
	for k := 1; k <= digits; k++ {
		h := raw[i+k]
		switch {
		case h >= '0' && h <= '9':
			r = r<<4 | rune(h-'0')
		case h >= 'a' && h <= 'f':
			r = r<<4 | rune(h-'a'+10)
		case h >= 'A' && h <= 'F':
			r = r<<4 | rune(h-'A'+10)
		default:
			p.bail()
		}
	}
	if r >= 0xd800 && r <= 0xdfff || r > 0x10ffff {
		p.bail()
	}
	return utf8.AppendRune(b, r), i + digits
}

// blockScalar reads a literal or folded block scalar whose header is at pos; indent is the
// column of the enclosing block collection. It follows yaml.v3's scanner step by step: the
// content indentation is the indicator's, or that of the first non-empty line (or of a deeper
// all-space line before it), at least indent+1; folding and chomping are YAML's.
func (p *fastParser) blockScalar(indent int) *node {
	src := p.src
	start := p.pos
	literal := src[start] == '|'
	n := p.arena.node(ScalarKind, idStr, p.line, p.col(start))
	n.style = foldedStyle
	if literal {
		n.style = literalStyle
	}
	// The header: a chomping indicator and an indentation indicator, in either order.
	i := start + 1
	chomp, incr := 0, 0
	for ; i < p.end; i++ {
		c := src[i]
		if (c == '+' || c == '-') && chomp == 0 {
			chomp = 1
			if c == '-' {
				chomp = -1
			}
		} else if c >= '1' && c <= '9' && incr == 0 {
			incr = int(c - '0')
		} else {
			break
		}
	}
	p.pos = i
	if i < p.end && src[i] != ' ' && src[i] != '\n' {
		p.bail()
	}
	p.afterValue()
	if p.pos < p.end {
		if j := bytes.IndexByte(src[p.pos:p.end], '\n'); j >= 0 {
			p.pos += j + 1
			p.line++
			p.lineStart = p.pos
		} else {
			p.pos = p.end
		}
	}

	bi := 0 // the content indentation
	if incr > 0 {
		bi = max(indent, 0) + incr
	}
	b := p.scratch[:0]
	breaks := p.blockBreaks(&bi, indent)
	leadingBreak, leadingBlank := false, false
	for p.pos < p.end && p.pos-p.lineStart == bi {
		trailingBlank := src[p.pos] == ' ' || src[p.pos] == '\t'
		if !literal && leadingBreak && !leadingBlank && !trailingBlank {
			if breaks == 0 {
				b = append(b, ' ')
			}
		} else if leadingBreak {
			b = append(b, '\n')
		}
		for ; breaks > 0; breaks-- {
			b = append(b, '\n')
		}
		leadingBlank = trailingBlank
		eol := bytes.IndexByte(src[p.pos:p.end], '\n')
		if eol < 0 {
			b = add(b, src[p.pos:p.end], p.end-start)
			p.pos = p.end
			leadingBreak = false
		} else {
			b = add(b, src[p.pos:p.pos+eol], p.end-start)
			p.pos += eol + 1
			p.line++
			p.lineStart = p.pos
			leadingBreak = true
		}
		breaks = p.blockBreaks(&bi, indent)
	}
	if chomp != -1 && leadingBreak {
		b = append(b, '\n')
	}
	if chomp == 1 {
		for ; breaks > 0; breaks-- {
			b = append(b, '\n')
		}
	}
	n.value = p.value(b)
	// pos is on the first non-space character of a less indented line, or at the end.
	if p.pos >= p.end {
		p.ind, p.commentFirst = -1, false
		return n
	}
	p.pos = p.lineStart
	p.startLine()
	return n
}

// blockBreaks skips the indentation and the empty lines of a block scalar from the start of a
// line, as yaml.v3's scanner does, and counts the line breaks. With *bi == 0 it sets the
// content indentation.
func (p *fastParser) blockBreaks(bi *int, indent int) (breaks int) {
	src := p.src
	maxIndent := 0
	for {
		for (*bi == 0 || p.pos-p.lineStart < *bi) && p.pos < p.end && src[p.pos] == ' ' {
			p.pos++
		}
		col := p.pos - p.lineStart
		maxIndent = max(maxIndent, col)
		if p.pos < p.end && src[p.pos] == '\t' && (*bi == 0 || col < *bi) {
			p.bail()
		}
		if p.pos >= p.end || src[p.pos] != '\n' {
			break
		}
		breaks++
		p.pos++
		p.line++
		p.lineStart = p.pos
	}
	if *bi == 0 {
		*bi = max(maxIndent, indent+1, 1)
	}
	return breaks
}

// flow parses a flow mapping or sequence at pos. Flow content is not bound to the block
// indentation (yaml.v3 does not check it), and comments may sit between entries.
func (p *fastParser) flow() *node {
	if p.depth++; p.depth > maxFastDepth {
		p.bail()
	}
	src := p.src
	isMap := src[p.pos] == '{'
	n := p.arena.node(SeqKind, idSeq, p.line, p.col(p.pos))
	n.flow = true
	closer := byte(']')
	if isMap {
		n.kind, n.tid, closer = MapKind, idMap, '}'
	}
	p.pos++
	base := len(p.stack)
	p.flowSpace()
	if src[p.pos] == closer {
		p.pos++
		p.depth--
		return n
	}
	for {
		if isMap {
			ks := p.pos
			var k *node
			switch c := src[ks]; {
			case c == '"' || c == '\'':
				k = p.quoted()
			case p.plainStart(ks, true):
				k = p.plain(true, singleLine)
			default:
				p.bail()
			}
			p.spaces()
			if p.pos >= p.end || src[p.pos] != ':' || p.pos-ks >= maxKeyLen || int(k.line) != p.line || k.tag() != tagStr {
				p.bail()
			}
			p.pos++
			p.flowSpace()
			p.stack = append(p.stack, k, p.flowValue())
		} else {
			p.stack = append(p.stack, p.flowValue())
		}
		p.flowSpace()
		c := src[p.pos]
		sep := c == ','
		if sep {
			p.pos++
			p.flowSpace()
			if c = src[p.pos]; c == ',' {
				p.bail() // an empty entry
			}
		}
		if c == closer { // after a value, or a trailing comma
			p.pos++
			break
		}
		if !sep {
			p.bail()
		}
	}
	n.children = p.children(base, isMap)
	p.depth--
	return n
}

// flowValue parses a value in flow context.
func (p *fastParser) flowValue() *node {
	src := p.src
	switch c := src[p.pos]; {
	case c == '{' || c == '[':
		return p.flow()
	case c == '"' || c == '\'':
		return p.quoted()
	case p.plainStart(p.pos, true):
		n := p.plain(true, singleLine)
		// A plain scalar that ends its line goes on unless a flow indicator or a comment comes
		// next.
		i := p.pos
		for i < p.end && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i < p.end && src[i] == '\n' {
			for i < p.end && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n') {
				i++
			}
			if i >= p.end || !(src[i] == ',' || src[i] == ']' || src[i] == '}' || src[i] == '#') {
				p.bail()
			}
		}
		return n
	}
	p.bail()
	return nil
}

// flowSpace skips blanks, line breaks and comments between flow tokens; the end of the
// document there is an error left to yaml.v3.
func (p *fastParser) flowSpace() {
	src := p.src
	for p.pos < p.end {
		switch src[p.pos] {
		case ' ', '\t':
			p.pos++
		case '\n':
			p.pos++
			p.line++
			p.lineStart = p.pos
			if p.marker() {
				p.bail()
			}
		case '#':
			if prev := src[p.pos-1]; prev != ' ' && prev != '\t' && prev != '\n' {
				p.bail()
			}
			j := bytes.IndexByte(src[p.pos:p.end], '\n')
			if j < 0 {
				p.bail()
			}
			p.pos += j
		default:
			return
		}
	}
	p.bail()
}

// arena allocates nodes, children lists and decoded strings in chunks. What it hands out is
// never written again, except after reset, when the tree it made is no longer used.
type arena struct {
	nodes []node
	ptrs  []*node
	buf   []byte

	// The chunks filled since the last reset, and those reset made free again.
	full      chunks
	nodeSpare [][]node
	ptrSpare  [][]*node
	bufSpare  [][]byte
}

type chunks struct {
	nodes [][]node
	ptrs  [][]*node
	buf   [][]byte
}

// node returns a new node. The chunk's memory is zeroed (by make, or by reset), so only the
// given fields are written: assigning a whole struct would cost a bulk write barrier.
func (a *arena) node(kind Kind, tag tagID, line, col int) *node {
	if len(a.nodes) == cap(a.nodes) {
		a.newNodes()
	}
	a.nodes = a.nodes[:len(a.nodes)+1]
	n := &a.nodes[len(a.nodes)-1]
	n.kind, n.tid, n.line, n.col = kind, tag, int32(line), int32(col)
	return n
}

func (a *arena) newNodes() {
	if a.nodes != nil {
		a.full.nodes = append(a.full.nodes, a.nodes)
	}
	if k := len(a.nodeSpare); k > 0 {
		a.nodes, a.nodeSpare = a.nodeSpare[k-1], a.nodeSpare[:k-1]
		return
	}
	a.nodes = make([]node, 0, min(max(2*cap(a.nodes), 32), 1024))
}

// children copies a children list into the arena, with no spare capacity: an edit that
// appends to it must not write over its neighbour's.
func (a *arena) children(kids []*node) []*node {
	n := len(kids)
	if n == 0 {
		return nil
	}
	if n > cap(a.ptrs)-len(a.ptrs) {
		if n > 512 {
			return append([]*node(nil), kids...)
		}
		if a.ptrs != nil {
			a.full.ptrs = append(a.full.ptrs, a.ptrs)
		}
		if k := len(a.ptrSpare); k > 0 && cap(a.ptrSpare[k-1]) >= n {
			a.ptrs, a.ptrSpare = a.ptrSpare[k-1], a.ptrSpare[:k-1]
		} else {
			a.ptrs = make([]*node, 0, min(max(2*cap(a.ptrs), 128), 4096))
		}
	}
	s := len(a.ptrs)
	a.ptrs = append(a.ptrs, kids...)
	return a.ptrs[s:len(a.ptrs):len(a.ptrs)]
}

// str copies a decoded string into the arena.
func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(a.buf)-len(a.buf) {
		if len(b) > 2048 {
			return string(b)
		}
		if a.buf != nil {
			a.full.buf = append(a.full.buf, a.buf)
		}
		if k := len(a.bufSpare); k > 0 && cap(a.bufSpare[k-1]) >= len(b) {
			a.buf, a.bufSpare = a.bufSpare[k-1], a.bufSpare[:k-1]
		} else {
			a.buf = make([]byte, 0, min(max(2*cap(a.buf), 1024), 16384))
		}
	}
	s := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[s], len(b))
}

// arenaMark is a point in the arena's allocations: rewind hands back what came after it.
type arenaMark struct {
	nodeFull, nodes, ptrFull, ptrs, bufFull, buf int
}

func (a *arena) mark() arenaMark {
	return arenaMark{len(a.full.nodes), len(a.nodes), len(a.full.ptrs), len(a.ptrs), len(a.full.buf), len(a.buf)}
}

// rewind hands back everything allocated since m, to be handed out again: what it made must
// no longer be used. Like reset, it zeroes the nodes and lists it takes back.
func (a *arena) rewind(m arenaMark) {
	if len(a.full.nodes) == m.nodeFull && len(a.full.ptrs) == m.ptrFull && len(a.full.buf) == m.bufFull {
		// The common case, a value within the chunks in use at the mark: cut them back.
		clear(a.nodes[m.nodes:])
		clear(a.ptrs[m.ptrs:])
		a.nodes, a.ptrs, a.buf = a.nodes[:m.nodes], a.ptrs[:m.ptrs], a.buf[:m.buf]
		return
	}
	a.nodes, a.full.nodes, a.nodeSpare = rewindChunks(a.nodes, a.full.nodes, a.nodeSpare, m.nodeFull, m.nodes, true)
	a.ptrs, a.full.ptrs, a.ptrSpare = rewindChunks(a.ptrs, a.full.ptrs, a.ptrSpare, m.ptrFull, m.ptrs, true)
	a.buf, a.full.buf, a.bufSpare = rewindChunks(a.buf, a.full.buf, a.bufSpare, m.bufFull, m.buf, false)
}

// rewindChunks makes the chunk that was being filled at the mark (nFull chunks were full then,
// n elements of it used) the current one again, cut back to n, and the chunks filled after it
// spare.
func rewindChunks[T any](cur []T, full, spare [][]T, nFull, n int, zero bool) ([]T, [][]T, [][]T) {
	if len(full) > nFull {
		for _, c := range full[nFull+1:] {
			if zero {
				clear(c)
			}
			spare = append(spare, c[:0])
		}
		if cur != nil {
			if zero {
				clear(cur)
			}
			spare = append(spare, cur[:0])
		}
		cur = full[nFull]
		clear(full[nFull:])
		full = full[:nFull]
	}
	if zero {
		clear(cur[n:])
	}
	return cur[:n], full, spare
}

// reset makes the arena hand out its chunks again, overwriting what it handed out: the tree
// it made must no longer be used.
func (a *arena) reset() {
	for _, c := range append(a.full.nodes, a.nodes) {
		if c != nil {
			clear(c)
			a.nodeSpare = append(a.nodeSpare, c[:0])
		}
	}
	for _, c := range append(a.full.ptrs, a.ptrs) {
		if c != nil {
			clear(c)
			a.ptrSpare = append(a.ptrSpare, c[:0])
		}
	}
	for _, c := range append(a.full.buf, a.buf) {
		if c != nil {
			a.bufSpare = append(a.bufSpare, c[:0])
		}
	}
	clear(a.full.nodes)
	clear(a.full.ptrs)
	clear(a.full.buf)
	a.full = chunks{a.full.nodes[:0], a.full.ptrs[:0], a.full.buf[:0]}
	a.nodes, a.ptrs, a.buf = nil, nil, nil
}
