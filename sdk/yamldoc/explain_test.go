package yamldoc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrorsExplainEncodingAndTabs(t *testing.T) {
	cases := []struct {
		reason string
		src    string
		want   string
	}{
		{"invalid UTF-8 is reported on its own line, not line 1",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n  c: d\xff\xfe\n",
			"f.yaml:7: invalid UTF-8 (byte 0xff at column 7): YAML and JSON files must be UTF-8 text"},
		{"in a later document, the file's line",
			"a: 1\n---\nb: \xc3\n",
			"f.yaml:3: invalid UTF-8 (byte 0xc3 at column 4): YAML and JSON files must be UTF-8 text"},
		{"a tab used for indentation names the tab and its line",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n\ta: b\n",
			"f.yaml:6: a tab indents this line: YAML allows only spaces for indentation"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("want an error")
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}
