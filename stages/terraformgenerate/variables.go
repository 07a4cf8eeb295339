package terraformgenerate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variable is one `variable` block of the module.
type variable struct {
	Name     string
	Type     cty.Type // cty.DynamicPseudoType when the block has no type (any)
	Required bool     // no default
	Where    string   // file:line, for messages
}

// variables are the module's declared inputs, by name.
type variables map[string]variable

var (
	fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "variable", LabelNames: []string{"name"}}}}
	varSchema  = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}}}
)

// loadVariables reads the variable blocks of a .tf file, or of every .tf file of a directory
// (a mounted ConfigMap: its ..data entries are skipped, its symlinks followed). Problems are
// configuration errors: the stage was pointed at the wrong thing.
func loadVariables(path string) (variables, error) {
	files, err := tfFiles(path)
	if err != nil {
		return nil, err
	}
	parser := hclparse.NewParser()
	vars := variables{}
	var errs []error
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			errs = append(errs, sdk.SettingErrorf("MODULE_VARIABLES", "%v", err))
			continue
		}
		f, diags := parser.ParseHCL(src, name)
		errs = append(errs, diagErrors(diags)...)
		if f == nil {
			continue
		}
		content, _, diags := f.Body.PartialContent(fileSchema)
		errs = append(errs, diagErrors(diags)...)
		for _, block := range content.Blocks {
			v, err := readVariable(block)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if old, dup := vars[v.Name]; dup {
				errs = append(errs, sdk.SettingErrorf("MODULE_VARIABLES", "%s: variable %q is already declared at %s", v.Where, v.Name, old.Where))
				continue
			}
			vars[v.Name] = v
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(vars) == 0 {
		return nil, sdk.SettingErrorf("MODULE_VARIABLES", "%s declares no variable blocks: point it at the module's variables.tf", path)
	}
	return vars, nil
}

func readVariable(block *hcl.Block) (variable, error) {
	v := variable{Name: block.Labels[0], Type: cty.DynamicPseudoType, Required: true,
		Where: fmt.Sprintf("%s:%d", block.DefRange.Filename, block.DefRange.Start.Line)}
	content, _, diags := block.Body.PartialContent(varSchema)
	if errs := diagErrors(diags); len(errs) > 0 {
		return v, errors.Join(errs...)
	}
	if attr, ok := content.Attributes["type"]; ok {
		ty, _, diags := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		if errs := diagErrors(diags); len(errs) > 0 {
			return v, errors.Join(errs...)
		}
		v.Type = ty
	}
	if _, ok := content.Attributes["default"]; ok {
		v.Required = false
	}
	return v, nil
}

func tfFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, sdk.SettingErrorf("MODULE_VARIABLES", "%s: %v", path, errors.Unwrap(err))
	}
	if !info.IsDir() {
		// A named pipe would hang the read: only a regular file is opened.
		if err := fsys.CheckType(path, info.Mode()); err != nil {
			return nil, sdk.SettingErrorf("MODULE_VARIABLES", "%v", err)
		}
		return []string{path}, nil
	}
	ents, err := os.ReadDir(path)
	if err != nil {
		return nil, sdk.SettingErrorf("MODULE_VARIABLES", "%s: %v", path, err)
	}
	var out []string
	for _, e := range ents {
		name := filepath.Join(path, e.Name())
		if strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		if st, err := os.Stat(name); err != nil || !st.Mode().IsRegular() {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, sdk.SettingErrorf("MODULE_VARIABLES", "%s: the directory holds no .tf file", path)
	}
	return out, nil
}

func diagErrors(diags hcl.Diagnostics) []error {
	var errs []error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			msg = fmt.Sprintf("%s:%d: %s", d.Subject.Filename, d.Subject.Start.Line, msg)
		}
		errs = append(errs, sdk.SettingErrorf("MODULE_VARIABLES", "%s", msg))
	}
	return errs
}

// checkArgument holds one argument against the module's variables: an unknown argument is an
// error (with the closest variable named), and so is a value the declared type does not accept.
// An accepted value comes back with its primitives converted to the declared type ("3" -> 3 for a
// number).
func (vars variables) checkArgument(obj *sdk.Object, a *argument) error {
	v, ok := vars[a.Name]
	if !ok {
		return sdk.Errorf(obj.AtPath(a.Node.Path().String()), "the module has no variable %q%s", a.Name, vars.suggest(a.Name))
	}
	if _, err := convert.Convert(a.Value, v.Type); err != nil {
		p := a.Node.Path()
		var pe cty.PathError
		msg := err.Error()
		if errors.As(err, &pe) {
			p = p.Child(ctyPath(pe.Path)...)
			msg = pe.Error()
		}
		return sdk.Errorf(obj.AtPath(p.String()), "%s (variable %q at %s is %s)", msg, v.Name, v.Where, typeString(v.Type))
	}
	a.Value = coerce(a.Value, v.Type)
	return nil
}

// missing reports every required variable that no argument sets, in the order of their names.
func (vars variables) missing(obj *sdk.Object, args []argument) []error {
	set := make(map[string]bool, len(args))
	for _, a := range args {
		set[a.Name] = true
	}
	var missing []string
	for name, v := range vars {
		if v.Required && !set[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	var errs []error
	for _, name := range missing {
		v := vars[name]
		errs = append(errs, sdk.Errorf(obj.AtPath(fieldpath.Path{fieldpath.Key("spec"), fieldpath.Key(name)}.String()),
			"missing: the module requires variable %q (%s, %s), which has no default", name, typeString(v.Type), v.Where))
	}
	return errs
}

func (vars variables) suggest(name string) string {
	best, bestD := "", -1
	for cand := range vars {
		d := levenshtein(strings.ToLower(name), strings.ToLower(cand))
		if bestD < 0 || d < bestD || d == bestD && cand < best {
			best, bestD = cand, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(": did you mean %q?", best)
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func typeString(ty cty.Type) string {
	if ty == cty.DynamicPseudoType {
		return "any"
	}
	return typeexpr.TypeString(ty)
}

// ctyPath turns a cty path (from a conversion error) into field path steps.
func ctyPath(p cty.Path) fieldpath.Path {
	var out fieldpath.Path
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			out = append(out, fieldpath.Key(s.Name))
		case cty.IndexStep:
			switch {
			case s.Key.Type() == cty.String:
				out = append(out, fieldpath.Key(s.Key.AsString()))
			case s.Key.Type() == cty.Number:
				i, _ := s.Key.AsBigFloat().Int64()
				out = append(out, fieldpath.Index(int(i)))
			}
		}
	}
	return out
}

// coerce converts the primitives of v to what ty declares for them, keeping v's shape: no
// attribute is added (optional attributes stay absent rather than becoming null) and lists stay
// in the request's order. v has already converted to ty without error.
func coerce(v cty.Value, ty cty.Type) cty.Value {
	if v.IsNull() || ty == cty.DynamicPseudoType || !v.IsKnown() {
		return v
	}
	vt := v.Type()
	switch {
	case ty.IsPrimitiveType():
		if vt.IsPrimitiveType() && !vt.Equals(ty) {
			if c, err := convert.Convert(v, ty); err == nil {
				return c
			}
		}
		return v
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		if !(vt.IsTupleType() || vt.IsListType() || vt.IsSetType()) || v.LengthInt() == 0 {
			return v
		}
		var items []cty.Value
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			et := cty.DynamicPseudoType
			switch {
			case ty.IsTupleType() && i < len(ty.TupleElementTypes()):
				et = ty.TupleElementTypes()[i]
			case !ty.IsTupleType():
				et = ty.ElementType()
			}
			items = append(items, coerce(e, et))
		}
		return cty.TupleVal(items)
	case ty.IsMapType() || ty.IsObjectType():
		if !(vt.IsObjectType() || vt.IsMapType()) || v.LengthInt() == 0 {
			return v
		}
		attrs := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			name := k.AsString()
			et := cty.DynamicPseudoType
			switch {
			case ty.IsMapType():
				et = ty.ElementType()
			case ty.HasAttribute(name):
				et = ty.AttributeType(name)
			}
			attrs[name] = coerce(e, et)
		}
		return cty.ObjectVal(attrs)
	}
	return v
}
