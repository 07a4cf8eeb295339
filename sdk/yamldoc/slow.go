package yamldoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// Documents the fast parser leaves alone (anchors, aliases, tags, merge keys, keys that are
// not strings, and anything unusual) are parsed by yaml.v3, which gives every node's position;
// their scalars are then read with goyaml.v2's rules. yaml.v3 and goyaml.v2 are both libyaml
// ports but not the same one, so the reading of such a document is checked against
// goyaml.v2 itself, through sigs.k8s.io/yaml as Kubernetes calls it: a document goyaml.v2
// refuses or reads differently is refused.

// parseSlow parses one YAML chunk; firstLine is the file line where src starts. root is nil
// for a chunk with no value (comments, a bare "---", a null).
func parseSlow(src []byte, firstLine int) (*node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var y yaml.Node
	err := dec.Decode(&y)
	if err == io.EOF {
		return nil, crossCheck(src, firstLine, nil, nil)
	}
	if err != nil {
		return nil, slowError(src, firstLine, err)
	}
	// goyaml.v2 reads the first document of a chunk and silently drops the rest: content
	// after a "..." line (or after a "---" that the decoder's line reader did not split at).
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		line := firstLine
		if err == nil && more.Line > 0 {
			line = firstLine + more.Line - 1
		} else if l := documentEndLine(src); l > 0 {
			line = firstLine + l - 1
		}
		return nil, &SyntaxError{Line: line, Msg: "content after the end of the document (after a \"...\" line, or a \"---\" not at the start of a line): Kubernetes ignores it; start a new document with a \"---\" line instead"}
	}
	if y.Kind == 0 || len(y.Content) == 0 {
		return nil, crossCheck(src, firstLine, nil, nil)
	}
	c := converter{off: firstLine - 1, anchors: map[*yaml.Node]*node{}}
	root, err := c.convert(y.Content[0])
	if err != nil {
		return nil, err
	}
	// A document whose only content is a null (a bare "---" with a comment) is empty.
	if root.kind == ScalarKind && root.tag() == tagNull && root.value == "" && root.anchor() == "" {
		root = nil
	}
	v, err := checkReading(root, c.aliases)
	if err != nil {
		return nil, err
	}
	return root, crossCheck(src, firstLine, root, v)
}

// documentEndLine is the 1-based line of the first "..." line of src, or 0.
func documentEndLine(src []byte) int {
	line := 1
	for len(src) > 0 {
		l := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			l, src = src[:i+1], src[i+1:]
		} else {
			src = nil
		}
		if isMarker(l, "...") {
			return line
		}
		line++
	}
	return 0
}

// checkReading reads the whole document as Kubernetes would, so that a document it cannot
// read is refused at parse time with the line of the problem; v is what it reads. An alias bomb
// is refused before anything expands it.
func checkReading(root *node, aliases bool) (v any, err error) {
	if root == nil {
		return nil, nil
	}
	if aliases {
		s := v2Sim{active: map[*node]bool{}}
		s.decodeCount = 1 // the document
		if err := s.unmarshal(root); err != nil {
			return nil, err
		}
	}
	if v, err = goValue(root); err != nil {
		return nil, readError(err)
	}
	return v, nil
}

func readError(err error) error {
	var re *readErr
	if errors.As(err, &re) {
		return &SyntaxError{Line: int(re.n.line), Msg: re.msg}
	}
	return err
}

// crossCheck compares the reading of a chunk, v from root, with goyaml.v2's.
func crossCheck(src []byte, firstLine int, root *node, v any) error {
	want, err := sigsyaml.YAMLToJSON(lineChunk(src))
	if err != nil {
		return v2Error(src, firstLine, err)
	}
	var got []byte
	if root == nil {
		got = []byte("null")
	} else {
		var err error
		if got, err = json.Marshal(v); err != nil {
			return &SyntaxError{Line: int(root.line), Msg: "this document cannot be read as JSON, as Kubernetes reads it"}
		}
	}
	if !bytes.Equal(got, want) {
		line := firstLine
		if root != nil {
			line = int(root.line)
		}
		return &SyntaxError{Line: line, Msg: "Kubernetes' YAML reader (goyaml.v2) reads this document differently from yamldoc; it is refused rather than misread"}
	}
	return nil
}

// converter builds the node tree from yaml.v3's, reading scalars with goyaml.v2's rules.
type converter struct {
	off     int // shifts the parser's lines to the file's
	anchors map[*yaml.Node]*node
	aliases bool // the document uses an alias
}

func (c *converter) convert(y *yaml.Node) (*node, error) {
	n := &node{line: int32(y.Line + c.off), col: int32(y.Column)}
	if y.Anchor != "" {
		n.extra().anchor = y.Anchor
	}
	if y.Line == 0 {
		n.line = int32(1 + c.off)
	}
	if y.Style&yaml.TaggedStyle != 0 {
		n.extra().explicit = true
	}
	switch y.Kind {
	case yaml.ScalarNode:
		n.kind = ScalarKind
		n.value = y.Value
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
		switch {
		case n.explicit():
			tag, problem := resolveTagged(y.ShortTag(), y.Value)
			if problem != "" {
				return nil, &SyntaxError{Line: int(n.line), Msg: problem}
			}
			n.setTag(tag)
		case n.style == plainStyle:
			n.setTag(resolvePlain(y.Value))
		default:
			n.tid = idStr
		}
	case yaml.MappingNode, yaml.SequenceNode:
		n.kind, n.tid = MapKind, idMap
		if y.Kind == yaml.SequenceNode {
			n.kind, n.tid = SeqKind, idSeq
		}
		n.flow = y.Style&yaml.FlowStyle != 0
		n.children = make([]*node, len(y.Content))
		for i, yc := range y.Content {
			cn, err := c.convert(yc)
			if err != nil {
				return nil, err
			}
			n.children[i] = cn
		}
		if n.kind == MapKind {
			for i := 0; i+1 < len(n.children); i += 2 {
				switch k := n.children[i]; {
				case isMergeKey(k):
					n.merges = true
				case k.kind != ScalarKind || k.tag() != tagStr:
					n.oddKeys = true
				}
			}
			if err := checkDuplicateKeys(n); err != nil {
				return nil, err
			}
		}
	case yaml.AliasNode:
		n.kind = AliasKind
		target, ok := c.anchors[y.Alias]
		if !ok {
			return nil, &SyntaxError{Line: int(n.line), Msg: "an alias refers to an anchor that is not defined before it"}
		}
		n.extra().alias = target
		target.extra().uses = append(target.extra().uses, n)
		c.aliases = true
	default:
		return nil, &SyntaxError{Line: int(n.line), Msg: "unexpected YAML node"}
	}
	if y.Anchor != "" {
		c.anchors[y] = n
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
		if k.kind != ScalarKind || isMergeKey(k) {
			continue
		}
		if first, ok := seen[[2]string{k.tag(), k.value}]; ok {
			return duplicateKey(first, k)
		}
		seen[[2]string{k.tag(), k.value}] = k
	}
	return nil
}

func sameKey(a, b *node) bool {
	return a.kind == ScalarKind && b.kind == ScalarKind && a.value == b.value && a.tag() == b.tag() && !isMergeKey(a)
}

// duplicateKey names the key (a key is a field path, never a value) and both lines.
func duplicateKey(first, again *node) error {
	return &SyntaxError{Line: int(again.line), Msg: fmt.Sprintf("duplicate key %q (first defined at line %d)", again.value, first.line)}
}

var (
	yamlLineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)
	anchorRe   = regexp.MustCompile(`unknown anchor '(.*)' referenced`)
)

// yamlProblems are libyaml's messages, which hold no text of the document. Any other message
// (one that may quote a value) is replaced by a generic one.
var yamlProblems = map[string]bool{}

// parserProblems are the messages of libyaml's parser (not its scanner), which goyaml.v2
// reports one line early.
var parserProblems = map[string]bool{}

func init() {
	for _, p := range []string{
		"block sequence entries are not allowed in this context",
		"control characters are not allowed",
		"could not find expected ':'",
		"could not find expected directive name",
		"did not find URI escaped octet",
		"did not find expected '!'",
		"did not find expected alphabetic or numeric character",
		"did not find expected comment or line break",
		"did not find expected digit or '.' character",
		"did not find expected hexdecimal number",
		"did not find expected tag URI",
		"did not find expected version number",
		"did not find expected whitespace or line break",
		"did not find expected whitespace",
		"did not find the expected '>'",
		"exceeded max depth of 10000",
		"found a tab character that violates indentation",
		"found a tab character where an indentation space is expected",
		"found an incorrect leading UTF-8 octet",
		"found an incorrect trailing UTF-8 octet",
		"found an indentation indicator equal to 0",
		"found character that cannot start any token",
		"found extremely long version number",
		"found invalid Unicode character escape code",
		"found unexpected document indicator",
		"found unexpected end of stream",
		"found unexpected non-alphabetical character",
		"found unknown directive name",
		"found unknown escape character",
		"mapping values are not allowed in this context",
		"invalid leading UTF-8 octet",
		"invalid trailing UTF-8 octet",
		"invalid length of a UTF-8 sequence",
		"invalid Unicode character",
		"incomplete UTF-8 octet sequence",
		"document contains excessive aliasing",
		"map merge requires map or sequence of maps as the value",
		"!!binary value contains invalid base64 data",
	} {
		yamlProblems[p] = true
	}
	for _, p := range []string{
		"did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"did not find expected '-' indicator",
		"did not find expected <document start>",
		"did not find expected <stream-start>",
		"did not find expected key",
		"did not find expected node content",
		"found duplicate %TAG directive",
		"found duplicate %YAML directive",
		"found incompatible YAML document",
		"found undefined tag handle",
	} {
		yamlProblems[p] = true
		parserProblems[p] = true
	}
}

// problemOf splits a libyaml error into its line (0 when it names none) and a message that
// quotes nothing of the document.
func problemOf(err error) (line int, msg string) {
	msg = err.Error()
	for _, p := range []string{"error converting YAML to JSON: ", "yaml: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	if !yamlProblems[msg] {
		return line, ""
	}
	return line, msg
}

// slowError turns a yaml.v3 error into a SyntaxError on the right file line that quotes
// nothing of the document. yaml.v3 often names the line where the construct holding the
// problem starts; goyaml.v2 names the problem's line (one early for parser errors), so its
// line is used when it fails too.
func slowError(src []byte, firstLine int, err error) error {
	if m := anchorRe.FindStringSubmatch(err.Error()); m != nil {
		line := aliasLine(src, m[1])
		return &SyntaxError{Line: firstLine + line - 1, Msg: "an alias refers to an anchor that is not defined before it"}
	}
	line, msg := problemOf(err)
	var x any
	// An unterminated quote or flow collection is best reported where it starts (yaml.v3's
	// line), not where the document ends (goyaml.v2's).
	if v2err := v2Unmarshal(src, &x); v2err != nil && msg != "found unexpected end of stream" {
		if l2, m2 := problemOf(v2err); l2 > 0 && m2 != "" {
			line, msg = l2, m2
			if parserProblems[m2] {
				line++
			}
		}
	}
	if msg == "" {
		msg = "invalid YAML"
	}
	line = clampLine(src, line)
	return explain(src, firstLine, &SyntaxError{Line: firstLine + line - 1, Msg: msg})
}

// v2Error reports goyaml.v2 refusing a chunk that yaml.v3 read.
func v2Error(src []byte, firstLine int, err error) error {
	line, msg := problemOf(err)
	if parserProblems[msg] {
		line++
	}
	if m := anchorRe.FindStringSubmatch(err.Error()); m != nil {
		line, msg = aliasLine(src, m[1]), "an alias refers to an anchor that is not defined before it"
	}
	if msg == "" {
		msg = "Kubernetes' YAML reader (goyaml.v2) cannot read this document"
	}
	line = clampLine(src, line)
	return explain(src, firstLine, &SyntaxError{Line: firstLine + line - 1, Msg: msg})
}

// clampLine keeps a reported line within src's lines: a problem found at the end of a chunk
// is reported on its last line.
func clampLine(src []byte, line int) int {
	n := bytes.Count(src, nl)
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	return max(1, min(line, n))
}

func v2Unmarshal(src []byte, out any) error {
	_, err := sigsyaml.YAMLToJSON(lineChunk(src))
	return err
}

// aliasLine is the 1-based line of src where the alias *name is first used, or 1.
func aliasLine(src []byte, name string) int {
	tok := "*" + name
	for from := 0; ; {
		i := bytes.Index(src[from:], []byte(tok))
		if i < 0 {
			return 1
		}
		i += from
		end := i + len(tok)
		if (end == len(src) || isSpaceOrBreak(src[end]) || isFlowIndicator(src[end])) &&
			(i == 0 || isSpaceOrBreak(src[i-1]) || isFlowIndicator(src[i-1]) || src[i-1] == ':' || src[i-1] == '-') {
			return 1 + bytes.Count(src[:i], nl)
		}
		from = i + 1
	}
}
