package enforcetags

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/internal/tfcheck"
)

// TestGoldenOutputsTerraformAccepts gives the expected output of every golden case to Terraform:
// init against local modules holding the module's variables (the EC2 module's real
// variables.tf for its sources, every argument declared for others), validate, and fmt -check
// on HCL the stage wrote (a file keeps a layout it already had). A case meant to break the
// module's variables lists the errors it expects in its terraform-errors file.
func TestGoldenOutputsTerraformAccepts(t *testing.T) {
	tf := tfcheck.Find(t)
	n := tf.CheckGoldens(t, filepath.Join("testdata", "golden"), func(string) tfcheck.Variables { return moduleVariables(t) })
	t.Logf("Terraform checked the output of %d golden cases: %s", n, tf.Spent())
}

// moduleVariables is the EC2 module's variables.tf for calls of the EC2 module, every argument
// declared for any other.
func moduleVariables(t testing.TB) tfcheck.Variables {
	return func(c tfcheck.ModuleCall) string {
		if strings.Contains(c.Source, "terraform-aws-ec2-instance") || strings.HasPrefix(c.Source, "terraform-aws-modules/ec2-instance/aws") {
			return string(fixtures.Read(t, "terraform-aws-ec2-instance/v6.0.2/variables.tf"))
		}
		return tfcheck.Declare(c)
	}
}
