package terraformgenerate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"sigs.k8s.io/yaml"
)

// fixtureDir is the repository's testdata/; a test whose fixture is missing there fails.
var fixtureDir = fixtures.Dir()

// referenceRun is a derived/terraform-generate/<version>/<case>/run.yaml: how the original
// kratix-cli stage was run and how it ended.
type referenceRun struct {
	Input    string `json:"input"`
	Env      string `json:"env"`
	ExitCode int    `json:"exit_code"`
	Log      string `json:"log"`
}

// compatCase is what this stage does differently from the original on a reference case, on
// purpose (each listed in the README); everything else must match.
type compatCase struct {
	reason string
	// exit and errors: how our run ends when it differs from the original (errors are
	// substrings of the diagnostics, one per expected diagnostic, in order).
	exit   int
	errors []string
	// refused are spec keys we refuse (meta-arguments, non-identifiers): the rest of the request
	// is then compared on a run without them.
	refused []string
	// source and version are what the module gets once the request can no longer override them.
	source, version string
	// compareWith replaces the original's output when that output is not valid Terraform.
	compareWith string
	// file is the file we write where the original wrote none.
	file string
	// identical: our output must equal the original's byte for byte.
	identical bool
}

var compatCases = map[string]compatCase{
	"v0.1.0/cli-test-object":         {reason: "nested maps and lists pass through unchanged"},
	"v0.1.0/cli-test-object-no-spec": {reason: "no spec: only the source"},
	"v0.1.0/vm-example-vm":           {reason: "the anchor request with the CRD defaults applied"},
	"v0.1.0/synthetic-edge": {
		reason: "the original let spec.source replace the module's source and passed count, version and non-identifiers on",
		exit:   1, refused: []string{"source", "version", "count", "1abc", "dotted.key"},
		errors: []string{"spec.source: \"source\" is a Terraform meta-argument", "spec.version:", "spec.count:", "spec.1abc: \"1abc\" is not a valid Terraform argument name", `spec.dotted\.key:`},
		source: "git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance?ref=v6.0.2",
	},
	"v0.1.0/missing-module-version": {
		reason: "the original panicked without MODULE_VERSION; an unpinned git source is valid Terraform",
		source: "git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance",
		file:   "testobject_non-default_test-object.tf.json", compareWith: "v0.1.0/cli-test-object/testobject_non-default_test-object.tf.json",
	},
	"v0.1.0/mongodb-no-namespace": {
		reason: "the original failed on a request without a namespace; the stage uses the default namespace",
		source: "git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance?ref=v6.0.2",
		file:   "mongodb_default_example.tf.json",
	},
	"v0.6.0/cli-test-object-git-ref": {reason: "a forced git source with ?ref= is used as given"},
	"v0.6.0/mongodb-full-registry-with-outputs": {
		reason: "the original let spec.version (the database version) replace MODULE_REGISTRY_VERSION",
		exit:   1, refused: []string{"version"}, errors: []string{"spec.version: \"version\" is a Terraform meta-argument"},
		version: "6.0.2",
	},
	"v0.6.0/registry-version-with-git-source": {
		reason: "a setting that contradicts the source is a configuration error: exit 2, not 1",
		exit:   2, errors: []string{"MODULE_REGISTRY_VERSION (--module-registry-version): is only valid for Terraform registry sources"},
	},
	"v0.7.0/cli-test-object-git-ref": {reason: "HCL layout identical to the original's", identical: true},
	"v0.7.0/vm-example-vm":           {reason: "HCL layout identical to the original's", identical: true},
	"v0.7.0/mongodb-full-registry-with-outputs": {
		reason: "as in v0.6.0: spec.version is refused",
		exit:   1, refused: []string{"version"}, errors: []string{"spec.version:"},
		version: "6.0.2",
	},
	"v0.7.0/synthetic-edge": {
		reason: "the original wrote invalid HCL (1abc = ..., dotted.key = ...) and let spec.source replace the source",
		exit:   1, refused: []string{"source", "version", "count", "1abc", "dotted.key"},
		errors:      []string{"spec.source:", "spec.version:", "spec.count:", "spec.1abc:", `spec.dotted\.key:`},
		source:      "git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance.git?ref=v6.0.2",
		compareWith: "v0.1.0/synthetic-edge/vm_team-a_edge-case.tf.json",
	},
	"v0.7.0/no-workflow-type-env-silent-noop": {
		reason: "outside Kratix the stage assumes a resource configure run and says so, instead of silently doing nothing; the run's MODULE_SOURCE=x is an address Terraform refuses (it wants ./x), a configuration error",
		exit:   2, errors: []string{`MODULE_SOURCE (--module-source): "x": Terraform refuses it: Invalid module source address: Terraform failed to determine your intended installation method for remote module package "x". If you intended this as a path relative to the current module, use "./x" instead.`},
	},
}

var envPair = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`)

// parseEnv reads run.yaml's "K=V K=V" line; a word that is not K=V continues the previous
// value ("MODULE_OUTPUT_NAMES=id, arn").
func parseEnv(s string) map[string]string {
	env := map[string]string{}
	last := ""
	for _, w := range strings.Fields(s) {
		if envPair.MatchString(w) {
			k, v, _ := strings.Cut(w, "=")
			env[k], last = v, k
		} else if last != "" {
			env[last] += " " + w
		}
	}
	return env
}

func TestCompatibilityWithOriginalStage(t *testing.T) {
	root := filepath.Join(fixtureDir, "derived", "terraform-generate")
	dirs, _ := filepath.Glob(filepath.Join(root, "v*", "*"))
	if len(dirs) == 0 {
		t.Fatalf("reference runs not found at %s", root)
	}
	sort.Strings(dirs)
	seen := map[string]bool{}
	for _, dir := range dirs {
		id := filepath.ToSlash(strings.TrimPrefix(dir, root+string(filepath.Separator)))
		seen[id] = true
		t.Run(id, func(t *testing.T) {
			c, ok := compatCases[id]
			if !ok {
				t.Fatalf("reference case %s has no entry in compatCases: add one (and a README line if we differ)", id)
			}
			compareCase(t, root, dir, c)
		})
	}
	for id := range compatCases {
		if !seen[id] {
			t.Errorf("compatCases lists %s, which is not a reference case", id)
		}
	}
}

func compareCase(t *testing.T, root, dir string, c compatCase) {
	var run referenceRun
	readYAML(t, filepath.Join(dir, "run.yaml"), &run)
	object := readFile(t, filepath.Join(fixtureDir, run.Input))
	env := parseEnv(run.Env)
	if env["KRATIX_WORKFLOW_TYPE"] != "" && env["KRATIX_WORKFLOW_ACTION"] == "" {
		// The reference runs set only the type; in a pod Kratix always sets both.
		env["KRATIX_WORKFLOW_ACTION"] = "configure"
	}
	ref, refName := referenceOutput(t, dir)
	if strings.HasPrefix(filepath.Base(filepath.Dir(dir)), "v0.7") {
		env["OUTPUT_FORMAT"] = "hcl" // v0.7.0 wrote HCL only
	}
	wantExit := run.ExitCode
	if c.exit != 0 || c.file != "" || c.errors != nil {
		wantExit = c.exit
	}
	res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Object: object, Env: env})
	if res.ExitCode != wantExit {
		t.Fatalf("%s: exit %d, want %d\n%s", c.reason, res.ExitCode, wantExit, res.Logs)
	}
	if len(c.errors) > 0 {
		got := res.Errors()
		if len(got) != len(c.errors) {
			t.Fatalf("%s: errors -want +got:\n%s", c.reason, cmp.Diff(c.errors, got))
		}
		for i := range got {
			if !strings.Contains(got[i], c.errors[i]) {
				t.Errorf("%s: error %d = %q, want it to contain %q", c.reason, i, got[i], c.errors[i])
			}
		}
		if files := res.Files("output"); len(files) != 0 {
			t.Errorf("a refused request must write nothing, wrote %v", files)
		}
	}
	if c.refused != nil {
		// The rest of the request must give what the original gave.
		object = withoutSpecKeys(t, object, c.refused)
		res = stagetest.Idempotent(t, Stage, stagetest.Fixture{Object: object, Env: env})
		if res.ExitCode != 0 {
			t.Fatalf("without %v: exit %d\n%s", c.refused, res.ExitCode, res.Logs)
		}
	}
	if res.ExitCode != 0 {
		return
	}
	name := refName
	if c.file != "" {
		name = c.file
	}
	if name == "" {
		t.Fatalf("no reference output and no expected file name")
	}
	got := res.Output(name)
	if c.identical && got != ref {
		t.Errorf("%s: %s differs from the original's: -want +got:\n%s", c.reason, name, cmp.Diff(ref, got))
	}
	gotMod, err := parseModule(name, []byte(got))
	if err != nil {
		t.Fatalf("our %s does not parse: %v\n%s", name, err, got)
	}
	wantName := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	if gotMod.Name != wantName {
		t.Errorf("module %q in %s, want %q (file and module share the name)", gotMod.Name, name, wantName)
	}
	if c.compareWith != "" {
		if _, err := parseModule(refName, []byte(ref)); ref != "" && err == nil {
			t.Errorf("the original's %s parses now: drop compareWith", refName)
		}
		ref, refName = readFile(t, filepath.Join(root, c.compareWith)), filepath.Base(c.compareWith)
	}
	want := parsedModule{Name: wantName, Attrs: map[string]cty.Value{}, Outputs: map[string]string{}}
	if ref != "" {
		if want, err = parseModule(refName, []byte(ref)); err != nil {
			t.Fatalf("the original's %s does not parse: %v", refName, err)
		}
		for _, k := range c.refused {
			delete(want.Attrs, k)
		}
	} else {
		// The original wrote nothing to compare with: the arguments are the request's spec,
		// read here through sigs.k8s.io/yaml and cty's JSON decoder, independently of the stage.
		want.Attrs = specAsCty(t, object)
	}
	// Deliberate: top-level empty lists are kept (the original dropped them).
	for _, k := range topLevelEmptyLists(t, object) {
		want.Attrs[k] = cty.EmptyTupleVal
	}
	if c.source != "" {
		want.Attrs["source"] = cty.StringVal(c.source)
	}
	if c.version != "" {
		want.Attrs["version"] = cty.StringVal(c.version)
	}
	if gotMod.Name != want.Name && c.file == "" {
		t.Errorf("module name %q, original %q", gotMod.Name, want.Name)
	}
	if err := sameValue(cty.ObjectVal(want.Attrs), cty.ObjectVal(gotMod.Attrs)); err != nil {
		t.Errorf("%s: arguments differ from the original's: %v\nours:\n%s", c.reason, err, got)
	}
	if diff := cmp.Diff(want.Outputs, gotMod.Outputs); diff != "" {
		t.Errorf("outputs -original +ours:\n%s", diff)
	}
}

func specAsCty(t *testing.T, object string) map[string]cty.Value {
	var obj struct {
		Spec map[string]any `json:"spec"`
	}
	if err := yaml.Unmarshal([]byte(object), &obj); err != nil {
		t.Fatal(err)
	}
	out := map[string]cty.Value{}
	for k, v := range obj.Spec {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		ty, err := ctyjson.ImpliedType(b)
		if err != nil {
			t.Fatal(err)
		}
		if out[k], err = ctyjson.Unmarshal(b, ty); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// referenceOutput is the file the original wrote, if any.
func referenceOutput(t *testing.T, dir string) (data, name string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() != "run.yaml" {
			return readFile(t, filepath.Join(dir, e.Name())), e.Name()
		}
	}
	return "", ""
}

func withoutSpecKeys(t *testing.T, object string, keys []string) string {
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(object), &obj); err != nil {
		t.Fatal(err)
	}
	spec, _ := obj["spec"].(map[string]any)
	for _, k := range keys {
		delete(spec, k)
	}
	out, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func topLevelEmptyLists(t *testing.T, object string) []string {
	obj, err := sdk.ParseObject([]byte(object), sdk.Env{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	spec := obj.Spec()
	for _, k := range spec.Keys() {
		if v, err := spec.Get(k); err == nil {
			if l, ok := v.([]any); ok && len(l) == 0 {
				out = append(out, k)
			}
		}
	}
	return out
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readYAML(t *testing.T, p string, out any) {
	t.Helper()
	if err := yaml.Unmarshal([]byte(readFile(t, p)), out); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
