package enforcetags

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/stagekit/stagekit/internal/tfliteral"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/zclconf/go-cty/cty"
)

// editJSON stamps the tags on the module calls of a Terraform JSON file (*.tf.json). The file is
// read with Terraform's own JSON reader (hcl/v2/json), so it accepts what Terraform accepts (the
// \/ escape, surrogate pairs, module blocks given as arrays) and sees values as Terraform does
// (strings as templates); the edits are spliced into the original bytes, so key order,
// indentation and every untouched value keep their bytes.
func editJSON(name string, src []byte, e Enforcement) (*Edit, error) {
	if err := checkUTF8(name, src); err != nil {
		return nil, err
	}
	// hcljson.Parse reads the file as ParseExpression does and also refuses a root that is not
	// an object or an array: the file is read once, and again by Parse only to report an error
	// in its words.
	root, diags := hcljson.ParseExpression(src, name)
	if k := kind(root); diags.HasErrors() || k != "object" && k != "array" {
		if _, diags := hcljson.Parse(src, name); diags.HasErrors() {
			return nil, jsonErr(name, diags)
		}
	}
	if diags.HasErrors() {
		return nil, jsonErr(name, diags)
	}
	j := &jsonEditor{file: name, src: src, e: e, ed: &Edit{}, nl: "\n"}
	if bytes.Contains(src, []byte("\r\n")) {
		j.nl = "\r\n"
	}
	var errs []error
	for _, m := range j.modules(root, &errs) {
		if e.Module != "" && m.name != e.Module {
			continue
		}
		j.ed.Modules = append(j.ed.Modules, Module{m.name, m.body.Range().Start.Line})
		j.body = m.body
		if err := j.module(m); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(j.splices) == 0 {
		return j.ed, nil
	}
	out := j.apply()
	if _, diags := hcljson.Parse(out, name); diags.HasErrors() {
		return nil, locErr(name, 0, "", "internal error: the edited file does not parse (%s); please report it with the file", diags.Error())
	}
	j.ed.Out = out
	return j.ed, nil
}

// checkUTF8 refuses a file that is not UTF-8: Terraform would read the bad bytes as U+FFFD, so
// the file would not say what it reads as.
func checkUTF8(name string, src []byte) error {
	if utf8.Valid(src) {
		return nil
	}
	off := 0
	for off < len(src) {
		r, size := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	return locErr(name, bytes.Count(src[:off], []byte("\n"))+1, "", "invalid UTF-8 (byte 0x%02x): Terraform reads *.tf.json files as UTF-8 JSON", src[off])
}

func jsonErr(name string, diags hcl.Diagnostics) error {
	var errs []error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		line := 0
		if d.Subject != nil {
			line = d.Subject.Start.Line
		}
		errs = append(errs, locErr(name, line, "", "not valid JSON: %s: %s (Terraform reads *.tf.json files as JSON)", d.Summary, d.Detail))
	}
	return errors.Join(errs...)
}

type jsonEditor struct {
	file    string
	src     []byte
	e       Enforcement
	ed      *Edit
	nl      string
	splices []splice
	body    hcl.Expression // the module body being edited

	// objects holds the members of each object read so far, by its opening brace's offset:
	// laying out one added tag reads the members of its object and of the module body, and
	// reading them again for every tag was most of the stage's work (the edits are spliced in
	// at the end, so an object's members do not change while the file is edited).
	objects map[int][]member
}

// members is members(obj), read once per object.
func (j *jsonEditor) members(obj hcl.Expression) []member {
	if obj == nil {
		return nil
	}
	at := obj.Range().Start.Byte
	if ms, ok := j.objects[at]; ok {
		return ms
	}
	ms := members(obj)
	if j.objects == nil {
		j.objects = map[int][]member{}
	}
	j.objects[at] = ms
	return ms
}

// splice replaces src[from:to] with text.
type splice struct {
	from, to int
	text     string
}

func (j *jsonEditor) apply() []byte {
	sort.SliceStable(j.splices, func(a, b int) bool { return j.splices[a].from < j.splices[b].from })
	out := make([]byte, 0, len(j.src)+256)
	at := 0
	for _, s := range j.splices {
		out = append(out, j.src[at:s.from]...)
		out = append(out, s.text...)
		at = s.to
	}
	return append(out, j.src[at:]...)
}

// jsonModule is one module call: its label and its body, a JSON object.
type jsonModule struct {
	name string
	body hcl.Expression
}

// member is a property of a JSON object: its name as written (JSON-decoded, not evaluated) and
// the key and value expressions.
type member struct {
	name       string
	key, value hcl.Expression
}

func members(obj hcl.Expression) []member {
	if obj == nil {
		return nil
	}
	pairs, _ := hcl.ExprMap(obj)
	out := make([]member, len(pairs))
	for i, p := range pairs {
		k, _ := p.Key.Value(nil) // nil context: the name verbatim, as a block body reads it
		out[i] = member{k.AsString(), p.Key, p.Value}
	}
	return out
}

// kind tells what a JSON value is: object, array, string, null, number or bool.
func kind(x hcl.Expression) string {
	if pairs, diags := hcl.ExprMap(x); !diags.HasErrors() && pairs != nil {
		return "object"
	}
	v, _ := x.Value(nil)
	switch {
	case v.IsNull():
		return "null"
	case v.Type() == cty.String:
		return "string"
	case v.Type() == cty.Number:
		return "number"
	case v.Type() == cty.Bool:
		return "bool"
	}
	return "array"
}

func article(kind string) string {
	switch kind {
	case "object", "array":
		return "an " + kind
	case "null":
		return "null"
	case "bool":
		return "a boolean"
	}
	return "a " + kind
}

// items are the elements of a value that may be an object or an array of objects, as Terraform
// reads a body, the labels of a block type, and the bodies of a label.
func items(x hcl.Expression) []hcl.Expression {
	if kind(x) == "array" {
		list, _ := hcl.ExprList(x)
		return list
	}
	return []hcl.Expression{x}
}

// modules lists the module calls of the file in Terraform's order: the root is a body (an object
// or an array of them); its "module" property holds labels (an object or an array of objects),
// each naming a body or an array of bodies (several blocks of one label, which Terraform then
// refuses as duplicates).
func (j *jsonEditor) modules(root hcl.Expression, errs *[]error) []jsonModule {
	var out []jsonModule
	for _, body := range items(root) {
		if kind(body) != "object" {
			*errs = append(*errs, locErr(j.file, body.Range().Start.Line, "", "is %s, not an object: Terraform reads a *.tf.json file as an object or an array of objects", article(kind(body))))
			continue
		}
		for _, prop := range members(body) {
			if prop.name != "module" {
				continue
			}
			for _, labels := range items(prop.value) {
				if kind(labels) != "object" {
					*errs = append(*errs, locErr(j.file, labels.Range().Start.Line, "module", "is %s, not an object of module calls", article(kind(labels))))
					continue
				}
				for _, l := range members(labels) {
					if kind(l.value) == "null" {
						continue // no block, as Terraform reads it
					}
					for _, b := range items(l.value) {
						if kind(b) != "object" {
							*errs = append(*errs, locErr(j.file, b.Range().Start.Line, fmt.Sprintf("module[%q]", l.name), "is %s, not a module call (an object)", article(kind(b))))
							continue
						}
						out = append(out, jsonModule{l.name, b})
					}
				}
			}
		}
	}
	return out
}

func (j *jsonEditor) module(m jsonModule) error {
	args := map[string]member{}
	var order []member
	for _, a := range j.members(m.body) {
		if a.name == "//" {
			continue // a comment in a body
		}
		if first, dup := args[a.name]; dup {
			return locErr(j.file, a.key.Range().Start.Line, modulePath(m.name, a.name), "duplicate argument (already set on line %d): Terraform refuses the file", first.key.Range().Start.Line)
		}
		args[a.name] = a
		order = append(order, a)
	}
	var errs []error
	if err := j.stamp(m, args, j.e.Attribute, true, true); err != nil {
		errs = append(errs, err)
	}
	for _, a := range order {
		if stamp, explicit := j.e.extra(a.name); stamp {
			if err := j.stamp(m, args, a.name, explicit, false); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// stamp sets the enforced keys in one map argument of a module body. must: the argument was
// asked for by name, so a value that is not a map is an error rather than skipped; create: an
// absent (or null) argument is created (the tags argument itself).
func (j *jsonEditor) stamp(m jsonModule, args map[string]member, attr string, must, create bool) error {
	a, exists := args[attr]
	path := modulePath(m.name, attr)
	if !exists {
		if create {
			j.addMembers(m.body, []string{j.key(attr, false) + j.kvSep(m.body) + j.newObject(m.body, m.name, attr, m.body.Range().Start.Line)})
		}
		return nil // absent: the module's default applies, nothing a request set
	}
	line := a.value.Range().Start.Line
	switch k := kind(a.value); {
	case k == "object":
		return j.merge(m.name, attr, a.value)
	case k == "null":
		if create {
			r := a.value.Range()
			j.splices = append(j.splices, splice{r.Start.Byte, r.End.Byte, j.newObject(m.body, m.name, attr, line)})
		}
		return nil
	case !must:
		if k == "string" {
			j.ed.Skipped = append(j.ed.Skipped, Change{Module: m.name, Attr: attr, Line: line})
		}
		return nil
	case k == "string":
		return locErr(j.file, line, path, "is a Terraform expression (a JSON string), not a map: enforce-tags merges only into a literal JSON object; write the tags as an object")
	default:
		return locErr(j.file, line, path, "is %s, not a map of tags", article(k))
	}
}

// merge sets the enforced keys in an object: a key whose value Terraform reads as the enforced
// one is left alone, another value is replaced, a missing key is added after the last one.
func (j *jsonEditor) merge(module, attr string, obj hcl.Expression) error {
	byKey := map[string]member{}
	for _, p := range j.members(obj) {
		key, ok := evalString(p.key)
		if !ok {
			continue // a key computed by a template: kept as it is
		}
		if first, dup := byKey[key]; dup {
			return locErr(j.file, p.key.Range().Start.Line, modulePath(module, attr), "key %q is set twice (also on line %d): Terraform refuses the file", key, first.key.Range().Start.Line)
		}
		byKey[key] = p
	}
	var adds []string
	for _, t := range j.e.Tags {
		p, ok := byKey[t.Key]
		if !ok {
			adds = append(adds, j.key(t.Key, true)+j.kvSep(obj)+tfliteral.JSON(t.Value, true))
			j.ed.Changes = append(j.ed.Changes, Change{Module: module, Attr: attr, Key: t.Key, New: t.Value, Line: obj.Range().Start.Line})
			continue
		}
		old, isString := evalString(p.value)
		if isString && old == t.Value {
			continue
		}
		r := p.value.Range()
		if !isString {
			old = j.shown(p.value)
		}
		j.splices = append(j.splices, splice{r.Start.Byte, r.End.Byte, tfliteral.JSON(t.Value, true)})
		j.ed.Changes = append(j.ed.Changes, Change{Module: module, Attr: attr, Key: t.Key, Old: old, New: t.Value, Line: r.Start.Line, What: overridden})
	}
	if len(adds) > 0 {
		j.addMembers(obj, adds)
	}
	return nil
}

// shown is how a value that is not a literal string appears in a log line: a template as
// written, a number or boolean as written, otherwise its kind (never a whole object).
func (j *jsonEditor) shown(x hcl.Expression) string {
	switch k := kind(x); k {
	case "string":
		v, _ := x.Value(nil)
		return v.AsString()
	case "number", "bool", "null":
		r := x.Range()
		return string(j.src[r.Start.Byte:r.End.Byte])
	default:
		return article(k)
	}
}

// evalString is a JSON string as Terraform reads it in an argument: a template, evaluated with
// no variables or functions. ok is false for anything else (a template that refers to
// something, a number, an object).
func evalString(x hcl.Expression) (s string, ok bool) {
	if kind(x) != "string" {
		return "", false
	}
	v, diags := x.Value(&hcl.EvalContext{})
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// key writes an object key; template: the object is a value Terraform evaluates, whose keys are
// templates too.
func (j *jsonEditor) key(k string, template bool) string { return tfliteral.JSON(k, template) }

// newObject is a new object holding the enforced tags, laid out like the object it goes into.
func (j *jsonEditor) newObject(parent hcl.Expression, module, attr string, line int) string {
	var items []string
	for _, t := range j.e.Tags {
		items = append(items, j.key(t.Key, true)+j.kvSep(parent)+tfliteral.JSON(t.Value, true))
		j.ed.Changes = append(j.ed.Changes, Change{Module: module, Attr: attr, Key: t.Key, New: t.Value, Line: line})
	}
	if !j.multiline(parent) {
		return "{" + strings.Join(items, j.itemSep(parent)) + "}"
	}
	indent := j.memberIndent(parent)
	inner := indent + j.indentUnit(parent)
	return "{" + j.nl + inner + strings.Join(items, ","+j.nl+inner) + j.nl + indent + "}"
}

// addMembers adds members (each "key": value) at the end of an object.
func (j *jsonEditor) addMembers(obj hcl.Expression, items []string) {
	r := obj.Range()
	ms := j.members(obj)
	if len(ms) == 0 {
		// {} or { } or a brace on each line: rewritten whole.
		text := "{" + strings.Join(items, j.itemSep(obj)) + "}"
		if j.multiline(obj) || j.multiline(nil) {
			indent := j.lineIndent(r.Start.Byte)
			inner := indent + j.indentUnit(obj)
			text = "{" + j.nl + inner + strings.Join(items, ","+j.nl+inner) + j.nl + indent + "}"
		}
		j.splices = append(j.splices, splice{r.Start.Byte, r.End.Byte, text})
		return
	}
	last := ms[len(ms)-1]
	at := last.value.Range().End.Byte
	sep := j.itemSep(obj)
	if j.multiline(obj) {
		sep = "," + j.nl + j.memberIndent(obj)
	}
	j.splices = append(j.splices, splice{at, at, sep + strings.Join(items, sep)})
}

// multiline reports whether an object spans lines (nil: whether the file does, but for a final
// line break).
func (j *jsonEditor) multiline(obj hcl.Expression) bool {
	if obj == nil {
		return bytes.Contains(bytes.TrimRight(j.src, "\r\n"), []byte("\n"))
	}
	r := obj.Range()
	return bytes.Contains(j.src[r.Start.Byte:r.End.Byte], []byte("\n"))
}

// kvSep is what separates a key from its value on a line: as in obj, else as in the module
// body, else ": " (":" in a file written without a space after its first colon).
func (j *jsonEditor) kvSep(obj hcl.Expression) string {
	for _, o := range []hcl.Expression{obj, j.body} {
		if ms := j.members(o); len(ms) > 0 {
			if sep := j.src[ms[0].key.Range().End.Byte:ms[0].value.Range().Start.Byte]; !bytes.ContainsAny(sep, "\r\n") {
				return string(sep)
			}
		}
	}
	if i := bytes.IndexByte(j.src, ':'); i >= 0 && i+1 < len(j.src) && j.src[i+1] != ' ' {
		return ":"
	}
	return ": "
}

// itemSep is what separates two members on one line: as in obj, else as in the module body,
// else ", " ("," in a file written without a space after its first colon).
func (j *jsonEditor) itemSep(obj hcl.Expression) string {
	for _, o := range []hcl.Expression{obj, j.body} {
		if ms := j.members(o); len(ms) > 1 {
			if sep := j.src[ms[0].value.Range().End.Byte:ms[1].key.Range().Start.Byte]; !bytes.ContainsAny(sep, "\r\n") {
				return string(sep)
			}
		}
	}
	if j.kvSep(nil) == ":" {
		return ","
	}
	return ", "
}

// memberIndent is the indentation of obj's members (of its first member when on a line of its
// own), else its brace's line's plus one unit.
func (j *jsonEditor) memberIndent(obj hcl.Expression) string {
	if ms := j.members(obj); len(ms) > 0 {
		start := ms[len(ms)-1].key.Range().Start.Byte
		if ind := j.lineIndent(start); len(ind) == start-j.lineStart(start) {
			return ind
		}
	}
	return j.lineIndent(obj.Range().Start.Byte) + j.indentUnit(obj)
}

// indentUnit is one level of indentation: the step from obj's brace line to its members, else
// the file's first indented line, else two spaces.
func (j *jsonEditor) indentUnit(obj hcl.Expression) string {
	if ms := j.members(obj); len(ms) > 0 {
		outer, inner := j.lineIndent(obj.Range().Start.Byte), j.lineIndent(ms[0].key.Range().Start.Byte)
		if len(inner) > len(outer) && strings.HasPrefix(inner, outer) {
			return inner[len(outer):]
		}
	}
	for _, l := range bytes.Split(j.src, []byte("\n")) {
		if ind := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]; len(ind) > 0 && len(bytes.TrimSpace(l)) > 0 {
			return string(ind)
		}
	}
	return "  "
}

func (j *jsonEditor) lineStart(off int) int { return bytes.LastIndexByte(j.src[:off], '\n') + 1 }

// lineIndent is the leading spaces and tabs of the line holding off.
func (j *jsonEditor) lineIndent(off int) string {
	l := j.src[j.lineStart(off):]
	return string(l[:len(l)-len(bytes.TrimLeft(l, " \t"))])
}

func modulePath(module, attr string) string {
	return fieldpath.Path{fieldpath.Key("module"), fieldpath.Key(module), fieldpath.Key(attr)}.String()
}

func locErr(file string, line int, path, format string, args ...any) error {
	return sdk.Errorf(sdk.Location{File: file, Line: line, Path: path}, format, args...)
}
