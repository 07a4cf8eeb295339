package containertest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The stagekit command's image (Dockerfile.cli): built like the stage images, checked like them
// (numeric non-root user, entrypoint, labels, no shell), then run the way a CI job or an Indexed
// Job runs it — uid 65532, a read-only root, no network — on the examples: it must print what
// the command prints outside any container.
func TestCLIImage(t *testing.T) {
	needTools(t)
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	setup(t) // the throw-away image store and the build context under workDir
	buildContext := filepath.Join(workDir, "context-cli")
	if _, err := command(ctx, root, []string{"VERSION=" + imageVersion, "BIN_DIR=" + filepath.Join(buildContext, "bin")},
		"./scripts/build-linux.sh", arch, "stagekit"); err != nil {
		t.Fatal(err)
	}
	tag := tagPrefix + "stagekit:test"
	if _, err := command(ctx, root, nil, "podman", podmanArgs("build", "-q", "--layers=false", "--platform", "linux/"+arch,
		"-f", filepath.Join(root, "Dockerfile.cli"), "--build-arg", "BASE_IMAGE=scratch", "--build-arg", "TARGETARCH="+arch,
		"--build-arg", "VERSION="+imageVersion, "-t", tag, buildContext)...); err != nil {
		t.Fatal(err)
	}
	out, err := command(ctx, root, nil, "podman", podmanArgs("image", "inspect", "--format", "json", tag)...)
	if err != nil {
		t.Fatal(err)
	}
	var inspected []imageInspect
	if err := json.Unmarshal(out, &inspected); err != nil || len(inspected) != 1 {
		t.Fatalf("podman image inspect %s: %v", tag, err)
	}
	img := inspected[0]
	c := img.Config
	if c.User != nonRootUser || len(c.Entrypoint) != 1 || c.Entrypoint[0] != "/stagekit" || len(c.Cmd) != 0 || c.WorkingDir != "/work" {
		t.Errorf("user %q, entrypoint %q, cmd %q, workdir %q; want %s, [/stagekit], none, /work", c.User, c.Entrypoint, c.Cmd, c.WorkingDir, nonRootUser)
	}
	for _, l := range requiredLabels {
		if strings.TrimSpace(c.Labels[l]) == "" {
			t.Errorf("OCI label %s missing (labels: %v)", l, c.Labels)
		}
	}
	if img.Size > maxImageSize {
		t.Errorf("image size %d bytes, over %d", img.Size, maxImageSize)
	}
	rootfs := t.TempDir()
	entries, err := exportImage(ctx, tag, rootfs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e, "/sh") || strings.HasSuffix(e, "busybox") {
			t.Errorf("the image has a shell: %s", e)
		}
	}
	for _, d := range []string{"work/examples", "dev", "proc"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// From the example's directory, as its README and internal/cli's golden run it.
	args := []string{"fleet", "diff", "--from", "promise.yaml", "--to", "promise-v2.yaml",
		"--requests", "requests.yaml", "--skip", "terraform-apply"}
	bwrap := append([]string{
		"--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
		"--uid", "65532", "--gid", "65532",
		"--ro-bind", rootfs, "/",
		"--ro-bind", filepath.Join(root, "examples"), "/work/examples",
		"--dev", "/dev", "--proc", "/proc", "--clearenv", "--chdir", path.Join(c.WorkingDir, "examples", "vm-fleet"),
	}, append(c.Entrypoint, args...)...)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "bwrap", bwrap...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("stagekit in the image: %v\n%s", err, stderr.String())
	}
	want, err := os.ReadFile(filepath.Join(root, "internal", "cli", "testdata", "fleet-diff", "vm-v1-to-v2.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != string(want) {
		t.Errorf("stagekit fleet diff in the image differs from internal/cli's golden:\n%s", stdout.String())
	}
	version, err := exec.CommandContext(ctx, "bwrap", append(bwrap[:len(bwrap)-len(args)], "version")...).Output()
	if err != nil || strings.TrimSpace(string(version)) != "stagekit "+imageVersion {
		t.Errorf("stagekit version in the image: %q (%v), want the VERSION build arg", version, err)
	}
}
