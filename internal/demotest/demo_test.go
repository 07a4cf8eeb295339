// Package demotest runs `make demo`, the README's first command, so that it cannot break without
// a test failing: its output is pinned by a golden file, and the README shows its first screen.
package demotest

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/demo.txt and skip")

const golden = "testdata/demo.txt"

func TestMakeDemoTellsTheFleetStory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the stagekit command")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is needed to run make demo: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir() // the demo builds here, not into the checkout
	cmd := exec.Command("make", "--no-print-directory", "demo", "BIN="+bin)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "MAKEFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make demo: %v\n%s", err, out)
	}
	got := strings.ReplaceAll(string(out), bin, "bin")
	for _, want := range []string{
		"3 requests: 3 changed, 0 unchanged, 0 failed; 3 files differ", // every VM gets the enforced tags
		`+        "kratix.io/request-name": "vm-1",`,
		`-        "managed-by": "someone-else",`,                       // the enforced tag wins over the request's
		"2 requests: 2 changed, 0 unchanged, 0 failed; 4 files differ", // every app gets two replicas
		"+  replicas: 2",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("make demo output lacks %q", want)
		}
	}
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("updated " + golden)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("make demo (-%s +got):\n%s", golden, diff)
	}
}

// The README's make demo section shows the demo's first screen as it is.
func TestReadmeShowsTheDemo(t *testing.T) {
	demo, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(demo), "\n")
	screen := strings.Join(lines[:min(24, len(lines))], "")
	if !strings.Contains(string(readme), screen) {
		t.Errorf("README.md does not show the first screen of make demo (%s):\n%s", golden, screen)
	}
}
