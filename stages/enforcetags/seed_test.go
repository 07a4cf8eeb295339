package enforcetags

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/zclconf/go-cty/cty"
)

// fixturesDir is the repository's testdata/; a test fails when it is missing.
func fixturesDir(t testing.TB) string { return fixtures.Require(t) }

func readFixture(t testing.TB, parts ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{fixturesDir(t)}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func vmEnv(name string) map[string]string {
	return map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure",
		"KRATIX_PROMISE_NAME": "vm", "KRATIX_OBJECT_NAME": name, "KRATIX_OBJECT_NAMESPACE": "default"}
}

func vmObject(name string) string {
	return "apiVersion: example.com/v1\nkind: VM\nmetadata:\n  name: " + name + "\n  namespace: default\nspec:\n  subnet_id: subnet-123456789abcdefghi\n"
}

// TestSeedEnforcesTheJqTags runs on the original jq stage's input and checks the result
// against its output. With ENFORCE_IN=none the files are the same but for jq's trailing newline;
// by default the enforced keys are also set in the *_tags maps (an intended difference: the
// EC2 module merges them after tags, so a request could otherwise override an enforced tag).
func TestSeedEnforcesTheJqTags(t *testing.T) {
	in := readFixture(t, "derived", "enforce-tags-seed", "input.vm_default_example-vm.tf.json")
	want := readFixture(t, "derived", "enforce-tags-seed", "expected-after-seed.vm_default_example-vm.tf.json")
	const file = "vm_default_example-vm.tf.json"

	t.Run("ENFORCE_IN=none gives the jq output byte for byte", func(t *testing.T) {
		env := vmEnv("example-vm")
		env["ENFORCE_IN"] = "none"
		res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Object: vmObject("example-vm"), Env: env, Output: map[string]string{file: in}})
		if res.ExitCode != 0 {
			t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
		}
		if diff := cmp.Diff(strings.TrimSuffix(want, "\n"), res.Output(file)); diff != "" {
			t.Errorf("-want (jq, without its trailing newline) +got:\n%s", diff)
		}
	})
	t.Run("the default also stamps the *_tags maps", func(t *testing.T) {
		res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Object: vmObject("example-vm"), Env: vmEnv("example-vm"), Output: map[string]string{file: in}})
		if res.ExitCode != 0 {
			t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
		}
		got, exp := moduleArgs(t, res.Output(file)), moduleArgs(t, want)
		enforced := exp["vm_default_example-vm"]["tags"]
		for _, attr := range []string{"eip_tags", "iam_role_tags", "instance_tags", "security_group_tags", "volume_tags"} {
			exp["vm_default_example-vm"][attr] = enforced
		}
		if diff := cmp.Diff(exp, got); diff != "" {
			t.Errorf("-want +got:\n%s", diff)
		}
	})
}

func moduleArgs(t testing.TB, src string) map[string]map[string]any {
	t.Helper()
	var f struct {
		Module map[string]map[string]any `json:"module"`
	}
	if err := json.Unmarshal([]byte(src), &f); err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return f.Module
}

// TestSeedScenarioThreeRequests is the fleet story on the three vm requests of
// multi-requests.yaml, built from terraform-generate's reference outputs (v0.1.0 JSON and v0.7.0
// HCL for example-vm, renamed per request) with a tag of the request's own added: every module
// ends with the enforced tags, the request's tag merged, and only arguments the EC2 module
// declares.
func TestSeedScenarioThreeRequests(t *testing.T) {
	jsonRef := readFixture(t, "derived", "terraform-generate", "v0.1.0", "vm-example-vm", "vm_default_example-vm.tf.json")
	hclRef := readFixture(t, "derived", "terraform-generate", "v0.7.0", "vm-example-vm", "vm_default_example-vm.tf")
	declared := ec2Variables(t)
	for _, name := range []string{"vm-1", "vm-2", "vm-3"} {
		module := "vm_default_" + name
		for _, format := range []struct{ file, src string }{
			{module + ".tf.json", strings.Replace(strings.ReplaceAll(jsonRef, "vm_default_example-vm", module), `"tags": {}`, `"tags": {"Owner": "`+name+`-team", "managed-by": "someone"}`, 1)},
			{module + ".tf", strings.Replace(strings.ReplaceAll(hclRef, "vm_default_example-vm", module), "tags                           = {}", "tags                           = { Owner = \""+name+"-team\", \"managed-by\" = \"someone\" }", 1)},
		} {
			t.Run(format.file, func(t *testing.T) {
				res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Object: vmObject(name), Env: vmEnv(name), Output: map[string]string{format.file: format.src}})
				if res.ExitCode != 0 {
					t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
				}
				args := readModule(t, format.file, res.Output(format.file), module)
				want := map[string]string{"Owner": name + "-team", "managed-by": "kratix", "kratix.io/promise": "vm",
					"kratix.io/request-namespace": "default", "kratix.io/request-name": name}
				if diff := cmp.Diff(want, args["tags"]); diff != "" {
					t.Errorf("tags: -want +got:\n%s", diff)
				}
				delete(want, "Owner")
				if diff := cmp.Diff(want, args["instance_tags"]); diff != "" {
					t.Errorf("instance_tags: -want +got:\n%s", diff)
				}
				for arg := range args {
					if arg != "source" && !declared[arg] {
						t.Errorf("argument %q is not a variable of the EC2 module", arg)
					}
				}
				if !strings.Contains(res.Logs, `enforced tag "managed-by" overrides the request's value: "someone" → "kratix"`) {
					t.Errorf("the override is not logged:\n%s", res.Logs)
				}
			})
		}
	}
}

// readModule returns a module call's arguments, string maps as map[string]string, from either format.
func readModule(t testing.TB, name, src, module string) map[string]any {
	t.Helper()
	out := map[string]any{}
	if strings.HasSuffix(name, ".json") {
		for k, v := range moduleArgs(t, src)[module] {
			if m, ok := v.(map[string]any); ok {
				sm := map[string]string{}
				for mk, mv := range m {
					sm[mk], _ = mv.(string)
				}
				out[k] = sm
				continue
			}
			out[k] = v
		}
		return out
	}
	f, diags := hclsyntax.ParseConfig([]byte(src), name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "module" || b.Labels[0] != module {
			continue
		}
		for k, a := range b.Body.Attributes {
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				out[k] = nil
				continue
			}
			if v.Type().IsObjectType() {
				sm := map[string]string{}
				for mk, mv := range v.AsValueMap() {
					if mv.Type() == cty.String && mv.IsKnown() && !mv.IsNull() {
						sm[mk] = mv.AsString()
					}
				}
				out[k] = sm
				continue
			}
			out[k] = v.GoString()
		}
	}
	return out
}

func ec2Variables(t testing.TB) map[string]bool {
	src := readFixture(t, "terraform-aws-ec2-instance", "v6.0.2", "variables.tf")
	f, diags := hclsyntax.ParseConfig([]byte(src), "variables.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	out := map[string]bool{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "variable" {
			out[b.Labels[0]] = true
		}
	}
	return out
}

// TestReferenceOutputs runs on every terraform-generate reference output, alone: each module
// gets the tags, or the file is refused with its line when it is not valid HCL (the v0.7.0
// synthetic-edge output writes keys such as 1abc and dotted.key bare).
func TestReferenceOutputs(t *testing.T) {
	root := filepath.Join(fixturesDir(t), "derived", "terraform-generate")
	var files []string
	for _, g := range []string{"*/*/*.tf.json", "*/*/*.tf"} {
		m, _ := filepath.Glob(filepath.Join(root, g))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no reference output found")
	}
	for _, p := range files {
		rel, _ := filepath.Rel(root, p)
		t.Run(rel, func(t *testing.T) {
			b, _ := os.ReadFile(p)
			res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Object: vmObject("example-vm"), Env: vmEnv("example-vm"), Output: map[string]string{filepath.Base(p): string(b)}})
			if strings.HasSuffix(rel, "v0.7.0/synthetic-edge/vm_team-a_edge-case.tf") {
				want := []string{"output/vm_team-a_edge-case.tf:4: not valid HCL: Argument or block definition required: An argument or block definition is required here."}
				if diff := cmp.Diff(want, res.Errors()); diff != "" || res.ExitCode != 1 {
					t.Errorf("exit %d, errors -want +got:\n%s", res.ExitCode, diff)
				}
				return
			}
			if res.ExitCode != 0 {
				t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
			}
			name := filepath.Base(p)
			module := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
			tags, _ := readModule(t, name, res.Output(name), module)["tags"].(map[string]string)
			for _, tag := range defaultTags("vm", "default", "example-vm") {
				if tags[tag.Key] != tag.Value {
					t.Errorf("tags[%q] = %q, want %q", tag.Key, tags[tag.Key], tag.Value)
				}
			}
		})
	}
}
