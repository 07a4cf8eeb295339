package hostile

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk"
)

// The leak test: no message of any stage, at any log level, in either log format, quotes
// source text of a document that is or may be a Secret. Every value, anchor name and tag of the
// documents below carries leakMarker, and none of the names a stage may print (file, kind,
// name, namespace, field path) does, so the marker anywhere in what a stage writes to stderr or
// stdout is a leak: raw or cut short, and base64-encoded (every value starts with the marker, so
// its base64 starts with leakMarker64) or decoded (a data value is the base64 of a marked one).
const (
	leakMarker   = "Sekr1t"
	leakMarker64 = "U2VrcjF0" // base64 of leakMarker: the start of the base64 of every value
)

// issueExample is the alias of the first report of a leak: it must not be printed either.
const issueExample = "S3cr3t-Pa55"

// marked is the base64 of a marked value, as a Secret's data holds it.
func marked(v string) string { return base64.StdEncoding.EncodeToString([]byte(leakMarker + v)) }

// leakDocs are Secrets and Secret-like documents whose values are anchors, aliases, tags,
// malformed YAML, multi-line and base64, each a file of its own.
var leakDocs = []struct {
	name, file, src string
}{
	{"unknown-alias", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata:\n  name: alias-unknown\nstringData:\n  password: *" + issueExample + "\n  other: *" + leakMarker + "-Undefined\n"},
	{"anchor-and-alias", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: anchored, namespace: team-a}\nstringData:\n  password: &" + leakMarker + "Anchor " + leakMarker + "-anchored\n  again: *" + leakMarker + "Anchor\n"},
	{"merge-key", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: merged, namespace: team-a}\nstringData:\n  <<: &" + leakMarker + "Base {password: " + leakMarker + "-merged}\n  user: " + leakMarker + "-user\n"},
	{"tags", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: tagged, namespace: team-a}\nstringData:\n  password: !" + leakMarker + "Tag " + leakMarker + "-tagged\n  other: !!str " + leakMarker + "-str\ndata:\n  blob: !!binary " + marked("-binary") + "\n"},
	{"unknown-tag-on-a-map", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: tagged-map, namespace: team-a}\nstringData: !" + leakMarker + "MapTag\n  password: " + leakMarker + "-in-tagged-map\n"},
	{"wrong-tag", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: wrong-tag, namespace: team-a}\nstringData:\n  password: !!int " + leakMarker + "-not-an-int\n"},
	{"unclosed-flow", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: broken, namespace: team-a}\nstringData:\n  password: [" + leakMarker + "-unclosed\n"},
	{"unterminated-quote", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: broken, namespace: team-a}\nstringData:\n  password: \"" + leakMarker + "-unterminated\n  user: x\n"},
	{"tab-indented", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: broken, namespace: team-a}\nstringData:\n\tpassword: " + leakMarker + "-tabbed\n"},
	{"bad-indentation", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: broken, namespace: team-a}\nstringData:\n    password: " + leakMarker + "-deep\n  user: " + leakMarker + "-shallow\n"},
	{"mapping-in-scalar", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: broken, namespace: team-a}\nstringData:\n  password: " + leakMarker + "-a: " + leakMarker + "-b\n"},
	{"invalid-utf8", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: broken, namespace: team-a}\nstringData:\n  password: " + leakMarker + "-\xff\xfe-bytes\n"},
	{"malformed-json", "s.json",
		`{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "broken"}, "stringData": {"password": "` + leakMarker + `-json-unterminated`},
	{"json-stream", "s.json",
		`{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a"}, "stringData": {"password": "` + leakMarker + `-json-1"}} {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}, "data": {"k": "` + marked("-json-2") + `"}} {"kind": ` + "\n"},
	{"multi-line", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: multi, namespace: team-a}\nstringData:\n  tls.key: |\n    -----BEGIN PRIVATE KEY-----\n    " + leakMarker + "Line1\n    " + leakMarker + "Line2\n    -----END PRIVATE KEY-----\n  folded: >\n    " + leakMarker + "Folded1\n    " + leakMarker + "Folded2\n"},
	{"base64-data", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: b64, namespace: team-a}\ntype: Opaque\ndata:\n  password: " + marked("-data") + "\n  token: " + marked("-token") + "\n"},
	{"duplicate-keys", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: dup, namespace: team-a}\nstringData:\n  password: " + leakMarker + "-dup-1\n  password: " + leakMarker + "-dup-2\n"},
	{"odd-api-version", "s.yaml",
		"apiVersion: example.com/v9\nkind: Secret\nmetadata: {name: odd, namespace: team-a}\nstringData:\n  password: " + leakMarker + "-odd-group\n---\napiVersion: v2\nkind: Secret\nmetadata: {name: odd2}\ndata: {k: " + marked("-odd-version") + "}\n"},
	{"kind-through-anchor", "s.yaml",
		"x: &" + leakMarker + "Kind Secret\n---\napiVersion: v1\nkind: &" + leakMarker + "Kind2 Secret\nmetadata: {name: anchored-kind, namespace: team-a}\nstringData: {password: " + leakMarker + "-kind}\n"},
	{"list-of-secrets", "s.yaml",
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: in-list, namespace: team-a}\n  stringData: {password: " + leakMarker + "-in-list}\n- apiVersion: v1\n  kind: SecretList\n  items:\n  - metadata: {name: typed, namespace: team-a}\n    data: {k: " + marked("-typed-list") + "}\n  - metadata: {name: broken-item}\n    stringData: *" + leakMarker + "Missing\n"},
	{"secret-like-no-api-version", "s.yaml",
		"kind: Secret\nmetadata: {name: no-api-version}\nstringData: {password: " + leakMarker + "-no-api-version}\n"},
	{"labels-and-annotations", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata:\n  name: labelled\n  namespace: team-a\n  labels:\n    app.kubernetes.io/managed-by: " + leakMarker + "-label\n    kratix.io/promise-name: " + leakMarker + "-promise\n  annotations:\n    stagekit.dev/min-replicas: " + leakMarker + "-annotation\nstringData: {password: " + leakMarker + "-labelled}\n"},
	{"sealed-and-external", "s.yaml",
		"apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: sealed\n  namespace: team-a\n  labels: {app.kubernetes.io/managed-by: " + leakMarker + "-sealed-label}\nspec:\n  encryptedData: {password: " + leakMarker + "-sealed}\n"},
	{"secret-like-with-spec", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: with-spec, namespace: team-a}\nspec:\n  password: " + leakMarker + "-spec\n  nested: {key: " + leakMarker + "-nested, list: [" + leakMarker + "-item]}\n  bad-name!: " + leakMarker + "-bad-name\n  number: !!float " + leakMarker + "-float\n  \"1starts-with-digit\": " + leakMarker + "-digit\n"},
	{"secret-like-with-spec-alias", "s.yaml",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: with-spec, namespace: team-a}\nspec:\n  password: &" + leakMarker + "P " + leakMarker + "-spec\n  again: *" + leakMarker + "P\n  broken: *" + leakMarker + "Q\n"},
	{"kustomization", "kustomization.yaml",
		"secretGenerator:\n- name: gen\n  namespace: team-a\n  literals:\n  - password=" + leakMarker + "-literal\n  - token=" + marked("-literal-b64") + "\n  envs: [db.env]\n"},
	{"kustomization-broken", "kustomization.yaml",
		"secretGenerator:\n- name: gen\n  literals: [password=" + leakMarker + "-broken-literal\n"},
}

// leakEnvs are the settings each stage runs with, beside LOG_LEVEL=debug and LOG_FORMAT: every
// mode that reports or changes something.
var leakEnvs = map[string][]map[string]string{
	LI: {nil, {"INCLUDE_SELECTORS": "true", "COMPONENT_DIRS": "platform"}, {"KRATIX_PROMISE_NAME": "", "KRATIX_OBJECT_NAME": ""}},
	SF: {nil, {"MODE": "remove"}, {"ALLOW": "team-a/*", "ALLOW_EMPTY": "true"}, {"MODE": "remove", "ALLOW": "*/in-list"}, {"FORBIDDEN_KINDS": "Secret,bitnami.com/SealedSecret"}},
	RM: {nil, {"KINDS": "Deployment,StatefulSet,ReplicaSet", "REQUIRE_WORKLOAD": "true"}},
	ET: {nil, {"REQUIRE_MODULE": "false"}},
	TG: {nil, {"OUTPUT_FORMAT": "hcl"}},
}

// TestNoLeak runs every stage on every document above (in output/, where three stages read
// manifests, and as the input object, which two read and every one may), each setting, at
// LOG_LEVEL=debug, in text and JSON: stderr and stdout must not hold any of its values.
func TestNoLeak(t *testing.T) {
	runs := 0
	for _, stage := range []string{LI, SF, RM, ET, TG} {
		for _, doc := range leakDocs {
			for _, place := range []string{"output", "object", "output-with-env-file"} {
				for i, extra := range leakEnvs[stage] {
					for _, format := range []string{"text", "json"} {
						name := fmt.Sprintf("%s/%s/%s/env-%d/%s", stage, doc.name, place, i, format)
						m, env := baseFixtures[stage]()
						env["LOG_LEVEL"], env["LOG_FORMAT"] = "debug", format
						for k, v := range extra {
							if v == "" {
								delete(env, k)
							} else {
								env[k] = v
							}
						}
						switch place {
						case "output":
							write(m, "output/"+doc.file, doc.src)
							write(m, "output/platform/"+doc.file, doc.src)
						case "object":
							write(m, "input/object.yaml", doc.src)
						case "output-with-env-file":
							write(m, "output/"+doc.file, doc.src)
							write(m, "output/db.env", "PASSWORD="+leakMarker+"-env-file\n")
						}
						var logs strings.Builder
						res := runners[stage].Execute(sdk.Invocation{Env: sdk.MapEnv(env), FS: m, Stderr: &logs, Stdout: &logs})
						runs++
						if l := leaks(logs.String()); len(l) > 0 {
							t.Errorf("%s: exit %d, leaked %s:\n%s", name, res.ExitCode, strings.Join(l, ", "), clip(logs.String()))
						}
						// A second run on what the first left (MODE=remove edits the files).
						logs.Reset()
						runners[stage].Execute(sdk.Invocation{Env: sdk.MapEnv(env), FS: m, Stderr: &logs, Stdout: &logs})
						if l := leaks(logs.String()); len(l) > 0 {
							t.Errorf("%s, second run: leaked %s:\n%s", name, strings.Join(l, ", "), clip(logs.String()))
						}
					}
				}
			}
		}
	}
	t.Logf("%d runs", runs)
}

// TestNoLeakAllAtOnce puts every document in one output, so that each stage reports every
// problem of the run together, and checks the same.
func TestNoLeakAllAtOnce(t *testing.T) {
	for _, stage := range []string{LI, SF, RM, ET, TG} {
		for i, extra := range leakEnvs[stage] {
			for _, format := range []string{"text", "json"} {
				m, env := baseFixtures[stage]()
				env["LOG_LEVEL"], env["LOG_FORMAT"] = "debug", format
				for k, v := range extra {
					env[k] = v
				}
				for j, doc := range leakDocs {
					write(m, fmt.Sprintf("output/%02d-%s", j, doc.file), doc.src)
				}
				var logs strings.Builder
				runners[stage].Execute(sdk.Invocation{Env: sdk.MapEnv(env), FS: m, Stderr: &logs, Stdout: &logs})
				if l := leaks(logs.String()); len(l) > 0 {
					t.Errorf("%s/env-%d/%s: leaked %s:\n%s", stage, i, format, strings.Join(l, ", "), clip(logs.String()))
				}
			}
		}
	}
}

// TestLeakCheckFinds: the check above can fail. A log that quotes a value, an anchor, a value
// cut short, or the value base64-encoded or decoded, is a leak; the names a stage prints are not.
func TestLeakCheckFinds(t *testing.T) {
	for _, tc := range []struct {
		log  string
		leak bool
	}{
		{"ERROR s: output/s.yaml:6: unknown anchor '" + issueExample + "' referenced", true},
		{"ERROR s: output/s.yaml:6: unknown anchor '" + leakMarker + "Anchor' referenced", true},
		{"INFO s: output/s.yaml:7: stringData.password: was " + leakMarker + "-anch...", true},
		{"DEBUG s: token " + marked("-data"), true},
		{"DEBUG s: token " + base64.StdEncoding.EncodeToString([]byte(leakMarker+"-anything")), true},
		{"ERROR s: output/s.yaml:1: Secret team-a/anchored (document 1)", false},
		{"ERROR s: output/s.yaml:6: stringData.password: did not find expected node content", false},
	} {
		if got := len(leaks(tc.log)) > 0; got != tc.leak {
			t.Errorf("leaks(%q) = %v, want %v", tc.log, got, tc.leak)
		}
	}
	for _, doc := range leakDocs {
		for _, printable := range []string{doc.name, doc.file} {
			if len(leaks(printable)) > 0 {
				t.Errorf("test bug: %q, which a stage may print, is marked", printable)
			}
		}
	}
}

// leaks lists what a log holds of the documents' values.
func leaks(log string) []string {
	var out []string
	for _, s := range []string{leakMarker, leakMarker64, issueExample, base64.StdEncoding.EncodeToString([]byte(issueExample))[:8]} {
		if strings.Contains(log, s) {
			out = append(out, fmt.Sprintf("%q", s))
		}
	}
	sort.Strings(out)
	return out
}
