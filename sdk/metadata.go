package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	yamlv3 "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// metaFile is one metadata file, read fresh for every change so that what earlier stages (or
// earlier calls) wrote is merged, never clobbered.
//
// Values are read the way Kratix reads them: sigs.k8s.io/yaml over the whole file (YAML 1.1 into
// JSON: yes/on are booleans, << merges, a duplicate key's last value wins, only the first
// document is read and later ones are never parsed). Edits go through yamldoc on the first
// document alone, so the bytes of everything an edit does not change are kept, and every edit
// is read back the way Kratix reads it before it is written (see write).
type metaFile struct {
	k    *Kratix
	name string // as messages show it: metadata/status.yaml
	real string // where it is stored, symlinks resolved
	src  []byte
	// first is the first document, the only one Kratix reads and the only one an edit touches;
	// rest is everything after it, kept byte for byte and never parsed.
	first, rest []byte
	pos         *yamlv3.Node // the first document, for line numbers; see line
	posRead     bool
}

// checkMetadataTypes refuses a metadata file Kratix reads when the pipeline ends (status,
// selectors, workflow control) that is a named pipe, a socket or a device, whichever stage left
// it: the status-writer and the work-writer would hang on a pipe. A stage that never reads the
// file still checks it, at the end of its run: it costs one lstat per file, and the failure
// names the file instead of a pipeline that never ends.
func (k *Kratix) checkMetadataTypes() error {
	var errs []error
	for _, name := range []string{StatusFile, SelectorsFile, ControlFile} {
		real, err := fsys.Resolve(k.FS, "metadata", name)
		if err != nil {
			continue // reported by whatever reads the file
		}
		if fi, err := k.FS.Lstat(real); err == nil {
			errs = append(errs, fsys.CheckType(name, fi.Mode()))
		}
	}
	return errors.Join(errs...)
}

func (k *Kratix) readMeta(name string) (*metaFile, error) {
	real, err := fsys.Resolve(k.FS, "metadata", name)
	if err != nil {
		return nil, err
	}
	data, err := k.FS.ReadFile(real)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, Errorf(Location{File: name}, "cannot read: %v", unwrapPath(err))
	}
	m := &metaFile{k: k, name: name, real: real}
	m.load(data)
	return m, nil
}

func (m *metaFile) load(data []byte) {
	m.src = data
	m.first, m.rest = splitFirst(data)
	m.pos, m.posRead = nil, false
}

// read reads the file with read, the reading Kratix applies to it. On an error, explain (given
// the first document as generic JSON) may say which field is wrong; otherwise the library's
// reason is reported.
func (m *metaFile) read(read func([]byte) (any, error), explain func(doc any) error) (any, error) {
	v, err := read(m.src)
	if err == nil {
		if err := m.ambiguousKeys(); err != nil {
			return nil, err
		}
		return v, nil
	}
	if line, msg, ok := yamlSyntaxError(err); ok {
		return nil, Errorf(Location{File: m.name, Line: line}, "%s", msg)
	}
	if doc, gerr := genericJSON(m.src); gerr == nil {
		if e := explain(doc); e != nil {
			return nil, e
		}
	}
	msg := err.Error()
	for _, p := range []string{"error converting YAML to JSON: ", "error unmarshaling JSON: ", "while decoding JSON: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return nil, Errorf(Location{File: m.name}, "Kratix cannot read it: %s", msg)
}

// ambiguousKeys refuses a mapping with two keys that sigs.k8s.io/yaml turns into the same JSON
// key (0 and "0", true and "true", 1 and 1.0): which value Kratix keeps depends on Go's map
// order, so no stage can know what Kratix reads.
func (m *metaFile) ambiguousKeys() error {
	var doc any
	if yamlv2.Unmarshal(m.src, &doc) != nil {
		return nil
	}
	var errs []error
	var walk func(v any, p fieldpath.Path)
	walk = func(v any, p fieldpath.Path) {
		switch x := v.(type) {
		case map[any]any:
			seen := map[string]any{}
			for _, k := range sortedAnyKeys(x) {
				s, ok := jsonKey(k)
				if !ok {
					continue
				}
				if other, dup := seen[s]; dup {
					errs = append(errs, Errorf(m.at(p.Child(fieldpath.Key(s))), "keys %#v and %#v both read as %q, and Kratix keeps one of them at random: remove or rename one", other, k, s))
					continue
				}
				seen[s] = k
				walk(x[k], p.Child(fieldpath.Key(s)))
			}
		case []any:
			for i, e := range x {
				walk(e, p.Child(fieldpath.Index(i)))
			}
		}
	}
	walk(doc, nil)
	return errors.Join(errs...)
}

// jsonKey is the JSON key sigs.k8s.io/yaml makes of a YAML key: integers in decimal, floats in
// the shortest 32-bit form (.inf, -.inf, .nan), booleans true or false.
func jsonKey(k any) (string, bool) {
	switch x := k.(type) {
	case string:
		return x, true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 32)
		switch s {
		case "+Inf":
			s = ".inf"
		case "-Inf":
			s = "-.inf"
		case "NaN":
			s = ".nan"
		}
		return s, true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func sortedAnyKeys(m map[any]any) []any {
	keys := make([]any, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b any) int { return strings.Compare(fmt.Sprintf("%T%v", a, a), fmt.Sprintf("%T%v", b, b)) })
	return keys
}

// genericJSON is the first document as sigs.k8s.io/yaml turns it into JSON, decoded without a
// target type (numbers as json.Number).
func genericJSON(src []byte) (any, error) {
	j, err := sigsyaml.YAMLToJSON(src)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var v any
	err = dec.Decode(&v)
	return v, err
}

// yamlSyntaxError splits "yaml: line 3: did not find expected key" into its line and reason.
func yamlSyntaxError(err error) (int, string, bool) {
	s := err.Error()
	i := strings.Index(s, "yaml: line ")
	if i < 0 {
		return 0, "", false
	}
	rest := s[i+len("yaml: line "):]
	num, msg, ok := strings.Cut(rest, ": ")
	line, convErr := strconv.Atoi(num)
	if !ok || convErr != nil {
		return 0, "", false
	}
	return line, msg, true
}

// at is the location of a field of the first document, for a message: the line of its key (or
// list item), else the line of the key of its closest parent that exists, which is the rule of
// yamldoc's LineOf (and of Object.AtPath and Manifest.AtPath).
//
// The walk is this file's own, over yaml.v3 nodes, because it must find the entry Kratix reads,
// which yamldoc cannot: Kratix reads a metadata file with sigs.k8s.io/yaml, which keeps the last
// value of a duplicate key (a stage that appended "message: ..." to status.yaml), where yamldoc
// refuses the document as kubectl does; and its typed reads (the work-writer's selectors,
// workflow control) match a field name case-insensitively (see mapEntry).
// TestMetadataLinesFollowLineOf holds the two walks to the same line on every document both read.
func (m *metaFile) at(p fieldpath.Path) Location {
	return Location{File: m.name, Line: m.line(p), Path: p.String()}
}

func (m *metaFile) line(p fieldpath.Path) int {
	if !m.posRead {
		m.posRead = true
		var doc yamlv3.Node
		if yamlv3.Unmarshal(m.first, &doc) == nil && doc.Kind == yamlv3.DocumentNode && len(doc.Content) == 1 {
			m.pos = doc.Content[0]
		}
	}
	n := m.pos
	if n == nil {
		return 0
	}
	line := n.Line
	for _, e := range p {
		n = unalias(n)
		var next *yamlv3.Node
		if e.IsIndex {
			if n.Kind == yamlv3.SequenceNode && e.Index < len(n.Content) {
				next = n.Content[e.Index]
				line = next.Line
			}
		} else if k, v := mapEntry(n, e.Key, 0); v != nil {
			next, line = v, k.Line
		}
		if next == nil {
			break
		}
		n = next
	}
	return line
}

func unalias(n *yamlv3.Node) *yamlv3.Node {
	for i := 0; n != nil && n.Kind == yamlv3.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// mapEntry finds the entry a key reads from, its key read as Kratix reads it (keyAsRead): the
// last one written (a duplicate key's last value wins), else one whose name differs only in case
// (the typed decodes of the work-writer and the workflow-control reader match field names that
// way), else one supplied by a << merge.
func mapEntry(n *yamlv3.Node, key string, depth int) (k, v *yamlv3.Node) {
	n = unalias(n)
	if n == nil || n.Kind != yamlv3.MappingNode || depth > 20 {
		return nil, nil
	}
	for _, same := range []func(a, b string) bool{func(a, b string) bool { return a == b }, strings.EqualFold} {
		for i := len(n.Content) - 2; i >= 0; i -= 2 {
			if kn := n.Content[i]; kn.Tag != "!!merge" {
				if read, ok := keyAsRead(kn); ok && same(read, key) {
					return kn, n.Content[i+1]
				}
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag != "!!merge" {
			continue
		}
		src := unalias(n.Content[i+1])
		sources := []*yamlv3.Node{src}
		if src != nil && src.Kind == yamlv3.SequenceNode {
			sources = src.Content
		}
		for _, s := range sources {
			if k, v := mapEntry(s, key, depth+1); v != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// keyAsRead is a mapping key as Kratix reads it, a JSON key: sigs.k8s.io/yaml reads a plain key
// with YAML 1.1's rules (y, yes and on are true, 0x1F is 31), then writes it as a string
// (jsonKey). A quoted, block or !!str-tagged key is the string it holds.
func keyAsRead(kn *yamlv3.Node) (string, bool) {
	if kn.Kind != yamlv3.ScalarNode {
		return "", false
	}
	quoted := yamlv3.DoubleQuotedStyle | yamlv3.SingleQuotedStyle | yamlv3.LiteralStyle | yamlv3.FoldedStyle
	if kn.Style&quoted != 0 || kn.Style&yamlv3.TaggedStyle != 0 && kn.Tag == "!!str" {
		return kn.Value, true
	}
	var v any
	if yamlv2.Unmarshal([]byte(kn.Value), &v) != nil {
		return kn.Value, true
	}
	return jsonKey(v)
}

// edit is one way of turning the first document into the intended one.
type edit func(root yamldoc.Node) error

// write makes the file read, as Kratix reads it (read), exactly as want. It tries each edit in
// turn, from the one that changes the fewest bytes, and keeps the first whose result Kratix
// reads as want; when none does (an alias in the way, a construct yamldoc cannot edit), the
// first document is written whole from want. Later documents are kept byte for byte.
func (m *metaFile) write(want any, read func([]byte) (any, error), edits ...edit) error {
	var why error
	for _, e := range edits {
		data, err := m.try(e)
		if err == nil {
			var got any
			if got, err = read(data); err == nil && reflect.DeepEqual(got, want) {
				return m.save(data)
			}
			if err == nil {
				err = errors.New("the edited document would not read back as intended")
			}
		}
		if why == nil {
			why = err
		}
	}
	doc, err := sigsyaml.Marshal(want)
	if err != nil {
		return Errorf(Location{File: m.name}, "internal error: cannot write the intended document: %v", err)
	}
	data := m.join(doc)
	if got, err := read(data); err != nil || !reflect.DeepEqual(got, want) {
		return Errorf(Location{File: m.name}, "internal error: a rewritten document would not read back as intended (%v); please report it with the file", err)
	}
	if hasContent(m.first) && why != nil {
		m.k.ReportWarningf(Location{File: m.name}, "rewrote the first document whole, losing its comments and layout (%s); Kratix reads the values it read before, plus this change", editFailure(why))
	}
	return m.save(data)
}

// editFailure says why an in-place edit failed, without the file name the warning already has.
func editFailure(err error) string {
	var se *yamldoc.SyntaxError
	var fe *yamldoc.FieldError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("line %d: %s", se.Line, se.Msg)
	case errors.As(err, &fe):
		return fmt.Sprintf("line %d: %s: %s", fe.Line, fe.Path, fe.Msg)
	}
	return err.Error()
}

// try applies one edit to a fresh parse of the first document.
func (m *metaFile) try(e edit) ([]byte, error) {
	f, err := yamldoc.Parse(m.name, m.first)
	if err != nil {
		return nil, err
	}
	docs := f.Docs()
	if len(docs) != 1 {
		return nil, fmt.Errorf("the first document parsed as %d documents", len(docs))
	}
	if err := e(docs[0].Root()); err != nil {
		return nil, err
	}
	b, err := f.Bytes()
	if err != nil {
		return nil, err
	}
	return m.join(b), nil
}

// join puts a new first document in front of the later ones.
func (m *metaFile) join(first []byte) []byte {
	if len(m.rest) == 0 {
		return first
	}
	out := make([]byte, 0, len(first)+1+len(m.rest))
	out = append(out, first...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, m.rest...)
}

func (m *metaFile) save(data []byte) error {
	if bytes.Equal(data, m.src) {
		return nil
	}
	if err := m.k.FS.WriteFile(m.real, data); err != nil {
		return Errorf(Location{File: m.name}, "cannot write: %v", unwrapPath(err))
	}
	m.load(data)
	return nil
}

// splitFirst cuts src where its first YAML document ends: at the "---" that starts a second
// document or the "..." that ends the first. A document marker at the start of a line always
// ends a document in YAML, whatever scalar or collection it interrupts, so no parsing is needed.
func splitFirst(src []byte) (first, rest []byte) {
	started := false // the first document has begun: a "---" or content was seen
	for off := 0; off < len(src); {
		next := len(src)
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		line := src[off:next]
		if off == 0 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		switch {
		case isMarker(line, "---") || isMarker(line, "..."):
			if started {
				return src[:off], src[off:]
			}
			started = line[0] == '-'
		case !started && isContentLine(line) && line[0] != '%':
			started = true
		}
		off = next
	}
	return src, nil
}

func isMarker(line []byte, marker string) bool {
	return bytes.HasPrefix(line, []byte(marker)) && (len(line) == 3 || strings.IndexByte(" \t\r\n", line[3]) >= 0)
}

// isContentLine reports whether a line holds more than blanks and a comment.
func isContentLine(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\n")
	return len(t) > 0 && t[0] != '#'
}

func hasContent(b []byte) bool {
	for _, l := range bytes.Split(b, []byte("\n")) {
		if isContentLine(l) {
			return true
		}
	}
	return false
}

// laterDocuments counts the documents after the first that hold anything, and the line where
// the first of them starts (firstLines is how many lines the first document spans).
func laterDocuments(rest []byte, firstLines int) (n, line int) {
	counted := false // the current document was counted
	for i, l := range bytes.SplitAfter(rest, []byte("\n")) {
		content := isContentLine(l)
		if isMarker(l, "---") || isMarker(l, "...") {
			counted = false
			content = isContentLine(l[3:])
		}
		if content && !counted {
			counted = true
			n++
			if line == 0 {
				line = firstLines + i + 1
			}
		}
	}
	return n, line
}

// warnLaterDocuments warns, once per run and file, that documents after the first are ignored.
func (m *metaFile) warnLaterDocuments(warned map[string]bool) {
	if len(m.rest) == 0 || warned[m.name] {
		return
	}
	n, line := laterDocuments(m.rest, bytes.Count(m.first, []byte("\n")))
	if n == 0 {
		return
	}
	warned[m.name] = true
	m.k.ReportWarningf(Location{File: m.name, Line: line}, "has %d documents; Kratix reads only the first, so the others are ignored (a stage appended to the file instead of merging)", n+1)
}

// generic turns any value into JSON-shaped Go values (maps, lists, json.Number...), so rules are
// checked the same whether a stage passes a struct, a map or a yamldoc node.
func generic(v any) (any, error) {
	if n, ok := v.(yamldoc.Node); ok {
		return n.Value()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	err = dec.Decode(&out)
	return out, err
}

// apiNumbers turns a JSON-shaped value's numbers into what the API server decodes them to: an
// int64 when the number is an integer that fits, else a float64. exact says how a number is
// read before that: as written (a value sent as JSON), or first rounded to a float64 the way
// Kratix decodes status.yaml into a map.
func apiNumbers(v any, exact bool) (any, error) {
	switch x := v.(type) {
	case json.Number:
		if exact {
			if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return i, nil
			}
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, fmt.Errorf("number %s is beyond what a 64-bit float holds", x)
		}
		return apiNumbers(f, exact)
	case float64:
		if x == math.Trunc(x) && x >= -(1<<63) && x < 1<<63 {
			return int64(x), nil
		}
		return x, nil
	case int:
		return int64(x), nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := apiNumbers(e, exact)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := apiNumbers(e, exact)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return v, nil
}

// isCollection reports whether a JSON-shaped value is a map or a list, where a rule wants a
// scalar (a label value, a directory, a message).
func isCollection(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}
