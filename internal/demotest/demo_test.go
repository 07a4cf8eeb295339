// Package demotest runs `make demo`, the README's first command, so that it cannot break without
// a test failing: its output is pinned by a golden file, each fleet story must end in its
// summary line, and the README shows the first story as the demo prints it.
package demotest

import (
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/internal/readmetest"
)

var update = flag.Bool("update", false, "rewrite testdata/demo.txt and skip")

const golden = "testdata/demo.txt"

// The stories, in the demo's order: the heading's start, what the story must show, and the
// summary line it ends with.
var stories = []struct {
	heading string
	shows   []string
	summary string
}{
	{"== Tagging every VM", []string{
		`+        "kratix.io/request-name": "vm-1",`,
		`-        "managed-by": "someone-else",`, // the enforced tag wins over the request's
	}, "3 requests: 3 changed, 0 unchanged, 0 failed; 3 files differ"},
	{"== Two replicas for every app", []string{"+  replicas: 2"},
		"2 requests: 2 changed, 0 unchanged, 0 failed; 4 files differ"},
	{"== Upgrading a MongoDB fleet", []string{
		`+  version: "4.4.24"`, `+message: 'mongodb version: 5.0.15'`, "= payments/mongo-v6: unchanged",
	}, "3 requests: 2 changed, 1 unchanged, 0 failed; 4 files differ"},
	{"== A Helm-rendered PostgreSQL", []string{
		"$ stagekit run promise-v2.yaml --workflow promise.configure", // the operator ships from the Promise's workflow
		"    cloudnative-pg.yaml (9950 bytes) -> default group",
		"  - instance-configure/output/cloudnative-pg.yaml: removed (-355)", // and leaves every request
	}, "3 requests: 3 changed, 0 unchanged, 0 failed; 3 files differ"},
	{"== A platform of Promises", []string{
		"    directory platform/: environment=platform, 1 file", // the sub-requests go to the platform
		"+kind: NetworkPolicy",
	}, "3 requests: 3 changed, 0 unchanged, 0 failed; 3 files differ"},
}

func TestMakeDemoTellsTheFleetStories(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the stagekit command and the examples' stages")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is needed to run make demo: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	before := files(t, root)
	bin := t.TempDir() // the demo builds here, not into the checkout
	cmd := exec.Command("make", "--no-print-directory", "demo", "DEMO_BIN="+bin)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "MAKEFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make demo: %v\n%s", err, out)
	}
	if diff := cmp.Diff(before, files(t, root)); diff != "" {
		t.Errorf("make demo changed the checkout (-before +after):\n%s", diff)
	}
	got := strings.ReplaceAll(string(out), bin, "bin")
	sections := strings.Split(got, "\n\n== ")
	if len(sections) != len(stories) {
		t.Fatalf("make demo tells %d stories, want %d:\n%s", len(sections), len(stories), got)
	}
	for i, s := range stories {
		section := sections[i]
		if i > 0 {
			section = "== " + section
		}
		if !strings.HasPrefix(section, s.heading) {
			t.Errorf("story %d starts %q, want %q", i+1, strings.SplitN(section, "\n", 2)[0], s.heading)
		}
		if !strings.HasSuffix(section, "\n"+s.summary+"\n") && !strings.HasSuffix(section, "\n"+s.summary) {
			t.Errorf("%s: does not end in its fleet summary %q", s.heading, s.summary)
		}
		for _, want := range s.shows {
			if !strings.Contains(section, want) {
				t.Errorf("%s: lacks %q", s.heading, want)
			}
		}
	}
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("updated " + golden)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("make demo (-%s +got):\n%s", golden, diff)
	}
}

// files lists the checkout's files and their sizes, leaving out the hidden directories (.git,
// the tools' .cache).
func files(t *testing.T, root string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			out[p] = info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The README's make demo section shows the demo's first story as it is (its first screen
// included), and names every other story.
func TestReadmeShowsTheDemo(t *testing.T) {
	demo, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	readme := filepath.Join("..", "..", "README.md")
	first, _, found := strings.Cut(string(demo), "\n\n== ")
	if !found {
		t.Fatalf("%s holds one story", golden)
	}
	readmetest.Shows(t, readme, "the first story of make demo ("+golden+")", first+"\n")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(demo), "\n") {
		if heading, ok := strings.CutPrefix(l, "== "); ok && !strings.Contains(string(data), heading) {
			t.Errorf("README.md does not name the demo's story %q", heading)
		}
	}
}
