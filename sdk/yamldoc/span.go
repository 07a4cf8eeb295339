package yamldoc

import "errors"

// errNoSpan means the source extent of a node could not be found; the editor then re-renders
// the enclosing document instead of splicing.
var errNoSpan = errors.New("yamldoc: cannot locate node in source")

// span is a byte range of the file.
type span struct{ start, end int }

// contentStart skips a node's properties (&anchor, !tag) to where its value is written.
func (d *Doc) contentStart(n *node) int {
	src := d.file.src
	i := d.offset(int(n.line), int(n.col))
	for i < d.end && (src[i] == '&' || src[i] == '!') {
		for i < d.end && !isSpaceOrBreak(src[i]) {
			i++
		}
		for i < d.end && isSpaceOrBreak(src[i]) {
			i++
		}
	}
	return i
}

// indentOf is the indentation (in bytes) of the line holding off.
func (d *Doc) indentOf(off int) int {
	ls := d.lineStartOf(off)
	i := ls
	for i < d.end && d.file.src[i] == ' ' {
		i++
	}
	return i - ls
}

// nodeSpan finds where n is written. parentIndent is the indentation of the block collection
// holding n (-1 at the top level): a block scalar's content ends at the first line indented no
// deeper.
func (d *Doc) nodeSpan(n *node, parentIndent int) (span, error) {
	start := d.offset(int(n.line), int(n.col))
	end, err := d.nodeEnd(n, parentIndent)
	if err != nil {
		return span{}, err
	}
	if end < start {
		return span{}, errNoSpan
	}
	return span{start, end}, nil
}

func (d *Doc) nodeEnd(n *node, parentIndent int) (int, error) {
	src := d.file.src
	switch n.kind {
	case AliasKind:
		i := d.offset(int(n.line), int(n.col))
		if i >= d.end || src[i] != '*' {
			return 0, errNoSpan
		}
		i++
		for i < d.end && !isSpaceOrBreak(src[i]) && !isFlowIndicator(src[i]) {
			i++
		}
		return i, nil
	case ScalarKind:
		return d.scalarEnd(n, parentIndent)
	}
	if n.flow {
		return d.flowEnd(n)
	}
	kids := origChildren(n)
	if len(kids) == 0 {
		return 0, errNoSpan
	}
	last := kids[len(kids)-1]
	if n.kind == MapKind {
		return d.mapValueEnd(n, len(kids)-2)
	}
	return d.nodeEnd(last, d.indentAt(n))
}

// indentAt is the indentation of a block collection: the column of its keys or dashes. A
// collection with properties (an anchor, a tag) is placed at them, maybe on its key's line:
// its first entry tells.
func (d *Doc) indentAt(n *node) int {
	off := d.offset(int(n.line), int(n.col))
	if src := d.file.src; off < d.end && (src[off] == '&' || src[off] == '!') && !n.flow {
		if kids := origChildren(n); len(kids) > 0 {
			off = d.offset(int(kids[0].line), int(kids[0].col))
			if n.kind == SeqKind {
				// The first item's line starts with its dash.
				ls := d.lineStartOf(off)
				for off = ls; off < d.end && src[off] == ' '; off++ {
				}
			}
		}
	}
	return off - d.lineStartOf(off)
}

// mapValueEnd is the end of the entry at key index i of mapping m.
func (d *Doc) mapValueEnd(m *node, i int) (int, error) {
	kids := origChildren(m)
	v := kids[i+1]
	if isEmptyNull(v) {
		return d.colonEnd(kids[i])
	}
	ind := -1
	if !m.flow {
		ind = d.indentAt(m)
	}
	return d.nodeEnd(v, ind)
}

// valueSpan is where the value of key index i of mapping m is written; an empty value ("key:"
// with nothing after it) is the empty range just after the colon.
func (d *Doc) valueSpan(m *node, i int) (span, error) {
	kids := origChildren(m)
	v := kids[i+1]
	if isEmptyNull(v) {
		c, err := d.colonEnd(kids[i])
		return span{c, c}, err
	}
	ind := -1
	if !m.flow {
		ind = d.indentAt(m)
	}
	return d.nodeSpan(v, ind)
}

func isEmptyNull(n *node) bool {
	return n.kind == ScalarKind && n.value == "" && n.style == plainStyle && n.tag() == "!!null" && !n.explicit() && n.anchor() == ""
}

// colonEnd is the offset just past the ":" following a mapping key.
func (d *Doc) colonEnd(k *node) (int, error) {
	end, err := d.nodeEnd(k, -1)
	if err != nil {
		return 0, err
	}
	src := d.file.src
	i := end
	for i < d.end && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i >= d.end || src[i] != ':' {
		return 0, errNoSpan
	}
	return i + 1, nil
}

func (d *Doc) flowEnd(n *node) (int, error) {
	src := d.file.src
	i := d.contentStart(n)
	open, close := byte('{'), byte('}')
	if n.kind == SeqKind {
		open, close = '[', ']'
	}
	if i >= d.end || src[i] != open {
		return 0, errNoSpan
	}
	i++
	if kids := origChildren(n); len(kids) > 0 {
		var err error
		if n.kind == MapKind {
			i, err = d.mapValueEnd(n, len(kids)-2)
		} else {
			i, err = d.nodeEnd(kids[len(kids)-1], -1)
		}
		if err != nil {
			return 0, err
		}
	}
	for i < d.end {
		switch c := src[i]; {
		case c == close:
			return i + 1, nil
		case c == '#':
			for i < d.end && src[i] != '\n' {
				i++
			}
		case c == ',' || isSpaceOrBreak(c):
			i++
		default:
			return 0, errNoSpan
		}
	}
	return 0, errNoSpan
}

func (d *Doc) scalarEnd(n *node, parentIndent int) (int, error) {
	src := d.file.src
	i := d.contentStart(n)
	if i > d.end {
		return 0, errNoSpan
	}
	switch n.style {
	case doubleStyle:
		if i >= d.end || src[i] != '"' {
			return 0, errNoSpan
		}
		for i++; i < d.end; i++ {
			switch src[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
		return 0, errNoSpan
	case singleStyle:
		if i >= d.end || src[i] != '\'' {
			return 0, errNoSpan
		}
		for i++; i < d.end; i++ {
			if src[i] == '\'' {
				if i+1 < d.end && src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
		return 0, errNoSpan
	case literalStyle, foldedStyle:
		return d.blockScalarEnd(i, parentIndent)
	}
	if n.value == "" {
		// An empty plain scalar after properties ("key: &a" or "!!null"): it ends where the
		// properties end, not on the next line contentStart skipped to.
		for i > d.start && isSpaceOrBreak(src[i-1]) {
			i--
		}
		return i, nil
	}
	return d.plainEnd(i, n.value)
}

// plainEnd matches a plain scalar's value against the source: characters match one for one,
// and a line break (with the spaces around it) folds to one space, or to n-1 newlines for n
// breaks. Matching the value avoids re-implementing the YAML grammar's plain-scalar rules.
func (d *Doc) plainEnd(i int, value string) (int, error) {
	src := d.file.src
	j := 0
	for j < len(value) {
		if i >= d.end {
			return 0, errNoSpan
		}
		c := src[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			// A run of blanks ending in a line break is a fold; otherwise it is literal.
			k := i
			for k < d.end && (src[k] == ' ' || src[k] == '\t') {
				k++
			}
			if k < d.end && (src[k] == '\n' || src[k] == '\r') {
				breaks := 0
				for k < d.end && isSpaceOrBreak(src[k]) {
					if src[k] == '\n' {
						breaks++
					}
					k++
				}
				if breaks == 1 {
					if value[j] != ' ' {
						return 0, errNoSpan
					}
					j++
				} else {
					for b := 1; b < breaks; b++ {
						if j >= len(value) || value[j] != '\n' {
							return 0, errNoSpan
						}
						j++
					}
				}
				i = k
				continue
			}
		}
		if c != value[j] {
			return 0, errNoSpan
		}
		i++
		j++
	}
	return i, nil
}

// blockScalarEnd finds the end of a literal or folded scalar whose header ("|", ">-", "|2")
// starts at i: the end of its last content line, trailing blank lines excluded.
func (d *Doc) blockScalarEnd(i, parentIndent int) (int, error) {
	src := d.file.src
	// The header runs to the end of its line.
	eol := d.lineEndOf(i)
	end := eol
	if end > i && src[end-1] == '\n' {
		end--
		if end > i && src[end-1] == '\r' {
			end--
		}
	}
	// Trim a comment after the header from the span's last-line candidate.
	lastContentEnd := i + 1
	for lastContentEnd < end && !isSpaceOrBreak(src[lastContentEnd]) {
		lastContentEnd++
	}
	pos := eol
	for pos < d.end {
		ls := pos
		le := d.lineEndOf(ls)
		k := ls
		for k < le && src[k] == ' ' {
			k++
		}
		blank := true
		for m := k; m < le; m++ {
			if !isSpaceOrBreak(src[m]) {
				blank = false
				break
			}
		}
		if !blank {
			if k-ls <= parentIndent {
				break
			}
			// A document marker ends any scalar.
			if isMarker(src[ls:le], "---") || isMarker(src[ls:le], "...") {
				break
			}
			e := le
			if e > ls && src[e-1] == '\n' {
				e--
				if e > ls && src[e-1] == '\r' {
					e--
				}
			}
			lastContentEnd = e
		}
		pos = le
	}
	return lastContentEnd, nil
}

func isSpaceOrBreak(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isFlowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }
