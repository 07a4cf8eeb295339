// The seed scenario through both stages: terraform-generate then enforce-tags, as the vm
// Promise's pipeline runs them.

package enforcetags

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/stages/terraformgenerate"
)

// TestChainSeedScenario: terraform-generate then enforce-tags on the three vm requests of
// multi-requests.yaml (the CRD defaults applied, as in derived/terraform-generate/inputs/, and a
// tag of the request's own), in both output formats, with MODULE_VARIABLES checking every
// argument against the EC2 module's variables.tf.
func TestChainSeedScenario(t *testing.T) {
	defaulted := readFixture(t, "derived", "terraform-generate", "inputs", "vm-example-vm.in-cluster-defaulted.yaml")
	vars, err := filepath.Abs(filepath.Join(fixturesDir(t), "terraform-aws-ec2-instance", "v6.0.2", "variables.tf"))
	if err != nil {
		t.Fatal(err)
	}
	chain := stagetest.Chain(terraformgenerate.Stage, Stage)
	for _, name := range []string{"vm-1", "vm-2", "vm-3"} {
		for _, format := range []struct{ setting, ext string }{{"json", ".tf.json"}, {"hcl", ".tf"}} {
			t.Run(name+"/"+format.setting, func(t *testing.T) {
				obj := strings.Replace(defaulted, "name: example-vm", "name: "+name, 1)
				obj = strings.Replace(obj, "  tags: {}\n", "  tags:\n    Owner: "+name+"-team\n", 1)
				env := vmEnv(name)
				env["MODULE_SOURCE"] = "https://github.com/terraform-aws-modules/terraform-aws-ec2-instance"
				env["MODULE_VERSION"] = "v6.0.2"
				env["MODULE_VARIABLES"] = vars
				env["OUTPUT_FORMAT"] = format.setting
				res := stagetest.Idempotent(t, chain, stagetest.Fixture{Object: obj, Env: env})
				if res.ExitCode != 0 {
					t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
				}
				module := "vm_default_" + name
				file := module + format.ext
				args := readModule(t, file, res.Output(file), module)
				want := map[string]string{"Owner": name + "-team", "managed-by": "kratix", "kratix.io/promise": "vm",
					"kratix.io/request-namespace": "default", "kratix.io/request-name": name}
				if diff := cmp.Diff(want, args["tags"]); diff != "" {
					t.Errorf("tags: -want +got:\n%s", diff)
				}
				declared := ec2Variables(t)
				for arg := range args {
					if arg != "source" && !declared[arg] {
						t.Errorf("argument %q is not a variable of the EC2 module", arg)
					}
				}
			})
		}
	}
}
