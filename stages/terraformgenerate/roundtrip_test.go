package terraformgenerate

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/stagekit/stagekit/internal/tfcheck"
	"github.com/stagekit/stagekit/sdk"
	"github.com/zclconf/go-cty/cty"
)

// parsedModule is a module call read back from generated Terraform with hcl/v2, values
// evaluated the way Terraform evaluates them (templates in strings and JSON keys included).
type parsedModule struct {
	Name    string
	Attrs   map[string]cty.Value // source, version and the arguments
	Outputs map[string]string    // output name -> module.<name>.<output>
}

var fileBlocks = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "output", LabelNames: []string{"name"}},
}}

// parseModule reads back the single module call of a generated .tf or .tf.json file.
func parseModule(filename string, data []byte) (parsedModule, error) {
	p := hclparse.NewParser()
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(filename, ".json") {
		f, diags = p.ParseJSON(data, filename)
	} else {
		f, diags = p.ParseHCL(data, filename)
	}
	if diags.HasErrors() {
		return parsedModule{}, diags
	}
	content, diags := f.Body.Content(fileBlocks)
	if diags.HasErrors() {
		return parsedModule{}, diags
	}
	out := parsedModule{Attrs: map[string]cty.Value{}, Outputs: map[string]string{}}
	ctx := &hcl.EvalContext{}
	for _, b := range content.Blocks {
		attrs, diags := b.Body.JustAttributes()
		if diags.HasErrors() {
			return parsedModule{}, diags
		}
		switch b.Type {
		case "module":
			if out.Name != "" {
				return parsedModule{}, fmt.Errorf("two module blocks: %s and %s", out.Name, b.Labels[0])
			}
			out.Name = b.Labels[0]
			for name, a := range attrs {
				// Terraform reads source and version with no evaluation context: verbatim in
				// JSON, as a template of literals only in HCL.
				c := ctx
				if name == "source" || name == "version" {
					c = nil
				}
				v, diags := a.Expr.Value(c)
				if diags.HasErrors() {
					return parsedModule{}, diags
				}
				out.Attrs[name] = v
			}
		case "output":
			a := attrs["value"]
			if a == nil {
				return parsedModule{}, fmt.Errorf("output %s has no value", b.Labels[0])
			}
			var refs []string
			for _, tr := range a.Expr.Variables() {
				var parts []string
				for _, step := range tr {
					switch s := step.(type) {
					case hcl.TraverseRoot:
						parts = append(parts, s.Name)
					case hcl.TraverseAttr:
						parts = append(parts, s.Name)
					}
				}
				refs = append(refs, strings.Join(parts, "."))
			}
			out.Outputs[b.Labels[0]] = strings.Join(refs, ",")
		}
	}
	return out, nil
}

// sameValue compares values read from different texts: numbers are equal when exactly equal,
// or when one is a float64 (53-bit) that the other's text rounds back to.
func sameValue(a, b cty.Value) error { return sameAt("", a, b) }

func sameAt(at string, a, b cty.Value) error {
	if a.IsNull() || b.IsNull() {
		if a.IsNull() != b.IsNull() {
			return fmt.Errorf("%s: %#v vs %#v", at, a, b)
		}
		return nil
	}
	at2 := func(k string) string { return at + "/" + k }
	ta, tb := a.Type(), b.Type()
	switch {
	case ta == cty.Number && tb == cty.Number:
		fa, fb := a.AsBigFloat(), b.AsBigFloat()
		if fa.Cmp(fb) == 0 {
			return nil
		}
		if fa.Prec() == 53 || fb.Prec() == 53 {
			x, _ := fa.Float64()
			y, _ := fb.Float64()
			if x == y {
				return nil
			}
		}
		return fmt.Errorf("%s: number %s vs %s", at, fa.Text('g', -1), fb.Text('g', -1))
	case ta == cty.String && tb == cty.String, ta == cty.Bool && tb == cty.Bool:
		if !a.RawEquals(b) {
			return fmt.Errorf("%s: %#v vs %#v", at, a, b)
		}
		return nil
	case (ta.IsObjectType() || ta.IsMapType()) && (tb.IsObjectType() || tb.IsMapType()):
		ma, mb := a.AsValueMap(), b.AsValueMap()
		if len(ma) != len(mb) {
			return fmt.Errorf("%s: keys %v vs %v", at, keys(ma), keys(mb))
		}
		for k, va := range ma {
			vb, ok := mb[k]
			if !ok {
				return fmt.Errorf("%s: key %q missing: %v vs %v", at, k, keys(ma), keys(mb))
			}
			if err := sameAt(at2(k), va, vb); err != nil {
				return err
			}
		}
		return nil
	case (ta.IsTupleType() || ta.IsListType()) && (tb.IsTupleType() || tb.IsListType()):
		la, lb := a.AsValueSlice(), b.AsValueSlice()
		if len(la) != len(lb) {
			return fmt.Errorf("%s: %d items vs %d", at, len(la), len(lb))
		}
		for i := range la {
			if err := sameAt(at2(fmt.Sprint(i)), la[i], lb[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%s: %s vs %s", at, ta.FriendlyName(), tb.FriendlyName())
}

func keys(m map[string]cty.Value) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkRoundTrip renders m in both formats, reads both back and checks they are the module
// call m describes.
func checkRoundTrip(m module) error {
	want := map[string]cty.Value{"source": cty.StringVal(m.Source.Source)}
	if m.Source.Version != "" {
		want["version"] = cty.StringVal(m.Source.Version)
	}
	for _, a := range m.Args {
		want[a.Name] = a.Value
	}
	for _, form := range []struct {
		file string
		data []byte
	}{{m.Name + ".tf.json", renderJSON(m)}, {m.Name + ".tf", renderHCL(m)}} {
		if len(form.data) == 0 || form.data[len(form.data)-1] != '\n' {
			return fmt.Errorf("%s does not end with a newline", form.file)
		}
		got, err := parseModule(form.file, form.data)
		if err != nil {
			return fmt.Errorf("%s does not parse back: %v\n%s", form.file, err, form.data)
		}
		if got.Name != m.Name {
			return fmt.Errorf("%s: module %q, want %q", form.file, got.Name, m.Name)
		}
		if err := sameValue(cty.ObjectVal(want), cty.ObjectVal(got.Attrs)); err != nil {
			return fmt.Errorf("%s does not read back as the request: %v\n%s", form.file, err, form.data)
		}
		for _, o := range m.Outputs {
			if ref := got.Outputs[m.outputName(o)]; ref != "module."+m.Name+"."+o {
				return fmt.Errorf("%s: output %s = %q", form.file, m.outputName(o), ref)
			}
		}
		if len(got.Outputs) != len(m.Outputs) {
			return fmt.Errorf("%s: %d outputs, want %d", form.file, len(got.Outputs), len(m.Outputs))
		}
	}
	return nil
}

// FuzzRequestToTerraform feeds arbitrary objects through the request -> Terraform conversion:
// it must never panic, whatever it accepts must print as JSON and HCL that hcl/v2 reads back as
// the same module call, and Terraform itself must accept both files (init against a local
// module declaring the arguments, validate, fmt -check on the HCL): in one batch over the
// corpus under go test, input by input when fuzzing.
func FuzzRequestToTerraform(f *testing.F) {
	for _, seed := range []string{
		"kind: VM\nmetadata: {name: a, namespace: b}\nspec: {instance_type: t3.micro, tags: {Name: x}}\n",
		"kind: VM\nspec:\n  nested: {gone: null, \"kratix.io/promise\": vm, \"needs quoting\": 1, \"1st\": true}\n  template: \"${x} %{ if y }\"\n  escaped: \"$${a} %%{b}\"\n",
		"spec: {big: 123456789012345678901234567890, neg: -9223372036854775809, f: 1.5, tiny: 0.000001, huge: 1e300, small: 5e-324}\n",
		"spec: {list: [1, \"two\", {three: 3}, [4], null, [], {}], emptyList: [], emptyMap: {}, top: null}\n",
		"spec: {s: \"line\\nbreak \\\"q\\\" \\t tab \\u0001 ctl\", u: \"caf\\u0065\\u0301 ✓ \\U0001F600\"}\n",
		"spec: {source: x, count: 1, \"1abc\": v, \"dotted.key\": v, \"\": empty}\n",
		"spec: {a: .nan, b: .inf, c: 0x1F, d: 0o17, e: 1_000}\n",
		"spec: [1, 2]\n",
		"spec: {k: &a {x: 1}, l: *a, m: !!binary aGVsbG8=, t: 2024-01-01}\n",
		"spec: {\"//\": comment, obj: {\"//\": inner, \"${k}\": v, \"%{k}\": w}}\n",
		"spec: {tags: {for: x}, locals: {a: 1}, nested: {for: {for: 1}}}\n",
		"spec: {tags: {\"\\u00e9\": a, \"e\\u0301\": b}, c: \"\\x7f\\x80\\x85\\uFFFE\\uFFFF\"}\n",
	} {
		f.Add(seed, "id,arn")
	}
	tf := tfcheck.NewFuzz(f)
	f.Fuzz(func(t *testing.T, object, outputs string) {
		obj, err := sdk.ParseObject([]byte(object), sdk.Env{})
		if err != nil {
			return
		}
		args, err := arguments(obj)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		outs, err := outputNames(strings.Split(outputs, ","))
		if err != nil {
			outs = nil
		}
		m := module{Name: "vm_default_fuzz", Source: moduleSource{Source: "git::https://example.com/${x}.git?ref=v1", Version: "1.0"}, Args: args, Outputs: outs}
		if err := checkRoundTrip(m); err != nil {
			t.Fatal(err)
		}
		tf.Check(t, []any{object, outputs}, []tfcheck.Config{terraformConfig(m)}, func(rs []tfcheck.Result) []string {
			if rs[0].Unsupported != "" {
				return []string{rs[0].Unsupported}
			}
			return rs[0].Problems()
		})
	})
	tf.Flush(f)
}

// terraformConfig is m in both formats, side by side in one module: the JSON call named
// <name>_json, the HCL call <name>_hcl.
func terraformConfig(m module) tfcheck.Config {
	j, h := m, m
	j.Name, h.Name = m.Name+"_json", m.Name+"_hcl"
	return tfcheck.Config{Name: m.Name, Files: map[string]string{
		j.Name + ".tf.json": string(renderJSON(j)),
		h.Name + ".tf":      string(renderHCL(h)),
	}}
}
