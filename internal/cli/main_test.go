package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files (and skip the tests that use them)")

var (
	pkgDir      string // this package's directory, where testdata lives
	repoRoot    string
	customStage string // the SDK example stage, built for --exec
)

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	if pkgDir, err = os.Getwd(); err != nil {
		panic(err)
	}
	repoRoot = filepath.Join(pkgDir, "..", "..")
	bin, err := os.MkdirTemp("", "stagekit-cli-test-")
	if err != nil {
		panic(err)
	}
	customStage = filepath.Join(bin, "custom-stage")
	build := exec.Command("go", "build", "-o", customStage, "./examples/custom-stage")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building examples/custom-stage: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(bin)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// stagekit runs the command in process from the repository root, as the README's commands run.
func stagekit(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	t.Chdir(repoRoot)
	var out, errb bytes.Buffer
	code := Main(args, IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: os.Getenv, NumCPU: 2})
	return result{out.String(), errb.String(), code}
}

// golden compares got with testdata/<name>; -update rewrites it and skips.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join(pkgDir, "testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skipf("updated %s", name)
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("golden file: %v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

// execCustomStage is the --exec flag that runs the SDK example as the app Promise's image.
func execCustomStage() string {
	return "--exec=registry.example.com/platform/custom-stage:v1=" + customStage
}
