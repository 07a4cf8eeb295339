package enforcetags

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEditHCL pins the expression shapes of a tags argument, one per case.
func TestEditHCL(t *testing.T) {
	e := Enforcement{Tags: []Tag{{"managed-by", "kratix"}, {"Owner", "${not-a-ref}"}}, Attribute: "tags", EnforceIn: []string{}}
	cases := []struct {
		reason string
		in     string
		want   string // "" when the file must not change
	}{
		{"an existing value equal to the enforced one is left alone",
			"module \"m\" {\n  tags = {\n    \"managed-by\" = \"kratix\"\n    Owner        = \"$${not-a-ref}\"\n  }\n}\n", ""},
		{"an enforced value is quoted so ${ stays literal",
			"module \"m\" {\n  tags = {}\n}\n",
			"module \"m\" {\n  tags = {\n    \"managed-by\" = \"kratix\"\n    Owner        = \"$${not-a-ref}\"\n  }\n}\n"},
		{"a one-line object with items is rewritten one item per line",
			"module \"m\" {\n  tags = { a = \"b\", c = \"d\" }\n}\n",
			"module \"m\" {\n  tags = {\n    a            = \"b\"\n    c            = \"d\"\n    \"managed-by\" = \"kratix\"\n    Owner        = \"$${not-a-ref}\"\n  }\n}\n"},
		{"a conditional is wrapped in merge",
			"module \"m\" {\n  tags = var.on ? var.a : {}\n}\n",
			"module \"m\" {\n  tags = merge(var.on ? var.a : {}, {\n    \"managed-by\" = \"kratix\"\n    Owner        = \"$${not-a-ref}\"\n  })\n}\n"},
		{"merge with a trailing comma gets one more argument, not two commas",
			"module \"m\" {\n  tags = merge(\n    var.a,\n  )\n}\n",
			"module \"m\" {\n  tags = merge(\n    var.a, {\n      \"managed-by\" = \"kratix\"\n      Owner        = \"$${not-a-ref}\"\n  })\n}\n"},
		{"merge with an expanded list argument is wrapped, since nothing may follow ...",
			"module \"m\" {\n  tags = merge(var.list...)\n}\n",
			"module \"m\" {\n  tags = merge(merge(var.list...), {\n    \"managed-by\" = \"kratix\"\n    Owner        = \"$${not-a-ref}\"\n  })\n}\n"},
		{"a null tags argument becomes the enforced map",
			"module \"m\" {\n  tags = null\n}\n",
			"module \"m\" {\n  tags = {\n    \"managed-by\" = \"kratix\"\n    Owner        = \"$${not-a-ref}\"\n  }\n}\n"},
		{"a value computed from a variable is overridden; a file not in canonical layout is not reformatted",
			"module \"m\" {\n  tags = {\n    Owner = var.owner\n    \"managed-by\" = \"kratix\"\n  }\n}\n",
			"module \"m\" {\n  tags = {\n    Owner = \"$${not-a-ref}\"\n    \"managed-by\" = \"kratix\"\n  }\n}\n"},
		{"blocks other than module are not touched",
			"resource \"aws_instance\" \"x\" {\n  tags = {}\n}\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			ed, err := editHCL("main.tf", []byte(tc.in), e)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(ed.Out)); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
			if ed.Out == nil {
				return
			}
			again, err := editHCL("main.tf", ed.Out, e)
			if err != nil || again.Out != nil {
				t.Errorf("second edit changed the file again (err %v):\n%s", err, again.Out)
			}
		})
	}
}

func TestEditHCLErrorsNameFileAndLine(t *testing.T) {
	e := Enforcement{Tags: []Tag{{"a", "b"}}, Attribute: "tags"}
	cases := []struct{ reason, in, want string }{
		{"a string is not a map", "module \"m\" {\n  source = \"x\"\n  tags = \"a\"\n}\n", `main.tf:3: module.m.tags: is a string, not a map of tags`},
		{"a number is not a map", "module \"m\" {\n  tags = 3\n}\n", `main.tf:2: module.m.tags: is a number, not a map of tags`},
		{"a syntax error names its line", "module \"m\" {\n  tags = {\n    a = \n  }\n}\n", `main.tf:3: not valid HCL`},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			_, err := editHCL("main.tf", []byte(tc.in), e)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("want error starting %q, got %v", tc.want, err)
			}
		})
	}
}
