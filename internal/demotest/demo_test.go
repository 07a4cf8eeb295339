// Package demotest runs `make demo`, the README's first command, so that it cannot break without
// a test failing.
package demotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMakeDemoTellsTheFleetStory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the stage binaries")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", "--no-print-directory", "demo")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "MAKEFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make demo: %v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{
		// every request of the fleet is re-run and its changes shown as a diff
		"=== default-vm-1: what the Promise upgrade changes",
		"=== default-vm-3: what the Promise upgrade changes",
		"=== team-b-shop: what the Promise upgrade changes",
		`+        "kratix.io/request-name": "vm-1",`,
		`enforced tag "managed-by" overrides the request's value: "someone-else" → "kratix"`,
		"+  replicas: 2",
		"+replicas: 2",
		// and one line sums the fleet up
		"fleet: 5 requests re-run: 5 changed, 0 unchanged, 7 files differ; 3 VMs carry the enforced tags, 2 workloads raised to 2 replicas",
		// the SDK example's pod: output tree, status and selectors
		"output/todoer.yaml",
		"message: syntasso/sample-todo:v0.1.0 deployed to dev",
		"environment: dev",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("make demo output lacks %q; output:\n%s", want, s)
		}
	}
}
