package secretforbidder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// testPolicy forbids core Secrets and Bitnami SealedSecrets, as the fuzz test does.
func testPolicy(t testing.TB) *policy {
	t.Helper()
	p, err := compile(&Config{ForbiddenKinds: []string{"Secret", "bitnami.com/SealedSecret"}, Mode: "fail"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// findingsOf parses src as the stage parses a file named name and runs the detector on every
// document, skipped by the pre-filter or not. ok is false when src does not parse.
func findingsOf(p *policy, name, src string) (perDoc [][]finding, docs []*yamldoc.Doc, ok bool) {
	f, err := yamldoc.Parse(name, []byte(src))
	if err != nil {
		return nil, nil, false
	}
	d := detector{p: p}
	for _, doc := range f.Docs() {
		perDoc = append(perDoc, d.file([]*yamldoc.Doc{doc}, false))
	}
	return perDoc, f.Docs(), true
}

// spellings are documents the detector judges forbidden, each written in a way a byte
// pre-filter could miss; mayHold must keep every one.
var spellings = []struct{ name, file, src, reason string }{
	{"plain", "a.yaml", "apiVersion: v1\nkind: Secret\n", "the common case"},
	{"double-quoted hex escape", "a.yaml", "apiVersion: v1\nkind: \"\\x53ecret\"\n", `no "Secret" in the bytes: the escape spells the S`},
	{"double-quoted \\u escape", "a.yaml", "apiVersion: v1\nkind: \"\\u0053ecret\"\n", "the same with a 16-bit escape"},
	{"double-quoted \\U escape", "a.yaml", "apiVersion: v1\nkind: \"Secre\\U00000074\"\n", "the same with a 32-bit escape, at the end"},
	{"escaped line break", "a.yaml", "apiVersion: v1\nkind: \"Sec\\\n  ret\"\n", "an escaped line break joins two lines with nothing between"},
	{"JSON \\u escape", "a.json", `{"apiVersion":"v1","kind":"\u0053ecret"}`, "JSON escapes like YAML's"},
	{"JSON escaped slash", "a.json", `{"apiVersion":"bitnami.com\/v1alpha1","kind":"Sealed\u0053ecret"}`, `\/ in apiVersion and an escape in the kind`},
	{"JSON pretty", "a.json", "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Secret\"\n}\n", "JSON over several lines"},
	{"JSON concatenated", "a.json", `{"apiVersion":"v1","kind":"ConfigMap"}{"apiVersion":"v1","kind":"Secret"}`, "the second value of a JSON stream, with no separator"},
	{"alias", "a.yaml", "x: &k Secret\napiVersion: v1\nkind: *k\n", "the kind is an alias of a value elsewhere in the document"},
	{"alias before use", "a.yaml", "apiVersion: v1\nkind: *k\nx: &k Secret\n", "an alias before the anchor is an error, not a skip"},
	{"merge key", "a.yaml", "base: &b {apiVersion: v1, kind: Secret}\n<<: *b\n", "apiVersion and kind come from a merge key"},
	{"merge list", "a.yaml", "a: &a {kind: Secret}\nb: &b {apiVersion: v1}\n<<: [*a, *b]\n", "a list of merge keys"},
	{"flow", "a.yaml", "{apiVersion: v1, kind: Secret}\n", "a flow mapping: kind is followed by a brace"},
	{"flow no space", "a.yaml", "{\"apiVersion\":\"v1\",\"kind\":Secret}\n", "YAML flow, JSON-like, kind after a colon"},
	{"quoted key", "a.yaml", "\"apiVersion\": v1\n\"kind\": Secret\n", "quoted keys"},
	{"single-quoted", "a.yaml", "'apiVersion': 'v1'\n'kind': 'Secret'\n", "single quotes around key and value"},
	{"explicit str tag", "a.yaml", "apiVersion: v1\nkind: !!str Secret\n", "a tag before the value"},
	{"binary tag", "a.yaml", "apiVersion: v1\nkind: !!binary U2VjcmV0\n", "!!binary is decoded: no Secret in the bytes"},
	{"verbatim binary tag", "a.yaml", "apiVersion: v1\nkind: !<tag:yaml.org,2002:binary> U2VjcmV0\n", "the binary tag spelled in full"},
	{"TAG directive", "a.yaml", "%TAG !e! tag:yaml.org,2002:\n---\napiVersion: v1\nkind: !e!binary U2VjcmV0\n", "a tag handle that names the binary tag"},
	{"complex key", "a.yaml", "? apiVersion\n: v1\n? kind\n: Secret\n", "? keys"},
	{"byte order mark", "a.yaml", "\ufeffapiVersion: v1\nkind: Secret\n", "a BOM before the first key"},
	{"literal block", "a.yaml", "apiVersion: v1\nkind: |-\n  Secret\n", "a block scalar: Secret on a line of its own"},
	{"folded block", "a.yaml", "apiVersion: v1\nkind: >-\n  Secret\n", "a folded block scalar"},
	{"plain on next line", "a.yaml", "apiVersion: v1\nkind:\n  Secret\n", "a plain scalar on the line after its key"},
	{"CRLF", "a.yaml", "apiVersion: v1\r\nkind: Secret\r\n", "carriage returns after the kind"},
	{"List item", "a.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n", "a Secret in a List"},
	{"List in List", "a.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: [{apiVersion: v1, kind: Secret}]\n", "nested lists"},
	{"typed list", "a.yaml", "apiVersion: v1\nkind: SecretList\nitems:\n- metadata: {name: a}\n", "items of a SecretList need no kind: Secret is followed by List"},
	{"group kind", "a.yaml", "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n", "a forbidden kind of a group"},
	{"document after separator", "a.yaml", "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\n", "the second document of a stream"},
	{"bare array", "a.json", `[{"apiVersion":"v1","kind":"Secret"}]`, "an item of a document that is an array"},
}

// TestMayHoldEverySpelling checks each spelling is a forbidden object to the detector and that
// the pre-filter keeps its document.
func TestMayHoldEverySpelling(t *testing.T) {
	p := testPolicy(t)
	for _, c := range spellings {
		t.Run(c.name, func(t *testing.T) {
			perDoc, docs, ok := findingsOf(p, c.file, c.src)
			if !ok {
				if c.name == "alias before use" || c.name == "TAG directive" {
					return // refused as Kubernetes refuses it: every document is parsed, so the file fails
				}
				t.Fatalf("does not parse (%s)", c.reason)
			}
			found := 0
			for i, fs := range perDoc {
				found += len(fs)
				if len(fs) > 0 && !p.mayHold(docs[i].Source()) {
					t.Errorf("the pre-filter skips document %d, which the detector finds %d forbidden objects in (%s)", i+1, len(fs), c.reason)
				}
			}
			if found == 0 {
				t.Errorf("the detector finds nothing: not a spelling of a forbidden kind (%s)", c.reason)
			}
		})
	}
}

// TestMayHoldSkips lists what the pre-filter skips, and checks the detector finds nothing
// there either: the kinds are case-sensitive and must be whole.
func TestMayHoldSkips(t *testing.T) {
	p := testPolicy(t)
	for _, c := range []struct{ src, reason string }{
		{"apiVersion: v1\nkind: ConfigMap\n", "another kind"},
		{"apiVersion: v1\nkind: secret\n", "kinds are case-sensitive: the API server refuses secret"},
		{"apiVersion: v1\nkind: SECRET\n", "the same in capitals"},
		{"apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\n", "Secret is part of a longer kind"},
		{"apiVersion: v1\nkind: Secrets\n", "a plural is another kind"},
		{"apiVersion: v1\nkind: Secret2\n", "a digit after it"},
		{"apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n  - secret: {secretName: x}\n", "a Pod that mounts a secret"},
		{"apiVersion: v1\nkind: Sec ret\n", "a space inside"},
		{"apiVersion: v1\nkind: Sec\n  ret\n", "a plain scalar over two lines folds with a space"},
		{"apiVersion: v1\nkind: \"Sec\n  ret\"\n", "so does a double-quoted one, without an escape"},
	} {
		perDoc, docs, ok := findingsOf(p, "a.yaml", c.src)
		if !ok {
			t.Fatalf("%q does not parse", c.src)
		}
		for i, fs := range perDoc {
			if len(fs) > 0 {
				t.Errorf("%q: the detector finds a forbidden object (%s)", c.src, c.reason)
			}
			if p.mayHold(docs[i].Source()) {
				t.Errorf("%q: the pre-filter keeps it; it should skip it (%s)", c.src, c.reason)
			}
		}
	}
}

// TestMayHoldKeepsWhatItCannotRead: escapes, tags and NUL bytes (UTF-16 text) keep a document
// whatever else it holds.
func TestMayHoldKeepsWhatItCannotRead(t *testing.T) {
	p := testPolicy(t)
	for _, src := range []string{
		`a: "\x41"`,
		`a: !foo b`,
		"a\x00: b",
		"\xff\xfea\x00:\x00 \x00b\x00\n\x00",
	} {
		if !p.mayHold([]byte(src)) {
			t.Errorf("%q is skipped", src)
		}
	}
}

// TestPrefilterOnFixtures runs the pre-filter over every manifest of the fixtures: a document it
// skips holds nothing the detector finds.
func TestPrefilterOnFixtures(t *testing.T) {
	p := testPolicy(t)
	var skipped, total int
	err := filepath.WalkDir(fixturesDir(t), func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		perDoc, docs, ok := findingsOf(p, path, string(b))
		if !ok {
			return nil
		}
		for i, fs := range perDoc {
			total++
			if !p.mayHold(docs[i].Source()) {
				skipped++
				if len(fs) > 0 {
					t.Errorf("%s: document %d is skipped but holds %d forbidden objects", path, i+1, len(fs))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if skipped == 0 || skipped == total {
		t.Fatalf("skipped %d of %d documents: the fixtures no longer test the pre-filter", skipped, total)
	}
}

// FuzzPrefilterExact is the pre-filter's differential test: for any bytes, read as YAML and as
// JSON, a document mayHold skips is one in which the detector finds nothing.
func FuzzPrefilterExact(f *testing.F) {
	for _, c := range spellings {
		f.Add(c.src)
	}
	for _, s := range []string{
		"apiVersion: v1\nkind: Secret\n---\nkind: ConfigMap\n",
		"kind: Secret\napiVersion: v1\n---\n{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Secret\"}]}\n",
		"b: &b {apiVersion: v1, kind: Secret}\n<<: [*b, *b]\nmetadata: {<<: *b}\n",
		"apiVersion: v1\nkind: SecretList\nitems:\n- metadata: {name: a}\n- {}\n- 3\n",
	} {
		f.Add(s)
	}
	p := testPolicy(f)
	f.Fuzz(func(t *testing.T, src string) {
		for _, name := range []string{"a.yaml", "a.json"} {
			perDoc, docs, ok := findingsOf(p, name, src)
			if !ok {
				continue // every document is parsed: the file fails whatever the pre-filter says
			}
			for i, fs := range perDoc {
				if len(fs) > 0 && !p.mayHold(docs[i].Source()) {
					t.Fatalf("%s: the pre-filter skips document %d, which holds %d forbidden objects", name, i+1, len(fs))
				}
			}
		}
	})
}

// TestStreamedFilesReadAsParsed runs every golden case, the conformance renders and some
// malformed files with every manifest file streamed, and checks the run is the same as with
// files parsed whole: exit code, logs, diagnostics and output.
func TestStreamedFilesReadAsParsed(t *testing.T) {
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	var fixtures []stagetest.Fixture
	for _, dir := range dirs {
		fixtures = append(fixtures, stagetest.LoadFixture(t, dir))
	}
	malformed := map[string]string{
		"late-error.yaml":  "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n---\nkind: ConfigMap\nx: [unclosed\n",
		"separator.yaml":   "apiVersion: v1\nkind: Secret\n--- x\nkind: ConfigMap\n",
		"json-error.json":  `{"apiVersion":"v1","kind":"Secret"}{"a":1}{"b":`,
		"no-secret.yaml":   "kind: ConfigMap\nx: {unclosed\n",
		"alias-error.yaml": "kind: *k\n",
	}
	fixtures = append(fixtures, stagetest.Fixture{Output: malformed},
		stagetest.Fixture{Output: renders(t)},
		stagetest.Fixture{Output: renders(t), Env: map[string]string{"MODE": "remove"}})
	for i, fx := range fixtures {
		if fx.Env == nil {
			fx.Env = map[string]string{}
		}
		for k, v := range map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure"} {
			if _, ok := fx.Env[k]; !ok {
				fx.Env[k] = v
			}
		}
		whole := stagetest.Run(t, Stage, fx)
		streamAbove = -1
		streamed := stagetest.Run(t, Stage, fx)
		streamAbove = 4 << 20
		if whole.ExitCode != streamed.ExitCode || whole.Logs != streamed.Logs {
			t.Errorf("fixture %d: parsed whole: exit %d\n%s\nstreamed: exit %d\n%s", i, whole.ExitCode, whole.Logs, streamed.ExitCode, streamed.Logs)
		}
		if d := stagetest.DiffSnapshots(stagetest.Snapshot(whole.FS), stagetest.Snapshot(streamed.FS)); d != "" {
			t.Errorf("fixture %d: the outputs differ:\n%s", i, d)
		}
	}
}
