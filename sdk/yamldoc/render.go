package yamldoc

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// style is how a document writes the things an edit adds, learned from the document itself.
type style struct {
	json       bool
	jsonIndent string // "" when the JSON is on one line
	jsonSep    string // ": " or ":"
	nl         string
	// indents is YAML's indentation, learned from the document when an edit first needs it
	// (setting a scalar in an existing mapping does not).
	indents *indents
}

type indents struct {
	d          *Doc
	learned    bool
	step       int  // mapping indentation step
	compactSeq bool // "key:\n- item" rather than "key:\n  - item"
}

// step is the document's mapping indentation step.
func (st style) step() int { return st.indents.learn().step }

// compactSeq reports whether the document writes "key:\n- item" rather than "key:\n  - item".
func (st style) compactSeq() bool { return st.indents.learn().compactSeq }

func (d *Doc) style() style {
	st := style{nl: d.newline(), jsonSep: ": ", json: d.file.format == JSON || d.json, indents: &indents{d: d, step: 2, compactSeq: true}}
	root := d.origRoot
	if root == nil {
		if st.json {
			st.jsonIndent = "  "
		}
		return st
	}
	if st.json {
		d.learnJSON(root, &st)
	}
	return st
}

func (in *indents) learn() *indents {
	if in.learned {
		return in
	}
	in.learned = true
	d := in.d
	root := d.origRoot
	if root == nil || d.file.format == JSON || d.json {
		return in
	}
	seenStep, seenSeq := false, false
	var walk func(n *node)
	walk = func(n *node) {
		if seenStep && seenSeq || n.kind != MapKind || n.flow {
			return
		}
		kids := origChildren(n)
		for i := 0; i+1 < len(kids); i += 2 {
			v := kids[i+1]
			if v.synthetic() || v.flow || len(origChildren(v)) == 0 {
				continue
			}
			switch v.kind {
			case MapKind:
				if !seenStep && v.line > kids[i].line {
					if s := d.indentAt(v) - d.indentAt(n); s > 0 {
						in.step, seenStep = s, true
					}
				}
				walk(v)
			case SeqKind:
				if !seenSeq && v.line > kids[i].line {
					in.compactSeq, seenSeq = d.indentAt(v) == d.indentAt(n), true
				}
				for _, it := range origChildren(v) {
					walk(it)
				}
			}
		}
	}
	walk(root)
	return in
}

func (d *Doc) learnJSON(root *node, st *style) {
	kids := origChildren(root)
	if root.kind != MapKind && root.kind != SeqKind || len(kids) == 0 {
		st.jsonIndent = "  "
		return
	}
	first := kids[0]
	if first.line == root.line {
		st.jsonIndent = ""
	} else {
		off := d.offset(int(first.line), int(first.col))
		ls := d.lineStartOf(off)
		st.jsonIndent = string(d.file.src[ls:off])
		if st.jsonIndent == "" {
			st.jsonIndent = "  "
		}
	}
	if root.kind == MapKind {
		if ce, err := d.colonEnd(kids[0]); err == nil {
			if ce < d.end && d.file.src[ce] != ' ' {
				st.jsonSep = ":"
			}
		}
	}
}

func origChildren(n *node) []*node {
	if o := n.orig(); o != nil {
		return o
	}
	return n.children
}

func ind(n int) string { return strings.Repeat(" ", n) }

// inline renders a value that fits on the current line: scalars, empty collections and flow
// collections. ok is false for a non-empty block collection.
func (st style) inline(n *node, inFlow bool) (string, bool) {
	if n.kind == AliasKind && !st.json {
		return "*" + n.alias().anchor(), true // a copy keeps the aliases inside it
	}
	n = n.resolved()
	switch {
	case n.kind == ScalarKind:
		return st.scalar(n, inFlow), true
	case st.json:
		return st.jsonValue(n, "", true), true
	case len(n.children) == 0 && n.kind == MapKind:
		return "{}", true
	case len(n.children) == 0:
		return "[]", true
	case n.flow || inFlow:
		return st.flowValue(n), true
	}
	return "", false
}

// afterKey renders what follows "key:" in a block mapping whose keys are at indent.
func (st style) afterKey(n *node, indent int) string {
	if s, ok := st.inline(n, false); ok {
		if n.resolved().kind == ScalarKind {
			if blk, ok := st.literal(n.resolved(), indent, true); ok {
				return " " + blk
			}
		}
		return " " + s
	}
	n = n.resolved()
	child := indent + st.step()
	if n.kind == SeqKind && st.compactSeq() {
		child = indent
	}
	return st.nl + ind(child) + st.block(n, child)
}

// block renders a non-empty block collection at indent; the first line carries no indentation
// (the caller has written it), the following ones do.
func (st style) block(n *node, indent int) string {
	var b strings.Builder
	if n.kind == MapKind {
		for i := 0; i+1 < len(n.children); i += 2 {
			if i > 0 {
				b.WriteString(st.nl)
				b.WriteString(ind(indent))
			}
			b.WriteString(st.keyOf(n.children[i], false))
			b.WriteByte(':')
			b.WriteString(st.afterKey(n.children[i+1], indent))
		}
		return b.String()
	}
	for i, it := range n.children {
		if i > 0 {
			b.WriteString(st.nl)
			b.WriteString(ind(indent))
		}
		b.WriteString("- ")
		b.WriteString(st.item(it, indent+2))
	}
	return b.String()
}

// item renders a list item's value after its "- ", continuing lines at indent.
func (st style) item(n *node, indent int) string {
	if s, ok := st.inline(n, false); ok {
		if blk, ok := st.literal(n.resolved(), indent, false); ok {
			return blk
		}
		return s
	}
	return st.block(n.resolved(), indent)
}

func (st style) key(k string) string {
	if st.json {
		return jsonString(k)
	}
	if plainSafe(k, false) && len(k) <= 1024 {
		return k
	}
	return doubleQuote(k)
}

// keyOf renders a mapping key: a parsed key as it was typed (an integer key stays an
// integer), a new one as a string.
func (st style) keyOf(k *node, inFlow bool) string {
	k = k.resolved()
	if k.kind != ScalarKind {
		return st.flowValue(k) // a complex key, {a: 1}: ...
	}
	if !k.synthetic() {
		return st.scalar(k, inFlow)
	}
	if inFlow && !plainSafe(k.value, true) {
		return doubleQuote(k.value)
	}
	return st.key(k.value)
}

func (st style) flowValue(n *node) string {
	if n.kind == AliasKind && !st.json {
		return "*" + n.alias().anchor()
	}
	n = n.resolved()
	var b strings.Builder
	switch n.kind {
	case MapKind:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.children); i += 2 {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(st.keyOf(n.children[i], true))
			b.WriteString(": ")
			b.WriteString(st.flowValue(n.children[i+1]))
		}
		b.WriteByte('}')
	case SeqKind:
		b.WriteByte('[')
		for i, c := range n.children {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(st.flowValue(c))
		}
		b.WriteByte(']')
	default:
		return st.scalar(n, true)
	}
	return b.String()
}

// jsonValue renders JSON; indent is the current line's indentation, pretty-printed with the
// file's unit unless the file is on one line (or oneLine is asked for).
func (st style) jsonValue(n *node, indent string, oneLine bool) string {
	n = n.resolved()
	if n.kind == ScalarKind {
		return jsonScalar(n)
	}
	open, close := "{", "}"
	if n.kind == SeqKind {
		open, close = "[", "]"
	}
	if len(n.children) == 0 {
		return open + close
	}
	pretty := st.jsonIndent != "" && !oneLine
	var b strings.Builder
	b.WriteString(open)
	inner := indent + st.jsonIndent
	step := 1
	if n.kind == MapKind {
		step = 2
	}
	for i := 0; i < len(n.children); i += step {
		if i > 0 {
			b.WriteByte(',')
			if !pretty && st.jsonSep == ": " {
				b.WriteByte(' ')
			}
		}
		if pretty {
			b.WriteString(st.nl)
			b.WriteString(inner)
		}
		if n.kind == MapKind {
			b.WriteString(jsonString(n.children[i].resolved().value))
			b.WriteString(st.jsonSep)
			b.WriteString(st.jsonValue(n.children[i+1], inner, oneLine))
		} else {
			b.WriteString(st.jsonValue(n.children[i], inner, oneLine))
		}
	}
	if pretty {
		b.WriteString(st.nl)
		b.WriteString(indent)
	}
	b.WriteString(close)
	return b.String()
}

func jsonString(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return doubleQuote(s)
}

// scalar renders a scalar, keeping the quoting of the value it replaces where it can.
func (st style) scalar(n *node, inFlow bool) string {
	if st.json {
		return jsonScalar(n)
	}
	prefix := ""
	if n.explicit() && n.tag() != "" && !strings.HasPrefix(n.tag(), "!!") {
		prefix = n.tag() + " "
	}
	switch n.tag() {
	case "!!str", "!!timestamp", "!!binary":
	case "!!null":
		if n.value == "" || n.value == "~" {
			return prefix + "null"
		}
		return prefix + n.value
	case "!!int", "!!float", "!!bool":
		return prefix + n.value
	default:
		if prefix == "" {
			prefix = n.tag() + " "
		}
	}
	want := n.style
	if r := n.replaces(); n.synthetic() && r != nil && r.kind == ScalarKind {
		want = r.style
	}
	s := n.value
	isStr := n.tag() == "!!str"
	switch want {
	case singleStyle:
		if !strings.ContainsAny(s, "\n\r\t") && printable(s) {
			return prefix + "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
	case doubleStyle:
		return prefix + doubleQuote(s)
	}
	if !isStr || plainSafe(s, inFlow) {
		return prefix + s
	}
	return prefix + doubleQuote(s)
}

// literal renders a multi-line string as a "|" block scalar whose lines sit at indent, when that
// reads back exactly.
// With plusStep, the lines sit one indentation step deeper than indent.
func (st style) literal(n *node, indent int, plusStep bool) (string, bool) {
	if st.json || n.kind != ScalarKind || n.tag() != "!!str" || !strings.Contains(n.value, "\n") {
		return "", false
	}
	if plusStep {
		indent += st.step()
	}
	s := n.value
	if strings.ContainsAny(s, "\r\t") || !printable(s) || s[0] == ' ' || s[0] == '\n' {
		return "", false
	}
	body := strings.TrimRight(s, "\n")
	trailing := len(s) - len(body)
	header := "|"
	switch {
	case trailing == 0:
		header = "|-"
	case trailing > 1:
		header = "|+"
	}
	var b strings.Builder
	b.WriteString(header)
	lines := strings.Split(body, "\n")
	for _, l := range lines {
		if strings.HasSuffix(l, " ") {
			return "", false
		}
		b.WriteString(st.nl)
		if l != "" {
			b.WriteString(ind(indent))
			b.WriteString(l)
		}
	}
	for i := 1; i < trailing; i++ {
		b.WriteString(st.nl)
	}
	return b.String(), true
}

func printable(s string) bool {
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfeff || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// doubleQuote writes a YAML double-quoted scalar that is also a JSON string.
func doubleQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfeff || r == 0x2028 || r == 0x2029:
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(h)))
			b.WriteString(h)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// plainSafe reports whether s can be written without quotes and read back as the same string
// by YAML 1.1 and 1.2 parsers alike (so "yes", "on" and "0755" are quoted for kubectl's sake).
func plainSafe(s string, inFlow bool) bool {
	if s == "" || len(s) > 512 {
		return false
	}
	switch strings.ToLower(s) {
	case "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "=":
		return false
	}
	c := s[0]
	if strings.IndexByte("-?:,[]{}#&*!|>'\"%@` \t", c) >= 0 {
		// "-x" and similar are fine in YAML, but numbers like -1 are not; keep it simple.
		if !(c == '-' && len(s) > 1 && s[1] != ' ' && !isNumberish(s)) {
			return false
		}
	}
	if isNumberish(s) || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch < 0x20 || ch == 0x7f:
			return false
		case ch == ':' && i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\t'):
			return false
		case ch == '#' && i > 0 && (s[i-1] == ' ' || s[i-1] == '\t'):
			return false
		case inFlow && (ch == ',' || ch == '[' || ch == ']' || ch == '{' || ch == '}'):
			return false
		case ch >= 0x80:
			return printable(s) && utf8.ValidString(s) && plainASCIIRest(s)
		}
	}
	return true
}

func plainASCIIRest(s string) bool {
	for _, r := range s {
		if r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff {
			return false
		}
	}
	return true
}

// isNumberish is true for anything a YAML resolver might read as a number, date or special
// float: it starts like a number.
func isNumberish(s string) bool {
	c := s[0]
	if c >= '0' && c <= '9' {
		return true
	}
	if (c == '-' || c == '+' || c == '.') && len(s) > 1 {
		n := s[1]
		return n >= '0' && n <= '9' || n == '.' || n == 'i' || n == 'I' || n == 'n' || n == 'N'
	}
	return c == '.'
}
