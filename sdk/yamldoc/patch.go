package yamldoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// errRerender asks the caller to replace a collection whole: its edit cannot be spliced.
var errRerender = errors.New("yamldoc: re-render")

type patch struct {
	start, end int
	text       string
}

type patcher struct {
	d  *Doc
	st style
	ps []patch
	// keep are the copies of aliases (see own) that are written as the alias they replace:
	// the anchored value they copy ends up equal to them.
	keep map[*node]bool
}

// writeTo appends the document with its edits to out: spliced when the splice reads back as
// intended, else rendered whole (only when that loses nothing but layout), else an error.
func (d *Doc) writeTo(out *bytes.Buffer) error {
	src := d.file.src
	if !d.Changed() {
		out.Write(src[d.start:d.tail])
		return nil
	}
	mark := out.Len()
	err := d.splice(out)
	if err == nil && d.readsBack(out.Bytes()[mark:]) {
		out.Write(src[d.end:d.tail])
		return nil
	}
	out.Truncate(mark)
	if err != nil && !errors.Is(err, errRerender) {
		return err
	}
	b, err := d.rendered()
	if err != nil {
		return err
	}
	out.Write(b)
	out.Write(src[d.end:d.tail])
	return nil
}

// rendered is the document rendered whole, for an edit the splicer cannot write. It is only
// used where it loses nothing but layout: no comment inside the document, no anchor or alias.
func (d *Doc) rendered() ([]byte, error) {
	d.file.wholeRenders++
	if d.origRoot != nil && (d.hasComments() || hasAnchors(d.origRoot)) {
		return nil, &FieldError{File: d.file.name, Line: d.Line(), Msg: fmt.Sprintf("the edit of document %d cannot be written in place, and writing the document anew would drop its comments or expand its anchors and aliases; nothing was written", d.index+1)}
	}
	out := d.renderWhole()
	if !d.readsBack(out) {
		return nil, &FieldError{File: d.file.name, Line: d.Line(), Msg: fmt.Sprintf("internal error: the edited document %d would not read back as intended; nothing was written", d.index+1)}
	}
	return out, nil
}

// hasComments reports whether the document's content holds a comment (a "#" after a blank or
// at a line start, outside quotes: a quoted "#" counts too, which only makes it cautious).
func (d *Doc) hasComments() bool {
	src := d.file.src
	start := d.offset(int(d.origRoot.line), int(d.origRoot.col))
	end, err := d.nodeEnd(d.origRoot, -1)
	if err != nil || end < start {
		end = d.end
	}
	b := src[start:end]
	for i := bytes.IndexByte(b, '#'); i >= 0; {
		if i == 0 || isSpaceOrBreak(b[i-1]) {
			return true
		}
		j := bytes.IndexByte(b[i+1:], '#')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

// hasAnchors reports whether the tree holds an anchor or an alias.
func hasAnchors(n *node) bool {
	if n.kind == AliasKind || n.anchor() != "" {
		return true
	}
	for _, c := range n.children {
		if hasAnchors(c) {
			return true
		}
	}
	return false
}

// checkWhileParsingMin is the size from which readsBack compares the document with the edited
// tree while it parses it (fastParser.check), holding no second tree: that costs about a tenth
// more instructions than parsing whole then comparing, which only a large document is worth.
const checkWhileParsingMin = 1 << 20

// readsBack parses out (the document as written, up to its end) and compares it with the
// edited tree, so that no splice can ever write something other than what the stage set.
func (d *Doc) readsBack(out []byte) bool {
	body := out[d.body-d.start:]
	if 1+len(body) > maxLine {
		return false
	}
	c := d.file.checker
	c.arena.reset() // the previous check's tree is no longer used
	var check *node
	if len(body) >= checkWhileParsingMin {
		check = d.root
	}
	var n *node
	switch {
	case d.json:
		jp := jsonParser{arena: c.arena, check: check}
		var err error
		if n, err = jp.parse(body, 0, 1, 0); err != nil {
			return false
		}
		if jp.blanks(); jp.pos != len(body) {
			return false
		}
	default:
		if d.file.format == JSON && !json.Valid(bytes.TrimPrefix(body, bom)) {
			return false
		}
		// A line starting with "---" would cut the document in two.
		if i := bytes.Index(body, nlDashes); i >= 0 {
			return false
		}
		var err error
		c.check = check
		n, err = parseYAML(c, body, 0, len(body), 1, nil)
		c.check = nil
		if err != nil {
			return false
		}
	}
	if n == nil {
		return d.root == nil
	}
	return equalNodes(n, d.root)
}

// splice appends the document with its edits spliced in to out; on an error, out may hold part
// of it.
func (d *Doc) splice(out *bytes.Buffer) error {
	if d.replaced || d.origRoot == nil || d.root != d.origRoot {
		return errRerender
	}
	p := &patcher{d: d, st: d.style()}
	if d.anchors {
		keep, err := d.reconcile()
		if err != nil {
			return err
		}
		p.keep = keep
	}
	if err := p.diff(d.root, -1); err != nil {
		return err
	}
	// By position; at one position an insertion goes before a replacement starting there.
	sort.SliceStable(p.ps, func(i, j int) bool {
		a, b := p.ps[i], p.ps[j]
		if a.start != b.start {
			return a.start < b.start
		}
		return a.end == a.start && b.end != b.start
	})
	src := d.file.src
	pos := d.start
	for _, pt := range p.ps {
		if pt.start < pos || pt.end < pt.start || pt.end > d.end {
			return errRerender
		}
		out.Write(src[pos:pt.start])
		out.WriteString(pt.text)
		pos = pt.end
	}
	out.Write(src[pos:d.end])
	return nil
}

// diff emits the patches for an edited parsed collection n. parentIndent is the indentation of
// the block collection holding n.
func (p *patcher) diff(n *node, parentIndent int) error {
	if n.kind == MapKind {
		return p.diffMap(n)
	}
	if n.kind == SeqKind {
		return p.diffSeq(n)
	}
	return errRerender
}

func (p *patcher) add(start, end int, text string) { p.ps = append(p.ps, patch{start, end, text}) }

func (p *patcher) diffMap(m *node) error {
	d := p.d
	if len(m.children) == 0 && !m.flow {
		return errRerender // an emptied block map must become "{}" in its parent
	}
	orig := origChildren(m)
	cur := make(map[*node]int, len(m.children)/2)
	for i := 0; i+1 < len(m.children); i += 2 {
		cur[m.children[i]] = i
	}
	var gone []int // key indexes in orig of the deleted entries
	for i := 0; i+1 < len(orig); i += 2 {
		k, ov := orig[i], orig[i+1]
		ci, ok := cur[k]
		if !ok {
			gone = append(gone, i)
			continue
		}
		cv := m.children[ci+1]
		if p.keep[cv] {
			continue // the alias stays: its anchored value is what the copy holds
		}
		if cv == ov || cv.copyOf() == ov && !cv.synthetic() {
			if cv.dirty {
				if err := p.diff(cv, d.indentAt(m)); err != nil {
					if !errors.Is(err, errRerender) {
						return err
					}
					if err := p.replaceMapValue(m, i, cv); err != nil {
						return err
					}
				}
			}
			continue
		}
		if err := p.replaceMapValue(m, i, cv); err != nil {
			return err
		}
	}
	if len(gone) > 0 {
		var err error
		if m.flow {
			err = p.deleteFlow(m, gone)
		} else {
			err = p.deleteBlockEntries(m, gone, cur)
		}
		if err != nil {
			return err
		}
	}
	var added []*node
	for i := 0; i+1 < len(m.children); i += 2 {
		if m.children[i].synthetic() {
			added = append(added, m.children[i], m.children[i+1])
		}
	}
	if len(added) == 0 {
		return nil
	}
	if m.flow {
		return p.insertFlow(m, added, true)
	}
	return p.insertBlock(m, added)
}

// deleteLines removes an entry that starts its own line, with everything to the end of the
// line where it ends.
func (p *patcher) deleteLines(first *node, end func() (int, error)) error {
	d := p.d
	ks := d.offset(int(first.line), int(first.col))
	ls := d.lineStartOf(ks)
	for i := ls; i < ks; i++ {
		if c := d.file.src[i]; c != ' ' && c != '-' {
			return errRerender
		}
	}
	if bytes.IndexByte(d.file.src[ls:ks], '-') >= 0 && first.kind != 0 && !p.isSeqItemStart(ls, ks) {
		return errRerender
	}
	e, err := end()
	if err != nil {
		return errRerender
	}
	p.add(ls, d.lineEndOf(e), "")
	return nil
}

func (p *patcher) isSeqItemStart(ls, ks int) bool {
	t := bytes.TrimLeft(p.d.file.src[ls:ks], " ")
	return len(t) >= 1 && t[0] == '-' && len(bytes.TrimSpace(t[1:])) == 0
}

// replaceMapValue writes cv in place of the value of the key at index i of m.
func (p *patcher) replaceMapValue(m *node, i int, cv *node) error {
	d := p.d
	orig := origChildren(m)
	k, ov := orig[i], orig[i+1]
	vs, err := d.valueSpan(m, i)
	if err != nil {
		return errRerender
	}
	if m.flow {
		p.add(vs.start, vs.end, p.flowText(cv, lineIndent(d, vs.start)))
		return nil
	}
	keyIndent := d.indentAt(m)
	ovBlock := (ov.kind == MapKind || ov.kind == SeqKind) && !ov.flow && len(origChildren(ov)) > 0
	if s, ok := p.st.inline(cv, false); ok {
		if blk, ok := p.st.literal(cv.resolved(), keyIndent, true); ok {
			s = blk
		}
		switch {
		case ovBlock:
			ce, err := d.colonEnd(k)
			if err != nil {
				return errRerender
			}
			p.add(ce, vs.end, " "+s)
		case vs.start == vs.end:
			p.add(vs.start, vs.end, " "+s)
		default:
			p.add(vs.start, vs.end, s)
		}
		return nil
	}
	ce, err := d.colonEnd(k)
	if err != nil {
		return errRerender
	}
	child := keyIndent + p.st.step()
	if cv.resolved().kind == SeqKind && p.st.compactSeq() {
		child = keyIndent
	}
	if ovBlock && ov.kind == cv.resolved().kind {
		child = d.indentAt(ov)
	}
	body := ind(child) + p.st.block(cv.resolved(), child)
	if !ovBlock && vs.end > vs.start {
		// An inline value with a comment after it ("key: x # why"): the comment stays on the
		// key's line and the block goes below it.
		le := d.lineEndOf(vs.end)
		if rest := bytes.TrimSpace(d.file.src[vs.end:le]); len(rest) > 0 && rest[0] == '#' {
			p.add(ce, vs.end, "")
			if le == d.end && (le == d.start || d.file.src[le-1] != '\n') {
				p.add(le, le, p.st.nl+body)
			} else {
				p.add(le, le, body+p.st.nl)
			}
			return nil
		}
	}
	p.add(ce, vs.end, p.st.nl+body)
	return nil
}

func lineIndent(d *Doc, off int) string {
	ls := d.lineStartOf(off)
	i := ls
	for i < off && (d.file.src[i] == ' ' || d.file.src[i] == '\t') {
		i++
	}
	return string(d.file.src[ls:i])
}

func (p *patcher) flowText(n *node, indent string) string {
	if p.st.json {
		return p.st.jsonValue(n, indent, false)
	}
	s, _ := p.st.inline(n, true)
	return s
}

// insertBlock appends new entries after the last line of a block map, at its indentation.
func (p *patcher) insertBlock(m *node, added []*node) error {
	d := p.d
	end, err := d.nodeEnd(m, -1)
	if err != nil {
		return errRerender
	}
	at := d.lineEndOf(end)
	indent := d.indentAt(m)
	var b bytes.Buffer
	if at == d.end && (at == d.start || d.file.src[at-1] != '\n') {
		b.WriteString(p.st.nl)
	}
	for i := 0; i+1 < len(added); i += 2 {
		b.WriteString(ind(indent))
		b.WriteString(p.st.key(added[i].value))
		b.WriteByte(':')
		b.WriteString(p.st.afterKey(added[i+1], indent))
		b.WriteString(p.st.nl)
	}
	p.add(at, at, b.String())
	return nil
}

// insertFlow appends entries to a non-empty flow map (or JSON object) after its last value,
// on new lines when its entries are on lines of their own.
func (p *patcher) insertFlow(m *node, added []*node, isMap bool) error {
	d := p.d
	orig := origChildren(m)
	step := 1
	if isMap {
		step = 2
	}
	// The new entries go after the last entry that is kept.
	last := -1
	for i := len(orig) - step; i >= 0 && last < 0; i -= step {
		for j := 0; j < len(m.children); j += step {
			if m.children[j] == orig[i] {
				last = i
				break
			}
		}
	}
	if last < 0 {
		return errRerender
	}
	var lastEnd int
	var err error
	lastKey := orig[last]
	if isMap {
		lastEnd, err = d.mapValueEnd(m, last)
	} else {
		lastEnd, err = d.nodeEnd(lastKey, -1)
	}
	if err != nil {
		return errRerender
	}
	multiline := lastKey.line != m.line
	var indent string
	sep := ", "
	if multiline {
		indent = lineIndent(d, d.offset(int(lastKey.line), int(lastKey.col)))
		sep = "," + p.st.nl + indent
	} else if p.st.json && p.st.jsonSep == ":" {
		sep = ","
	}
	var b bytes.Buffer
	for i := 0; i < len(added); i += step {
		b.WriteString(sep)
		if isMap {
			if p.st.json {
				b.WriteString(jsonString(added[i].value))
				b.WriteString(p.st.jsonSep)
			} else {
				k := added[i].value
				if !plainSafe(k, true) {
					k = doubleQuote(k)
				}
				b.WriteString(k + ": ")
			}
			b.WriteString(p.flowText(added[i+1], indent))
		} else {
			b.WriteString(p.flowText(added[i], indent))
		}
	}
	p.add(lastEnd, lastEnd, b.String())
	return nil
}

func (p *patcher) diffSeq(s *node) error {
	d := p.d
	orig := origChildren(s)
	pos := make(map[*node]int, len(orig))
	for i, it := range orig {
		pos[it] = i
	}
	kept := make(map[*node]bool, len(orig))
	var appended []*node
	seenNew := false
	for _, c := range s.children {
		switch {
		case p.keep[c]:
			if _, ok := pos[c.replaces()]; !ok || seenNew {
				return errRerender
			}
			kept[c.replaces()] = true
		case !c.synthetic():
			base := c
			if c.copyOf() != nil {
				base = c.copyOf()
			}
			if _, ok := pos[base]; !ok || seenNew {
				return errRerender
			}
			kept[base] = true
			if c.dirty {
				if err := p.diff(c, d.indentAt(s)); err != nil {
					if !errors.Is(err, errRerender) {
						return err
					}
					if err := p.replaceItem(s, base, c); err != nil {
						return err
					}
				}
			}
		case c.replaces() != nil:
			if _, ok := pos[c.replaces()]; !ok || seenNew {
				return errRerender
			}
			kept[c.replaces()] = true
			if err := p.replaceItem(s, c.replaces(), c); err != nil {
				return err
			}
		default:
			seenNew = true
			appended = append(appended, c)
		}
	}
	var gone []int
	for i, it := range orig {
		if !kept[it] {
			gone = append(gone, i)
		}
	}
	if len(gone) > 0 {
		if len(s.children) == 0 {
			return errRerender // an emptied list must become "[]" in its parent
		}
		if s.flow {
			if err := p.deleteFlow(s, gone); err != nil {
				return err
			}
		} else {
			for _, i := range gone {
				i := i
				if err := p.deleteLines(orig[i], func() (int, error) { return d.nodeEnd(orig[i], d.indentAt(s)) }); err != nil {
					return err
				}
			}
		}
	}
	if len(appended) == 0 {
		return nil
	}
	if s.flow {
		return p.insertFlow(s, appended, false)
	}
	end, err := d.nodeEnd(s, -1)
	if err != nil {
		return errRerender
	}
	at := d.lineEndOf(end)
	dash := d.indentAt(s)
	var b bytes.Buffer
	if at == d.end && d.file.src[at-1] != '\n' {
		b.WriteString(p.st.nl)
	}
	for _, it := range appended {
		b.WriteString(ind(dash))
		b.WriteString("- ")
		b.WriteString(p.st.item(it, dash+2))
		b.WriteString(p.st.nl)
	}
	p.add(at, at, b.String())
	return nil
}

// replaceItem writes cv where the parsed list item ov is.
func (p *patcher) replaceItem(s, ov, cv *node) error {
	d := p.d
	parent := -1
	if !s.flow {
		parent = d.indentAt(s)
	}
	sp, err := d.nodeSpan(ov, parent)
	if err != nil {
		return errRerender
	}
	if s.flow {
		p.add(sp.start, sp.end, p.flowText(cv, lineIndent(d, sp.start)))
		return nil
	}
	col := sp.start - d.lineStartOf(sp.start)
	p.add(sp.start, sp.end, p.st.item(cv, col))
	return nil
}

// renderWhole writes the document from its tree, keeping what comes before and after its value
// (the "---" line, head comments).
func (d *Doc) renderWhole() []byte {
	st := d.style()
	src := d.file.src
	var b bytes.Buffer
	pre, post := src[d.start:d.end], []byte(nil)
	if d.origRoot != nil {
		start := d.offset(int(d.origRoot.line), int(d.origRoot.col))
		pre = src[d.start:start]
		if end, err := d.nodeEnd(d.origRoot, -1); err == nil && end >= start {
			post = src[end:d.end]
		} else {
			post = []byte(st.nl)
		}
	}
	b.Write(pre)
	if d.root == nil {
		return b.Bytes()
	}
	if len(pre) > 0 && pre[len(pre)-1] != '\n' && d.origRoot == nil {
		b.WriteString(st.nl)
	}
	root := d.root.resolved()
	switch {
	case st.json:
		b.WriteString(st.jsonValue(root, "", false))
	default:
		if s, ok := st.inline(root, false); ok {
			b.WriteString(s)
		} else {
			b.WriteString(st.block(root, 0))
		}
	}
	if post == nil {
		post = []byte(st.nl)
	}
	b.Write(post)
	return b.Bytes()
}

// entryBounds returns where entry i (a key index for maps) of a collection starts and ends.
func (p *patcher) entryBounds(c *node, i int) (start, end int, err error) {
	d := p.d
	orig := origChildren(c)
	start = d.offset(int(orig[i].line), int(orig[i].col))
	if c.kind == MapKind {
		end, err = d.mapValueEnd(c, i)
	} else {
		ind := -1
		if !c.flow {
			ind = d.indentAt(c)
		}
		end, err = d.nodeEnd(orig[i], ind)
	}
	if err != nil || end < start {
		return 0, 0, errRerender
	}
	return start, end, nil
}

// deleteFlow removes entries of a flow collection (or JSON object or array) with their
// separators: a run of entries followed by a kept one is cut up to that entry; a run at the
// end is cut from the end of the kept entry before it. gone lists entry indexes in orig (key
// indexes for maps) in order.
func (p *patcher) deleteFlow(c *node, gone []int) error {
	orig := origChildren(c)
	step := 1
	if c.kind == MapKind {
		step = 2
	}
	n := len(orig) / step
	if len(gone) == n {
		return errRerender // emptied: the parent writes "{}" or "[]"
	}
	for r := 0; r < len(gone); {
		// A run of consecutive deleted entries gone[r..q].
		q := r
		for q+1 < len(gone) && gone[q+1] == gone[q]+step {
			q++
		}
		first, last := gone[r], gone[q]
		fs, _, err := p.entryBounds(c, first)
		if err != nil {
			return err
		}
		_, le, err := p.entryBounds(c, last)
		if err != nil {
			return err
		}
		if next := last + step; next < len(orig) {
			ns, _, err := p.entryBounds(c, next)
			if err != nil {
				return err
			}
			if !p.onlySeparators(le, ns) {
				return errRerender
			}
			p.add(fs, ns, "")
		} else {
			_, pe, err := p.entryBounds(c, first-step)
			if err != nil {
				return err
			}
			if !p.onlySeparators(pe, fs) {
				return errRerender
			}
			p.add(pe, le, "")
		}
		r = q + 1
	}
	return nil
}

// onlySeparators reports whether src[from:to] holds one comma and blanks, nothing a deletion
// would lose (a comment).
func (p *patcher) onlySeparators(from, to int) bool {
	commas := 0
	for _, c := range p.d.file.src[from:to] {
		switch {
		case c == ',':
			commas++
		case !isSpaceOrBreak(c):
			return false
		}
	}
	return commas == 1
}

// deleteBlockEntries removes entries of a block map. An entry on its own lines is cut with its
// lines; the first entry of a list item ("- name: a") is cut up to the next kept key, which
// moves onto the dash line.
func (p *patcher) deleteBlockEntries(m *node, gone []int, cur map[*node]int) error {
	d := p.d
	orig := origChildren(m)
	for r := 0; r < len(gone); r++ {
		i := gone[r]
		k := orig[i]
		ks := d.offset(int(k.line), int(k.col))
		ls := d.lineStartOf(ks)
		if bytes.IndexByte(d.file.src[ls:ks], '-') < 0 {
			if err := p.deleteLines(k, func() (int, error) { return d.mapValueEnd(m, i) }); err != nil {
				return err
			}
			continue
		}
		// The key follows "- ": cut to the next kept key, skipping the deleted ones between.
		if !p.isSeqItemStart(ls, ks) {
			return errRerender
		}
		next := -1
		for j := i + 2; j+1 < len(orig); j += 2 {
			if _, ok := cur[orig[j]]; ok {
				next = j
				break
			}
		}
		if next < 0 {
			return errRerender // nothing parsed is left to sit on the dash line
		}
		nk := orig[next]
		ns := d.offset(int(nk.line), int(nk.col))
		if nk.line == k.line || d.indentOf(ns) != ks-ls {
			return errRerender
		}
		p.add(ks, ns, "")
		for r+1 < len(gone) && gone[r+1] < next {
			r++
		}
	}
	return nil
}
