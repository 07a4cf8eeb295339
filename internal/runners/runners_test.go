package runners

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/engine"
	"github.com/stagekit/stagekit/internal/pod"
	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/sdk/fsys"
)

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "stage")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	docker := &engine.Engine{Kind: "docker", Path: "/usr/bin/docker"}
	for _, tc := range []struct {
		reason  string
		opts    Options
		c       promise.Container
		how     string // "" with skip or wantErr
		skip    string
		wantErr string
	}{
		{"a stagekit image runs in process, whatever its registry and tag", Options{},
			promise.Container{Name: "t", Image: "registry.local:5000/mirror/stagekit/enforce-tags:v9"}, "in process", "", ""},
		{"a digest works too", Options{}, promise.Container{Name: "t", Image: "ghcr.io/stagekit/label-injector@sha256:abc"}, "in process", "", ""},
		{"--stage maps any image to a stage", Options{Stages: map[string]string{"acme/tags": "enforce-tags"}},
			promise.Container{Name: "t", Image: "acme/tags:1.0"}, "in process", "", ""},
		{"--stage names a stage that exists", Options{Stages: map[string]string{"acme/tags:1.0": "tagger"}},
			promise.Container{Name: "t", Image: "acme/tags:1.0"}, "", "", "no such stage"},
		{"the stage image's own entrypoint as command is fine", Options{},
			promise.Container{Name: "t", Image: "ghcr.io/stagekit/enforce-tags:v1", Command: []string{"/stage"}}, "in process", "", ""},
		{"another command cannot run in process", Options{},
			promise.Container{Name: "t", Image: "ghcr.io/stagekit/enforce-tags:v1", Command: []string{"/bin/sh", "-c", "x"}}, "", "", "sets command"},
		{"--exec runs a binary", Options{Exec: map[string]string{"acme/stage:1": bin}},
			promise.Container{Name: "t", Image: "acme/stage:1"}, "exec " + bin, "", ""},
		{"--exec wins over a stagekit image name", Options{Exec: map[string]string{"ghcr.io/stagekit/enforce-tags": bin}},
			promise.Container{Name: "t", Image: "ghcr.io/stagekit/enforce-tags:v1"}, "exec " + bin, "", ""},
		{"--exec needs an executable", Options{Exec: map[string]string{"acme/stage:1": filepath.Dir(bin)}},
			promise.Container{Name: "t", Image: "acme/stage:1"}, "", "", "not an executable file"},
		{"--exec-dir runs an image PREFIX<name> as DIR/<name>, whatever its tag", Options{ExecDirs: map[string]string{"ghcr.io/acme/examples-": dir}},
			promise.Container{Name: "t", Image: "ghcr.io/acme/examples-stage:v0.2.0"}, "exec " + bin, "", ""},
		{"--exec-dir: the longest prefix wins", Options{ExecDirs: map[string]string{"ghcr.io/acme/": "/nowhere", "ghcr.io/acme/examples-": dir}},
			promise.Container{Name: "t", Image: "ghcr.io/acme/examples-stage@sha256:abc"}, "exec " + bin, "", ""},
		{"--exec wins over --exec-dir", Options{Exec: map[string]string{"ghcr.io/acme/examples-stage": bin}, ExecDirs: map[string]string{"ghcr.io/acme/examples-": "/nowhere"}},
			promise.Container{Name: "t", Image: "ghcr.io/acme/examples-stage:v1"}, "exec " + bin, "", ""},
		{"--exec-dir wins over a stagekit image name, as --exec does", Options{ExecDirs: map[string]string{"ghcr.io/stagekit/": dir}},
			promise.Container{Name: "t", Image: "ghcr.io/stagekit/stage:v1"}, "exec " + bin, "", ""},
		{"--exec-dir maps a name, not a path below the prefix", Options{ExecDirs: map[string]string{"ghcr.io/": dir}},
			promise.Container{Name: "t", Image: "ghcr.io/stagekit/enforce-tags:v1"}, "in process", "", ""},
		{"--exec-dir needs the binary, and says which flag wanted it", Options{ExecDirs: map[string]string{"ghcr.io/acme/examples-": dir}},
			promise.Container{Name: "t", Image: "ghcr.io/acme/examples-missing:v1"}, "", "",
			"--exec-dir ghcr.io/acme/examples-=" + dir + ": image ghcr.io/acme/examples-missing:v1 runs as " + filepath.Join(dir, "missing") + ": not an executable file"},
		{"--exec-dir keeps a container's command out, as --exec does", Options{ExecDirs: map[string]string{"ghcr.io/acme/examples-": dir}},
			promise.Container{Name: "t", Image: "ghcr.io/acme/examples-stage:v1", Command: []string{"/bin/sh"}}, "", "", "--exec-dir ghcr.io/acme/examples-=" + dir + " runs " + bin},
		{"any other image runs with the engine", Options{Engine: docker}, promise.Container{Name: "t", Image: "busybox"}, "docker", "", ""},
		{"without one it cannot run, and the error says which flags would", Options{}, promise.Container{Name: "apply", Image: "hashicorp/terraform:1.8.3"},
			"", "", "--engine docker|podman, map the image to a binary with --exec hashicorp/terraform:1.8.3=PATH (or a directory of binaries with --exec-dir PREFIX=DIR) or to a stage with --stage hashicorp/terraform:1.8.3=STAGE, or leave it out with --skip apply"},
		{"--skip leaves any container out", Options{Skip: map[string]bool{"apply": true}},
			promise.Container{Name: "apply", Image: "hashicorp/terraform:1.8.3", EnvFrom: []string{"secretRef aws"}}, "", "--skip apply", ""},
		{"envFrom reads the cluster", Options{Engine: docker}, promise.Container{Name: "t", Image: "busybox", EnvFrom: []string{"secretRef aws"}}, "", "", "envFrom (secretRef aws)"},
		{"volume mounts need volumes", Options{}, promise.Container{Name: "t", Image: "ghcr.io/stagekit/enforce-tags:v1", VolumeMounts: []string{"/config"}}, "", "", "volumeMounts (/config)"},
		{"valueFrom needs --env", Options{}, promise.Container{Name: "t", Image: "ghcr.io/stagekit/enforce-tags:v1",
			Env: []promise.EnvVar{{Name: "TOKEN", From: "secretKeyRef s/k"}}}, "", "", "give it with --env TOKEN=VALUE"},
		{"valueFrom with --env", Options{Values: map[string]string{"TOKEN": "x"}}, promise.Container{Name: "t", Image: "ghcr.io/stagekit/enforce-tags:v1",
			Env: []promise.EnvVar{{Name: "TOKEN", From: "secretKeyRef s/k"}}}, "in process", "", ""},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			r, skip, err := tc.opts.Resolve(tc.c)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Resolve = %v, want an error containing %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case tc.skip != "":
				if r != nil || skip != tc.skip {
					t.Errorf("Resolve = %v, %q; want skipped %q", r, skip, tc.skip)
				}
			default:
				if r == nil || r.How() != tc.how {
					t.Errorf("Resolve = %v; want %q", r, tc.how)
				}
			}
		})
	}
}

func TestFindEngine(t *testing.T) {
	look := func(name string) (string, error) { return "/opt/bin/" + name, nil }
	for spec, want := range map[string]string{"docker": "docker /opt/bin/docker", "podman": "podman /opt/bin/podman", "/tmp/x/podman": "podman /tmp/x/podman"} {
		e, err := engine.Find(spec, look)
		if err != nil || e.Kind+" "+e.Path != want {
			t.Errorf("Find(%q) = %v, %v; want %s", spec, e, err, want)
		}
	}
	if _, err := engine.Find("nerdctl", look); err == nil {
		t.Errorf("Find(nerdctl): want an error")
	}
}

// A variable set to the empty string reaches the binary set, not unset: in a promise workflow
// KRATIX_OBJECT_NAMESPACE is "" and $(KRATIX_OBJECT_NAMESPACE) must expand to "", as in a pod.
func TestExecKeepsEmptyVariablesSet(t *testing.T) {
	script := filepath.Join(t.TempDir(), "stage")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"namespace ${KRATIX_OBJECT_NAMESPACE-unset}|${UNSET_VARIABLE-unset}\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := fsys.NewMem()
	for _, d := range []string{"input", "output", "metadata"} {
		if err := files.MkdirAll(d); err != nil {
			t.Fatal(err)
		}
	}
	var log strings.Builder
	code, err := execRunner{path: script, shown: script}.Run(context.Background(),
		pod.Container{Name: "t", Env: []pod.EnvVar{{Name: "KRATIX_OBJECT_NAMESPACE", Value: ""}}}, files, &log)
	if err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s", code, err, log.String())
	}
	if got, want := log.String(), "namespace |unset\n"; got != want {
		t.Errorf("the binary saw %q, want %q", got, want)
	}
}
