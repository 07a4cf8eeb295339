package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// One foreign image runs through a real `podman run`, where podman can run containers. The
// exact arguments are checked on every machine by TestEngineArguments; this checks that the
// pod they describe works: the image writes output and status as uid 65532 on a read-only root.
func TestPodmanRunsAForeignImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an image")
	}
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Skip("podman is not installed: the engine's arguments are checked by TestEngineArguments with a fake podman")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "foreign")
	build := exec.Command("go", "build", "-o", bin, "./testdata/foreign")
	build.Dir = pkgDir
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the foreign stage: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "Containerfile"), []byte("FROM scratch\nCOPY foreign /foreign\nENTRYPOINT [\"/foreign\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	image := fmt.Sprintf("localhost/stagekit-cli-test/foreign:%d", os.Getpid())
	if out, err := exec.Command(podman, "build", "-q", "-t", image, dir).CombinedOutput(); err != nil {
		t.Skipf("podman cannot build images here (%v: %s): the engine's arguments are checked by TestEngineArguments", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command(podman, "image", "rm", "-f", image).Run() })
	// Can podman run anything at all here? Some sandboxes forbid what a container runtime
	// needs (here: crun cannot set RLIMIT_NOFILE); that is the machine, not stagekit.
	if out, err := exec.Command(podman, "run", "--rm", "--network", "none", image).CombinedOutput(); err != nil && !strings.Contains(string(out), "foreign:") {
		t.Skipf("`podman run` does not work on this machine, so no image can run through it: %s (exit: %v). "+
			"The exact docker/podman arguments are checked by TestEngineArguments with a fake engine.", strings.TrimSpace(string(out)), err)
	}
	promise := filepath.Join(dir, "promise.yaml")
	p, err := os.ReadFile(filepath.Join(repoRoot, "examples/custom-stage/promise.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(promise, []byte(strings.Replace(string(p), "registry.example.com/platform/custom-stage:v1", image, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	res := stagekit(t, "", "run", promise, "examples/custom-stage/request.yaml", "--engine", "podman")
	for _, want := range []string{"podman, exit 0", "foreign: wrote hello.yaml; todo", "hello.yaml (", "message: ran in an engine"} {
		if res.code != ExitOK || !strings.Contains(res.stdout, want) {
			t.Errorf("exit %d, want %q in:\n%s%s", res.code, want, res.stdout, res.stderr)
		}
	}
}
