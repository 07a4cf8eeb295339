package examples

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk/schema"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// promises are every example Promise: promise.yaml (v1), promise-v2.yaml (the change) and the
// rollout waves of vm-fleet.
func promises(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*/promise.yaml", "*/promise-v2.yaml", "*/waves/*.yaml"} {
		m, err := filepath.Glob(filepath.FromSlash(pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 13 {
		t.Fatalf("want the example Promises (v1, v2 and waves), got %v", files)
	}
	return files
}

// A v2 Promise is its v1 with containers appended to a pipeline (the change stagekit fleet diff
// previews), and a wave of vm-fleet is its v2 with rollout settings on enforce-tags: nothing
// else may drift.
func TestVersionsDifferOnlyByTheChange(t *testing.T) {
	read := func(name string) string {
		data, err := os.ReadFile(filepath.FromSlash(name))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		return s[strings.Index(s, "apiVersion: platform.kratix.io/v1alpha1"):] // after the header comment
	}
	versions := regexp.MustCompile(`kratix.io/promise-version: \S+`)
	for _, tc := range []struct{ v1, v2, added string }{
		{"vm-fleet/promise.yaml", "vm-fleet/promise-v2.yaml", "              - name: enforce-tags\n"},
		{"app-replicas/promise.yaml", "app-replicas/promise-v2.yaml", "              - name: replica-migration\n"},
	} {
		v1, v2 := versions.ReplaceAllString(read(tc.v1), ""), versions.ReplaceAllString(read(tc.v2), "")
		at := strings.Index(v2, tc.added)
		if at < 0 {
			t.Fatalf("%s has no %q", tc.v2, tc.added)
		}
		end := strings.Index(v2[at+len(tc.added):], "\n              - name: ") + 1 // the next container
		if end == 0 {
			end = len(v2) - at - len(tc.added)
		}
		without := v2[:at] + v2[at+len(tc.added)+end:]
		// A comment line introducing the container goes with it.
		without = regexp.MustCompile(`(?m)^ +# The change:.*\n`).ReplaceAllString(without, "")
		if without != v1 {
			t.Errorf("%s is not %s with %s appended", tc.v2, tc.v1, strings.TrimSpace(tc.added))
		}
	}
	v2 := read("vm-fleet/promise-v2.yaml")
	waves, _ := filepath.Glob(filepath.Join("vm-fleet", "waves", "*.yaml"))
	for _, w := range waves {
		rollout := regexp.MustCompile(`(?m)^ +- name: ROLLOUT_(SELECTOR|PERCENT)\n +value: .*\n`)
		if got := rollout.ReplaceAllString(read(filepath.ToSlash(w)), ""); got != v2 {
			t.Errorf("%s is not vm-fleet/promise-v2.yaml with rollout settings", w)
		}
	}
}

func TestPromisesValidateAgainstTheKratixPromiseCRD(t *testing.T) {
	crd := fixtures.Read(t, "kratix/crds/platform.kratix.io_promises.yaml")
	s, err := schema.Load(crd, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range promises(t) {
		t.Run(p, func(t *testing.T) {
			doc := parse(t, p)
			spec, err := doc.Get("spec")
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range s.ValidateSpec(spec) {
				t.Errorf("%s: %s", p, v)
			}
			if k, _ := doc.GetString("kind"); k != "Promise" {
				t.Errorf("%s: kind is %q, want Promise", p, k)
			}
		})
	}
}

// The image references must be what `make images` tags, $(REGISTRY)/<stage>:$(VERSION), or an
// example's own stage, $(REGISTRY)/examples-<binary>, built from an example's cmd/<binary>. The
// fleet stories are written for the release the README installs; the other examples for
// $(VERSION).
func TestPromisesUseTheImagesMakeBuilds(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join("..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	registry := makeVar(t, mk, "REGISTRY")
	version := makeVar(t, mk, "VERSION")
	release := readmeRelease(t)
	stages := strings.Fields(makeVar(t, mk, "STAGES"))
	imageRe := regexp.MustCompile(`image:\s*(\S+)`)
	used := 0
	for _, p := range promises(t) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want := version
		if slices.Contains(stories, filepath.Dir(p)) {
			want = release
		}
		for _, m := range imageRe.FindAllStringSubmatch(string(data), -1) {
			img := m[1]
			if !strings.HasPrefix(img, "ghcr.io/stagekit/") {
				continue
			}
			used++
			name, tag, _ := strings.Cut(strings.TrimPrefix(img, registry+"/"), ":")
			if binary, ok := strings.CutPrefix(name, "examples-"); ok {
				mains, _ := filepath.Glob(filepath.Join("*", "cmd", binary, "main.go"))
				if len(mains) != 1 || tag != want {
					t.Errorf("%s: image %s: want %s/examples-<binary>:%s with one example's cmd/<binary>/main.go, found %v", p, img, registry, want, mains)
				}
				continue
			}
			if !strings.HasPrefix(img, registry+"/") || tag != want || !slices.Contains(stages, name) {
				t.Errorf("%s: image %s is not one of the %s/<stage>:%s images make builds (stages %v)", p, img, registry, want, stages)
			}
		}
	}
	if used < 5 {
		t.Errorf("the examples reference %d stagekit images; want every stage shown", used)
	}
}

func parse(t *testing.T, name string) yamldoc.Node {
	t.Helper()
	return parseFile(t, name).Docs()[0].Root()
}

func parseFile(t *testing.T, name string) *yamldoc.File {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := yamldoc.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func makeVar(t *testing.T, mk []byte, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `\s*\??:?=\s*(.+)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatalf("Makefile has no %s", name)
	}
	return strings.TrimSpace(string(m[1]))
}

// requests are the documents of an example's request*.yaml files.
func requests(t *testing.T, dir string) []*yamldoc.Doc {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "request*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*yamldoc.Doc
	for _, name := range names {
		for _, d := range parseFile(t, name).Docs() {
			if !d.Empty() {
				out = append(out, d)
			}
		}
	}
	return out
}

// Example requests must be valid for their Promise's API.
func TestRequestsValidateAgainstTheirPromise(t *testing.T) {
	checked := 0
	for _, p := range promises(t) {
		dir := filepath.Dir(p)
		promise, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := schema.Load(promise, "")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, d := range requests(t, dir) {
			r := d.File().Name()
			spec, err := d.Root().Get("spec")
			if err != nil {
				t.Fatalf("%s:%d: %v", r, d.Line(), err)
			}
			for _, v := range s.ValidateSpec(spec) {
				t.Errorf("%s:%d: %s", r, d.Line(), v)
			}
			checked++
		}
	}
	if checked < 4 {
		t.Errorf("checked %d example requests, want the vm fleet and the app", checked)
	}
}

// stories are the fleet stories that bring stages of their own (vm-fleet and app-replicas, the
// other two, use stagekit's stages and the SDK example): each has both versions of its Promise,
// requests, a README, and a cmd/<binary> per stage.
var stories = []string{"mongodb-fleet", "helm-service", "platform-orchestrator"}

// readmeRelease is the version the repository's README tells users to install.
func readmeRelease(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`go get github.com/stagekit/stagekit@(v\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("README.md has no `go get github.com/stagekit/stagekit@<version>`")
	}
	return string(m[1])
}

// What each story's README runs and shows (the commands, and what stagekit fleet diff prints) is
// checked by the goldens of the stagekit command (internal/cli), which run it.
func TestStoriesHaveWhatAPlatformEngineerNeeds(t *testing.T) {
	for _, dir := range stories {
		for _, f := range []string{"promise.yaml", "promise-v2.yaml", "requests.yaml", "README.md"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s: %v", dir, err)
			}
		}
		mains, _ := filepath.Glob(filepath.Join(dir, "cmd", "*", "main.go"))
		if len(mains) == 0 {
			t.Errorf("%s has no stage of its own (cmd/<binary>/main.go)", dir)
		}
		// The change is the pipeline: both versions offer the same API, so every request stays
		// valid, and have the same name, so applying v2 updates the Promise.
		v1, v2 := parse(t, filepath.Join(dir, "promise.yaml")), parse(t, filepath.Join(dir, "promise-v2.yaml"))
		for _, path := range []string{"metadata.name", "spec.api"} {
			a, err1 := v1.Get(path)
			b, err2 := v2.Get(path)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %s: %v %v", dir, path, err1, err2)
			}
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("%s: %s differs between promise.yaml and promise-v2.yaml:\n%s", dir, path, diff)
			}
		}
	}
}

// What each story's v2 changes, and nothing else: mongodb-fleet one line (VERSIONS),
// platform-orchestrator one container; helm-service's change is the workflows themselves,
// checked by its own tests (the operator moves to the Promise's workflow).
func TestStoriesDifferOnlyByTheirChange(t *testing.T) {
	body := func(file string) []string {
		data, err := os.ReadFile(filepath.FromSlash(file))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		s = s[strings.Index(s, "apiVersion: platform.kratix.io/v1alpha1"):] // after the header comment
		s = regexp.MustCompile(`kratix.io/promise-version: \S+`).ReplaceAllString(s, "")
		return strings.Split(s, "\n")
	}
	v1, v2 := body("mongodb-fleet/promise.yaml"), body("mongodb-fleet/promise-v2.yaml")
	var changed []string
	for i := range v1 {
		if i < len(v2) && v1[i] != v2[i] {
			changed = append(changed, strings.TrimSpace(v1[i])+" -> "+strings.TrimSpace(v2[i]))
		}
	}
	want := []string{`value: "4=4.4.23,5=5.0.14,6=6.0.10" -> value: "4=4.4.24,5=5.0.15,6=6.0.10"`}
	if len(v1) != len(v2) || !cmp.Equal(want, changed) {
		t.Errorf("mongodb-fleet: v2 must change VERSIONS only: -want +got:\n%s", cmp.Diff(want, changed))
	}

	v1, v2 = body("platform-orchestrator/promise.yaml"), body("platform-orchestrator/promise-v2.yaml")
	added := regexp.MustCompile(`(?s)\n +# The change:[^\n]*\n +- name: default-network-policy\n.*?\n( +- name: namespacer\n)`)
	without := added.ReplaceAllString(strings.Join(v2, "\n"), "\n$1")
	if without == strings.Join(v2, "\n") || without != strings.Join(v1, "\n") {
		t.Errorf("platform-orchestrator: v2 must be v1 with default-network-policy inserted after the orchestrator, and nothing else")
	}
}

// A request must be of its Promise's kind: the preview, like Kratix, only runs requests whose
// apiVersion and kind are the Promise's API.
func TestRequestsAreOfTheirPromisesKind(t *testing.T) {
	for _, p := range promises(t) {
		promise := parse(t, p)
		group, err1 := promise.GetString("spec.api.spec.group")
		kind, err2 := promise.GetString("spec.api.spec.names.kind")
		versions, err3 := promise.GetList("spec.api.spec.versions")
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("%s: %v %v %v", p, err1, err2, err3)
		}
		served := map[string]bool{}
		for _, v := range versions {
			if m, ok := v.(map[string]any); ok {
				served[group+"/"+fmt.Sprint(m["name"])] = true
			}
		}
		for _, d := range requests(t, filepath.Dir(p)) {
			av, _ := d.Root().GetString("apiVersion")
			k, _ := d.Root().GetString("kind")
			if !served[av] || k != kind {
				t.Errorf("%s:%d: %s %s is not the API of %s (%s, served %v)", d.File().Name(), d.Line(), av, k, p, kind, served)
			}
		}
	}
}
