package yamldoc

import (
	"strings"
	"testing"
)

// TestReadsAsKubernetes pins, for each case the issue names, what yamldoc reads (the documents
// Kubernetes reads, empty and null ones aside, as JSON) or that it refuses the file; and that
// apimachinery's decoder reads the same.
func TestReadsAsKubernetes(t *testing.T) {
	cases := []struct {
		name, reason, src string
		want              []string // JSON of each document
		wantErr           string
	}{
		{"concatenated JSON objects", "kubectl reads both: a second object, a Secret, is never skipped",
			kubeSeeds[0], []string{`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"b"},"stringData":{"password":"hunter2"}}`}, ""},
		{"JSON stream of pretty and minified values", "values are documents however they are laid out",
			kubeSeeds[2], []string{`{"kind":"A","metadata":{"name":"a"}}`, `{"kind":"B"}`, `{"kind":"C"}`}, ""},
		{"JSON with a byte order mark", "read through YAML's flow mappings, as the decoder does",
			kubeSeeds[15], []string{`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`}, ""},
		{"escaped slash", `"apps\/v1" is apps/v1 in JSON`,
			kubeSeeds[18], []string{`{"apiVersion":"apps/v1","kind":"Deployment"}`}, ""},
		{"escaped slash after a byte order mark", "goyaml.v2 refuses the escape when the file goes the YAML way, so does yamldoc",
			kubeSeeds[16], nil, "found unknown escape character"},
		{"surrogate pairs and lone surrogates", "a pair is one character, a lone surrogate U+FFFD",
			`{"s":"\uD83D\uDE00\ud800x"}`, []string{`{"s":"😀�x"}`}, ""},
		{"YAML 1.1 scalars", "yes/on/y are booleans, 0755 octal, 0x hex, _ separators, a big integer a float",
			"a: yes\nb: on\nc: y\nd: 0755\ne: 0x1F\nf: 1_000\ng: 99999999999999999999\n", []string{`{"a":true,"b":true,"c":true,"d":493,"e":31,"f":1000,"g":1e20}`}, ""},
		{"merge key at metadata", "metadata's labels come from the merged map",
			"metadata: {<<: {labels: {team: payments}}, name: cm}\n", []string{`{"metadata":{"labels":{"team":"payments"},"name":"cm"}}`}, ""},
		{"top-level merge key", "metadata.name comes from the merged anchor",
			"base: &b\n  metadata:\n    name: from-merge\n<<: *b\nkind: ConfigMap\n", []string{`{"base":{"metadata":{"name":"from-merge"}},"kind":"ConfigMap","metadata":{"name":"from-merge"}}`}, ""},
		{"merged replicas", "spec.replicas is 5, not unset",
			"spec: {<<: {replicas: 5}}\n", []string{`{"spec":{"replicas":5}}`}, ""},
		{"aliases on labels, selector and template", "each alias reads the anchor's labels",
			"metadata:\n  labels: &l\n    app: web\nspec:\n  selector:\n    matchLabels: *l\n  template:\n    metadata:\n      labels: *l\n", []string{`{"metadata":{"labels":{"app":"web"}},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}}}}}`}, ""},
		{"merge order", "a << after a key overrides it (goyaml.v2)", "a: {x: 1, <<: {x: 2}}\n", []string{`{"a":{"x":2}}`}, ""},
		{"merge list order", "the first map of a << list wins", "a: {<<: [{x: 3}, {x: 4}]}\n", []string{`{"a":{"x":3}}`}, ""},
		{"content after ...", "goyaml.v2 would drop it: refused", "a: 1\n...\nb: 2\n", nil, "content after the end of the document"},
		{"a --- line with content", "the decoder refuses it", "a: 1\n--- b\n", nil, "must be a document separator"},
		{"colliding keys", "1 and \"1\" are one key once read", "1: a\n\"1\": b\n", nil, "same key once Kubernetes reads them as strings"},
		{"infinity", "JSON cannot hold .inf: the decoder refuses the document", "a: .inf\n", nil, ".inf or .nan"},
		{"alias expansion within goyaml.v2's limit", "199 aliases of a 200-item list: under 99% of the decoded values come through aliases",
			aliasBoundary(199), []string{aliasBoundaryJSON(199)}, ""},
		{"alias expansion past goyaml.v2's limit", "one more alias: the decoder refuses the document as excessive aliasing, so does yamldoc",
			aliasBoundary(200), nil, "excessive aliasing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := yamldocDocs("f.yaml", []byte(tc.src))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s: error %v, want %q", tc.reason, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.reason, err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%s: %d documents %s, want %d", tc.reason, len(got), show(got), len(tc.want))
			}
			for i, w := range tc.want {
				wv, err := genericJSON([]byte(w))
				if err != nil {
					t.Fatal(err)
				}
				if !sameJSON(got[i], wv) {
					t.Errorf("%s: document %d is %s, want %s", tc.reason, i, show(got[i]), w)
				}
			}
			if d := readsAsKubernetes("f.yaml", []byte(tc.src)); d != "" {
				t.Errorf("%s: %s", tc.reason, d)
			}
		})
	}
}

// TestErrorsQuoteNothing checks that no error quotes the document: values, anchor and alias
// names and tags may be a Secret's.
func TestErrorsQuoteNothing(t *testing.T) {
	const secret = "S3cr3tPa55"
	for _, src := range []string{
		"apiVersion: v1\nkind: Secret\nstringData:\n  password: *" + secret + "\n",
		"stringData:\n  password: !!int " + secret + "\n",
		"stringData:\n  password: !!binary " + secret + "!\n",
		"stringData:\n  password: \"" + secret + "\\q\"\n",
		"stringData:\n  password: [" + secret + "\n",
		"stringData: {password: " + secret + ", password: x}\n",
		"stringData:\n  &" + secret + " password: x\n  y: *nope\n",
		"{\"stringData\": {\"password\": \"" + secret + "\\q\"}}",
		"stringData:\n  " + secret + ": {<<: 1}\n",
		"stringData:\n  ? [" + secret + "]\n  : x\n",
		"stringData:\n  password: !" + secret + " {a: &b 1, c: *d}\n",
	} {
		_, err := Parse("f.yaml", []byte(src))
		if err == nil {
			t.Errorf("Parse(%q) succeeded", src)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Parse(%q) error quotes the document: %v", src, err)
		}
	}
}

// aliasBoundaryJSON is what Kubernetes reads from aliasBoundary(m).
func aliasBoundaryJSON(m int) string {
	list := "[" + strings.TrimSuffix(strings.Repeat("1,", 200), ",") + "]"
	return `{"a":` + list + `,"b":[` + strings.TrimSuffix(strings.Repeat(list+",", m), ",") + "]}"
}
