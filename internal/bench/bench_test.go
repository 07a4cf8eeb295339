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

	fx "github.com/stagekit/stagekit/internal/fixtures"
)

func TestMain(m *testing.M) {
	ServeHelper() // Measure re-executes the test binary as its helper
	os.Exit(m.Run())
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

// TestQuick runs stagebench --quick against the real binaries, built for the test in a temporary
// directory (skipped when yq v4.45.1 or jq is missing), and checks the table has every row.
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
	cfg := QuickConfig()
	cfg.Fixtures, cfg.Tools, cfg.Root = fixtures, tools, root
	var log bytes.Buffer
	cfg.Log = &log
	rep, err := Run(cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if rep.Tree.Files != 13 || rep.Tree.Documents < 100 || rep.Tree3.Files != 39 {
		t.Errorf("trees: %s / %s", rep.Tree, rep.Tree3)
	}
	var md bytes.Buffer
	rep.Markdown(&md)
	table := md.String()
	rows := []string{
		"| label-injector vs `yq -i` loop | label-injector |",
		"| `yq -i` per file (13 processes, `sh` loop over `find`) |",
		"| secret-forbidder vs `yq select` | secret-forbidder (`MODE=fail`",
		"| `yq 'select(.kind == \"Secret\" and .apiVersion == \"v1\")'` over every file, one process |",
		"| `cp -r` of the tree (the raw floor) |",
		"| replica-migration on the workshop-app run |",
		"| seed: `yq -i '.spec.replicas = 2' deployment.yaml` + `yq -i '.replicas = 2' status.yaml` |",
		"| enforce-tags on vm_default_example-vm.tf.json |",
		"| seed: `awk` ×2, `tr` ×2, `jq`, `mv` in `sh` |",
		"| start-up on an empty output vs `true` | terraform-generate |",
		"|  | enforce-tags |",
		"|  | replica-migration |",
		"|  | label-injector |",
		"|  | secret-forbidder |",
		"|  | `true` |",
		"| the five-stage chain | vm seed (example-vm): terraform-generate → enforce-tags → replica-migration → label-injector → secret-forbidder |",
		"| workshop-app seed: the same five stages |",
		"| memory bounded by the largest file | label-injector, the tree (1.0 MB) |",
		"| label-injector, 3× the tree (2.9 MB, same largest file) |",
		"| stagekit fleet diff, the vm Promise v1 → v2 | `stagekit fleet diff` (stages in process, `--jobs` = CPUs), 50 generated VM requests |",
		"| the same stage binaries per request, fresh directories, `diff -ruN` (the bash demo's way), 50 requests |",
		"| `stagekit fleet diff`, 200 generated VM requests |",
	}
	for _, want := range rows {
		if !strings.Contains(table, want) {
			t.Errorf("table has no row %q", want)
		}
	}
	if got := strings.Count(table, "\n| ") - 1; got != len(rows) { // minus the header
		t.Errorf("table has %d rows, want %d:\n%s", got, len(rows), table)
	}
	for _, row := range rep.Rows {
		if row.CPU <= 0 || row.RSSKiB <= 0 || row.Runs != 1 {
			t.Errorf("row %q: CPU %v, RSS %d KiB, %d runs", row.Label, row.CPU, row.RSSKiB, row.Runs)
		}
	}
	for _, want := range []string{"Tree: 1 tenant directory × 13 Helm renders = 13 files", "**Quick mode**", "Reproduce: `make bench`"} {
		if !strings.Contains(table, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	t.Logf("\n%s", table)
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
