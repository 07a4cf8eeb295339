// Command stagebench measures the stagekit stage binaries as whole processes — CPU time
// (user+sys from wait4) and peak RSS, median of interleaved runs, one core — on a 15 MB output
// tree built from the marketplace's Helm renders, and prints Markdown tables with their targets:
// label-injector against the tools a user would label the tree with instead (a `yq -i` loop,
// kustomize, a kyaml pipeline; each checked to have labelled every object), start-up, scaling to
// 4× and 16× the tree, memory on one large file and one large document, and the seeds' shell
// scripts. `make bench` runs it through scripts/bench.sh, which installs yq v4.45.1 and jq first;
// it builds the peer programs of internal/bench/cmd itself. It exits 1 when a peer's output is
// wrong (and, with --fail-on-missed-target, when a target is not met).
//
//	go run ./internal/bench/cmd/stagebench [--runs 5] [--quick] [--bin bin] [--yq path] [--fixtures dir]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stagekit/stagekit/internal/bench"
)

func main() {
	bench.ServeHelper() // a measuring helper re-executes this binary

	def := bench.DefaultConfig()
	quick := flag.Bool("quick", false, "one run on a one-tenant tree: checks the harness in seconds")
	runs := flag.Int("runs", 0, fmt.Sprintf("interleaved runs per large-tree comparison (default %d; 1 with --quick)", def.Runs))
	fastRuns := flag.Int("fast-runs", 0, "runs of the small seed, start-up and chain comparisons (default 4×runs)")
	tenants := flag.Int("tenants", 0, fmt.Sprintf("tenant directories in the tree (default %d; 1 with --quick)", def.Tenants))
	cpus := flag.Int("cpus", def.CPUs, "pin every measured process to this many CPUs (1: the targets are for one core; 0: no pinning)")
	binDir := flag.String("bin", "", "directory of the stage binaries (default <repo>/bin)")
	yq := flag.String("yq", os.Getenv("STAGEBENCH_YQ"), "mikefarah yq "+bench.YQVersion+" (default <repo>/.cache/bin/yq, then PATH)")
	fixtures := flag.String("fixtures", os.Getenv("STAGEKIT_FIXTURES"), "fixtures: Helm renders and seed runs (default <repo>/testdata)")
	workDir := flag.String("workdir", "", "parent of the scratch directory (default $TMPDIR)")
	failMissed := flag.Bool("fail-on-missed-target", false, "exit 1 when a target is not met")
	only := flag.String("only", "", "run only these comparisons, comma-separated: peers, secret-forbidder, replica-migration, enforce-tags, startup, scaling, memory, fleet")
	flag.Parse()

	root, err := bench.RepoRoot(".")
	if err != nil {
		die(2, err)
	}
	cfg := def
	if *quick {
		cfg = bench.QuickConfig()
	}
	if *runs > 0 {
		cfg.Runs = *runs
	}
	if *fastRuns > 0 {
		cfg.FastRuns = *fastRuns
	}
	if *tenants > 0 {
		cfg.Tenants = *tenants
	}
	cfg.CPUs = *cpus
	if *binDir == "" {
		*binDir = filepath.Join(root, "bin")
	}
	if *fixtures == "" {
		*fixtures = filepath.Join(root, "testdata")
	}
	if _, err := os.Stat(filepath.Join(*fixtures, "kratix-marketplace", "rendered")); err != nil {
		die(2, fmt.Errorf("fixtures not found (--fixtures or STAGEKIT_FIXTURES): %v", err))
	}
	cfg.Fixtures = *fixtures
	cfg.Root = root
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	cfg.WorkDir = *workDir
	cfg.Log = os.Stderr
	if cfg.Tools, err = bench.FindTools(*binDir, *yq, root); err != nil {
		die(2, err)
	}
	peers, err := os.MkdirTemp(*workDir, "stagebench-peers-")
	if err != nil {
		die(2, err)
	}
	fmt.Fprintln(os.Stderr, "stagebench: building the peer programs")
	cfg.Tools.Peer, err = bench.BuildPeers(os.Getenv("GO"), root, peers)
	if err != nil {
		os.RemoveAll(peers)
		die(2, err)
	}
	rep, err := bench.Run(cfg)
	os.RemoveAll(peers)
	if err != nil {
		die(1, err)
	}
	rep.Markdown(os.Stdout)
	fmt.Fprintf(os.Stderr, "stagebench: took %s\n", rep.Took.Round(1e9))
	if wrong := rep.Wrong(); len(wrong) > 0 {
		for _, m := range wrong {
			fmt.Fprintf(os.Stderr, "stagebench: WRONG OUTPUT: %s / %s: %s\n", m.Table, m.Row, m.Check.Got)
		}
		os.Exit(1)
	}
	if *failMissed && len(rep.Misses()) > 0 {
		os.Exit(1)
	}
}

func die(code int, err error) {
	fmt.Fprintln(os.Stderr, "stagebench:", err)
	os.Exit(code)
}
