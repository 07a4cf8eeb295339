package terraformgenerate

import (
	"bytes"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/stagekit/stagekit/internal/tfliteral"
	"github.com/stagekit/stagekit/sdk/fieldpath"
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
// arguments sorted, then one output block per re-exported output. Values are written by
// valueTokens, whose strings hclwrite quotes and escapes (template sequences included), so any
// value prints as valid HCL.
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
		body.SetAttributeRaw(a.Name, valueTokens(a.Value, nil))
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
// Terraform reads the JSON strings and object keys of arguments as templates, so "${" and "%{"
// are escaped the way the HCL form escapes them: both forms mean the same value. It reads source
// and version verbatim, so those are not escaped.
func renderJSON(m module) []byte {
	var b bytes.Buffer
	_ = writeModuleJSON(&b, m) // a bytes.Buffer does not fail
	return b.Bytes()
}

// writeModuleJSON is renderJSON writing to w.
func writeModuleJSON(w io.Writer, m module) error {
	j := moduleJSON{w: w}
	j.begin(m)
	var v bytes.Buffer
	for _, a := range m.Args {
		if a.json != nil {
			j.argument(a.Name, a.json)
			continue
		}
		v.Reset()
		writeJSONValue(&v, a.Value, argumentDepth)
		j.argument(a.Name, v.Bytes())
	}
	return j.end(m)
}

// moduleJSON writes the JSON form a piece at a time, so that the stage can stream a large module
// to its output file rather than hold a copy of every argument's text.
type moduleJSON struct {
	w   io.Writer
	b   bytes.Buffer
	err error
}

const moduleJSONChunk = 64 << 10

func (j *moduleJSON) flush() {
	if j.err == nil {
		_, j.err = j.w.Write(j.b.Bytes())
	}
	j.b.Reset()
}

// begin writes what comes before the arguments: the module's name, source and version.
func (j *moduleJSON) begin(m module) {
	b := &j.b
	b.WriteString("{\n  \"module\": {\n    ")
	writeJSONString(b, m.Name, false)
	b.WriteString(": {\n      \"source\": ")
	writeJSONString(b, m.Source.Source, false)
	if m.Source.Version != "" {
		b.WriteString(",\n      \"version\": ")
		writeJSONString(b, m.Source.Version, false)
	}
}

// argument writes one argument, its value as writeJSONValue writes it at argumentDepth.
func (j *moduleJSON) argument(name string, value []byte) {
	b := &j.b
	b.WriteString(",\n      ")
	writeJSONString(b, name, false)
	b.WriteString(": ")
	if len(value) < moduleJSONChunk {
		b.Write(value)
	} else {
		j.flush()
		if j.err == nil {
			_, j.err = j.w.Write(value)
		}
	}
	if b.Len() >= moduleJSONChunk {
		j.flush()
	}
}

// end writes the rest: the outputs.
func (j *moduleJSON) end(m module) error {
	b := &j.b
	b.WriteString("\n    }\n  }")
	if len(m.Outputs) > 0 {
		b.WriteString(",\n  \"output\": {")
		for i, out := range m.Outputs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n    ")
			writeJSONString(b, m.outputName(out), false)
			b.WriteString(": {\n      \"value\": ")
			// A real reference: not escaped.
			writeJSONString(b, "${module."+m.Name+"."+out+"}", false)
			b.WriteString("\n    }")
		}
		b.WriteString("\n  }")
	}
	b.WriteString("\n}\n")
	j.flush()
	return j.err
}

// argumentDepth is the indent depth of a module argument in the JSON form.
const argumentDepth = 3

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
		b.WriteString(numberText(v.AsBigFloat()))
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

// writeArgumentJSON sets the argument's JSON text from the value read from YAML (argumentJSON).
func writeArgumentJSON(a *argument, raw any, b *bytes.Buffer) *valueError {
	if err := argumentJSON(a, raw, b); err != nil {
		return err
	}
	a.json = bytes.Clone(b.Bytes())
	return nil
}

// argumentJSON writes into b the argument's value read from YAML, as writeJSONValue writes its
// cty value but without making one: cty builds two maps per object, and converting a large
// request to cty before writing it cost more than reading it. Where a map's keys are not all in
// NFC (cty orders them normalized), the value goes through cty.
func argumentJSON(a *argument, raw any, b *bytes.Buffer) *valueError {
	b.Reset()
	err := writeJSONAt(b, raw, &pathNode{root: a.Node.Path()}, argumentDepth)
	if err == errNotNFC {
		if err := toValue(a, raw); err != nil {
			return err
		}
		b.Reset()
		writeJSONValue(b, a.Value, argumentDepth)
		a.Value = cty.NilVal
		err = nil
	}
	return err
}

// errNotNFC tells argumentJSON to write the value through cty.
var errNotNFC = &valueError{msg: "a key not in NFC"}

// writeJSONAt writes v as writeJSONValue writes toCty(v), refusing what toCty refuses, first
// error first.
func writeJSONAt(b *bytes.Buffer, v any, at *pathNode, depth int) *valueError {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int64:
		b.Write(strconv.AppendInt(b.AvailableBuffer(), x, 10)) // numberText of the exact integer
	case *big.Int:
		b.WriteString(numberText(new(big.Float).SetInt(x))) // as cty holds it
	case float64:
		if err := floatError(x, at); err != nil {
			return err
		}
		b.WriteString(floatText(x))
	case string:
		if err := stringError(x, at); err != nil {
			return err
		}
		writeJSONString(b, cty.NormalizeString(x), true) // cty.StringVal holds it normalized
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, item := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(b, depth+1)
			if err := writeJSONAt(b, item, at.child(fieldpath.Index(i)), depth+1); err != nil {
				return err
			}
		}
		newline(b, depth)
		b.WriteByte(']')
	case map[string]any:
		if len(x) == 0 {
			b.WriteString("{}")
			return nil
		}
		keys, normal, err := sortedKeys(x, at)
		if err != nil {
			return err
		}
		if !normal {
			return errNotNFC
		}
		b.WriteByte('{')
		for i, k := range keys {
			if err := keyError(k, at); err != nil {
				return err
			}
			if i > 0 {
				b.WriteByte(',')
			}
			newline(b, depth+1)
			writeJSONString(b, k, true)
			b.WriteString(": ")
			if err := writeJSONAt(b, x[k], at.child(fieldpath.Key(k)), depth+1); err != nil {
				return err
			}
		}
		newline(b, depth)
		b.WriteByte('}')
	default:
		return unsupported(v, at)
	}
	return nil
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

// writeJSONString writes s as a JSON string, its template sequences escaped when literal.
func writeJSONString(b *bytes.Buffer, s string, literal bool) {
	b.Write(tfliteral.AppendJSON(b.AvailableBuffer(), s, literal))
}

// numberText writes a number as Go writes a float64 in JSON: the shortest decimal that reads
// back as the same float64 (strconv's shortest form: 5e-324, not 324 digits of zeros), with an
// exponent below 1e-6 and from 1e21 on. Numbers wider than a float64 (int64 and big integers
// from the request, numbers converted from strings) keep every digit. HCL and JSON read both
// spellings alike.
func numberText(f *big.Float) string {
	if f.Prec() > 53 {
		if f.IsInt() {
			return f.Text('f', 0)
		}
		return f.Text('g', -1)
	}
	x, _ := f.Float64() // exact: the number came from a float64
	return floatText(x)
}

// floatText is numberText for a float64.
func floatText(x float64) string {
	format := byte('f')
	if abs := math.Abs(x); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	s := strconv.FormatFloat(x, format, -1, 64)
	if format == 'e' {
		// 1e-07 -> 1e-7, as encoding/json writes it.
		mant, exp, _ := strings.Cut(s, "e")
		s = mant + "e" + exp[:1] + strings.TrimLeft(exp[1:], "0")
	}
	return s
}

// valueTokens writes v as an HCL expression, as hclwrite.TokensForValue does but for two
// things: an object key named for is quoted (a bare "for" opening an object starts a for
// expression, and Terraform refuses the file), and numbers are written by numberText.
// hclwrite.Format lays the tokens out.
func valueTokens(v cty.Value, toks hclwrite.Tokens) hclwrite.Tokens {
	ty := v.Type()
	switch {
	case v.IsNull() || ty == cty.String || ty == cty.Bool:
		return append(toks, hclwrite.TokensForValue(v)...)
	case ty == cty.Number:
		return append(toks, &hclwrite.Token{Type: hclsyntax.TokenNumberLit, Bytes: []byte(numberText(v.AsBigFloat()))})
	case ty.IsObjectType() || ty.IsMapType():
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenOBrace, Bytes: []byte("{")})
		if v.LengthInt() > 0 {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")})
		}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if key := k.AsString(); hclsyntax.ValidIdentifier(key) && key != "for" {
				toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenIdent, Bytes: []byte(key)})
			} else {
				toks = append(toks, hclwrite.TokensForValue(k)...)
			}
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenEqual, Bytes: []byte("=")})
			toks = valueTokens(e, toks)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")})
		}
		return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrace, Bytes: []byte("}")})
	case ty.IsTupleType() || ty.IsListType() || ty.IsSetType():
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")})
		first := true
		for it := v.ElementIterator(); it.Next(); {
			if !first {
				toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")})
			}
			first = false
			_, e := it.Element()
			toks = valueTokens(e, toks)
		}
		return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
	}
	// Values come from YAML: no other type can occur.
	panic("terraform-generate: cannot write a " + ty.FriendlyName() + " as HCL")
}
