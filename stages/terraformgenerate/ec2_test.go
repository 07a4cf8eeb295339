package terraformgenerate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
	"sigs.k8s.io/yaml"
)

// TestVMRequestsAgainstEC2Module checks the three vm requests of multi-requests.yaml, with the
// Promise's CRD defaults applied as in derived/terraform-generate/inputs/, against the EC2
// module's real variables.tf: every argument is known and fits its declared type, in both formats.
func TestVMRequestsAgainstEC2Module(t *testing.T) {
	vars := filepath.Join(fixtureDir, "terraform-aws-ec2-instance", "v6.0.2", "variables.tf")
	defaulted := filepath.Join(fixtureDir, "derived", "terraform-generate", "inputs", "vm-example-vm.in-cluster-defaulted.yaml")
	requests := filepath.Join(fixtureDir, "kratix-examples", "promise-terraform-ec2", "multi-requests.yaml")
	for _, p := range []string{vars, defaulted, requests} {
		if !exists(p) {
			t.Fatalf("fixture %s not found", p)
		}
	}
	var defaults struct {
		Spec map[string]any `json:"spec"`
	}
	readYAML(t, defaulted, &defaults)
	docs := strings.Split(readFile(t, requests), "\n---")
	n := 0
	for _, doc := range docs {
		var req map[string]any
		if err := yaml.Unmarshal([]byte(doc), &req); err != nil || req == nil {
			continue
		}
		spec, _ := req["spec"].(map[string]any)
		if spec == nil {
			spec = map[string]any{}
		}
		// The CRD defaults the API server applies, for the keys the request does not set.
		for k, v := range defaults.Spec {
			if _, ok := spec[k]; !ok && k != "subnet_id" {
				spec[k] = v
			}
		}
		req["spec"] = spec
		meta, _ := req["metadata"].(map[string]any)
		object, err := yaml.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		n++
		for _, format := range []string{"json", "hcl"} {
			t.Run(meta["name"].(string)+"/"+format, func(t *testing.T) {
				res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Object: string(object), Env: map[string]string{
					"MODULE_SOURCE": "https://github.com/terraform-aws-modules/terraform-aws-ec2-instance", "MODULE_VERSION": "v6.0.2",
					"MODULE_VARIABLES": vars, "OUTPUT_FORMAT": format,
				}})
				if res.ExitCode != 0 {
					t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
				}
				files := res.Files("output")
				if len(files) != 1 {
					t.Fatalf("want one file, got %v", files)
				}
				for name, data := range files {
					m, err := parseModule(name, []byte(data))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if !strings.HasPrefix(name, m.Name+".tf") {
						t.Errorf("file %s holds module %s", name, m.Name)
					}
				}
			})
		}
	}
	if n != 3 {
		t.Errorf("found %d requests in multi-requests.yaml, want 3", n)
	}
}
