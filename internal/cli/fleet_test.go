package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/internal/readmetest"
	"github.com/stagekit/stagekit/sdk/rollout"
)

// story is a fleet story of the examples: a Promise change previewed from the example's
// directory, as its README runs it (bin is where the README builds the example's stages).
type story struct {
	dir     string   // under examples/
	golden  string   // under testdata/fleet-diff/, without the extension
	args    []string // after "stagekit fleet diff"
	sum     string   // the summary line
	formats []string // the formats pinned by a golden; the README shows the text
}

var stories = []story{
	{"vm-fleet", "vm-v1-to-v2", []string{"--from", "promise.yaml", "--to", "promise-v2.yaml", "--requests", "requests.yaml", "--skip", "terraform-apply"},
		"3 requests: 3 changed, 0 unchanged, 0 failed; 3 files differ", []string{"text", "json", "markdown"}},
	{"app-replicas", "app-v1-to-v2", []string{"--from", "promise.yaml", "--to", "promise-v2.yaml", "--requests", "requests.yaml",
		"--exec", "registry.example.com/platform/custom-stage:v1=bin/custom-stage"},
		"2 requests: 2 changed, 0 unchanged, 0 failed; 4 files differ", []string{"text", "json", "markdown"}},
	// Two databases upgraded (their resource and their status), the third left alone.
	{"mongodb-fleet", "mongodb-v1-to-v2", []string{"--from", "promise.yaml", "--to", "promise-v2.yaml", "--requests", "requests.yaml",
		"--exec-dir", "ghcr.io/stagekit/examples-=bin"},
		"3 requests: 2 changed, 1 unchanged, 0 failed; 4 files differ", []string{"text"}},
	// Every request loses the operator's file and nothing else; --stat keeps its 355 removed
	// lines to one line per request.
	{"helm-service", "helm-service-v1-to-v2", []string{"--from", "promise.yaml", "--to", "promise-v2.yaml", "--requests", "requests.yaml",
		"--exec-dir", "ghcr.io/stagekit/examples-=bin", "--stat"},
		"3 requests: 3 changed, 0 unchanged, 0 failed; 3 files differ", []string{"text"}},
	// Every team platform gains its namespace's NetworkPolicy, and nothing else.
	{"platform-orchestrator", "platform-orchestrator-v1-to-v2", []string{"--from", "promise.yaml", "--to", "promise-v2.yaml", "--requests", "requests.yaml",
		"--exec-dir", "ghcr.io/stagekit/examples-=bin"},
		"3 requests: 3 changed, 0 unchanged, 0 failed; 3 files differ", []string{"text"}},
}

// The examples' Promise changes, previewed; each example's README shows the command and its
// text report as they are.
func TestFleetDiffOfTheExamples(t *testing.T) {
	ext := map[string]string{"text": "txt", "json": "json", "markdown": "md"}
	for _, ex := range stories {
		dir := filepath.Join("examples", ex.dir)
		args := append([]string{"fleet", "diff"}, withBin(ex.args)...)
		for _, format := range ex.formats {
			t.Run(ex.golden+"/"+format, func(t *testing.T) {
				res := stagekitIn(t, dir, "", append(args, "-o", format)...)
				if res.code != ExitOK || res.stderr != "" {
					t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
				}
				if format != "json" && !strings.Contains(res.stdout, "\n"+ex.sum+"\n") {
					t.Errorf("no summary %q in:\n%s", ex.sum, res.stdout)
				}
				name := filepath.Join("fleet-diff", ex.golden+"."+ext[format])
				golden(t, name, res.stdout)
				if format != "text" {
					return
				}
				readme := filepath.Join(repoRoot, dir, "README.md")
				readmetest.Shows(t, readme, "internal/cli/testdata/"+filepath.ToSlash(name), res.stdout)
				data, err := os.ReadFile(readme)
				if err != nil {
					t.Fatal(err)
				}
				for _, want := range []string{"cd " + filepath.ToSlash(dir) + "\n", "stagekit fleet diff " + strings.Join(ex.args, " ") + "\n"} {
					if !strings.Contains(string(data), want) {
						t.Errorf("%s does not show the command %q", readme, want)
					}
				}
			})
		}
		t.Run(ex.golden+"/exit-code", func(t *testing.T) {
			if res := stagekitIn(t, dir, "", append(args, "--exit-code")...); res.code != ExitChanged {
				t.Errorf("--exit-code with changes: exit %d, want %d", res.code, ExitChanged)
			}
		})
	}
	t.Run("no change", func(t *testing.T) {
		res := stagekit(t, "", "fleet", "diff", "--exit-code", "--from", "examples/vm-fleet/promise-v2.yaml", "--to", "examples/vm-fleet/promise-v2.yaml",
			"--requests", "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply")
		if res.code != ExitOK || !strings.Contains(res.stdout, "3 requests: 0 changed, 3 unchanged, 0 failed; 0 files differ") {
			t.Errorf("exit %d:\n%s%s", res.code, res.stdout, res.stderr)
		}
	})
}

// A story's README builds, with its `go build -o bin/ ...` line, every binary its commands run
// from bin: the app's stage (--exec IMAGE=bin/<binary>), or each image
// ghcr.io/stagekit/examples-<binary> its Promises name (--exec-dir ghcr.io/stagekit/examples-=bin).
func TestStoriesBuildWhatTheyRun(t *testing.T) {
	image := regexp.MustCompile(`image: ghcr\.io/stagekit/examples-([^:\s]+)`)
	for _, ex := range stories {
		dir := filepath.Join(repoRoot, "examples", ex.dir)
		need := map[string]bool{}
		for _, a := range ex.args {
			if _, bin, ok := strings.Cut(a, "=bin/"); ok {
				need[bin] = true
			}
			if a == "ghcr.io/stagekit/examples-=bin" {
				for _, p := range []string{"promise.yaml", "promise-v2.yaml"} {
					data, err := os.ReadFile(filepath.Join(dir, p))
					if err != nil {
						t.Fatal(err)
					}
					for _, m := range image.FindAllStringSubmatch(string(data), -1) {
						need[m[1]] = true
					}
				}
			}
		}
		if len(need) == 0 {
			continue
		}
		readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^go build -o bin/ (.+)$`).FindSubmatch(readme)
		if m == nil {
			t.Errorf("examples/%s/README.md has no `go build -o bin/ ...` line, and its commands run binaries from bin", ex.dir)
			continue
		}
		list := exec.Command("go", append([]string{"list", "-f", "{{.Name}} {{.ImportPath}}"}, strings.Fields(string(m[1]))...)...)
		list.Dir = dir
		out, err := list.CombinedOutput()
		if err != nil {
			t.Fatalf("examples/%s: go list %s: %v\n%s", ex.dir, m[1], err, out)
		}
		built := map[string]bool{}
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if name, pkg, _ := strings.Cut(l, " "); name == "main" {
				built[path.Base(pkg)] = true
			}
		}
		for bin := range need {
			if !built[bin] {
				t.Errorf("examples/%s/README.md: go build -o bin/ %s does not build %s, which its commands run", ex.dir, m[1], bin)
			}
		}
	}
}

// N shards, merged, print exactly what one unsharded run prints, in every format.
func TestShardsMergeIntoTheUnshardedReport(t *testing.T) {
	base := []string{"fleet", "diff", "--from", "examples/vm-fleet/promise.yaml", "--to", "examples/vm-fleet/waves/wave-2.yaml",
		"--requests", "examples/vm-fleet/requests-fleet.yaml", "--skip", "terraform-apply"}
	dir := t.TempDir()
	const n = 3
	var reports []string
	total := 0
	for i := range n {
		res := stagekit(t, "", append(base, "-o", "json", "--shard", fmt.Sprintf("%d/%d", i, n))...)
		if res.code != ExitOK {
			t.Fatalf("shard %d: exit %d: %s", i, res.code, res.stderr)
		}
		total += strings.Count(res.stdout, `"namespace":`)
		file := filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
		if err := os.WriteFile(file, []byte(res.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		reports = append(reports, file)
	}
	if total != 20 {
		t.Errorf("the shards hold %d requests, want the fleet's 20, each once", total)
	}
	for _, format := range []string{"text", "json", "markdown"} {
		whole := stagekit(t, "", append(base, "-o", format)...)
		merged := stagekit(t, "", append([]string{"fleet", "merge", "-o", format}, reports[2], reports[0], reports[1])...)
		if merged.code != ExitOK {
			t.Fatalf("merge: exit %d: %s", merged.code, merged.stderr)
		}
		if diff := cmp.Diff(whole.stdout, merged.stdout); diff != "" {
			t.Errorf("%s: merged shards (-unsharded +merged):\n%s", format, diff)
		}
	}
	res := stagekit(t, "", "fleet", "merge", reports[0], reports[1])
	if res.code != ExitError || !strings.Contains(res.stderr, "shards 2 of 3 are missing") {
		t.Errorf("a missing shard: exit %d: %s", res.code, res.stderr)
	}
}

// Waves: the requests a wave changes are those its selector and percent pick, computed here
// independently from the labels and the rollout hash; the same run twice prints the same
// report; a bigger wave only adds requests.
func TestWaves(t *testing.T) {
	fleet := map[string]string{} // namespace/name -> env label
	data, err := os.ReadFile(filepath.Join(repoRoot, "examples", "vm-fleet", "requests-fleet.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var name, ns, env string
		for _, l := range strings.Split(doc, "\n") {
			switch f := strings.Fields(l); {
			case len(f) == 2 && f[0] == "name:":
				name = f[1]
			case len(f) == 2 && f[0] == "namespace:":
				ns = f[1]
			case len(f) == 2 && f[0] == "env:":
				env = f[1]
			}
		}
		fleet[ns+"/"+name] = env
	}
	changed := func(to string) []string {
		t.Helper()
		res := stagekit(t, "", "fleet", "diff", "--from", "examples/vm-fleet/promise.yaml", "--to", to,
			"--requests", "examples/vm-fleet/requests-fleet.yaml", "--skip", "terraform-apply")
		if res.code != ExitOK {
			t.Fatalf("%s: exit %d: %s", to, res.code, res.stderr)
		}
		again := stagekit(t, "", "fleet", "diff", "--jobs", "1", "--from", "examples/vm-fleet/promise.yaml", "--to", to,
			"--requests", "examples/vm-fleet/requests-fleet.yaml", "--skip", "terraform-apply")
		if again.stdout != res.stdout {
			t.Errorf("%s: a second run (one job) prints another report", to)
		}
		var ids []string
		for _, l := range strings.Split(res.stdout, "\n") {
			if id, ok := strings.CutPrefix(l, "~ "); ok {
				ids = append(ids, strings.TrimSuffix(id, ": changed (1 file)"))
			}
		}
		return ids
	}
	var percent10, staging, all []string
	for _, id := range sortedKeys(fleet) {
		ns, name, _ := strings.Cut(id, "/")
		if rollout.Bucket(ns, name) < 10 {
			percent10 = append(percent10, id)
		}
		if fleet[id] == "staging" {
			staging = append(staging, id)
		}
		all = append(all, id)
	}
	for _, tc := range []struct {
		promise string
		want    []string
	}{
		{"examples/vm-fleet/waves/wave-1.yaml", percent10},
		{"examples/vm-fleet/waves/wave-2.yaml", staging},
		{"examples/vm-fleet/promise-v2.yaml", all},
	} {
		if diff := cmp.Diff(tc.want, changed(tc.promise)); diff != "" {
			t.Errorf("%s changes (-want +got):\n%s", tc.promise, diff)
		}
	}
	if len(percent10) == 0 || len(staging) <= len(percent10) {
		t.Errorf("the walkthrough's fleet must give a 10%% wave and a bigger staging wave: %v, %v", percent10, staging)
	}
	for _, id := range percent10 {
		if fleet[id] != "staging" {
			t.Errorf("%s is in wave 1 but not in wave 2 (staging): the walkthrough's waves must only grow", id)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}
