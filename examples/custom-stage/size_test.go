package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The SDK must stay light: no client-go, controller-runtime or Kratix module (the official Go
// SDK pulls them all in), and a stage binary built with default flags stays under 8 MB.
func TestSDKStaysSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/stagekit/stagekit/sdk/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"k8s.io/client-go", "sigs.k8s.io/controller-runtime", "github.com/syntasso/"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("the SDK depends on %s", dep)
			}
		}
	}
	bin := filepath.Join(t.TempDir(), "custom-stage")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	const limit = 8 << 20
	t.Logf("custom-stage binary: %.1f MB", float64(fi.Size())/(1<<20))
	if fi.Size() > limit {
		t.Errorf("custom-stage binary is %d bytes, over the %d-byte target", fi.Size(), limit)
	}
}
