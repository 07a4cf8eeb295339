package enforcetags

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTags(t *testing.T) {
	cases := []struct {
		reason  string
		in      string
		want    []Tag
		wantErr string
	}{
		{"key=value pairs keep their order", "b=2,a=1", []Tag{{"b", "2"}, {"a", "1"}}, ""},
		{"spaces around pairs and an empty value are fine", " managed-by = kratix , empty= ", []Tag{{"managed-by", "kratix"}, {"empty", ""}}, ""},
		{"a value may hold = signs", "expr=a=b", []Tag{{"expr", "a=b"}}, ""},
		{"keys with dots, slashes and colons", "kratix.io/promise=vm,a:b=c", []Tag{{"kratix.io/promise", "vm"}, {"a:b", "c"}}, ""},
		{"a JSON object keeps its order", `{"z":"1","kratix.io/x":"a,b"}`, []Tag{{"z", "1"}, {"kratix.io/x", "a,b"}}, ""},
		{"a JSON value must be a string", `{"n":3}`, nil, `tag "n": the value must be a string, got 3`},
		{"broken JSON", `{"a":"b"`, nil, "not a JSON object"},
		{"text after the JSON object", `{"a":"b"} x`, nil, "text after the closing brace"},
		{"a pair without =", "a=1,b", nil, `"b" is not key=value`},
		{"an empty key", "=v", nil, `"=v" is not key=value`},
		{"a duplicate key", "a=1,a=2", nil, `tag "a" is given twice`},
		{"a duplicate JSON key", `{"a":"1","a":"2"}`, nil, `tag "a" is given twice`},
		{"only separators", ",,", nil, "no tag given"},
		{"an empty JSON object", "{}", nil, "no tag given"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			got, err := parseTags(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseTags(%q): want error containing %q, got %v", tc.in, tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseTags(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseTags(%q): -want +got:\n%s", tc.in, diff)
			}
		})
	}
}

func TestCheckTag(t *testing.T) {
	cases := []struct {
		reason  string
		rules   string
		tag     Tag
		wantErr string
	}{
		{"the default fleet tags pass the AWS rules", "aws", Tag{"kratix.io/request-namespace", "team-a"}, ""},
		{"AWS allows spaces and _ . : / = + - @ and letters of any script", "aws", Tag{"Owner Name", "José +=@_.:/-"}, ""},
		{"AWS allows an empty value", "aws", Tag{"k", ""}, ""},
		{"AWS reserves aws:, in any case", "aws", Tag{"AWS:x", "v"}, `reserves keys starting with "aws:"`},
		{"AWS keys are at most 128 characters", "aws", Tag{strings.Repeat("k", 129), "v"}, "at most 128"},
		{"AWS keys of 128 characters are fine", "aws", Tag{strings.Repeat("é", 128), "v"}, ""},
		{"AWS values are at most 256 characters", "aws", Tag{"k", strings.Repeat("v", 257)}, "at most 256"},
		{"AWS refuses $ in a value (an unexpanded reference)", "aws", Tag{"k", "$(X)"}, "not '$'"},
		{"AWS refuses an empty key", "aws", Tag{"", "v"}, "cannot be empty"},
		{"GCP allows lowercase, digits, _ and -", "gcp", Tag{"managed-by", "kratix_1"}, ""},
		{"GCP refuses dots and slashes", "gcp", Tag{"kratix.io/promise", "vm"}, "not '.'"},
		{"GCP refuses uppercase values", "gcp", Tag{"team", "Payments"}, "not 'P'"},
		{"GCP keys start with a letter", "gcp", Tag{"1team", "a"}, "start with a lowercase letter"},
		{"GCP values are at most 63 characters", "gcp", Tag{"k", strings.Repeat("v", 64)}, "at most 63"},
		{"none checks nothing", "none", Tag{"aws:$", strings.Repeat("v", 999)}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			err := checkTag(tc.rules, tc.tag)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("checkTag(%s, %q): %v", tc.rules, tc.tag, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("checkTag(%s, %q): want error containing %q, got %v", tc.rules, tc.tag, tc.wantErr, err)
			}
		})
	}
}
