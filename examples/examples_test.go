package examples

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
	if len(files) < 7 {
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

// The image references must be what `make images` tags: $(REGISTRY)/<stage>:$(VERSION).
func TestPromisesUseTheImagesMakeBuilds(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join("..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	registry := makeVar(t, mk, "REGISTRY")
	version := makeVar(t, mk, "VERSION")
	stages := strings.Fields(makeVar(t, mk, "STAGES"))
	imageRe := regexp.MustCompile(`image:\s*(\S+)`)
	used := 0
	for _, p := range promises(t) {
		data, _ := os.ReadFile(p)
		for _, m := range imageRe.FindAllStringSubmatch(string(data), -1) {
			img := m[1]
			if !strings.HasPrefix(img, "ghcr.io/stagekit/") {
				continue
			}
			used++
			name, tag, _ := strings.Cut(strings.TrimPrefix(img, registry+"/"), ":")
			if !strings.HasPrefix(img, registry+"/") || tag != version || !contains(stages, name) {
				t.Errorf("%s: image %s is not one of the %s/<stage>:%s images make builds (stages %v)", p, img, registry, version, stages)
			}
		}
	}
	if used < 5 {
		t.Errorf("the examples reference %d stagekit images; want every stage shown", used)
	}
}

func parse(t *testing.T, name string) yamldoc.Node {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := yamldoc.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return f.Docs()[0].Root()
}

func makeVar(t *testing.T, mk []byte, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `\s*\??:?=\s*(.+)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatalf("Makefile has no %s", name)
	}
	return strings.TrimSpace(string(m[1]))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Example requests must be valid for their Promise's API.
func TestRequestsValidateAgainstTheirPromise(t *testing.T) {
	checked := 0
	for _, p := range promises(t) {
		dir := filepath.Dir(p)
		promise, _ := os.ReadFile(p)
		s, err := schema.Load(promise, "")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		reqs, _ := filepath.Glob(filepath.Join(dir, "request*.yaml"))
		for _, r := range reqs {
			data, _ := os.ReadFile(r)
			f, err := yamldoc.Parse(r, data)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Docs() {
				if d.Empty() {
					continue
				}
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
	}
	if checked < 4 {
		t.Errorf("checked %d example requests, want the vm fleet and the app", checked)
	}
}
