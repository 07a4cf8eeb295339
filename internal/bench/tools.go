package bench

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// YQVersion is the yq the shell baselines are measured with (mikefarah/yq, installed by
// scripts/bench.sh with `go install github.com/mikefarah/yq/v4@v4.45.1` into .cache/bin).
const YQVersion = "v4.45.1"

// Stages are the five stage binaries `make build` writes to bin/, in chain order: generate,
// tag, raise replicas, label, then forbid Secrets last.
var Stages = []string{"terraform-generate", "enforce-tags", "replica-migration", "label-injector", "secret-forbidder"}

// RepoRoot finds the directory holding this module's go.mod, upward from dir.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/stagekit/stagekit\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no stagekit go.mod above %s", dir)
		}
	}
}

// Tools are the absolute paths of everything a run executes.
type Tools struct {
	Bin      map[string]string // stage name -> binary
	Peer     map[string]string // peer program name (Peers) -> binary, from BuildPeers
	Stagekit string            // the stagekit command
	YQ, JQ   string
	Sh       string
	Cp       string
	True     string
}

// FindTools locates the stage binaries in binDir and the baselines' tools. yq must be
// mikefarah's YQVersion: yqPath if given, else <root>/.cache/bin/yq, else yq on PATH; any other
// yq (Debian's python yq is a different tool) is refused.
func FindTools(binDir, yqPath, root string) (Tools, error) {
	t := Tools{Bin: map[string]string{}}
	var errs []error
	for _, s := range Stages {
		p, err := filepath.Abs(filepath.Join(binDir, s))
		if err == nil {
			_, err = os.Stat(p)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("stage binary %s: %v (run `make build`)", s, err))
			continue
		}
		t.Bin[s] = p
	}
	if p, err := filepath.Abs(filepath.Join(binDir, "stagekit")); err == nil {
		if _, err = os.Stat(p); err == nil {
			t.Stagekit = p
		} else {
			errs = append(errs, fmt.Errorf("the stagekit command: %v (run `make build`)", err))
		}
	}
	var candidates []string
	if yqPath != "" {
		candidates = []string{yqPath}
	} else {
		if root != "" {
			candidates = append(candidates, filepath.Join(root, ".cache", "bin", "yq"))
		}
		if p, err := exec.LookPath("yq"); err == nil {
			candidates = append(candidates, p)
		}
	}
	var seen []string
	for _, c := range candidates {
		abs, err := filepath.Abs(c)
		if err != nil {
			continue
		}
		out, err := exec.Command(abs, "--version").CombinedOutput()
		v := strings.TrimSpace(string(out))
		if err == nil && strings.Contains(v, "mikefarah") && strings.Contains(v, "version "+YQVersion) {
			t.YQ = abs
			break
		}
		seen = append(seen, fmt.Sprintf("%s (%s)", abs, firstLine(v, err)))
	}
	if t.YQ == "" {
		errs = append(errs, fmt.Errorf("mikefarah yq %s not found (tried %s): run scripts/bench.sh, or `GOBIN=$PWD/.cache/bin go install github.com/mikefarah/yq/v4@%s`",
			YQVersion, orNone(seen), YQVersion))
	}
	for _, tool := range []struct {
		name string
		dst  *string
	}{{"jq", &t.JQ}, {"sh", &t.Sh}, {"cp", &t.Cp}, {"true", &t.True}} {
		p, err := exec.LookPath(tool.name)
		if err == nil {
			p, err = filepath.Abs(p)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s not found on PATH (scripts/bench.sh installs jq)", tool.name))
			continue
		}
		*tool.dst = p
	}
	return t, errors.Join(errs...)
}

// Version is the first line of `tool --version`.
func Version(tool string) string {
	out, err := exec.Command(tool, "--version").CombinedOutput()
	return firstLine(strings.TrimSpace(string(out)), err)
}

func firstLine(s string, err error) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" && err != nil {
		return err.Error()
	}
	return s
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}
