package containertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/internal/fixtures"
	yaml "go.yaml.in/yaml/v3"
)

// step is one stage container of a pipeline: the image and the env the Promise gives it.
type step struct {
	stage    string
	settings []kv
}

// scenario is one pipeline pod: what the volumes hold when the stages start (as if written by
// the reader and by earlier containers), the Kratix env, and the stage containers in order.
type scenario struct {
	name      string
	kratix    []kv
	seed      map[string]string // path under the kratix directory (input/..., output/..., metadata/...) -> content
	steps     []step
	wantCodes []int                                                    // exit codes of the containers that ran
	check     func(t *testing.T, tree map[string]entry, runs []result) // on the result through the images
}

// resourceEnv is what Kratix sets in a resource workflow container (docs/contract.md#environment).
func resourceEnv(promise, pipeline, group, version, kind, plural, name, namespace string) []kv {
	return []kv{
		{"KRATIX_WORKFLOW_ACTION", "configure"},
		{"KRATIX_WORKFLOW_TYPE", "resource"},
		{"KRATIX_PROMISE_NAME", promise},
		{"KRATIX_PIPELINE_NAME", pipeline},
		{"KRATIX_OBJECT_KIND", kind},
		{"KRATIX_OBJECT_GROUP", group},
		{"KRATIX_OBJECT_VERSION", version},
		{"KRATIX_OBJECT_NAME", name},
		{"KRATIX_OBJECT_NAMESPACE", namespace},
		{"KRATIX_CRD_PLURAL", plural},
		{"KRATIX_CLUSTER_SCOPED", "false"},
	}
}

// promiseEnv is what Kratix sets in a promise workflow container (docs/contract.md#environment).
func promiseEnv(promise, pipeline string) []kv {
	return []kv{
		{"KRATIX_WORKFLOW_ACTION", "configure"},
		{"KRATIX_WORKFLOW_TYPE", "promise"},
		{"KRATIX_PROMISE_NAME", promise},
		{"KRATIX_PIPELINE_NAME", pipeline},
		{"KRATIX_OBJECT_KIND", "Promise"},
		{"KRATIX_OBJECT_GROUP", "platform.kratix.io"},
		{"KRATIX_OBJECT_VERSION", "v1alpha1"},
		{"KRATIX_OBJECT_NAME", promise},
		{"KRATIX_OBJECT_NAMESPACE", ""},
		{"KRATIX_CRD_PLURAL", "promises"},
		{"KRATIX_CLUSTER_SCOPED", "true"},
	}
}

const vmRequest = `apiVersion: example.com/v1
kind: VM
metadata:
  generation: 1
  labels:
    kratix.io/promise-name: vm
  name: vm-1
  namespace: default
  resourceVersion: "4711"
  uid: 0b7c8a52-2f0e-4d59-9d1e-3c1f1f6c2a10
spec:
  subnet_id: subnet-1
  tags:
    team: a
status:
  message: Pending
`

const appRequest = `apiVersion: marketplace.kratix.io/v1
kind: app
metadata:
  generation: 3
  labels:
    kratix.io/promise-name: app
  name: todo
  namespace: default
  uid: 7d0e5f0c-8a43-4c4f-a0d5-5b4f3b0d2e11
spec:
  image: ghcr.io/example/todo:1.4.2
  service:
    port: 8080
status:
  message: Pending
`

const appDeployment = `# written by the app-configure container
apiVersion: apps/v1
kind: Deployment
metadata:
  name: todo
  namespace: default
  labels:
    app: todo
spec:
  replicas: 1
  selector:
    matchLabels:
      app: todo
  template:
    metadata:
      labels:
        app: todo
    spec:
      containers:
      - name: todo
        image: "ghcr.io/example/todo:1.4.2"
        ports:
        - containerPort: 8080
`

const appService = `apiVersion: v1
kind: Service
metadata: {name: todo, namespace: default}
spec:
  selector: {app: todo}
  ports:
  - port: 80
    targetPort: 8080
`

const ingressPromise = `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  generation: 2
  labels:
    kratix.io/promise-version: v1.0.0
  name: ingress-nginx
  uid: 2c9e3a8e-0d6b-4b8e-9d0e-4e7b1b5f9a33
spec:
  destinationSelectors:
  - matchLabels:
      environment: dev
status:
  message: Pending
`

const plaintextSecret = `apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
  namespace: ingress-nginx
type: Opaque
stringData:
  password: hunter2
`

func scenarios(t *testing.T) []scenario {
	vmEnv := resourceEnv("vm", "instance-configure", "example.com", "v1", "VM", "vms", "vm-1", "default")
	appEnv := resourceEnv("app", "instance-configure", "marketplace.kratix.io", "v1", "app", "apps", "todo", "default")
	policySteps := []step{
		{"label-injector", []kv{{"LABELS", "team=platform,pipeline=$(KRATIX_PIPELINE_NAME)"}}},
		{"secret-forbidder", []kv{{"ALLOW_EMPTY", "true"}}},
	}
	list := []scenario{
		{
			name:   "vm-fleet",
			kratix: vmEnv,
			seed:   map[string]string{"input/object.yaml": vmRequest},
			steps: []step{
				{"terraform-generate", []kv{
					{"MODULE_SOURCE", "https://github.com/terraform-aws-modules/terraform-aws-ec2-instance"},
					{"MODULE_VERSION", "v6.0.2"},
				}},
				{"enforce-tags", nil},
			},
			wantCodes: []int{0, 0},
			check:     checkVM,
		},
		{
			name:   "app",
			kratix: appEnv,
			seed: map[string]string{
				"input/object.yaml":          appRequest,
				"output/app/deployment.yaml": appDeployment,
				"output/app/service.yaml":    appService,
				"metadata/status.yaml":       "url: http://todo.local.gd:31338\n",
			},
			steps: []step{
				{"replica-migration", []kv{{"MIN_REPLICAS", "2"}, {"KINDS", "Deployment,StatefulSet"}}},
				{"label-injector", []kv{{"LABELS", "team=platform,request-namespace=$(KRATIX_OBJECT_NAMESPACE)"}}},
			},
			wantCodes: []int{0, 0},
			check:     checkApp,
		},
	}

	helm := fixtures.Read(t, "kratix-marketplace/rendered/nginx-ingress-helm-template.yaml")
	return append(list,
		scenario{
			name:      "policy",
			kratix:    promiseEnv("ingress-nginx", "promise-configure"),
			seed:      map[string]string{"input/object.yaml": ingressPromise, "output/dependencies/nginx-ingress.yaml": string(helm)},
			steps:     policySteps,
			wantCodes: []int{0, 0},
			check:     checkPolicy,
		},
		scenario{
			name:   "policy-plaintext-secret",
			kratix: promiseEnv("ingress-nginx", "promise-configure"),
			seed: map[string]string{
				"input/object.yaml":                       ingressPromise,
				"output/dependencies/nginx-ingress.yaml":  string(helm),
				"output/dependencies/db-credentials.yaml": plaintextSecret,
			},
			steps:     policySteps,
			wantCodes: []int{0, 1},
			check: func(t *testing.T, tree map[string]entry, runs []result) {
				log := runs[len(runs)-1].stderr
				if !strings.Contains(log, "output/dependencies/db-credentials.yaml:1: Secret ingress-nginx/db-credentials") {
					t.Errorf("secret-forbidder did not name the Secret:\n%s", log)
				}
				if strings.Contains(log, "hunter2") || strings.Contains(runs[len(runs)-1].stdout, "hunter2") {
					t.Errorf("the Secret's value reached the logs")
				}
				checkLabelled(t, tree, "output/dependencies/db-credentials.yaml")
			},
		},
	)
}

func TestStagesRunTheSameThroughTheirImages(t *testing.T) {
	needTools(t)
	b := setup(t)

	t.Run("images", func(t *testing.T) {
		for _, s := range stageNames {
			t.Run(s, func(t *testing.T) { checkImage(t, b.images[s]) })
		}
	})

	// The sandbox itself: the probe runs in place of /stage with a stage's image and env.
	usable := false
	if !t.Run("sandbox", func(t *testing.T) { usable = checkSandbox(t, b) }) {
		return
	}
	if !usable {
		t.Skip("bwrap cannot run a container on this machine (see the sandbox subtest)")
	}

	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			runScenario(t, b, sc)
		})
	}

	var sizes []string
	for _, s := range stageNames {
		sizes = append(sizes, fmt.Sprintf("%s %.2f MB", s, float64(b.images[s].inspect.Size)/1e6))
	}
	t.Logf("image sizes (podman image inspect .Size): %s", strings.Join(sizes, ", "))
}

type probeReport struct {
	UID, GID, EUID int
	Groups         []int
	Env            []string
	CapEff         string
	Writes         map[string]string
	Interfaces     []string
	Dial           string
	Shell          bool
}

// checkSandbox runs the probe in place of a stage and checks the sandbox is the pod the test
// claims. It reports whether bwrap could run a container at all.
func checkSandbox(t *testing.T, b *built) (usable bool) {
	img := b.images["label-injector"]
	k := t.TempDir()
	for _, v := range volumes {
		if err := os.MkdirAll(filepath.Join(k, v), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := podEnv(img, resourceEnv("p", "pipe", "g.io", "v1", "K", "ks", "n", "ns"), []kv{{"LABELS", "x=$(KRATIX_OBJECT_NAME)"}})
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	r, err := runContainer(ctx, img, k, env, b.probe)
	if err != nil {
		skipOrFail(t, "bwrap cannot run a container on this machine: %v", err)
	}
	usable = true
	if r.code != 0 {
		t.Fatalf("probe exit %d: %s", r.code, r.stderr)
	}
	var p probeReport
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("probe output: %v\n%s", err, r.stdout)
	}
	t.Logf("sandbox: %+v", p)
	if p.UID != 65532 || p.EUID != 65532 || p.GID != 65532 {
		t.Errorf("runs as uid %d euid %d gid %d, want 65532", p.UID, p.EUID, p.GID)
	}
	if p.CapEff != "0000000000000000" {
		t.Errorf("effective capabilities %s, want none", p.CapEff)
	}
	// bwrap always sets PWD to the working directory; a container runtime does not. The stages
	// do not read it.
	wantEnv := append(slices.Clone(env), "PWD=/")
	sort.Strings(wantEnv)
	if d := cmp.Diff(wantEnv, p.Env); d != "" {
		t.Errorf("container env (-want +got):\n%s", d)
	}
	if !slices.Contains(env, "LABELS=x=n") {
		t.Errorf("$(KRATIX_OBJECT_NAME) not expanded the kubelet's way: %v", env)
	}
	for dir, want := range map[string]bool{"/": false, "/tmp/": false, "/kratix/": false, "/kratix/input/": false, "/kratix/output/": true, "/kratix/metadata/": true} {
		if got := p.Writes[dir] == ""; got != want {
			t.Errorf("write in %s: allowed=%v (%q), want allowed=%v", dir, got, p.Writes[dir], want)
		}
	}
	if len(p.Interfaces) != 1 || p.Interfaces[0] != "lo" {
		t.Errorf("network interfaces %v, want only lo", p.Interfaces)
	}
	if p.Dial == "" {
		t.Errorf("the container reached 1.1.1.1:443: the network is not cut off")
	}
	if p.Shell {
		t.Errorf("a shell is reachable inside the container")
	}
	return usable
}

func runScenario(t *testing.T, b *built, sc scenario) {
	base := t.TempDir()
	seed := filepath.Join(base, "seed")
	if err := writeTree(seed, sc.seed); err != nil {
		t.Fatal(err)
	}
	for _, v := range volumes {
		if err := os.MkdirAll(filepath.Join(seed, v), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	viaImage, direct := filepath.Join(base, "image"), filepath.Join(base, "direct")
	for _, d := range []string{viaImage, direct} {
		if err := copyTree(seed, d); err != nil {
			t.Fatal(err)
		}
	}
	before, err := snapshot(seed)
	if err != nil {
		t.Fatal(err)
	}

	// Each chain stops at the first non-zero exit, as a pod's init containers do.
	var imageRuns, directRuns []result
	var runErr error
	withUmask(0o077, func() {
		for _, st := range sc.steps {
			img := b.images[st.stage]
			env := podEnv(img, sc.kratix, st.settings)
			ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
			r, err := runContainer(ctx, img, viaImage, env, "")
			cancel()
			if err != nil {
				runErr = fmt.Errorf("%s through its image: %v", st.stage, err)
				return
			}
			imageRuns = append(imageRuns, r)
			if r.code != 0 {
				break
			}
		}
		for _, st := range sc.steps {
			img := b.images[st.stage]
			env := podEnv(img, sc.kratix, st.settings)
			ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
			r, err := runDirect(ctx, img, direct, env)
			cancel()
			if err != nil {
				runErr = fmt.Errorf("%s directly: %v", st.stage, err)
				return
			}
			directRuns = append(directRuns, r)
			if r.code != 0 {
				break
			}
		}
	})
	if runErr != nil {
		t.Fatal(runErr)
	}
	for i, r := range imageRuns {
		t.Logf("%s (image) exit %d:\n%s%s", sc.steps[i].stage, r.code, r.stdout, r.stderr)
	}

	codes := func(rs []result) []int {
		var c []int
		for _, r := range rs {
			c = append(c, r.code)
		}
		return c
	}
	if got, want := codes(imageRuns), codes(directRuns); !slices.Equal(got, want) {
		t.Errorf("exit codes through the images %v, directly %v", got, want)
	}
	if got := codes(imageRuns); !slices.Equal(got, sc.wantCodes) {
		t.Errorf("exit codes through the images %v, want %v", got, sc.wantCodes)
	}
	for i := range min(len(imageRuns), len(directRuns)) {
		if d := cmp.Diff(directRuns[i].stderr, imageRuns[i].stderr); d != "" {
			t.Errorf("%s: log through the image differs from the direct run (-direct +image):\n%s", sc.steps[i].stage, d)
		}
		if d := cmp.Diff(directRuns[i].stdout, imageRuns[i].stdout); d != "" {
			t.Errorf("%s: stdout through the image differs from the direct run (-direct +image):\n%s", sc.steps[i].stage, d)
		}
	}

	gotImage, err := snapshot(viaImage)
	if err != nil {
		t.Fatal(err)
	}
	gotDirect, err := snapshot(direct)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(gotDirect, gotImage); d != "" {
		t.Errorf("kratix directory through the images differs from the direct run (-direct +image):\n%s", d)
	}
	inputOnly := func(m map[string]entry) map[string]entry {
		out := map[string]entry{}
		for k, v := range m {
			if k == "input" || strings.HasPrefix(k, "input/") {
				out[k] = v
			}
		}
		return out
	}
	if d := cmp.Diff(inputOnly(before), inputOnly(gotImage)); d != "" {
		t.Errorf("input changed (-before +after):\n%s", d)
	}
	changed := 0
	for name, e := range gotImage {
		if !strings.HasPrefix(name, "output/") && !strings.HasPrefix(name, "metadata/") {
			continue
		}
		if before[name] != e {
			changed++
		}
		switch {
		case strings.HasPrefix(e.Mode, "d"):
			if e.Mode != "drwxr-xr-x" {
				t.Errorf("%s: directory mode %s after the images ran, want 0755", name, e.Mode)
			}
		case e.Mode != "-rw-r--r--":
			t.Errorf("%s: mode %s after the images ran, want a 0644 regular file", name, e.Mode)
		}
	}
	if changed == 0 {
		t.Errorf("the stages changed nothing in output/ or metadata/")
	}
	sc.check(t, gotImage, imageRuns)
}

func checkVM(t *testing.T, tree map[string]entry, _ []result) {
	const file = "output/vm_default_vm-1.tf.json"
	e, ok := tree[file]
	if !ok {
		t.Fatalf("%s not written; tree: %v", file, keys(tree))
	}
	var tf struct {
		Module map[string]map[string]any `json:"module"`
	}
	if err := json.Unmarshal([]byte(e.Data), &tf); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	m := tf.Module["vm_default_vm-1"]
	if m == nil {
		t.Fatalf("%s: no module vm_default_vm-1:\n%s", file, e.Data)
	}
	if got := m["source"]; got != "git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance?ref=v6.0.2" {
		t.Errorf("module source %v", got)
	}
	if got := m["subnet_id"]; got != "subnet-1" {
		t.Errorf("subnet_id %v", got)
	}
	tags, _ := m["tags"].(map[string]any)
	want := map[string]any{
		"team": "a", "managed-by": "kratix", "kratix.io/promise": "vm",
		"kratix.io/request-namespace": "default", "kratix.io/request-name": "vm-1",
	}
	if d := cmp.Diff(want, tags); d != "" {
		t.Errorf("tags (-want +got):\n%s", d)
	}
}

func checkApp(t *testing.T, tree map[string]entry, _ []result) {
	docs := decodeAll(t, tree["output/app/deployment.yaml"].Data)
	if len(docs) != 1 {
		t.Fatalf("deployment.yaml: %d documents", len(docs))
	}
	d := docs[0]
	if got := dig(d, "spec", "replicas"); got != 2 {
		t.Errorf("Deployment replicas %v, want 2", got)
	}
	checkLabelled(t, tree, "output/app/deployment.yaml")
	checkLabelled(t, tree, "output/app/service.yaml")
	if got := dig(d, "metadata", "labels", "request-namespace"); got != "default" {
		t.Errorf("request-namespace label %v", got)
	}
	if got := dig(d, "spec", "template", "metadata", "labels", "kratix.io/resource-name"); got != "todo" {
		t.Errorf("pod template not labelled: %v", got)
	}
	if got, _ := dig(d, "spec", "selector", "matchLabels").(map[string]any); len(got) != 1 {
		t.Errorf("selector touched: %v", got)
	}
	if !strings.HasPrefix(tree["output/app/deployment.yaml"].Data, "# written by the app-configure container\n") {
		t.Errorf("the comment of deployment.yaml was lost")
	}
	status := decodeAll(t, tree["metadata/status.yaml"].Data)
	want := map[string]any{"url": "http://todo.local.gd:31338", "replicas": 2}
	if len(status) != 1 || !cmp.Equal(want, status[0]) {
		t.Errorf("status.yaml %v, want %v", status, want)
	}
}

func checkPolicy(t *testing.T, tree map[string]entry, _ []result) {
	checkLabelled(t, tree, "output/dependencies/nginx-ingress.yaml")
}

// checkLabelled asserts that every Kubernetes object of file carries the labels of the
// scenario's label-injector settings.
func checkLabelled(t *testing.T, tree map[string]entry, file string) {
	t.Helper()
	e, ok := tree[file]
	if !ok {
		t.Fatalf("%s missing", file)
	}
	n := 0
	for i, d := range decodeAll(t, e.Data) {
		if d["apiVersion"] == nil || d["kind"] == nil {
			continue
		}
		n++
		labels, _ := dig(d, "metadata", "labels").(map[string]any)
		if labels["app.kubernetes.io/managed-by"] != "kratix" || labels["kratix.io/promise-name"] == nil || labels["team"] != "platform" {
			t.Errorf("%s document %d (%v %v): labels %v", file, i+1, d["kind"], dig(d, "metadata", "name"), labels)
		}
	}
	if n == 0 {
		t.Errorf("%s: no Kubernetes object", file)
	}
}

func decodeAll(t *testing.T, data string) []map[string]any {
	t.Helper()
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader([]byte(data)))
	for {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("yaml: %v", err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
}

func dig(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

func keys(m map[string]entry) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
