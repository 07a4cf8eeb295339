package enforcetags

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// editHCL stamps the tags on the module calls of a Terraform HCL file (*.tf). hclsyntax reads
// the values and their byte ranges; hclwrite replaces only the edited arguments' expressions, so
// every other byte (comments, blank lines, other blocks) is kept. A file that was already in
// canonical form (terraform fmt) is formatted again after the edit, so alignment stays canonical;
// any other file keeps its own layout.
func editHCL(name string, file []byte, e Enforcement) (*Edit, error) {
	// hclwrite drops a leading byte-order mark (it became spaces) and writes new lines with
	// "\n": the mark is set aside and put back, and a CRLF file gets CRLF on its new lines.
	src, bom := bytes.CutPrefix(file, utf8BOM)
	crlf := bytes.Contains(src, []byte("\r\n"))
	ed, err := editHCLBody(name, src, e)
	if err != nil || ed.Out == nil {
		return ed, err
	}
	ed.Out = keepLineIndentation(src, ed.Out)
	if crlf {
		ed.Out = toCRLF(ed.Out)
	}
	if bom {
		ed.Out = append(append([]byte(nil), utf8BOM...), ed.Out...)
	}
	return ed, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// keepLineIndentation gives back the original bytes of every line the edit did not change but
// hclwrite re-indented: hclwrite keeps indentation as a count of spaces, so a tab-indented file
// would otherwise come back with every line rewritten. Lines are matched in order, a new line
// being one that no original line within a short look-ahead matches.
func keepLineIndentation(src, out []byte) []byte {
	old := bytes.SplitAfter(src, []byte("\n"))
	cur := bytes.SplitAfter(out, []byte("\n"))
	key := func(l []byte) string { return string(bytes.TrimRight(bytes.TrimLeft(l, " \t"), "\r\n")) }
	const lookahead = 64
	res := make([]byte, 0, len(out))
	i := 0
	for _, l := range cur {
		k := key(l)
		matched := -1
		// A line of punctuation ("}", "]") could match anywhere: only where the original is.
		window := lookahead
		if !bytes.ContainsFunc([]byte(k), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			window = 1
		}
		for j := i; j < len(old) && j < i+window; j++ {
			if key(old[j]) == k {
				matched = j
				break
			}
		}
		if matched < 0 {
			res = append(res, l...)
			continue
		}
		// Keep the original's tab indentation and line ending; the content is the same. Lines
		// indented with spaces come back from hclwrite as they were, so they are left to it.
		o := old[matched]
		indent := o[:len(o)-len(bytes.TrimLeft(o, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 && bytes.HasSuffix(l, []byte("\n")) == bytes.HasSuffix(o, []byte("\n")) {
			res = append(res, o...)
		} else {
			res = append(res, l...)
		}
		i = matched + 1
	}
	return res
}

// toCRLF ends every line with "\r\n", leaving the ones that already do.
func toCRLF(b []byte) []byte {
	out := make([]byte, 0, len(b)+bytes.Count(b, []byte("\n")))
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

func editHCLBody(name string, src []byte, e Enforcement) (*Edit, error) {
	syn, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, hclErr(name, diags)
	}
	wf, wdiags := hclwrite.ParseConfig(src, name, hcl.InitialPos)
	if wdiags.HasErrors() {
		return nil, hclErr(name, wdiags)
	}
	var synMods []*hclsyntax.Block
	for _, b := range syn.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "module" && len(b.Labels) == 1 {
			synMods = append(synMods, b)
		}
	}
	var wMods []*hclwrite.Block
	for _, b := range wf.Body().Blocks() {
		if b.Type() == "module" && len(b.Labels()) == 1 {
			wMods = append(wMods, b)
		}
	}
	if len(synMods) != len(wMods) {
		return nil, locErr(name, 0, "", "internal error: hclsyntax and hclwrite disagree on the module blocks")
	}
	ed := &Edit{}
	h := hclEditor{file: name, src: src, e: e, ed: ed}
	var errs []error
	for i, b := range synMods {
		if e.Module != "" && b.Labels[0] != e.Module {
			continue
		}
		ed.Modules = append(ed.Modules, Module{b.Labels[0], b.DefRange().Start.Line})
		if err := h.module(b, wMods[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if !h.changed {
		return ed, nil
	}
	// File.Bytes would reformat the whole file; the body's own tokens keep its layout.
	out := wf.Body().BuildTokens(nil).Bytes()
	if bytes.Equal(hclwrite.Format(src), src) {
		out = hclwrite.Format(out)
	}
	if _, diags := hclsyntax.ParseConfig(out, name, hcl.InitialPos); diags.HasErrors() {
		return nil, locErr(name, 0, "", "internal error: the edited file does not parse (%s); please report it with the file", diags.Error())
	}
	ed.Out = out
	return ed, nil
}

type hclEditor struct {
	file    string
	src     []byte
	e       Enforcement
	ed      *Edit
	changed bool
	// spacesAfterEquals keeps "tags={" as it was written when its value is replaced.
	spacesAfterEquals map[string]int
}

func (h *hclEditor) module(b *hclsyntax.Block, wb *hclwrite.Block) error {
	name := b.Labels[0]
	var errs []error
	if err := h.attr(name, b, wb, h.e.Attribute, true, true); err != nil {
		errs = append(errs, err)
	}
	for _, a := range sortedAttrs(b.Body) {
		stamp, explicit := h.e.extra(a.Name)
		if !stamp {
			continue
		}
		if err := h.attr(name, b, wb, a.Name, explicit, false); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sortedAttrs lists a body's attributes in source order (hclsyntax keeps them in a map).
func sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].SrcRange.Start.Byte < out[j-1].SrcRange.Start.Byte; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// attr stamps one argument. A literal object is merged into; merge(..., {literal}) has its last
// object merged into (so a second run finds what the first wrote); any other expression (a
// variable, a function call, a conditional) is wrapped as merge(<expr>, {enforced}) so the
// enforced keys win whatever it evaluates to. must: a value that cannot hold tags (a string,
// number, bool or list) is an error, not skipped; create: an absent argument is added.
func (h *hclEditor) attr(module string, b *hclsyntax.Block, wb *hclwrite.Block, name string, must, create bool) error {
	a, ok := b.Body.Attributes[name]
	path := modulePath(module, name)
	h.spacesAfterEquals = nil
	if !ok {
		if !create {
			return nil
		}
		h.set(wb, name, h.freshObject(module, name, b.Body.SrcRange.End.Line))
		return nil
	}
	expr := a.Expr
	start := expr.Range().Start.Byte
	if gap := h.src[a.EqualsRange.End.Byte:start]; len(bytes.Trim(gap, " ")) == 0 {
		h.spacesAfterEquals = map[string]int{name: len(gap)}
	}
	exprSrc := string(h.src[start:expr.Range().End.Byte])
	line := a.SrcRange.Start.Line
	switch x := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		newObj, ok := h.mergeInto(module, name, x)
		if ok {
			h.set(wb, name, h.splice(exprSrc, start, x.SrcRange, newObj))
		}
		return nil
	case *hclsyntax.FunctionCallExpr:
		if x.Name == "merge" && len(x.Args) > 0 && !x.ExpandFinal {
			if last, ok := x.Args[len(x.Args)-1].(*hclsyntax.ObjectConsExpr); ok {
				if newObj, ok := h.mergeInto(module, name, last); ok {
					h.set(wb, name, h.splice(exprSrc, start, last.SrcRange, newObj))
				}
				return nil
			}
			closing := x.CloseParenRange.Start.Byte - start
			before := strings.TrimRight(exprSrc[:closing], " \t\r\n")
			sep := ", "
			if strings.HasSuffix(before, ",") {
				sep = " "
			}
			h.wrapped(module, name, line)
			h.set(wb, name, before+sep+h.freshObject(module, name, line)+exprSrc[closing:])
			return nil
		}
	case *hclsyntax.LiteralValueExpr:
		if x.Val.IsNull() {
			if create {
				h.set(wb, name, h.freshObject(module, name, line))
			}
			return nil
		}
		return h.notMap(module, name, line, path, must, x.Val.Type().FriendlyName())
	case *hclsyntax.TemplateExpr:
		return h.notMap(module, name, line, path, must, "string")
	case *hclsyntax.TupleConsExpr:
		return h.notMap(module, name, line, path, must, "list")
	}
	h.wrapped(module, name, line)
	h.set(wb, name, "merge("+exprSrc+", "+h.freshObject(module, name, line)+")")
	return nil
}

func (h *hclEditor) notMap(module, name string, line int, path string, must bool, what string) error {
	if !must {
		return nil // e.g. enable_volume_tags = true: ends in _tags, holds no tags
	}
	return locErr(h.file, line, path, "is a %s, not a map of tags", what)
}

func (h *hclEditor) wrapped(module, attr string, line int) {
	h.ed.Changes = append(h.ed.Changes, Change{Module: module, Attr: attr, Line: line, What: wrapped})
}

// set replaces an argument's expression (or appends the argument) with new source text.
func (h *hclEditor) set(wb *hclwrite.Block, name, exprText string) {
	f, diags := hclwrite.ParseConfig([]byte("x = "+exprText+"\n"), "", hcl.InitialPos)
	if diags.HasErrors() {
		panic(fmt.Sprintf("built HCL that does not parse: %s: %s", exprText, diags.Error()))
	}
	tokens := f.Body().GetAttribute("x").Expr().BuildTokens(nil)
	if spaces, ok := h.spacesAfterEquals[name]; ok && len(tokens) > 0 {
		tokens[0].SpacesBefore = spaces
	}
	wb.Body().SetAttributeRaw(name, tokens)
	h.changed = true
}

// splice replaces the bytes of rng (an object inside the expression starting at start).
func (h *hclEditor) splice(exprSrc string, start int, rng hcl.Range, text string) string {
	return exprSrc[:rng.Start.Byte-start] + text + exprSrc[rng.End.Byte-start:]
}

// freshObject is a new object literal holding the enforced tags, in their given order.
func (h *hclEditor) freshObject(module, attr string, line int) string {
	var b strings.Builder
	b.WriteString("{\n")
	for _, t := range h.e.Tags {
		fmt.Fprintf(&b, "  %s = %s\n", hclKey(t.Key), hclString(t.Value))
		h.ed.Changes = append(h.ed.Changes, Change{Module: module, Attr: attr, Key: t.Key, New: t.Value, Line: line})
	}
	b.WriteString("}")
	return b.String()
}

// mergeInto returns the object's new source text with the enforced keys set: existing values
// replaced in place, new keys added before the closing brace. ok is false when nothing changes.
func (h *hclEditor) mergeInto(module, attr string, obj *hclsyntax.ObjectConsExpr) (string, bool) {
	base := obj.SrcRange.Start.Byte
	src := string(h.src[base:obj.SrcRange.End.Byte])
	type repl struct {
		from, to int
		text     string
	}
	var repls []repl
	var adds []Tag
	newValue := map[int]string{}
	for _, t := range h.e.Tags {
		item := -1
		for i, it := range obj.Items {
			if k, ok := staticKey(it.KeyExpr); ok && k == t.Key {
				item = i // the last one wins in HCL, as in Terraform
			}
		}
		if item < 0 {
			adds = append(adds, t)
			h.ed.Changes = append(h.ed.Changes, Change{Module: module, Attr: attr, Key: t.Key, New: t.Value, Line: obj.SrcRange.Start.Line})
			continue
		}
		v := obj.Items[item].ValueExpr
		if s, ok := staticString(v); ok && s == t.Value {
			continue
		}
		old := string(h.src[v.Range().Start.Byte:v.Range().End.Byte])
		if s, ok := staticString(v); ok {
			old = s
		}
		repls = append(repls, repl{v.Range().Start.Byte - base, v.Range().End.Byte - base, hclString(t.Value)})
		newValue[item] = hclString(t.Value)
		h.ed.Changes = append(h.ed.Changes, Change{Module: module, Attr: attr, Key: t.Key, Old: old, New: t.Value, Line: v.Range().Start.Line, What: overridden})
	}
	if len(repls) == 0 && len(adds) == 0 {
		return "", false
	}
	// Apply from the end so earlier offsets stay valid.
	for i := len(repls) - 1; i >= 0; i-- {
		for j := 0; j < i; j++ {
			if repls[j].from > repls[i].from {
				repls[i], repls[j] = repls[j], repls[i]
			}
		}
	}
	for i := len(repls) - 1; i >= 0; i-- {
		r := repls[i]
		src = src[:r.from] + r.text + src[r.to:]
	}
	if len(adds) == 0 {
		return src, true
	}
	var lines strings.Builder
	for _, t := range adds {
		fmt.Fprintf(&lines, "%s = %s\n", hclKey(t.Key), hclString(t.Value))
	}
	closing := len(src) - 1 // the object's range ends with its }
	if !strings.Contains(src, "\n") {
		// A one-line object: rewrite it one item per line, each item's text as written.
		var b strings.Builder
		b.WriteString("{\n")
		for i, it := range obj.Items {
			k, v := it.KeyExpr.Range(), it.ValueExpr.Range()
			val, ok := newValue[i]
			if !ok {
				val = string(h.src[v.Start.Byte:v.End.Byte])
			}
			b.WriteString(string(h.src[k.Start.Byte:k.End.Byte]) + " = " + val + "\n")
		}
		b.WriteString(lines.String())
		b.WriteString("}")
		return b.String(), true
	}
	ls := strings.LastIndexByte(src[:closing], '\n') + 1
	if indent := src[ls:closing]; strings.TrimSpace(indent) == "" {
		// New items take the indentation of the last item, or the brace's plus two.
		indent += "  "
		if n := len(obj.Items); n > 0 {
			k := obj.Items[n-1].KeyExpr.Range().Start.Byte
			kls := bytes.LastIndexByte(h.src[:k], '\n') + 1
			if w := string(h.src[kls:k]); strings.TrimSpace(w) == "" {
				indent = w
			}
		}
		var b strings.Builder
		for _, l := range strings.SplitAfter(strings.TrimSuffix(lines.String(), "\n"), "\n") {
			b.WriteString(indent + strings.TrimSuffix(l, "\n") + "\n")
		}
		return src[:ls] + b.String() + src[ls:], true
	}
	return src[:closing] + "\n" + lines.String() + src[closing:], true
}

// staticKey evaluates an object key that does not depend on anything: a bare word or a string.
func staticKey(e hclsyntax.Expression) (string, bool) {
	if k := hcl.ExprAsKeyword(e); k != "" {
		return k, true
	}
	return staticString(e)
}

func staticString(e hclsyntax.Expression) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return "", false
	}
	return v.AsString(), true
}

// hclKey writes a plain word key bare and quotes any other. HCL would read managed-by bare as
// one identifier, but a reader sees a subtraction, so keys with a dash are quoted too; so is
// for, which opening an object starts a for expression.
func hclKey(k string) string {
	if hclsyntax.ValidIdentifier(k) && !strings.Contains(k, "-") && k != "null" && k != "true" && k != "false" && k != "for" {
		return k
	}
	return hclString(k)
}

// hclString quotes a string the way hclwrite does, escaping ${ and %{ so it stays literal.
func hclString(s string) string {
	return strings.TrimSpace(string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes()))
}

func hclErr(file string, diags hcl.Diagnostics) error {
	var errs []error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		line := 0
		if d.Subject != nil {
			line = d.Subject.Start.Line
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		errs = append(errs, locErr(file, line, "", "not valid HCL: %s", msg))
	}
	return errors.Join(errs...)
}
