package tfcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheckFindsEachErrorInItsOwnConfiguration batches configurations that are valid, broken at
// parse time, broken at evaluation time and badly formatted: each gets its own verdict, and an
// error that stops Terraform early does not hide the others'.
func TestCheckFindsEachErrorInItsOwnConfiguration(t *testing.T) {
	tf := Find(t)
	ec2 := "variable \"tags\" {\n  type    = map(string)\n  default = {}\n}\nvariable \"instance_type\" {\n  type    = string\n  default = \"t3.micro\"\n}\n"
	vars := func(c ModuleCall) string {
		if strings.Contains(c.Source, "ec2-instance") {
			return ec2
		}
		return Declare(c)
	}
	cases := []struct {
		reason string
		files  map[string]string
		want   []string // problems, each a prefix of one line of Result.Problems
	}{
		{"a JSON module call with a registry source and version is valid once pointed at a local module",
			map[string]string{"vm.tf.json": `{"module": {"vm": {"source": "terraform-aws-modules/ec2-instance/aws", "version": "6.0.2", "tags": {"a": "b"}}}}`}, nil},
		{"an HCL object whose first key is for is a for expression: a parse error",
			map[string]string{"main.tf": "module \"m\" {\n  source = \"./x\"\n  tags = {\n    for = \"x\"\n  }\n}\n"},
			[]string{"main.tf:4: Invalid 'for' expression"}},
		{"a live template in a JSON string refers to an undeclared variable: an evaluation error",
			map[string]string{"main.tf.json": "{\n  \"module\": {\n    \"m\": {\n      \"source\": \"./x\",\n      \"tags\": {\"owner\": \"${var.x}\"}\n    }\n  }\n}\n"},
			[]string{"main.tf.json:5: Reference to undeclared input variable"}},
		{"an argument the real module does not declare",
			map[string]string{"vm.tf": "module \"vm\" {\n  source = \"git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance?ref=v6.0.2\"\n\n  instnce_type = \"t3.micro\"\n}\n"},
			[]string{"vm.tf:4: Unsupported argument"}},
		{"a file Terraform would reformat",
			map[string]string{"main.tf": "module \"m\" {\n  source = \"./x\"\n  a = 1\n  bb = 2\n}\n"},
			[]string{"main.tf: terraform fmt -check"}},
		{"the variables of the configuration's own directory are fed from the root, nested directories are modules of their own",
			map[string]string{
				"aws/main.tf":      "module \"m\" {\n  source = \"./x\"\n  tags   = merge(var.tags, { a = \"b\" })\n}\n",
				"aws/variables.tf": "variable \"tags\" {\n  type = map(string)\n}\n",
				"gcp/main.tf.json": `{"module": {"m": {"source": "./y", "labels": {}}}}`,
				"README.md":        "not Terraform",
			}, nil},
	}
	var cfgs []Config
	for _, c := range cases {
		cfgs = append(cfgs, Config{Name: c.reason, Files: c.files})
	}
	cfgs = append(cfgs, Config{Name: "provider", Files: map[string]string{"main.tf": "resource \"aws_instance\" \"x\" {}\n"}})
	results := tf.Check(t, cfgs, vars)
	for i, c := range cases {
		got := results[i].Problems()
		if len(got) != len(c.want) {
			t.Errorf("%s: -want +got:\n%s", c.reason, cmp.Diff(c.want, got))
			continue
		}
		for j := range got {
			if !strings.HasPrefix(got[j], c.want[j]) {
				t.Errorf("%s: problem %q, want it to start with %q", c.reason, got[j], c.want[j])
			}
		}
		if results[i].Unsupported != "" {
			t.Errorf("%s: not checked: %s", c.reason, results[i].Unsupported)
		}
	}
	last := results[len(results)-1]
	if !strings.Contains(last.Unsupported, `a "resource" block needs a provider`) || last.Valid() {
		t.Errorf("a resource block: want it reported as unsupported, got %+v", last)
	}
}

// TestFindFailsWhenRequired runs Find in a child test process whose PATH holds no terraform.
func TestFindFailsWhenRequired(t *testing.T) {
	if os.Getenv("TFCHECK_CHILD") == "1" {
		Find(t)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		reason, require, want string
	}{
		{"required: a failure naming the setting", "require", "--- FAIL: TestFindFailsWhenRequired"},
		{"not required: a skip", "", "--- SKIP: TestFindFailsWhenRequired"},
	} {
		cmd := exec.Command(exe, "-test.run=^TestFindFailsWhenRequired$", "-test.v")
		cmd.Env = []string{"PATH=" + t.TempDir(), "TFCHECK_CHILD=1", RequireEnv + "=" + tc.require}
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%s: want %q in the child's output:\n%s", tc.reason, tc.want, out)
		}
	}
}

func TestParseAddresses(t *testing.T) {
	tf := Find(t)
	got := tf.ParseAddresses(t, []Address{
		{Source: "./modules/vm"},
		{Source: "modules/vm"},
		{Source: "terraform-aws-modules/ec2-instance/aws", Version: "latest"},
		{Source: "git::https://example.com/x.git?ref=v1"},
	})
	want := []string{"", "Invalid module source address", "Invalid version constraint", ""}
	for i, w := range want {
		switch {
		case w == "" && got[i] != nil:
			t.Errorf("address %d: want it accepted, got %s", i, got[i])
		case w != "" && (got[i] == nil || got[i].Summary != w):
			t.Errorf("address %d: want %q, got %v", i, w, got[i])
		}
	}
}

// TestReadCorpus: a committed corpus entry is recognised by its values, whatever their type.
func TestReadCorpus(t *testing.T) {
	dir := t.TempDir()
	entry := "go test fuzz v1\n[]byte(\"module \\\"m\\\" {}\\n\\xff\")\nstring(\"k\")\nstring(\"${v}\")\n"
	if err := os.WriteFile(filepath.Join(dir, "0123"), []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "other"), []byte("not a corpus file"), 0o644); err != nil {
		t.Fatal(err)
	}
	corpus := readCorpus(t, dir)
	if !corpus[corpusKey([]any{[]byte("module \"m\" {}\n\xff"), "k", "${v}"})] {
		t.Errorf("the entry is not recognised: %v", corpus)
	}
	if corpus[corpusKey([]any{[]byte("module \"m\" {}\n\xff"), "k", "${w}"})] || len(corpus) != 1 {
		t.Errorf("want exactly the one entry, got %v", corpus)
	}
}

// TestWorkspaceInitsOncePerLayout: a fuzzing worker checks input after input in one workspace;
// while the module calls stay the same, terraform init runs once, and each check still sees
// its own files.
func TestWorkspaceInitsOncePerLayout(t *testing.T) {
	tf := Find(t)
	ws := &workspace{root: t.TempDir()}
	call := func(tags string) []Config {
		return []Config{{Name: "m", Files: map[string]string{"main.tf": "module \"m\" {\n  source = \"./x\"\n  tags   = " + tags + "\n}\n"}}}
	}
	inits := func() int {
		tf.mu.Lock()
		defer tf.mu.Unlock()
		if s := tf.spent["init"]; s != nil {
			return s.runs
		}
		return 0
	}
	steps := []struct {
		reason, tags string
		wantErrors   int
		wantInits    int
	}{
		{"the first check installs the module", `{ a = "b" }`, 0, 1},
		{"the same calls: no init, and the new error is found", `{ a = var.undeclared }`, 1, 1},
		{"a valid input again", `{}`, 0, 1},
	}
	for _, s := range steps {
		r := tf.check(t, ws, call(s.tags), Declare)[0]
		if len(r.Errors) != s.wantErrors || inits() != s.wantInits {
			t.Errorf("%s: %d errors %v, %d inits; want %d errors, %d inits", s.reason, len(r.Errors), r.Problems(), inits(), s.wantErrors, s.wantInits)
		}
	}
	other := []Config{{Name: "n", Files: map[string]string{"main.tf": "module \"n\" {\n  source = \"./x\"\n}\n"}}}
	if r := tf.check(t, ws, other, Declare)[0]; len(r.Errors) != 0 || inits() != 2 {
		t.Errorf("other module calls: want one more init and no error, got %d inits, %v", inits(), r.Problems())
	}
}

func TestConfigsKey(t *testing.T) {
	a := []Config{{Name: "x", Files: map[string]string{"a.tf": "1", "b.tf": "2"}}}
	b := []Config{{Name: "y", Files: map[string]string{"b.tf": "2", "a.tf": "1"}}}
	c := []Config{{Files: map[string]string{"a.tf": "12"}}, {Files: map[string]string{}}}
	d := []Config{{Files: map[string]string{"a.tf": "1"}}, {Files: map[string]string{"b.tf": "2"}}}
	if configsKey(a) != configsKey(b) {
		t.Error("the same files under other names or in another order must give the same key")
	}
	if configsKey(a) == configsKey(c) || configsKey(a) == configsKey(d) || configsKey(c) == configsKey(d) {
		t.Error("other files, or the same files split otherwise, must give another key")
	}
}

func TestCertainlyInvalid(t *testing.T) {
	for _, c := range []struct {
		reason string
		files  map[string]string
		want   string
	}{
		{"a module with a source and an identifier label may be valid", map[string]string{"main.tf": "module \"m\" {\n  source = \"./x\"\n}\n", "a.tf.json": `{"module": {"n": {"source": "./y"}}}`}, ""},
		{"a label that is no identifier", map[string]string{"main.tf": "module \"1m\" {\n  source = \"./x\"\n}\n"}, `main.tf: module "1m": not an identifier`},
		{"a module without source", map[string]string{"a.tf.json": `{"module": {"n": {"tags": {}}}}`}, `a.tf.json: module "n": no source`},
		{"a file that does not parse", map[string]string{"main.tf": "module {"}, "main.tf: does not parse"},
	} {
		if got := CertainlyInvalid(Config{Files: c.files}); got != c.want {
			t.Errorf("%s: got %q, want %q", c.reason, got, c.want)
		}
	}
}
