package yamldoc

// Kind is the kind of a YAML node.
type Kind uint8

// The kinds of node; an alias is followed transparently when reading.
const (
	ScalarKind Kind = iota + 1
	MapKind
	SeqKind
	AliasKind
)

func (k Kind) String() string {
	switch k {
	case ScalarKind:
		return "scalar"
	case MapKind:
		return "map"
	case SeqKind:
		return "list"
	case AliasKind:
		return "alias"
	}
	return "invalid"
}

type scalarStyle uint8

const (
	plainStyle scalarStyle = iota
	singleStyle
	doubleStyle
	literalStyle
	foldedStyle
)

// node is one value of a document. Nodes parsed from the source have a position; nodes made
// by an edit have none (synthetic) and are rendered when the file is saved.
type node struct {
	value    string  // scalars only
	children []*node // map: key, value, key, value...; seq: items
	more     *nodeMore

	// 1-based (at most maxLine); col counts characters as the YAML parser does; 0 for synthetic
	// nodes.
	line, col int32

	kind  Kind
	style scalarStyle
	// tid is the resolved short tag (see tag): !!str, !!int, !!float, !!bool, !!null, !!map,
	// !!seq..., or idOther for a custom one, whose text is in nodeMore. A byte, not a string,
	// as the many nodes of a large document are most of its memory.
	tid   tagID
	flow  bool // collections written in flow style ({...} / [...])
	dirty bool // a descendant changed
	json  bool // a scalar of a JSON stream: read by encoding/json's rules (exact numbers)
	// A map's keys need more than a string comparison: a "<<" merge key, or a key that is
	// not a plain string (1, yes, an alias), which Kubernetes turns into a string.
	merges, oddKeys bool
}

// nodeMore holds what few nodes need, out of node so that the many do not carry it.
type nodeMore struct {
	// orig is the children list as parsed, kept once the node is first edited so the saved
	// file can be diffed against the source.
	orig []*node
	// replaces is the parsed value a synthetic node was set in place of.
	replaces *node
	alias    *node // an alias's anchored node
	anchor   string
	// uses are the aliases of an anchored node, in document order.
	uses []*node
	// copyOf is the parsed node an edit copied (through an alias or at a shared anchor) and
	// edits instead; a copy that has a position is written where copyOf is.
	copyOf *node
	// tag is a tag with no tagID (custom: !Ref); explicit: the source spells the node's tag
	// (!!str x, !Ref y), which only the few documents yaml.v3 parses do.
	tag      string
	explicit bool
}

// tagID is a resolved short tag, as a byte.
type tagID uint8

const (
	idNone tagID = iota // no tag ("")
	idStr
	idInt
	idFloat
	idBool
	idNull
	idTimestamp
	idMerge
	idBinary
	idMap
	idSeq
	idOther // any other tag: its text is in nodeMore.tag
)

var tagText = [...]string{idNone: "", idStr: tagStr, idInt: tagInt, idFloat: tagFloat, idBool: tagBool, idNull: tagNull,
	idTimestamp: tagTimestamp, idMerge: tagMerge, idBinary: tagBinary, idMap: tagMap, idSeq: tagSeq}

func tagIDOf(tag string) tagID {
	switch tag {
	case "":
		return idNone
	case tagStr:
		return idStr
	case tagInt:
		return idInt
	case tagFloat:
		return idFloat
	case tagBool:
		return idBool
	case tagNull:
		return idNull
	case tagTimestamp:
		return idTimestamp
	case tagMerge:
		return idMerge
	case tagBinary:
		return idBinary
	case tagMap:
		return idMap
	case tagSeq:
		return idSeq
	}
	return idOther
}

// tag is the node's resolved short tag.
func (n *node) tag() string {
	if n.tid == idOther {
		return n.more.tag
	}
	return tagText[n.tid]
}

func (n *node) setTag(tag string) {
	if n.tid = tagIDOf(tag); n.tid == idOther {
		n.extra().tag = tag
	} else if n.more != nil {
		n.more.tag = ""
	}
}

// sameTag reports whether a and b have the same tag.
func sameTag(a, b *node) bool {
	return a.tid == b.tid && (a.tid != idOther || a.more.tag == b.more.tag)
}

// explicit reports whether the source spells the node's tag.
func (n *node) explicit() bool { return n.more != nil && n.more.explicit }

// copyTag gives n the tag of c.
func (n *node) copyTag(c *node) {
	if n.tid = c.tid; c.tid == idOther {
		n.extra().tag = c.more.tag
	}
}

func (n *node) extra() *nodeMore {
	if n.more == nil {
		n.more = &nodeMore{}
	}
	return n.more
}

func (n *node) orig() []*node {
	if n.more == nil {
		return nil
	}
	return n.more.orig
}

func (n *node) replaces() *node {
	if n.more == nil {
		return nil
	}
	return n.more.replaces
}

func (n *node) alias() *node {
	if n.more == nil {
		return nil
	}
	return n.more.alias
}

func (n *node) anchor() string {
	if n.more == nil {
		return ""
	}
	return n.more.anchor
}

func (n *node) synthetic() bool { return n.line == 0 }

// resolved follows an alias to its anchored node.
func (n *node) resolved() *node {
	for n != nil && n.kind == AliasKind {
		n = n.alias()
	}
	return n
}
