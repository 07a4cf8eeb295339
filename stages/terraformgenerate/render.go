package terraformgenerate

import (
	"bytes"
	"encoding/json"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// module is the Terraform this stage writes: one module call and the outputs re-exported
// from it.
type module struct {
	Name    string
	Source  moduleSource
	Args    []argument // sorted by name
	Outputs []string   // module output names, in the order given
}

func (m module) outputName(out string) string { return m.Name + "_" + out }

// renderHCL writes the module call with hclwrite: source (and version) first, a blank line, the
// arguments sorted, then one output block per re-exported output. hclwrite quotes object keys
// that are not identifiers and escapes template sequences, so any value prints as valid HCL.
func renderHCL(m module) []byte {
	f := hclwrite.NewEmptyFile()
	root := f.Body()
	body := root.AppendNewBlock("module", []string{m.Name}).Body()
	body.SetAttributeValue("source", cty.StringVal(m.Source.Source))
	if m.Source.Version != "" {
		body.SetAttributeValue("version", cty.StringVal(m.Source.Version))
	}
	if len(m.Args) > 0 {
		body.AppendNewline()
	}
	for _, a := range m.Args {
		body.SetAttributeValue(a.Name, a.Value)
	}
	for _, out := range m.Outputs {
		root.AppendNewline()
		ob := root.AppendNewBlock("output", []string{m.outputName(out)}).Body()
		ob.SetAttributeTraversal("value", hcl.Traversal{
			hcl.TraverseRoot{Name: "module"},
			hcl.TraverseAttr{Name: m.Name},
			hcl.TraverseAttr{Name: out},
		})
	}
	return hclwrite.Format(f.Bytes())
}

// renderJSON writes the Terraform JSON form: {"module": {<name>: {...}}, "output": {...}} with
// source (and version) first, then the arguments sorted, two-space indents and a final newline.
// Terraform reads JSON strings and object keys as templates, so "${" and "%{" are escaped the
// way the HCL form escapes them: both forms mean the same value.
func renderJSON(m module) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"module\": {\n    ")
	writeJSONString(&b, m.Name, false)
	b.WriteString(": {\n      \"source\": ")
	writeJSONString(&b, m.Source.Source, true)
	if m.Source.Version != "" {
		b.WriteString(",\n      \"version\": ")
		writeJSONString(&b, m.Source.Version, true)
	}
	for _, a := range m.Args {
		b.WriteString(",\n      ")
		writeJSONString(&b, a.Name, false)
		b.WriteString(": ")
		writeJSONValue(&b, a.Value, 3)
	}
	b.WriteString("\n    }\n  }")
	if len(m.Outputs) > 0 {
		b.WriteString(",\n  \"output\": {")
		for i, out := range m.Outputs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n    ")
			writeJSONString(&b, m.outputName(out), false)
			b.WriteString(": {\n      \"value\": ")
			// A real reference: not escaped.
			writeJSONString(&b, "${module."+m.Name+"."+out+"}", false)
			b.WriteString("\n    }")
		}
		b.WriteString("\n  }")
	}
	b.WriteString("\n}\n")
	return b.Bytes()
}

func writeJSONValue(b *bytes.Buffer, v cty.Value, depth int) {
	if v.IsNull() {
		b.WriteString("null")
		return
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		writeJSONString(b, v.AsString(), true)
	case ty == cty.Number:
		// The same text hclwrite prints, so both forms parse back to the same number.
		b.WriteString(v.AsBigFloat().Text('f', -1))
	case ty == cty.Bool:
		if v.True() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case ty.IsObjectType() || ty.IsMapType():
		if v.LengthInt() == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		first := true
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if !first {
				b.WriteByte(',')
			}
			first = false
			newline(b, depth+1)
			writeJSONString(b, k.AsString(), true)
			b.WriteString(": ")
			writeJSONValue(b, e, depth+1)
		}
		newline(b, depth)
		b.WriteByte('}')
	case ty.IsTupleType() || ty.IsListType() || ty.IsSetType():
		if v.LengthInt() == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		first := true
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !first {
				b.WriteByte(',')
			}
			first = false
			newline(b, depth+1)
			writeJSONValue(b, e, depth+1)
		}
		newline(b, depth)
		b.WriteByte(']')
	default:
		// Values come from YAML: no other type can occur.
		panic("terraform-generate: cannot write a " + ty.FriendlyName() + " as JSON")
	}
}

// maxIndentDepth is the deepest level written one item per line. Deeper values are written on
// one line: indenting every level of a value nested thousands deep would make the file grow
// with the square of the depth (a 40 KB request became a 200 MB module file).
const maxIndentDepth = 32

func newline(b *bytes.Buffer, depth int) {
	if depth > maxIndentDepth {
		return
	}
	b.WriteByte('\n')
	for i := 0; i < depth; i++ {
		b.WriteString("  ")
	}
}

// writeJSONString writes s as a JSON string, escaping template sequences when literal.
func writeJSONString(b *bytes.Buffer, s string, literal bool) {
	if literal {
		s = escapeTemplate(s)
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

// escapeTemplate doubles the $ or % of every "${" and "%{", as hclwrite does for quoted strings.
func escapeTemplate(s string) string {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		out = append(out, c)
		if (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{' {
			out = append(out, c)
		}
	}
	return string(out)
}
