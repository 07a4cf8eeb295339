package tfliteral

import (
	"encoding/json"
	"testing"

	"github.com/hashicorp/hcl/v2"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/text/unicode/norm"
)

func TestJSON(t *testing.T) {
	cases := []struct {
		reason   string
		in       string
		template bool
		want     string
	}{
		{"plain text", "kratix", true, `"kratix"`},
		{"template sequences are doubled", "${var.x} %{ if y }", true, `"$${var.x} %%{ if y }"`},
		{"an escaped sequence gains one more, so it reads back as written", "$${lit}", true, `"$$${lit}"`},
		{"a lone $ or % is kept", "$5 100%", true, `"$5 100%"`},
		{"verbatim strings keep template sequences", "git::https://x/${y}", false, `"git::https://x/${y}"`},
		{"JSON's own escapes", "a\"b\\c\nd\re\tf", true, `"a\"b\\c\nd\re\tf"`},
		{"C0, DEL, C1 (NEL included) are escaped", "\x00\x1b\x7f\u0080\u0085\u009f", true, `"\u0000\u001b\u007f\u0080\u0085\u009f"`},
		{"separators and noncharacters are escaped", "\u2028\u2029\ufffe\uffff", true, `"\u2028\u2029\ufffe\uffff"`},
		{"other text is written raw", "café ✓ 😀 <&>", true, `"café ✓ 😀 <&>"`},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", true, "\"a\uFFFDb\""},
		{"a prepended character before the closing quote is escaped (found by FuzzJSON)", "0\u0603", true, `"0\u0603"`},
		{"and before an escape", "\u0d4e\"x", true, `"\u0d4e\"x"`},
		{"beyond the BMP as a surrogate pair", "\U000110bd", true, `"\ud804\udcbd"`},
		{"elsewhere it is written raw", "\u0603x", true, "\"\u0603x\""},
	}
	for _, c := range cases {
		if got := JSON(c.in, c.template); got != c.want {
			t.Errorf("%s: JSON(%q) = %s, want %s", c.reason, c.in, got, c.want)
		}
	}
}

// FuzzJSON: whatever the text, Go's JSON decoder reads the string back, and Terraform's JSON
// reader, evaluating it as a template, gives back the text (in Unicode NFC, as Terraform reads
// every template).
func FuzzJSON(f *testing.F) {
	for _, s := range []string{"", "${x}", "$${x}", "%{if}", "\x7f\u0085\u2028\ufffe", "a\xffb", "$", "%", "$$", "\\u0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := string([]rune(s)) // invalid UTF-8 read as U+FFFD
		q := JSON(s, true)
		var back string
		if err := json.Unmarshal([]byte(JSON(s, false)), &back); err != nil || back != want {
			t.Fatalf("encoding/json reads %s as %q (%v), want %q", JSON(s, false), back, err, want)
		}
		expr, diags := hcljson.ParseExpression([]byte(q), "x.tf.json")
		if diags.HasErrors() {
			t.Fatalf("%s: %v", q, diags)
		}
		v, diags := expr.Value(&hcl.EvalContext{})
		if diags.HasErrors() {
			t.Fatalf("%s: %v", q, diags)
		}
		if v.Type() != cty.String || v.AsString() != norm.NFC.String(want) {
			t.Fatalf("Terraform reads %s as %#v, want %q", q, v, want)
		}
	})
}
