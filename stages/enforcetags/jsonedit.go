package enforcetags

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// editJSON stamps the tags on the module calls of a Terraform JSON file (*.tf.json). Edits are
// spliced by yamldoc, so key order, indentation and the untouched values keep their bytes.
func editJSON(name string, src []byte, e Enforcement) (*Edit, error) {
	if err := checkJSON(name, src); err != nil {
		return nil, err
	}
	f, err := yamldoc.ParseFormat(name, src, yamldoc.JSON)
	if err != nil {
		return nil, err
	}
	ed := &Edit{}
	var errs []error
	for _, d := range f.Docs() {
		if d.Empty() {
			continue
		}
		// HCL's JSON syntax lets a body be an object or an array of objects, the root included.
		var bodies []yamldoc.Node
		switch root := d.Root(); root.Kind() {
		case yamldoc.MapKind:
			bodies = []yamldoc.Node{root}
		case yamldoc.SeqKind:
			for i := 0; i < root.Len(); i++ {
				if it := root.Item(i); it.Kind() == yamldoc.MapKind {
					bodies = append(bodies, it)
				}
			}
		}
		for _, body := range bodies {
			mods, err := body.Lookup("module")
			if err != nil {
				continue
			}
			for _, m := range jsonModules(name, mods, &errs) {
				if e.Module != "" && m.name != e.Module {
					continue
				}
				ed.Modules = append(ed.Modules, Module{m.name, m.body.Line()})
				if err := stampJSONModule(name, m.name, m.body, e, ed); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if f.Changed() {
		out, err := f.Bytes()
		if err != nil {
			return nil, err
		}
		ed.Out = out
	}
	return ed, nil
}

// checkJSON refuses what Terraform's JSON reader refuses but a YAML parser reads: YAML syntax
// (anchors, aliases, comments, unquoted keys), invalid UTF-8, a byte-order mark. Editing such a
// file would hand Terraform a file it cannot read; the error names the line.
func checkJSON(name string, src []byte) error {
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return locErr(name, lineAt(src, off), "", "invalid UTF-8 (byte 0x%02x): Terraform reads *.tf.json files as UTF-8 JSON", src[off])
	}
	if json.Valid(src) {
		return nil // the common case, without a copy of the file
	}
	var v json.RawMessage
	err := json.Unmarshal(src, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := int(se.Offset) - 1
		if off < 0 {
			off = 0
		}
		return locErr(name, lineAt(src, off), "", "not valid JSON: %v (Terraform reads *.tf.json files as JSON)", se)
	}
	if err != nil {
		return locErr(name, 1, "", "not valid JSON: %v (Terraform reads *.tf.json files as JSON)", err)
	}
	return nil
}

// lineAt is the line (from 1) of a byte offset.
func lineAt(src []byte, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return bytes.Count(src[:off], []byte("\n")) + 1
}

type jsonModule struct {
	name string
	body yamldoc.Node
}

// jsonModules lists the module calls of a "module" value: an object of name → body, or (the
// HCL JSON form for repeated blocks) an array of such objects.
func jsonModules(file string, mods yamldoc.Node, errs *[]error) []jsonModule {
	var objs []yamldoc.Node
	switch mods.Kind() {
	case yamldoc.MapKind:
		objs = []yamldoc.Node{mods}
	case yamldoc.SeqKind:
		for i := 0; i < mods.Len(); i++ {
			objs = append(objs, mods.Item(i))
		}
	default:
		*errs = append(*errs, locErr(file, mods.Line(), "module", "is %s, not an object of module calls", kindName(mods)))
		return nil
	}
	var out []jsonModule
	for _, o := range objs {
		if o.Kind() != yamldoc.MapKind {
			*errs = append(*errs, locErr(file, o.Line(), "module", "is %s, not an object of module calls", kindName(o)))
			continue
		}
		for _, k := range o.Keys() {
			body, _ := o.LookupPath(fieldpath.Path{fieldpath.Key(k)})
			if body.Kind() != yamldoc.MapKind {
				*errs = append(*errs, locErr(file, body.Line(), fmt.Sprintf("module[%q]", k), "is %s, not a module call (an object)", kindName(body)))
				continue
			}
			out = append(out, jsonModule{k, body})
		}
	}
	return out
}

func stampJSONModule(file, module string, body yamldoc.Node, e Enforcement, ed *Edit) error {
	var errs []error
	if err := stampJSONMap(file, module, body, e.Attribute, true, true, e.Tags, ed); err != nil {
		errs = append(errs, err)
	}
	for _, attr := range body.Keys() {
		stamp, explicit := e.extra(attr)
		if !stamp {
			continue
		}
		if err := stampJSONMap(file, module, body, attr, explicit, false, e.Tags, ed); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// stampJSONMap sets the enforced keys in one map argument of a module body. must: the argument
// was asked for by name, so a value that is not a map is an error rather than skipped; create:
// an absent (or null) argument is created (the tags argument itself).
func stampJSONMap(file, module string, body yamldoc.Node, attr string, must, create bool, tags []Tag, ed *Edit) error {
	at := fieldpath.Path{fieldpath.Key(attr)}
	cur, err := body.LookupPath(at)
	exists := err == nil
	switch {
	case !exists && !create:
		return nil // absent: the module's default applies, nothing a request set
	case !exists:
	case cur.Kind() == yamldoc.MapKind:
	case cur.Kind() == yamldoc.ScalarKind && cur.Tag() == "!!null":
		if !create {
			return nil
		}
	case !must:
		if cur.Tag() == "!!str" {
			ed.Skipped = append(ed.Skipped, Change{Module: module, Attr: attr, Line: cur.Line()})
		}
		return nil
	case cur.Tag() == "!!str":
		return locErr(file, cur.Line(), modulePath(module, attr), "is a Terraform expression (a JSON string), not a map: enforce-tags merges only into a literal JSON object; write the tags as an object")
	default:
		return locErr(file, cur.Line(), modulePath(module, attr), "is %s, not a map of tags", kindName(cur))
	}
	line := body.Line()
	if exists {
		line = cur.Line()
	}
	for _, t := range tags {
		p := append(append(fieldpath.Path{}, at...), fieldpath.Key(t.Key))
		old, err := body.LookupPath(p)
		ch := Change{Module: module, Attr: attr, Key: t.Key, New: t.Value, Line: line}
		if err == nil {
			if old.Kind() == yamldoc.ScalarKind && old.Tag() == "!!str" {
				if s, _ := old.GetString(""); s == t.Value {
					continue
				}
			}
			ch.What, ch.Old, ch.Line = overridden, jsonText(old), old.Line()
		}
		if err := body.SetPath(p, t.Value); err != nil {
			return err
		}
		ed.Changes = append(ed.Changes, ch)
	}
	return nil
}

func jsonText(n yamldoc.Node) string {
	if n.Kind() == yamldoc.ScalarKind {
		if s, err := n.GetString(""); err == nil {
			return s
		}
		v, _ := n.Value()
		return fmt.Sprint(v)
	}
	return kindName(n)
}

func kindName(n yamldoc.Node) string {
	switch n.Kind() {
	case yamldoc.MapKind:
		return "an object"
	case yamldoc.SeqKind:
		return "an array"
	}
	switch n.Tag() {
	case "!!str":
		return "a string"
	case "!!null":
		return "null"
	case "!!bool":
		return "a boolean"
	case "!!int", "!!float":
		return "a number"
	}
	return "a " + n.Kind().String()
}

func modulePath(module, attr string) string {
	return fieldpath.Path{fieldpath.Key("module"), fieldpath.Key(module), fieldpath.Key(attr)}.String()
}

func locErr(file string, line int, path, format string, args ...any) error {
	return sdk.Errorf(sdk.Location{File: file, Line: line, Path: path}, format, args...)
}
