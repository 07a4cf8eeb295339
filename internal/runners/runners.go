// Package runners decides how each container of a Promise runs on a laptop, and runs it:
//
//   - stagekit's own stage images (<registry>/stagekit/<stage>:<tag>, or any image mapped with
//     --stage IMAGE=STAGE) run in process on the pod's in-memory files: no engine, no disk;
//   - an image mapped with --exec IMAGE=PATH runs that binary on a temporary kratix directory
//     given as KRATIX_DIR, the way `kpt fn eval --exec` runs a function; --exec-dir PREFIX=DIR
//     maps every image PREFIX<name> to the binary DIR/<name> at once (the binaries
//     `go build -o DIR/ ./cmd/...` writes);
//   - any other image runs with a container engine (--engine docker|podman), as Kratix runs it;
//   - a container named with --skip is left out, and every report says so.
package runners

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stagekit/stagekit/internal/engine"
	"github.com/stagekit/stagekit/internal/pod"
	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/stages/enforcetags"
	"github.com/stagekit/stagekit/stages/labelinjector"
	"github.com/stagekit/stagekit/stages/replicamigration"
	"github.com/stagekit/stagekit/stages/secretforbidder"
	"github.com/stagekit/stagekit/stages/terraformgenerate"
)

// Executor is a stage that runs in process (an sdk.Stage).
type Executor interface {
	Execute(sdk.Invocation) sdk.Result
}

// Stages are stagekit's stages, by binary (and image) name.
var Stages = map[string]Executor{
	"label-injector":     labelinjector.Stage,
	"secret-forbidder":   secretforbidder.Stage,
	"terraform-generate": terraformgenerate.Stage,
	"enforce-tags":       enforcetags.Stage,
	"replica-migration":  replicamigration.Stage,
}

// StageNames lists Stages in order.
func StageNames() []string {
	names := make([]string, 0, len(Stages))
	for n := range Stages {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Entrypoint is the entrypoint of stagekit's stage images.
const Entrypoint = "/stage"

// Options are the command line's say on how containers run.
type Options struct {
	Stages map[string]string // image -> stage name (--stage)
	Exec   map[string]string // image -> binary (--exec)
	// ExecDirs are repository prefixes -> directories of binaries (--exec-dir): an image
	// PREFIX<name>[:tag] runs as DIR/<name>.
	ExecDirs map[string]string
	Engine   *engine.Engine  // --engine; nil: none
	Skip     map[string]bool // container names (--skip)
	// Values are the --env values, for env entries that use valueFrom.
	Values map[string]string
}

// Resolve decides how a container runs: a runner, or the reason it is skipped. An error says
// why it cannot run and which flags would make it run.
func (o Options) Resolve(c promise.Container) (pod.Runner, string, error) {
	if o.Skip[c.Name] {
		return nil, "--skip " + c.Name, nil
	}
	var problems []string
	if len(c.EnvFrom) > 0 {
		problems = append(problems, fmt.Sprintf("envFrom (%s) reads the cluster, which a local run cannot", strings.Join(c.EnvFrom, "; ")))
	}
	if len(c.VolumeMounts) > 0 {
		problems = append(problems, fmt.Sprintf("volumeMounts (%s) need volumes a local run does not have", strings.Join(c.VolumeMounts, ", ")))
	}
	for _, e := range c.Env {
		if _, given := o.Values[e.Name]; e.From != "" && !given {
			problems = append(problems, fmt.Sprintf("env %s comes from %s: give it with --env %s=VALUE", e.Name, e.From, e.Name))
		}
	}
	if len(problems) > 0 {
		return nil, "", fmt.Errorf("container %s (%s): %s; or leave it out with --skip %s", c.Name, c.Image, strings.Join(problems, "; "), c.Name)
	}
	if bin, flag, ok := o.binaryOf(c.Image); ok {
		if len(c.Command) > 0 {
			return nil, "", fmt.Errorf("container %s (%s) sets command %q, which replaces the image's entrypoint: %s runs %s with the container's args only; run the image with --engine, or --skip %s", c.Name, c.Image, c.Command, flag, bin, c.Name)
		}
		abs, err := filepath.Abs(bin)
		if err != nil {
			return nil, "", err
		}
		if fi, err := os.Stat(abs); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return nil, "", fmt.Errorf("%s: image %s runs as %s: not an executable file", flag, c.Image, bin)
		}
		return execRunner{path: abs, shown: bin}, "", nil
	}
	if name, ok := o.stageOf(c.Image); ok {
		st, known := Stages[name]
		if !known {
			return nil, "", fmt.Errorf("--stage %s=%s: no such stage (stagekit's stages: %s)", c.Image, name, strings.Join(StageNames(), ", "))
		}
		if len(c.Command) > 0 && (c.Command[0] != Entrypoint) {
			return nil, "", fmt.Errorf("container %s (%s) sets command %q: a stagekit stage image runs %s; run it with --engine, or --skip %s", c.Name, c.Image, c.Command, Entrypoint, c.Name)
		}
		return inProcess{stage: st}, "", nil
	}
	if o.Engine != nil {
		return engineRunner{e: *o.Engine}, "", nil
	}
	return nil, "", fmt.Errorf("container %s (%s) is not a stagekit stage: run it with --engine docker|podman, map the image to a binary with --exec %s=PATH (or a directory of binaries with --exec-dir PREFIX=DIR) or to a stage with --stage %s=STAGE, or leave it out with --skip %s",
		c.Name, c.Image, c.Image, c.Image, c.Name)
}

// binaryOf finds the binary an image runs as, and the flag that says so: --exec first (the
// reference, then its repository), then the longest --exec-dir prefix of its repository whose
// rest is a file name.
func (o Options) binaryOf(image string) (bin, flag string, ok bool) {
	if bin, ok := o.Exec[image]; ok {
		return bin, "--exec " + image + "=" + bin, true
	}
	repo := repository(image)
	if bin, ok := o.Exec[repo]; ok {
		return bin, "--exec " + repo + "=" + bin, true
	}
	best := ""
	for prefix := range o.ExecDirs {
		name, found := strings.CutPrefix(repo, prefix)
		if found && name != "" && !strings.Contains(name, "/") && len(prefix) >= len(best) {
			best = prefix
		}
	}
	if best == "" {
		return "", "", false
	}
	dir := o.ExecDirs[best]
	return filepath.Join(dir, strings.TrimPrefix(repo, best)), "--exec-dir " + best + "=" + dir, true
}

// stageOf finds the stage an image runs: --stage first, then stagekit's own image names.
func (o Options) stageOf(image string) (string, bool) {
	if name, ok := lookup(o.Stages, image); ok {
		return name, true
	}
	repo := repository(image)
	for name := range Stages {
		if repo == "stagekit/"+name || strings.HasSuffix(repo, "/stagekit/"+name) {
			return name, true
		}
	}
	return "", false
}

// lookup finds an image in a flag's map: the exact reference, or its repository when the flag
// gave one without a tag or digest.
func lookup(m map[string]string, image string) (string, bool) {
	if v, ok := m[image]; ok {
		return v, true
	}
	v, ok := m[repository(image)]
	return v, ok
}

// repository is an image reference without its tag or digest.
func repository(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		image = image[:i]
	}
	return image
}

// inProcess runs a stagekit stage on the pod's in-memory files.
type inProcess struct{ stage Executor }

func (inProcess) How() string { return "in process" }

func (r inProcess) Run(ctx context.Context, c pod.Container, files *fsys.MemFS, log io.Writer) (int, error) {
	args := c.Args
	if len(c.Command) > 1 {
		args = append(append([]string(nil), c.Command[1:]...), c.Args...)
	}
	env := make(map[string]string, len(c.Env))
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	res := r.stage.Execute(sdk.Invocation{Args: args, Env: sdk.MapEnv(env), FS: files, Stdout: log, Stderr: log, Ctx: ctx})
	return res.ExitCode, nil
}

// execRunner runs a binary on a temporary kratix directory.
type execRunner struct{ path, shown string }

func (r execRunner) How() string { return "exec " + r.shown }

func (r execRunner) Run(ctx context.Context, c pod.Container, files *fsys.MemFS, log io.Writer) (int, error) {
	return onDisk(files, false, log, func(dir string) (int, error) {
		cmd := exec.CommandContext(ctx, r.path, c.Args...)
		// The container's environment, where to find /kratix, and a PATH for scripts.
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "KRATIX_DIR=" + dir}
		for _, e := range c.Env {
			cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
		}
		cmd.Stdout, cmd.Stderr = log, log
		return exitCode(cmd.Run())
	})
}

// engineRunner runs an image with docker or podman.
type engineRunner struct{ e engine.Engine }

func (r engineRunner) How() string { return r.e.Kind }

func (r engineRunner) Run(ctx context.Context, c pod.Container, files *fsys.MemFS, log io.Writer) (int, error) {
	return onDisk(files, true, log, func(dir string) (int, error) {
		spec := engine.Spec{Image: c.Image, Command: c.Command, Args: c.Args}
		for _, e := range c.Env {
			spec.Env = append(spec.Env, [2]string{e.Name, e.Value})
		}
		cmd := exec.CommandContext(ctx, r.e.Path, r.e.RunArgs(dir, spec)...)
		cmd.Stdout, cmd.Stderr = log, log
		return exitCode(cmd.Run())
	})
}

// onDisk gives run a kratix directory holding the pod's files and reads back what it changed.
func onDisk(files *fsys.MemFS, shared bool, log io.Writer, run func(dir string) (int, error)) (int, error) {
	dir, err := os.MkdirTemp("", "stagekit-pod-")
	if err != nil {
		return -1, err
	}
	defer cleanUp(dir, log)
	if err := toDisk(files, dir, shared); err != nil {
		return -1, err
	}
	code, err := run(dir)
	if err != nil {
		return code, err
	}
	return code, fromDisk(dir, files)
}

// cleanUp removes a temporary kratix directory. Files a container wrote as uid 65532 may not be
// ours to remove; podman can, in its user namespace; otherwise the log says where they are.
func cleanUp(dir string, log io.Writer) {
	_ = readOnly(filepath.Join(dir, "input"), false)
	if os.RemoveAll(dir) == nil {
		return
	}
	if p, err := exec.LookPath("podman"); err == nil {
		_ = exec.Command(p, "unshare", "rm", "-rf", dir).Run()
	}
	if _, err := os.Stat(dir); err == nil {
		fmt.Fprintf(log, "stagekit: could not remove %s (files the container wrote as uid 65532); remove it with sudo rm -rf\n", dir)
	}
}

func exitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	if ee, ok := err.(*exec.ExitError); ok {
		if code := ee.ExitCode(); code >= 0 {
			return code, nil
		}
		return -1, fmt.Errorf("killed: %v", ee)
	}
	return -1, err
}
