package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/readmetest"
)

// Every example Promise runs with every request file of its example; the runs a story's
// README shows are pinned by goldens, from the example's directory.
func TestRunEveryExample(t *testing.T) {
	const execDir, examples = "--exec-dir", "ghcr.io/stagekit/examples-=bin"
	for _, tc := range []struct {
		name     string
		args     []string
		requests int    // requests run (each ends with a result line)
		golden   bool   // short enough to pin whole
		dir      string // where it runs, and whose README.md shows it; "": the repository root
	}{
		{"vm-v1", []string{"examples/vm-fleet/promise.yaml", "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply"}, 3, true, ""},
		{"vm-v2", []string{"examples/vm-fleet/promise-v2.yaml", "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply"}, 3, true, ""},
		{"vm-v1-fleet", []string{"examples/vm-fleet/promise.yaml", "examples/vm-fleet/requests-fleet.yaml", "--skip", "terraform-apply"}, 20, false, ""},
		{"vm-v2-fleet", []string{"examples/vm-fleet/promise-v2.yaml", "examples/vm-fleet/requests-fleet.yaml", "--skip", "terraform-apply"}, 20, false, ""},
		{"vm-wave-1-fleet", []string{"examples/vm-fleet/waves/wave-1.yaml", "examples/vm-fleet/requests-fleet.yaml", "--skip", "terraform-apply"}, 20, false, ""},
		{"vm-wave-2-fleet", []string{"examples/vm-fleet/waves/wave-2.yaml", "examples/vm-fleet/requests-fleet.yaml", "--skip", "terraform-apply"}, 20, false, ""},
		{"app-v1", []string{"examples/app-replicas/promise.yaml", "examples/app-replicas/request.yaml", execCustomStage()}, 1, true, ""},
		{"app-v1-requests", []string{"examples/app-replicas/promise.yaml", "examples/app-replicas/requests.yaml", execCustomStage()}, 2, false, ""},
		{"app-v2", []string{"examples/app-replicas/promise-v2.yaml", "examples/app-replicas/request.yaml", execCustomStage()}, 1, true, ""},
		{"app-v2-requests", []string{"examples/app-replicas/promise-v2.yaml", "examples/app-replicas/requests.yaml", execCustomStage()}, 2, false, ""},
		{"custom-stage", []string{"examples/custom-stage/promise.yaml", "examples/custom-stage/request.yaml",
			"--exec", "registry.example.com/platform/custom-stage:v1=" + customStage}, 1, true, ""},
		{"custom-stage-testdata", []string{"examples/custom-stage/promise.yaml", "examples/custom-stage/testdata/request.yaml",
			"--exec", "registry.example.com/platform/custom-stage:v1=" + customStage}, 1, false, ""},
		{"mongodb-v1", []string{"examples/mongodb-fleet/promise.yaml", "examples/mongodb-fleet/requests.yaml", execDir, examples}, 3, false, ""},
		{"mongodb-v2", []string{"examples/mongodb-fleet/promise-v2.yaml", "examples/mongodb-fleet/requests.yaml", execDir, examples}, 3, false, ""},
		{"helm-service-v1", []string{"examples/helm-service/promise.yaml", "examples/helm-service/requests.yaml", execDir, examples}, 3, false, ""},
		{"helm-service-v2", []string{"examples/helm-service/promise-v2.yaml", "examples/helm-service/requests.yaml", execDir, examples}, 3, false, ""},
		// The story's lesson: v2's own workflow ships the operator and its CRDs, once.
		{"helm-service-v2-promise-configure", []string{"promise-v2.yaml", "--workflow", "promise.configure", execDir, examples}, 1, true, "examples/helm-service"},
		// The compound Promise: the sub-requests go to the platform/ directory's destinations.
		{"platform-orchestrator-v1", []string{"promise.yaml", "request.yaml", execDir, examples}, 1, true, "examples/platform-orchestrator"},
		{"platform-orchestrator-v1-requests", []string{"examples/platform-orchestrator/promise.yaml", "examples/platform-orchestrator/requests.yaml", execDir, examples}, 3, false, ""},
		{"platform-orchestrator-v2-requests", []string{"examples/platform-orchestrator/promise-v2.yaml", "examples/platform-orchestrator/requests.yaml", execDir, examples}, 3, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := stagekitIn(t, tc.dir, "", append([]string{"run"}, withBin(tc.args)...)...)
			if res.code != ExitOK || res.stderr != "" {
				t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
			}
			if got := strings.Count(res.stdout, "\nresult: 1 pipeline ran\n"); got != tc.requests {
				t.Errorf("%d requests ran their pipeline, want %d:\n%s", got, tc.requests, res.stdout)
			}
			if !tc.golden {
				return
			}
			out := shownAsBin(strings.ReplaceAll(res.stdout, customStage, "$CUSTOM_STAGE"))
			name := filepath.Join("run", tc.name+".txt")
			golden(t, name, out)
			if tc.dir != "" {
				readme := filepath.Join(repoRoot, tc.dir, "README.md")
				readmetest.Shows(t, readme, "internal/cli/testdata/"+filepath.ToSlash(name), out)
				data, err := os.ReadFile(readme)
				if err != nil {
					t.Fatal(err)
				}
				if cmd := "stagekit run " + strings.Join(tc.args, " ") + "\n"; !strings.Contains(string(data), cmd) {
					t.Errorf("%s does not show the command %q", readme, cmd)
				}
			}
		})
	}
}

// A promise workflow runs with KRATIX_OBJECT_NAMESPACE set and empty, as Kratix sets it: a
// stage defaulting a setting to $(KRATIX_OBJECT_NAMESPACE) gets "", not the reference. The
// helm-service Promise without its namespacer's NAMESPACE shows it.
func TestPromiseWorkflowsHaveAnEmptyObjectNamespace(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "examples", "helm-service", "promise-v2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	namespace := "                  - name: NAMESPACE\n                    value: cnpg-system\n"
	if !strings.Contains(string(data), namespace) {
		t.Fatalf("examples/helm-service/promise-v2.yaml no longer sets the namespacer's NAMESPACE as this test expects")
	}
	promise := filepath.Join(t.TempDir(), "promise.yaml")
	if err := os.WriteFile(promise, []byte(strings.Replace(string(data), namespace, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	res := stagekit(t, "", "run", promise, "--workflow", "promise.configure", "--exec-dir", "ghcr.io/stagekit/examples-="+exampleBin)
	want := `ERROR namespacer: NAMESPACE (--namespace): "" is not a namespace name`
	if res.code != ExitChanged || !strings.Contains(res.stdout, want) {
		t.Errorf("exit %d, want 1 and %q:\n%s%s", res.code, want, res.stdout, res.stderr)
	}
}

// fakeEngine writes an engine command that records its arguments (one per line) and, like the
// policy Promise's helm render, writes a manifest into the /kratix/output it was given.
func fakeEngine(t *testing.T, kind string) (path, argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	script := `#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done > '` + argsFile + `'
out=
while [ $# -gt 0 ]; do
  case "$1" in -v) case "$2" in *:/kratix/output) out=${2%:/kratix/output};; esac;; esac
  shift
done
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ingress-nginx\n' > "$out/ingress-nginx.yaml"
echo "rendered ingress-nginx"
`
	path = filepath.Join(dir, kind)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, argsFile
}

// A foreign image runs through the engine exactly as Kratix runs a pipeline container: the
// three /kratix mounts (input read-only), uid 65532, read-only root, no network, no
// capabilities, the pod's environment, command and args as Kubernetes combines them.
func TestEngineArguments(t *testing.T) {
	for _, kind := range []string{"docker", "podman"} {
		t.Run(kind, func(t *testing.T) {
			engine, argsFile := fakeEngine(t, kind)
			res := stagekit(t, "", "run", "examples/policy/promise.yaml", "--workflow", "promise.configure", "--engine", engine)
			if res.code != ExitOK {
				t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
			}
			data, err := os.ReadFile(argsFile)
			if err != nil {
				t.Fatal(err)
			}
			dir := regexp.MustCompile(`(?m)^(/.*)/input:/kratix/input:ro$`).FindStringSubmatch(string(data))
			if dir == nil {
				t.Fatalf("no read-only input mount in:\n%s", data)
			}
			got := strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(data), dir[1], "$DIR"), "\n"), "\n")
			want := []string{"run", "--rm", "--user", "65532:65532", "--read-only", "--network", "none",
				"--cap-drop", "ALL", "--security-opt", "no-new-privileges"}
			if kind == "podman" {
				want = append(want, "--read-only-tmpfs=false")
			}
			want = append(want,
				"-v", "$DIR/input:/kratix/input:ro", "-v", "$DIR/output:/kratix/output", "-v", "$DIR/metadata:/kratix/metadata",
				"-e", "KRATIX_WORKFLOW_ACTION=configure", "-e", "KRATIX_WORKFLOW_TYPE=promise", "-e", "KRATIX_PROMISE_NAME=ingress",
				"-e", "KRATIX_PIPELINE_NAME=install-dependencies", "-e", "KRATIX_OBJECT_KIND=Promise",
				"-e", "KRATIX_OBJECT_GROUP=platform.kratix.io", "-e", "KRATIX_OBJECT_VERSION=v1alpha1",
				"-e", "KRATIX_OBJECT_NAME=ingress", "-e", "KRATIX_OBJECT_NAMESPACE=", "-e", "KRATIX_CRD_PLURAL=promises",
				"-e", "KRATIX_CLUSTER_SCOPED=true",
				"--entrypoint", "/bin/sh", "alpine/helm:3.14.4", "-c",
				"helm template ingress-nginx /charts/ingress-nginx --namespace ingress-nginx > /kratix/output/ingress-nginx.yaml")
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s run arguments:\n got %q\nwant %q", kind, got, want)
			}
			// The stages after it, in process, saw what the engine wrote.
			for _, line := range []string{
				"alpine/helm:3.14.4                        " + kind + ", exit 0",
				"rendered ingress-nginx",
				"INFO label-injector: done:",
				"ingress-nginx.yaml (",
			} {
				if !strings.Contains(res.stdout, line) {
					t.Errorf("the run lacks %q:\n%s", line, res.stdout)
				}
			}
			if _, err := os.Stat(dir[1]); !os.IsNotExist(err) {
				t.Errorf("the temporary kratix directory %s is left behind (%v)", dir[1], err)
			}
		})
	}
}

func TestCannotRunWithoutAnEngine(t *testing.T) {
	res := stagekit(t, "", "run", "examples/policy/promise.yaml", "--workflow", "promise.configure")
	want := "container render (alpine/helm:3.14.4) is not a stagekit stage: run it with --engine docker|podman, map the image to a binary with --exec alpine/helm:3.14.4=PATH (or a directory of binaries with --exec-dir PREFIX=DIR) or to a stage with --stage alpine/helm:3.14.4=STAGE, or leave it out with --skip render"
	if res.code != ExitError || !strings.Contains(res.stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant it to contain %q", res.code, res.stderr, want)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	v2, err := os.ReadFile(filepath.Join(repoRoot, "examples/vm-fleet/promise-v2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	secretEnv := write("secret-env.yaml", strings.Replace(string(v2), "                  - name: TAGS\n",
		"                  - name: API_TOKEN\n                    valueFrom:\n                      secretKeyRef: {name: tags-api, key: token}\n                  - name: TAGS\n", 1))
	badTags := write("bad-tags.yaml", strings.Replace(string(v2), "cost-center=platform", "cost-center=platform*", 1))
	for _, tc := range []struct {
		reason string
		args   []string
		code   int
		want   string
	}{
		{"no arguments", []string{"run"}, ExitError, "want PROMISE.yaml"},
		{"an unknown flag", []string{"run", "examples/vm-fleet/promise.yaml", "--nope"}, ExitError, "unknown flag --nope"},
		{"an unknown workflow", []string{"run", "examples/vm-fleet/promise.yaml", "-w", "resource.apply"}, ExitError, `unknown workflow "resource.apply"`},
		{"a workflow the Promise lacks", []string{"run", "examples/vm-fleet/promise.yaml", "-w", "promise.configure"}, ExitError, "has no promise.configure workflow"},
		{"a request file of another kind", []string{"run", "examples/vm-fleet/promise.yaml", "examples/app-replicas/request.yaml", "--skip", "terraform-apply"}, ExitError, "no VM request"},
		{"valueFrom without --env", []string{"run", secretEnv, "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply"}, ExitError,
			"env API_TOKEN comes from secretKeyRef tags-api/token: give it with --env API_TOKEN=VALUE"},
		{"valueFrom given with --env", []string{"run", secretEnv, "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply", "--env", "API_TOKEN=t"}, ExitOK, "result: 1 pipeline ran"},
		{"a stage that fails", []string{"run", badTags, "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply"}, ExitChanged,
			"result: failed: pipeline instance-configure, container enforce-tags: exited 1"},
		{"an engine that is not one", []string{"run", "examples/vm-fleet/promise.yaml", "examples/vm-fleet/requests.yaml", "--engine", "rkt"}, ExitError, "--engine rkt: want docker or podman"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			res := stagekit(t, "", tc.args...)
			if res.code != tc.code || !strings.Contains(res.stdout+res.stderr, tc.want) {
				t.Errorf("exit %d (want %d), want %q in:\n%s%s", res.code, tc.code, tc.want, res.stdout, res.stderr)
			}
		})
	}
	// A request the new Promise fails: the fleet diff says where, with the stage's last lines.
	res := stagekit(t, "", "fleet", "diff", "--from", "examples/vm-fleet/promise.yaml", "--to", badTags,
		"--requests", "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply")
	for _, want := range []string{"! default/vm-1: failed\n  with " + badTags + ": pipeline instance-configure, container enforce-tags: exited 1\n    | ",
		"breaks the aws tag rules", "3 requests: 0 changed, 0 unchanged, 3 failed; 0 files differ"} {
		if res.code != ExitError || !strings.Contains(res.stdout, want) {
			t.Errorf("exit %d (want %d), want %q in:\n%s", res.code, ExitError, want, res.stdout)
		}
	}
}

func TestRunKeepsTheTrees(t *testing.T) {
	out := t.TempDir()
	res := stagekit(t, "", "run", "examples/vm-fleet/promise-v2.yaml", "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply", "--out", out)
	if res.code != ExitOK {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, f := range []string{"default/vm-1/instance-configure/input/object.yaml", "default/vm-3/instance-configure/output/vm_default_vm-3.tf.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("--out: %v", err)
		}
	}
	obj, err := os.ReadFile(filepath.Join(out, "default/vm-1/instance-configure/input/object.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The reader's object: keys sorted (sigs.k8s.io/yaml), Kratix's label, the status pending.
	want := `apiVersion: example.com/v1
kind: VM
metadata:
  labels:
    kratix.io/promise-name: vm
  name: vm-1
  namespace: default
spec:
  subnet_id: subnet-0123456789abcdef0
status:
  message: Pending
`
	if string(obj) != want {
		t.Errorf("input/object.yaml:\n%s\nwant:\n%s", obj, want)
	}
}

// Requests come from stdin with "-", and from kind: List as kubectl get -o yaml prints them.
func TestRequestsFromStdinAsAList(t *testing.T) {
	list := `apiVersion: v1
kind: List
items:
- apiVersion: example.com/v1
  kind: VM
  metadata: {name: vm-9, namespace: ops}
  spec: {subnet_id: subnet-1}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: other}
`
	res := stagekit(t, list, "fleet", "diff", "--from", "examples/vm-fleet/promise.yaml", "--to", "examples/vm-fleet/promise-v2.yaml",
		"--requests", "-", "--skip", "terraform-apply")
	if res.code != ExitOK || !strings.Contains(res.stdout, "~ ops/vm-9: changed (1 file)") || !strings.Contains(res.stdout, "1 request: 1 changed") {
		t.Errorf("exit %d:\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "left out 1 document of other kinds than VM.example.com") {
		t.Errorf("stderr does not mention the ConfigMap left out:\n%s", res.stderr)
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	args := []string{"fleet", "diff", "--from", "examples/vm-fleet/promise.yaml", "--to", "examples/vm-fleet/promise-v2.yaml",
		"--requests", "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply"}
	for _, terminal := range []bool{false, true} {
		t.Chdir(repoRoot)
		var out, errb strings.Builder
		code := Main(args, IO{Stdout: &out, Stderr: &errb, Getenv: os.Getenv, NumCPU: 1, Terminal: terminal})
		if code != ExitOK {
			t.Fatalf("exit %d", code)
		}
		drawn := strings.Contains(errb.String(), "fleet diff: 3/3 requests")
		if drawn != terminal || !terminal && errb.String() != "" {
			t.Errorf("terminal %v: progress drawn %v; stderr %q", terminal, drawn, errb.String())
		}
		if strings.Contains(out.String(), "\r") {
			t.Errorf("progress reached stdout")
		}
	}
}

// A stage of the user's that writes a Secret, changed between two versions of the stage: no
// value reaches any report, and every report names the key that changed.
func TestSecretValuesNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	stage := func(name, password string) string {
		p := filepath.Join(dir, name)
		script := fmt.Sprintf("#!/bin/sh\nprintf 'apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: db\\n  namespace: default\\nstringData:\\n  password: %s\\n  user: admin-unchanged\\n' > \"$KRATIX_DIR/output/db.yaml\"\n", password)
		if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old, new := stage("old", "pw-v1-hunter2"), stage("new", "pw-v2-hunter3")
	p, err := os.ReadFile(filepath.Join(repoRoot, "examples/custom-stage/promise.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	v2 := filepath.Join(dir, "promise-v2.yaml")
	if err := os.WriteFile(v2, []byte(strings.Replace(string(p), "custom-stage:v1", "custom-stage:v2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "markdown"} {
		res := stagekit(t, "", "fleet", "diff", "-o", format, "--from", "examples/custom-stage/promise.yaml", "--to", v2,
			"--requests", "examples/custom-stage/request.yaml",
			"--exec", "registry.example.com/platform/custom-stage:v1="+old, "--exec", "registry.example.com/platform/custom-stage:v2="+new)
		if res.code != ExitOK {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		for _, secret := range []string{"pw-v1-hunter2", "pw-v2-hunter3", "admin-unchanged"} {
			if strings.Contains(res.stdout, secret) {
				t.Errorf("%s prints %q:\n%s", format, secret, res.stdout)
			}
		}
		for _, want := range []string{"stringData.password", "changed", "stringData.user", "unchanged"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("%s lacks %q:\n%s", format, want, res.stdout)
			}
		}
	}
}
