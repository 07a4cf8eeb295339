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
	pkgDir   string // this package's directory, where testdata lives
	repoRoot string
	// exampleBin holds the examples' own stages, built: custom-stage (the SDK example) and each
	// story's cmd/<binary>, as `go build -o bin/ ./cmd/...` builds them.
	exampleBin  string
	customStage string // the SDK example stage, built for --exec
)

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	if pkgDir, err = os.Getwd(); err != nil {
		panic(err)
	}
	repoRoot = filepath.Join(pkgDir, "..", "..")
	if exampleBin, err = os.MkdirTemp("", "stagekit-cli-test-"); err != nil {
		panic(err)
	}
	customStage = filepath.Join(exampleBin, "custom-stage")
	build := exec.Command("go", "build", "-o", exampleBin+string(filepath.Separator), "./examples/custom-stage", "./examples/.../cmd/...")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the examples' stages: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(exampleBin)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// stagekit runs the command in process from the repository root, as the README's commands run.
func stagekit(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return stagekitIn(t, "", stdin, args...)
}

// stagekitIn runs the command in process from dir, relative to the repository root (an
// example's directory, as its README runs it).
func stagekitIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	t.Chdir(filepath.Join(repoRoot, dir))
	var out, errb bytes.Buffer
	code := Main(args, IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: os.Getenv, NumCPU: 2})
	return result{out.String(), errb.String(), code}
}

// A README builds the examples' stages into bin (go build -o bin/ ./cmd/...) and names them
// there: --exec IMAGE=bin/<binary>, --exec-dir PREFIX=bin. The tests build them into
// exampleBin; withBin and shownAsBin translate between the two.
func withBin(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.HasSuffix(a, "=bin") || strings.Contains(a, "=bin/") {
			a = strings.Replace(a, "=bin", "="+exampleBin, 1)
		}
		out[i] = a
	}
	return out
}

func shownAsBin(s string) string { return strings.ReplaceAll(s, exampleBin, "bin") }

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
