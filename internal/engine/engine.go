// Package engine runs a pipeline container with docker or podman the way Kratix runs it in a
// pod (docs/contract.md, The pod): the three /kratix volumes (input read-only), user 65532, a
// read-only root filesystem with nothing writable but /kratix/output and /kratix/metadata, no
// network, no capabilities, and exactly the environment the pod would have.
package engine

import (
	"fmt"
	"path/filepath"
	"strings"
)

// UID is the user Kratix's pipeline containers run as.
const UID = "65532:65532"

// Engine is a container engine command.
type Engine struct {
	Kind string // docker or podman
	Path string // the executable
}

// Find names an engine: "docker", "podman", or a path to an executable whose name is one of
// them (a wrapper, a test's fake). look finds a bare name on the PATH.
func Find(spec string, look func(string) (string, error)) (Engine, error) {
	kind := filepath.Base(spec)
	if kind != "docker" && kind != "podman" {
		return Engine{}, fmt.Errorf("--engine %s: want docker or podman (or a path to one)", spec)
	}
	path := spec
	if !strings.Contains(spec, "/") {
		p, err := look(spec)
		if err != nil {
			return Engine{}, fmt.Errorf("--engine %s: %s is not installed (not on the PATH)", spec, spec)
		}
		path = p
	}
	return Engine{Kind: kind, Path: path}, nil
}

// Spec is one container to run: its image, command and args, and its environment in order.
type Spec struct {
	Image         string
	Command, Args []string
	Env           [][2]string // name, value
}

// RunArgs is the argument list of `<engine> run` for a container whose kratix directory is dir
// (holding input/, output/ and metadata/).
//
// A Kubernetes command replaces the image's entrypoint and its args the image's cmd; an engine
// takes one executable for --entrypoint, so the rest of the command goes before the args, and
// setting it also drops the image's cmd, as Kubernetes does.
func (e Engine) RunArgs(dir string, c Spec) []string {
	args := []string{"run", "--rm",
		"--user", UID,
		"--read-only",
		"--network", "none",
		"--cap-drop", "ALL",
		"--security-opt", "no-new-privileges",
	}
	if e.Kind == "podman" {
		// podman mounts tmpfs on /tmp and /run of a read-only container unless told not to; a
		// pod's read-only root has no writable /tmp.
		args = append(args, "--read-only-tmpfs=false")
	}
	args = append(args,
		"-v", filepath.Join(dir, "input")+":/kratix/input:ro",
		"-v", filepath.Join(dir, "output")+":/kratix/output",
		"-v", filepath.Join(dir, "metadata")+":/kratix/metadata",
	)
	for _, kv := range c.Env {
		args = append(args, "-e", kv[0]+"="+kv[1])
	}
	rest := c.Args
	if len(c.Command) > 0 {
		args = append(args, "--entrypoint", c.Command[0])
		rest = append(append([]string(nil), c.Command[1:]...), c.Args...)
	}
	args = append(args, c.Image)
	return append(args, rest...)
}
