package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	fx "github.com/stagekit/stagekit/internal/fixtures"
)

func TestMain(m *testing.M) {
	ServeHelper() // Measure re-executes the test binary as its helper
	code := m.Run()
	if peersDir != "" {
		os.RemoveAll(peersDir)
	}
	os.Exit(code)
}

func TestCountDocuments(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"a: 1\n", 1},
		{"---\na: 1\n", 1},
		{"# header\n---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n...\n", 2},
		{"--- a: 1\n--- {b: 2}\n", 2},
		{"a: |\n  ---not a separator\n", 1},
	} {
		if got := CountDocuments([]byte(c.in)); got != c.want {
			t.Errorf("CountDocuments(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestStatistics(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	if got := median(ms(5, 1, 3)); got != 3*time.Millisecond {
		t.Errorf("median odd = %v", got)
	}
	if got := median(ms(4, 1, 3, 2)); got != 2500*time.Microsecond {
		t.Errorf("median even = %v", got)
	}
	// Paired ratios: the median of 10/1, 30/2, 20/4 is 10, whatever the medians of each side.
	a, b := samples{cpu: ms(10, 30, 20)}, samples{cpu: ms(1, 2, 4)}
	if got := cpuRatio(a, b); got != 10 {
		t.Errorf("cpuRatio = %v, want 10", got)
	}
}

// TestHelperMeasuresChildren: the helper's rusage covers a shell's children, and a failing step
// stops the spec.
func TestHelperMeasuresChildren(t *testing.T) {
	tools, err := FindTools(t.TempDir(), "", "")
	if tools.Sh == "" || tools.True == "" {
		t.Skipf("no sh or true: %v", err)
	}
	// The child burns CPU in a grandchild: the shell's rusage must include it.
	res, err := Measure(Spec{Steps: []Step{
		{Name: "busy", Argv: []string{tools.Sh, "-c", `sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'`}},
		{Name: "fail", Argv: []string{tools.Sh, "-c", "exit 3"}},
		{Name: "never", Argv: []string{tools.True}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Steps) != 2 || res.Steps[1].Exit != 3 {
		t.Fatalf("steps = %+v, want busy then fail (exit 3), then stop", res.Steps)
	}
	if res.Failed(nil) == "" || res.Failed([]int{0, 3}) != "" {
		t.Errorf("Failed: %q / %q", res.Failed(nil), res.Failed([]int{0, 3}))
	}
	if res.Steps[0].UserNs+res.Steps[0].SysNs < int64(5*time.Millisecond) {
		t.Errorf("busy grandchild not counted: %+v", res.Steps[0])
	}
	if res.Steps[0].MaxRSSKiB <= 0 || res.FloorKiB <= 0 {
		t.Errorf("no RSS: %+v", res)
	}
}

// TestQuick runs the --quick bench against the real binaries, built for the test in a temporary
// directory (skipped when yq v4.45.1 or jq is missing), with a deliberately wrong kyaml peer (it
// sets two of the three labels): every table has its rows, every row its figures, and the wrong
// peer's row fails loudly.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-trimpath", "-o", bin+string(filepath.Separator))
	for _, s := range Stages {
		build.Args = append(build.Args, "./stages/"+strings.ReplaceAll(s, "-", "")+"/cmd/"+s)
	}
	build.Args = append(build.Args, "./cmd/stagekit") // the fleet rows
	build.Dir, build.Env = root, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the stages: %v\n%s", err, out)
	}
	fixtures := os.Getenv("STAGEKIT_FIXTURES")
	if fixtures == "" {
		fixtures = fx.Require(t)
	}
	tools, err := FindTools(bin, os.Getenv("STAGEBENCH_YQ"), root)
	if err != nil {
		t.Skipf("cannot run the comparisons (scripts/bench.sh installs what is missing): %v", err)
	}
	tools.Peer = map[string]string{}
	for k, v := range builtPeers(t) {
		tools.Peer[k] = v
	}
	wrong := filepath.Join(bin, "wrong-kyaml")
	script := fmt.Sprintf("#!/bin/sh\ncase \"$1\" in --version) exec %q --version;; esac\nexec %q \"$1\" kratix.io/promise-name=app kratix.io/resource-name=my-app\n", tools.Peer[PeerKYAML], tools.Peer[PeerKYAML])
	if err := os.WriteFile(wrong, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	tools.Peer[PeerKYAML] = wrong
	cfg := QuickConfig()
	cfg.Fixtures, cfg.Tools, cfg.Root = fixtures, tools, root
	var log bytes.Buffer
	cfg.Log = &log
	rep, err := Run(cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if rep.Tree.Files != 13 || rep.Tree.Documents < 100 {
		t.Errorf("tree: %s", rep.Tree)
	}
	var md bytes.Buffer
	rep.Markdown(&md)
	out := md.String()
	t.Logf("\n%s", out)

	// The seeds table.
	rows := []string{
		"| secret-forbidder vs `yq select` | secret-forbidder (`MODE=fail`",
		"| `yq 'select(.kind == \"Secret\" and .apiVersion == \"v1\")'` over every file, one process |",
		"| `cp -r` of the tree (the raw floor) |",
		"| replica-migration on the workshop-app run |",
		"| seed: `yq -i '.spec.replicas = 2' deployment.yaml` + `yq -i '.replicas = 2' status.yaml` |",
		"| enforce-tags on vm_default_example-vm.tf.json |",
		"| seed: `awk` ×2, `tr` ×2, `jq`, `mv` in `sh` |",
		"| stagekit fleet diff, the vm Promise v1 → v2 | `stagekit fleet diff` (stages in process, `--jobs` = CPUs), 50 generated VM requests |",
		"| the same stage binaries per request, fresh directories, `diff -ruN` (the bash demo's way), 50 requests |",
		"| `stagekit fleet diff`, 200 generated VM requests |",
	}
	for _, want := range rows {
		if !strings.Contains(out, want) {
			t.Errorf("seeds table has no row %q", want)
		}
	}
	if len(rep.Rows) != len(rows) {
		t.Errorf("seeds table has %d rows, want %d", len(rep.Rows), len(rows))
	}
	for _, row := range rep.Rows {
		if row.CPU <= 0 || row.RSSKiB <= 0 || row.Runs != 1 {
			t.Errorf("row %q: CPU %v, RSS %d KiB, %d runs", row.Label, row.CPU, row.RSSKiB, row.Runs)
		}
	}

	// The tables, each row with its figures and its targets judged.
	tables := map[string][]string{}
	for _, tb := range rep.Tables {
		var firsts []string
		for _, row := range tb.Rows {
			firsts = append(firsts, strings.Fields(row.Cells[0])[0])
			if len(row.Cells) != len(tb.Columns) {
				t.Errorf("%s / %s: %d cells for %d columns", tb.Name, row.Cells[0], len(row.Cells), len(tb.Columns))
			}
			if len(row.Measured) == 0 {
				t.Errorf("%s / %s: no measurement", tb.Name, row.Cells[0])
			}
			for _, m := range row.Measured {
				if m.CPU <= 0 || m.RSSKiB <= 0 || m.Runs != 1 {
					t.Errorf("%s / %s: CPU %v, RSS %d KiB, %d runs", tb.Name, m.Label, m.CPU, m.RSSKiB, m.Runs)
				}
			}
			for _, c := range row.Checks {
				if c.Target == "" || c.Got == "" {
					t.Errorf("%s / %s: a check without target or figure: %+v", tb.Name, row.Cells[0], c)
				}
			}
		}
		tables[tb.Name] = firsts
		if !strings.Contains(out, "### "+tb.Title+"\n") {
			t.Errorf("report lacks the %s table", tb.Name)
		}
	}
	want := map[string][]string{
		"Peers":    {"label-injector", "`yq", "kustomize", "kyaml", "yaml.v3", "`cp"},
		"Start-up": {"terraform-generate", "enforce-tags", "replica-migration", "label-injector", "secret-forbidder", "`true`", "chain,", "chain,"},
		"Scaling":  {"terraform-generate", "enforce-tags", "replica-migration", "label-injector", "secret-forbidder"},
		"Memory":   {"label-injector", "secret-forbidder", "replica-migration", "label-injector", "replica-migration"},
	}
	if diff := cmp.Diff(want, tables); diff != "" {
		t.Errorf("tables and their rows (-want +got):\n%s", diff)
	}

	// The peers: the right ones labelled everything, the wrong kyaml is caught and named.
	peers := rep.Tables[0]
	for i, row := range peers.Rows[:3] {
		for _, c := range row.Checks {
			if c.Name == "labels" && (!c.Met || c.Wrong) {
				t.Errorf("peer %d (%s) did not label every object: %s", i, row.Cells[0], c.Got)
			}
		}
	}
	wrongRow := peers.Rows[3]
	if !strings.Contains(wrongRow.Cells[6], "lack a label") || !strings.HasPrefix(wrongRow.Cells[4], "no anchor") {
		t.Errorf("the wrong kyaml row does not say so: %q", wrongRow.Cells)
	}
	if w := rep.Wrong(); len(w) != 1 || w[0].Table != "Peers" || !strings.HasPrefix(w[0].Row, "kyaml") {
		t.Errorf("Wrong() = %+v, want the kyaml row only", w)
	}
	for _, want := range []string{"❌ WRONG", "WRONG OUTPUT Peers / kyaml", "**Targets not met in this run (", "Tree: 1 tenant directory × 13 Helm renders = 13 files",
		"**Quick mode**", "Reproduce: `make bench`", "| `true` |", "lines changed besides the labels", "peak RSS flat"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(out, "**Targets not met in this run"); n != 1 {
		t.Errorf("%d summary lines, want 1", n)
	}
}

// TestHelperPins: with CPUs set, a step (and its children) may run on those CPUs only.
func TestHelperPins(t *testing.T) {
	allowed := AllowedCPUs()
	sh, err := exec.LookPath("sh")
	if len(allowed) == 0 || err != nil {
		t.Skip("no sched_getaffinity or sh")
	}
	cpu := allowed[len(allowed)-1]
	out := filepath.Join(t.TempDir(), "status")
	res, err := Measure(Spec{CPUs: []int{cpu}, Steps: []Step{{Name: "status", Argv: []string{sh, "-c", "grep Cpus_allowed_list /proc/self/status"}, Stdout: out}}})
	if err != nil || res.Failed(nil) != "" {
		t.Fatalf("%v %+v", err, res)
	}
	b, _ := os.ReadFile(out)
	if got, want := strings.Fields(string(b)), fmt.Sprint(cpu); len(got) != 2 || got[1] != want {
		t.Errorf("child's CPUs: %q, want %s", b, want)
	}
}
