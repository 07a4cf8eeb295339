package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk/rollout"
)

// The examples' Promise changes, previewed in every format.
func TestFleetDiffOfTheExamples(t *testing.T) {
	for _, ex := range []struct {
		name string
		args []string
		sum  string
	}{
		{"vm-v1-to-v2", []string{"--from", "examples/vm-fleet/promise.yaml", "--to", "examples/vm-fleet/promise-v2.yaml",
			"--requests", "examples/vm-fleet/requests.yaml", "--skip", "terraform-apply"},
			"3 requests: 3 changed, 0 unchanged, 0 failed; 3 files differ"},
		{"app-v1-to-v2", []string{"--from", "examples/app-replicas/promise.yaml", "--to", "examples/app-replicas/promise-v2.yaml",
			"--requests", "examples/app-replicas/requests.yaml", execCustomStage()},
			"2 requests: 2 changed, 0 unchanged, 0 failed; 4 files differ"},
	} {
		for _, format := range []struct{ flag, ext string }{{"text", "txt"}, {"json", "json"}, {"markdown", "md"}} {
			t.Run(ex.name+"/"+format.flag, func(t *testing.T) {
				res := stagekit(t, "", append([]string{"fleet", "diff", "-o", format.flag}, ex.args...)...)
				if res.code != ExitOK || res.stderr != "" {
					t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
				}
				if format.flag != "json" && !strings.Contains(res.stdout, ex.sum) {
					t.Errorf("no summary %q in:\n%s", ex.sum, res.stdout)
				}
				golden(t, filepath.Join("fleet-diff", ex.name+"."+format.ext), res.stdout)
			})
		}
		t.Run(ex.name+"/exit-code", func(t *testing.T) {
			if res := stagekit(t, "", append([]string{"fleet", "diff", "--exit-code"}, ex.args...)...); res.code != ExitChanged {
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
