package yamldoc

import (
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

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
	tag      string  // resolved short tag: !!str, !!int, !!float, !!bool, !!null, !!map, !!seq, or a custom one
	value    string  // scalars only
	children []*node // map: key, value, key, value...; seq: items
	more     *nodeMore

	line, col int // 1-based; col counts characters as the YAML parser does; 0 for synthetic nodes

	kind     Kind
	style    scalarStyle
	flow     bool // collections written in flow style ({...} / [...])
	explicit bool // the source spells a tag (!!str x, !Ref y)
	dirty    bool // a descendant changed
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

func (n *node) mapGet(key string) (k, v *node, idx int) {
	for i := 0; i+1 < len(n.children); i += 2 {
		c := n.children[i]
		if c.kind == ScalarKind && c.value == key {
			return c, n.children[i+1], i
		}
	}
	return nil, nil, -1
}

// convert builds the node tree from a yaml.v3 node, checking what yaml.v3 lets through but a
// Kubernetes API server refuses (duplicate keys). lineOffset shifts the parser's lines to the
// file's.
func convert(y *yaml.Node, lineOffset int, anchors map[*yaml.Node]*node) (*node, error) {
	n := &node{line: y.Line + lineOffset, col: y.Column}
	if y.Anchor != "" {
		n.extra().anchor = y.Anchor
	}
	if n.line == 0 {
		n.line = 1 + lineOffset
	}
	switch y.Kind {
	case yaml.ScalarNode:
		n.kind = ScalarKind
		n.value = y.Value
		n.tag = y.ShortTag()
		n.explicit = y.Style&yaml.TaggedStyle != 0
		if n.tag == "!!float" && !n.explicit && isIntegerText(n.value) && isBigInt(n.value) {
			// yaml.v3 types integers beyond 64 bits as floats; they are integers.
			n.tag = "!!int"
		}
		switch {
		case y.Style&yaml.DoubleQuotedStyle != 0:
			n.style = doubleStyle
		case y.Style&yaml.SingleQuotedStyle != 0:
			n.style = singleStyle
		case y.Style&yaml.LiteralStyle != 0:
			n.style = literalStyle
		case y.Style&yaml.FoldedStyle != 0:
			n.style = foldedStyle
		}
	case yaml.MappingNode, yaml.SequenceNode:
		n.kind = MapKind
		n.tag = "!!map"
		if y.Kind == yaml.SequenceNode {
			n.kind = SeqKind
			n.tag = "!!seq"
		}
		if t := y.ShortTag(); t != n.tag {
			n.tag = t
		}
		n.explicit = y.Style&yaml.TaggedStyle != 0
		n.flow = y.Style&yaml.FlowStyle != 0
		n.children = make([]*node, len(y.Content))
		for i, c := range y.Content {
			cn, err := convert(c, lineOffset, anchors)
			if err != nil {
				return nil, err
			}
			n.children[i] = cn
		}
		if n.kind == MapKind {
			if err := checkDuplicateKeys(n); err != nil {
				return nil, err
			}
		}
	case yaml.AliasNode:
		n.kind = AliasKind
		target, ok := anchors[y.Alias]
		if !ok {
			return nil, &SyntaxError{Line: n.line, Msg: fmt.Sprintf("alias *%s refers to an anchor that is not defined before it", y.Value)}
		}
		n.extra().alias = target
	default:
		return nil, &SyntaxError{Line: n.line, Msg: "unexpected YAML node"}
	}
	if y.Anchor != "" {
		anchors[y] = n
	}
	return n, nil
}

func checkDuplicateKeys(m *node) error {
	keys := m.children
	if len(keys) <= 16 {
		for i := 0; i+1 < len(keys); i += 2 {
			for j := i + 2; j+1 < len(keys); j += 2 {
				if sameKey(keys[i], keys[j]) {
					return duplicateKey(keys[i], keys[j])
				}
			}
		}
		return nil
	}
	// By value and tag, as sameKey compares: 1 and "1" are different keys.
	seen := make(map[[2]string]*node, len(keys)/2)
	for i := 0; i+1 < len(keys); i += 2 {
		k := keys[i]
		if k.kind != ScalarKind {
			continue
		}
		if first, ok := seen[[2]string{k.tag, k.value}]; ok {
			return duplicateKey(first, k)
		}
		seen[[2]string{k.tag, k.value}] = k
	}
	return nil
}

func sameKey(a, b *node) bool {
	return a.kind == ScalarKind && b.kind == ScalarKind && a.value == b.value && a.tag == b.tag
}

func duplicateKey(first, again *node) error {
	return &SyntaxError{Line: again.line, Msg: fmt.Sprintf("duplicate key %q (first defined at line %d)", again.value, first.line)}
}

func isBigInt(s string) bool {
	_, ok := parseBigInt(s)
	return ok
}
