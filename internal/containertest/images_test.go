package containertest

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The five stages, by binary name; their packages are stages/<name without dashes>/.
var stageNames = []string{"enforce-tags", "replica-migration", "terraform-generate", "secret-forbidder", "label-injector"}

const (
	arch         = "amd64"
	tagPrefix    = "localhost/stagekit-test/"
	imageVersion = "containertest"
	maxImageSize = 10_000_000 // bytes: "under 10 MB each" (docs/design.md#images)
	nonRootUser  = "65532:65532"
	requireEnv   = "STAGEKIT_CONTAINER_TEST"
)

// The OCI labels every image must carry (docs/design.md#images).
var requiredLabels = []string{
	"org.opencontainers.image.source",
	"org.opencontainers.image.version",
	"org.opencontainers.image.description",
	"org.opencontainers.image.licenses",
}

// imageInspect is the part of `podman image inspect` the test reads.
type imageInspect struct {
	ID           string `json:"Id"`
	Size         int64
	Os           string
	Architecture string
	Config       struct {
		User       string
		Entrypoint []string
		Cmd        []string
		Env        []string
		WorkingDir string
		Labels     map[string]string
	}
}

// stageImage is one built image and its exported filesystem.
type stageImage struct {
	stage   string
	tag     string
	binary  string // bin/linux_amd64/<stage>: what the direct runs execute
	rootfs  string // the exported filesystem, plus the mount points the sandbox needs
	entries []string
	inspect imageInspect
}

// built is what the one-time setup produced; shared by every subtest.
type built struct {
	root   string // the repository root
	probe  string // the sandbox probe binary (testdata/probe)
	images map[string]*stageImage
}

var (
	setupOnce sync.Once
	setupRes  *built
	setupErr  error
	workDir   string   // temporary, removed by TestMain
	storeArgs []string // podman's global flags selecting the throw-away store under workDir
)

// podmanArgs prefixes a podman command line with the throw-away store: images, layers and
// containers of the test never reach the machine's store, and go away with workDir.
func podmanArgs(args ...string) []string {
	return append(append([]string(nil), storeArgs...), args...)
}

// useThrowAwayStore points every podman call at a store under dir. vfs needs no mounts (so
// nothing is left mounted if the test is killed) and is fast enough for five 5 MB images.
func useThrowAwayStore(dir string) {
	storeArgs = []string{
		"--root", filepath.Join(dir, "storage"),
		"--runroot", filepath.Join(dir, "run"),
		"--tmpdir", filepath.Join(dir, "tmp"),
		"--storage-driver", "vfs",
		"--events-backend", "none",
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if workDir != "" {
		if storeArgs != nil {
			// Through podman first: under rootless podman the layers belong to sub-uids that
			// os.RemoveAll cannot delete.
			_ = exec.Command("podman", podmanArgs("rmi", "--all", "--force")...).Run()
		}
		if err := os.RemoveAll(workDir); err != nil {
			fmt.Fprintf(os.Stderr, "containertest: removing %s: %v\n", workDir, err)
		}
	}
	os.Exit(code)
}

func required() bool { return os.Getenv(requireEnv) == "require" }

// skipOrFail skips the test, or fails it when CI requires the container test to run.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if required() {
		t.Fatalf("%s=require: %s", requireEnv, msg)
	}
	t.Skipf("%s (set %s=require to make this a failure)", msg, requireEnv)
}

// needTools skips (or fails, when required) unless the machine can run the container test.
func needTools(t *testing.T) {
	t.Helper()
	if testing.Short() && !required() {
		t.Skip("container test skipped under -short")
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != arch {
		skipOrFail(t, "the container test runs linux/%s images and needs a linux/%s host, not %s/%s", arch, arch, runtime.GOOS, runtime.GOARCH)
	}
	var missing []string
	for _, tool := range []string{"podman", "bwrap"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		skipOrFail(t, "%s not installed (Debian packages podman, bubblewrap)", strings.Join(missing, " and "))
	}
}

// setup builds the binaries, the probe and the five images once, and exports each image.
func setup(t *testing.T) *built {
	t.Helper()
	setupOnce.Do(func() {
		start := time.Now()
		setupRes, setupErr = doSetup()
		if setupErr == nil {
			t.Logf("built 5 binaries and 5 images in %v", time.Since(start).Round(time.Millisecond))
		}
	})
	if setupErr != nil {
		t.Fatalf("setup: %v", setupErr)
	}
	return setupRes
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/stagekit/stagekit\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root (go.mod of github.com/stagekit/stagekit) not found above the package directory")
		}
		dir = parent
	}
}

// command runs name args in dir and returns its stdout; the error carries stderr.
func command(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

func doSetup() (*built, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	if workDir, err = os.MkdirTemp("", "stagekit-containertest-"); err != nil {
		return nil, err
	}
	b := &built{root: root, images: map[string]*stageImage{}}
	useThrowAwayStore(filepath.Join(workDir, "podman"))

	// The static binaries the images carry and the direct runs execute, built the way
	// `make images` builds them but into the image build context under workDir, not bin/.
	buildContext := filepath.Join(workDir, "context")
	if _, err := command(ctx, root, []string{"BIN_DIR=" + filepath.Join(buildContext, "bin")},
		"./scripts/build-linux.sh", arch, strings.Join(stageNames, " ")); err != nil {
		return nil, err
	}
	// The sandbox probe: a static binary that runs in place of a stage and reports the sandbox.
	b.probe = filepath.Join(workDir, "probe")
	pkgDir, _ := os.Getwd()
	if _, err := command(ctx, pkgDir, []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + arch},
		"go", "build", "-trimpath", "-o", b.probe, "./testdata/probe"); err != nil {
		return nil, err
	}

	for _, s := range stageNames {
		img := &stageImage{stage: s, tag: tagPrefix + s + ":test", binary: filepath.Join(buildContext, "bin", "linux_"+arch, s)}
		// --layers=false: no layer cache (podman 4.3 / buildah 1.28 reuses a cached LABEL layer
		// when only a build arg's value changed, so the version label would be a previous
		// build's) and no intermediate images.
		if _, err := command(ctx, root, nil, "podman", podmanArgs("build", "-q", "--layers=false", "--platform", "linux/"+arch,
			"-f", filepath.Join(root, "Dockerfile.stage"), "--build-arg", "STAGE="+s, "--build-arg", "BASE_IMAGE=scratch",
			"--build-arg", "TARGETARCH="+arch, "--build-arg", "VERSION="+imageVersion, "-t", img.tag, buildContext)...); err != nil {
			return nil, err
		}
		out, err := command(ctx, root, nil, "podman", podmanArgs("image", "inspect", "--format", "json", img.tag)...)
		if err != nil {
			return nil, err
		}
		var inspected []imageInspect
		if err := json.Unmarshal(out, &inspected); err != nil || len(inspected) != 1 {
			return nil, fmt.Errorf("podman image inspect %s: %d results, %v", img.tag, len(inspected), err)
		}
		img.inspect = inspected[0]
		img.rootfs = filepath.Join(workDir, "rootfs-"+s)
		if img.entries, err = exportImage(ctx, img.tag, img.rootfs); err != nil {
			return nil, err
		}
		if err := addMountPoints(img.rootfs); err != nil {
			return nil, err
		}
		b.images[s] = img
	}
	return b, nil
}

// exportImage writes the filesystem of a container created from tag into dir and returns the
// archive's entry names (cleaned, absolute).
func exportImage(ctx context.Context, tag, dir string) ([]string, error) {
	out, err := command(ctx, "", nil, "podman", podmanArgs("create", tag)...)
	if err != nil {
		return nil, err
	}
	cid := strings.TrimSpace(string(out))
	defer exec.Command("podman", podmanArgs("rm", "-f", cid)...).Run() //nolint:errcheck

	cmd := exec.CommandContext(ctx, "podman", podmanArgs("export", cid)...)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	entries, terr := untar(pipe, dir)
	_, _ = io.Copy(io.Discard, pipe)
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("podman export %s: %v\n%s", tag, err, stderr.String())
	}
	if terr != nil {
		return nil, fmt.Errorf("podman export %s: %v", tag, terr)
	}
	return entries, nil
}

func untar(r io.Reader, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var entries []string
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return nil, err
		}
		name := path.Clean("/" + h.Name)
		if name == "/" {
			continue
		}
		entries = append(entries, name)
		dst := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return nil, err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return nil, err
			}
			f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
			if err != nil {
				return nil, err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Chmod(dst, h.FileInfo().Mode().Perm())
			}
			if err != nil {
				return nil, err
			}
		case tar.TypeSymlink:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return nil, err
			}
			if err := os.Symlink(h.Linkname, dst); err != nil {
				return nil, err
			}
		default:
			// Hard links, devices...: a scratch image has none; the entry is still listed.
		}
	}
}

// checkImage asserts what docs/design.md#images asks of an image, and that /stage is the binary the direct
// runs execute.
func checkImage(t *testing.T, img *stageImage) {
	c := img.inspect.Config
	t.Logf("%s: %d bytes (%.2f MB), user %s, entrypoint %q, files %v", img.tag, img.inspect.Size, float64(img.inspect.Size)/1e6, c.User, c.Entrypoint, img.entries)
	if img.inspect.Size > maxImageSize {
		t.Errorf("image size %d bytes, over the %d-byte target", img.inspect.Size, maxImageSize)
	}
	if img.inspect.Size <= 0 {
		t.Errorf("podman reported no image size (%d)", img.inspect.Size)
	}
	if c.User != nonRootUser {
		t.Errorf("config user %q, want the numeric non-root %q", c.User, nonRootUser)
	}
	if len(c.Entrypoint) != 1 || c.Entrypoint[0] != "/stage" || len(c.Cmd) != 0 {
		t.Errorf("entrypoint %q cmd %q, want entrypoint [/stage] and no cmd", c.Entrypoint, c.Cmd)
	}
	if img.inspect.Os != "linux" || img.inspect.Architecture != arch {
		t.Errorf("platform %s/%s, want linux/%s", img.inspect.Os, img.inspect.Architecture, arch)
	}
	for _, l := range requiredLabels {
		if strings.TrimSpace(c.Labels[l]) == "" {
			t.Errorf("OCI label %s missing or empty (labels: %v)", l, c.Labels)
		}
	}
	if got := c.Labels["org.opencontainers.image.version"]; got != imageVersion {
		t.Errorf("org.opencontainers.image.version = %q, want the VERSION build arg %q", got, imageVersion)
	}
	if got := c.Labels["org.opencontainers.image.source"]; got != "https://github.com/stagekit/stagekit" {
		t.Errorf("org.opencontainers.image.source = %q", got)
	}
	if got := c.Labels["org.opencontainers.image.title"]; got != img.stage {
		t.Errorf("org.opencontainers.image.title = %q, want %q", got, img.stage)
	}
	for _, e := range img.entries {
		for _, sh := range []string{"/bin/sh", "/bin/bash", "/busybox", "/bin/busybox", "/bin/ash", "/bin/dash"} {
			if e == sh {
				t.Errorf("the image has a shell: %s", e)
			}
		}
	}
	for _, sh := range []string{"/bin/sh", "/bin/bash", "/busybox"} {
		if _, err := os.Lstat(filepath.Join(img.rootfs, sh)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the image has a shell: %s (%v)", sh, err)
		}
	}

	inImage, err := os.ReadFile(filepath.Join(img.rootfs, "stage"))
	if err != nil {
		t.Fatalf("the entrypoint /stage is not a regular file in the image: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(img.rootfs, "stage")); err == nil && fi.Mode().Perm()&0o001 == 0 {
		t.Errorf("/stage mode %v: not executable by uid 65532", fi.Mode())
	}
	onDisk, err := os.ReadFile(img.binary)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(inImage, onDisk) {
		t.Errorf("/stage (%d bytes) differs from %s (%d bytes): the image does not carry the binary the direct runs execute", len(inImage), img.binary, len(onDisk))
	}
	f, err := elf.NewFile(bytes.NewReader(inImage))
	if err != nil {
		t.Fatalf("/stage is not an ELF binary: %v", err)
	}
	if f.Machine != elf.EM_X86_64 {
		t.Errorf("/stage machine %v, want x86-64", f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("/stage is dynamically linked (has an ELF interpreter): a scratch image cannot run it")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("/stage needs shared libraries %v", libs)
	}
}
