package terraformgenerate

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/internal/tfcheck"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// TestSourcesAsTerraformReadsThem holds the stage's reading of module sources and versions
// against Terraform's own: what the stage writes, Terraform parses; what Terraform refuses, the
// stage refuses with Terraform's reason (exit 2).
func TestSourcesAsTerraformReadsThem(t *testing.T) {
	tf := tfcheck.Find(t)
	cases := []struct {
		reason string
		cfg    Config
		// install: Terraform parses the address but cannot install from it; the stage refuses it
		// anyway, naming the getter.
		install bool
	}{
		{reason: "a local path", cfg: Config{ModuleSource: "./modules/vm"}},
		{reason: "a parent path", cfg: Config{ModuleSource: "../vm"}},
		{reason: "a local path with backslashes", cfg: Config{ModuleSource: `.\modules\vm`}},
		{reason: "a path without ./ is not local: Terraform says to write ./modules/vm", cfg: Config{ModuleSource: "modules/vm"}},
		{reason: "a bare word", cfg: Config{ModuleSource: "vm"}},
		{reason: "a public registry address", cfg: Config{ModuleSource: "terraform-aws-modules/ec2-instance/aws"}},
		{reason: "a registry address with a version constraint", cfg: Config{ModuleSource: "terraform-aws-modules/ec2-instance/aws", ModuleRegistryVersion: "~> 6.0, != 6.0.1"}},
		{reason: "a registry version that is no constraint", cfg: Config{ModuleSource: "terraform-aws-modules/ec2-instance/aws", ModuleRegistryVersion: "latest"}},
		{reason: "a registry version with a v prefix is a version", cfg: Config{ModuleSource: "terraform-aws-modules/ec2-instance/aws", ModuleRegistryVersion: "v6.0.2"}},
		{reason: "a registry version with spaces inside", cfg: Config{ModuleSource: "terraform-aws-modules/ec2-instance/aws", ModuleRegistryVersion: ">= 1.0 <2.0"}},
		{reason: "a private registry with a port and a subdirectory", cfg: Config{ModuleSource: "registry.example.com:8443/acme/vpc/aws", ModulePath: "modules/subnet", ModuleRegistryVersion: "1.2.3"}},
		{reason: "a registry address with an upper-case system is no registry address, nor anything else", cfg: Config{ModuleSource: "acme/vpc/AWS"}},
		{reason: "a registry host without a dot, with a version", cfg: Config{ModuleSource: "localhost/acme/vpc/aws", ModuleRegistryVersion: "1.0"}},
		{reason: "a registry host in punycode, with a version", cfg: Config{ModuleSource: "xn--bcher-kva.example/acme/vpc/aws", ModuleRegistryVersion: "1.0"}},
		{reason: "github.com is no registry host, with a version", cfg: Config{ModuleSource: "github.com/acme/vpc/aws", ModuleRegistryVersion: "1.0"}},
		{reason: "a namespace ending in a dash, with a version", cfg: Config{ModuleSource: "acme-/vpc/aws", ModuleRegistryVersion: "1.0"}},
		{reason: "a registry address with a query, with a version", cfg: Config{ModuleSource: "acme/vpc/aws?ref=v1", ModuleRegistryVersion: "1.0"}},
		{reason: "a registry subdirectory leaving the package, with a version", cfg: Config{ModuleSource: "acme/vpc/aws//../x", ModuleRegistryVersion: "1.0"}},
		{reason: "a git URL with a ref, as the original stage wrote it", cfg: Config{ModuleSource: "https://github.com/terraform-aws-modules/terraform-aws-ec2-instance", ModuleVersion: "v6.0.2"}},
		{reason: "a forced git getter with a subdirectory and a ref", cfg: Config{ModuleSource: "git::https://example.com/org/mods.git", ModulePath: "vm", ModuleVersion: "v1"}},
		{reason: "a git ssh URL", cfg: Config{ModuleSource: "git::ssh://git@example.com/org/repo.git"}},
		{reason: "an scp-like git address", cfg: Config{ModuleSource: "git@github.com:org/repo.git", ModuleVersion: "v1"}},
		{reason: "an scp-like address of another user is no git address", cfg: Config{ModuleSource: "deploy@github.com:org/repo.git"}},
		{reason: "the github.com shorthand", cfg: Config{ModuleSource: "github.com/org/repo", ModulePath: "modules/vm", ModuleVersion: "v1"}},
		{reason: "a github.com shorthand without a repository", cfg: Config{ModuleSource: "github.com/org"}},
		{reason: "the bitbucket.org shorthand", cfg: Config{ModuleSource: "bitbucket.org/org/repo"}},
		{reason: "gitlab.com has no shorthand", cfg: Config{ModuleSource: "gitlab.com/org/repo"}},
		{reason: "an S3 bucket", cfg: Config{ModuleSource: "s3::https://s3-eu-west-1.amazonaws.com/bucket/vpc.zip"}},
		{reason: "the S3 shorthand", cfg: Config{ModuleSource: "bucket.s3.eu-west-1.amazonaws.com/vpc.zip"}},
		{reason: "an S3 shorthand Terraform cannot read", cfg: Config{ModuleSource: "a.b.c.d.e.f.amazonaws.com/vpc.zip"}},
		{reason: "a GCS object", cfg: Config{ModuleSource: "gcs::https://www.googleapis.com/storage/v1/bucket/vpc.zip"}},
		{reason: "the GCS shorthand", cfg: Config{ModuleSource: "www.googleapis.com/storage/v1/bucket/vpc.zip"}},
		{reason: "a GCS shorthand too short", cfg: Config{ModuleSource: "www.googleapis.com/storage/v1"}},
		{reason: "an archive over HTTPS", cfg: Config{ModuleSource: "https://example.com/vpc.zip", ModulePath: "modules/vpc"}},
		{reason: "a mercurial repository", cfg: Config{ModuleSource: "hg::https://example.com/repo"}},
		{reason: "an absolute path", cfg: Config{ModuleSource: "/srv/modules/vm"}},
		{reason: "a subdirectory leaving the package", cfg: Config{ModuleSource: "git::https://example.com/repo.git//a/../../b"}},
		{reason: "a subdirectory and nothing else", cfg: Config{ModuleSource: "//modules/vm"}},
		{reason: "an FTP URL parses, but Terraform has no FTP getter", cfg: Config{ModuleSource: "ftp://example.com/vpc.zip"}, install: true},
		{reason: "an unknown forced getter parses, but installs nothing", cfg: Config{ModuleSource: "svn::https://example.com/repo"}, install: true},
	}
	type verdict struct {
		src     moduleSource
		err     error
		address tfcheck.Address // what Terraform is asked about
	}
	var verdicts []verdict
	var addrs []tfcheck.Address
	for _, c := range cases {
		cfg := c.cfg
		src, err := resolveSource(&cfg)
		v := verdict{src: src, err: err, address: tfcheck.Address{Source: src.Source, Version: src.Version}}
		if err != nil {
			if !sdk.IsMisconfigured(err) {
				t.Fatalf("%s: a refused source must be a configuration error (exit 2), got %v", c.reason, err)
			}
			v.address = tfcheck.Address{Source: strings.TrimSpace(cfg.ModuleSource), Version: cfg.ModuleRegistryVersion}
		}
		verdicts = append(verdicts, v)
		addrs = append(addrs, v.address)
	}
	terraform := tf.ParseAddresses(t, addrs)
	for i, c := range cases {
		v, d := verdicts[i], terraform[i]
		switch {
		case c.install:
			if d != nil || v.err == nil || !strings.Contains(v.err.Error(), "Terraform has no getter") {
				t.Errorf("%s: Terraform parses %q (got %v) and the stage must refuse it naming the getter, got %v", c.reason, v.address.Source, d, v.err)
			}
		case v.err == nil && d != nil:
			t.Errorf("%s: the stage writes %+v, which Terraform refuses: %s", c.reason, v.address, d)
		case v.err != nil && d == nil:
			t.Errorf("%s: the stage refuses %+v, which Terraform accepts: %v", c.reason, v.address, v.err)
		case v.err != nil:
			want := d.Summary + ": " + strings.Join(strings.Fields(d.Detail), " ")
			if !strings.Contains(v.err.Error(), want) {
				t.Errorf("%s: the stage's error must give Terraform's reason\n got: %v\nwant: ...%s...", c.reason, v.err, want)
			}
		}
	}
}

// TestReservedNamesAsTerraformReadsThem holds the names the stage refuses as spec keys against
// Terraform's module block schema, which Terraform also enforces on variable names: a module
// cannot declare a variable named after what a module block reserves. Every refused name must
// be one Terraform refuses as a variable name, and ordinary argument names must pass.
func TestReservedNamesAsTerraformReadsThem(t *testing.T) {
	tf := tfcheck.Find(t)
	version := tf.Version(t)
	var names []string
	for n := range reservedNames {
		if n == "ignore_nested_deprecations" && olderThan(version, 1, 15) {
			continue // reserved from Terraform v1.15 on
		}
		names = append(names, n)
	}
	sort.Strings(names)
	ordinary := []string{"tags", "name", "instance_type", "module", "resource", "data", "variable", "output", "terraform", "moved", "import", "check", "removed", "dynamic", "each", "self", "path", "var", "local"}
	var cfgs []tfcheck.Config
	for _, n := range append(append([]string(nil), names...), ordinary...) {
		cfgs = append(cfgs, tfcheck.Config{Name: n, Files: map[string]string{"variables.tf": fmt.Sprintf("variable %q {}\n", n)}})
	}
	results := tf.Check(t, cfgs, tfcheck.Declare)
	for i, r := range results {
		reserved := i < len(names)
		refused := len(r.Errors) == 1 && r.Errors[0].Summary == "Invalid variable name" && strings.Contains(r.Errors[0].Detail, "reserved due to its special meaning inside module blocks")
		if reserved != refused {
			t.Errorf("%q: the stage reserves it: %v; Terraform %s: %v", r.Name, reserved, version, r.Problems())
		}
		if _, stage := reservedNames[r.Name]; stage != reserved {
			t.Errorf("%q: listed in reservedNames: %v, want %v", r.Name, stage, reserved)
		}
	}
}

// olderThan reports whether a version "1.11.4" is older than major.minor.
func olderThan(v string, major, minor int) bool {
	var a, b int
	if _, err := fmt.Sscanf(v, "%d.%d", &a, &b); err != nil {
		return false
	}
	return a < major || a == major && b < minor
}

// TestGoldenOutputsTerraformAccepts gives the expected output of every golden case to Terraform:
// init against local modules holding the module's variables (the EC2 module's real
// variables.tf for its sources, the case's MODULE_VARIABLES file, or every argument declared),
// validate, and fmt -check on HCL. A case meant to break the module's variables says which
// errors it expects in its terraform-errors file.
func TestGoldenOutputsTerraformAccepts(t *testing.T) {
	tf := tfcheck.Find(t)
	n := tf.CheckGoldens(t, filepath.Join("testdata", "golden"), goldenVariables(t))
	t.Logf("Terraform checked the output of %d golden cases: %s", n, tf.Spent())
}

// goldenVariables picks the variables of the modules a golden case's output calls.
func goldenVariables(t *testing.T) func(caseDir string) tfcheck.Variables {
	return func(caseDir string) tfcheck.Variables {
		env := stagetest.LoadFixture(t, caseDir).Env
		if p := env["MODULE_VARIABLES"]; p != "" {
			files, err := tfFiles(p) // a file, or a directory of them, as the stage reads it
			if err != nil {
				t.Fatalf("%s: MODULE_VARIABLES: %v", caseDir, err)
			}
			var all strings.Builder
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				all.Write(b)
			}
			return func(tfcheck.ModuleCall) string { return all.String() }
		}
		return moduleVariables(t)
	}
}

// moduleVariables is the EC2 module's variables.tf for calls of the EC2 module, every argument
// declared for any other.
func moduleVariables(t testing.TB) tfcheck.Variables {
	return func(c tfcheck.ModuleCall) string {
		if isEC2(c.Source) {
			return string(fixtures.Read(t, "terraform-aws-ec2-instance/v6.0.2/variables.tf"))
		}
		return tfcheck.Declare(c)
	}
}

func isEC2(source string) bool {
	return strings.Contains(source, "terraform-aws-ec2-instance") || strings.HasPrefix(source, "terraform-aws-modules/ec2-instance/aws")
}
