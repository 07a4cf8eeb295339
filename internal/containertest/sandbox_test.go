package containertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/stagekit/stagekit/internal/pod"
)

// The volumes of a pipeline pod, relative to a kratix directory.
var volumes = []string{"input", "output", "metadata"}

// kv is one environment variable, in the order a container spec lists it.
type kv struct{ name, value string }

// result is what one container (or one direct run) did.
type result struct {
	code           int
	stdout, stderr string
}

// podEnv is the environment of one stage container, in the order a pod builds it: the image's
// ENV, what the kubelet sets, Kratix's variables, then the Promise's env for that container,
// whose $(VAR) references the kubelet expands from the variables before them.
func podEnv(img *stageImage, kratix, settings []kv) []string {
	var env []kv
	for _, e := range img.inspect.Config.Env {
		n, v, _ := strings.Cut(e, "=")
		env = append(env, kv{n, v})
	}
	env = append(env,
		kv{"HOSTNAME", "kratix-pipeline-pod"},
		kv{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
		kv{"KUBERNETES_SERVICE_PORT", "443"},
	)
	env = append(env, kratix...)
	for _, s := range settings {
		vars := map[string]string{}
		for _, e := range env {
			vars[e.name] = e.value
		}
		env = append(env, kv{s.name, pod.Expand(s.value, vars)})
	}
	out := make([]string, len(env))
	for i, e := range env {
		out[i] = e.name + "=" + e.value
	}
	return out
}

// addMountPoints creates, in an exported image filesystem, the directories the sandbox mounts
// over: the root is bound read-only, so bwrap cannot create them itself.
func addMountPoints(rootfs string) error {
	for _, d := range []string{"kratix/input", "kratix/output", "kratix/metadata", "dev", "proc"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// runContainer runs one container of a pipeline pod with bubblewrap: the image's filesystem as a
// read-only root, uid/gid 65532 (the image's USER), every namespace unshared (so no network), no
// capabilities, /kratix/input read-only and /kratix/output, /kratix/metadata read-write from
// kratixDir, a cleared environment holding only env, and the image's entrypoint as the command.
// override, when set, is bound over /stage (the sandbox probe).
func runContainer(ctx context.Context, img *stageImage, kratixDir string, env []string, override string) (result, error) {
	uid, gid, _ := strings.Cut(img.inspect.Config.User, ":")
	args := []string{
		"--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
		"--uid", uid, "--gid", gid,
		"--ro-bind", img.rootfs, "/",
		"--ro-bind", filepath.Join(kratixDir, "input"), "/kratix/input",
		"--bind", filepath.Join(kratixDir, "output"), "/kratix/output",
		"--bind", filepath.Join(kratixDir, "metadata"), "/kratix/metadata",
		"--dev", "/dev", "--proc", "/proc",
		"--json-status-fd", "3",
		"--clearenv",
	}
	if override != "" {
		args = append(args, "--ro-bind", override, "/stage")
	}
	for _, e := range env {
		n, v, _ := strings.Cut(e, "=")
		args = append(args, "--setenv", n, v)
	}
	wd := img.inspect.Config.WorkingDir
	if wd == "" {
		wd = "/"
	}
	args = append(args, "--chdir", wd)
	args = append(args, img.inspect.Config.Entrypoint...)
	args = append(args, img.inspect.Config.Cmd...)

	statusR, statusW, err := os.Pipe()
	if err != nil {
		return result{}, err
	}
	defer statusR.Close()
	cmd := exec.CommandContext(ctx, "bwrap", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.ExtraFiles = []*os.File{statusW}
	err = cmd.Start()
	statusW.Close()
	if err != nil {
		return result{}, err
	}
	// bwrap reports {"child-pid": N} then {"exit-code": N}: only the second tells a container
	// exit code from bwrap failing to set the sandbox up (which also exits 1).
	exitCode := -1
	sc := bufio.NewScanner(statusR)
	for sc.Scan() {
		var st struct {
			ExitCode *int `json:"exit-code"`
		}
		if json.Unmarshal(sc.Bytes(), &st) == nil && st.ExitCode != nil {
			exitCode = *st.ExitCode
		}
	}
	werr := cmd.Wait()
	r := result{code: exitCode, stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		return r, fmt.Errorf("bwrap: %v (stderr: %s)", ctx.Err(), r.stderr)
	}
	if exitCode < 0 {
		return r, fmt.Errorf("bwrap could not start the container (%v): %s", werr, strings.TrimSpace(r.stderr))
	}
	return r, nil
}

// runDirect runs the stage binary itself on kratixDir with the same environment.
func runDirect(ctx context.Context, img *stageImage, kratixDir string, env []string) (result, error) {
	cmd := exec.CommandContext(ctx, img.binary, "--kratix-dir", kratixDir)
	cmd.Env = env
	cmd.Dir = kratixDir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return r, ctx.Err()
	case errors.As(err, &ee) && ee.Exited():
		r.code = ee.ExitCode()
	case err != nil:
		return r, err
	}
	return r, nil
}

// withUmask runs f with the process umask set to mask. The stages must write 0644 files and
// 0755 directories whatever the umask; a strict one shows when they rely on it.
func withUmask(mask int, f func()) {
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	f()
}

// entry is one file of a tree, as the work-writer and status-writer would see it.
type entry struct {
	Mode string // fs.FileMode.String(): type and permissions
	Data string // regular files: the content
	Link string // symlinks: the target
}

// snapshot returns every entry under dir (dir itself excluded), by slash path.
func snapshot(dir string) (map[string]entry, error) {
	out := map[string]entry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := entry{Mode: fi.Mode().String()}
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			e.Data = string(b)
		case fi.Mode()&fs.ModeSymlink != 0:
			if e.Link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		out[filepath.ToSlash(rel)] = e
		return nil
	})
	return out, err
}

// writeTree creates dir/<name> for every file, with 0755 directories and 0644 files whatever
// the umask.
func writeTree(dir string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		for d := filepath.Dir(p); len(d) > len(dir); d = filepath.Dir(d) {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			if err := os.Chmod(d, 0o755); err != nil {
				return err
			}
		}
		if err := os.WriteFile(p, []byte(files[n]), 0o644); err != nil {
			return err
		}
		if err := os.Chmod(p, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// copyTree copies the regular files and directories of src to dst with their modes.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, b, 0o600); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: copyTree copies only files and directories", p)
		}
		return os.Chmod(target, fi.Mode().Perm())
	})
}

// runTimeout bounds one container run.
const runTimeout = 60 * time.Second
