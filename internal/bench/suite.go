package bench

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

// Config is one bench run.
type Config struct {
	Runs     int      // N: interleaved runs of each large-tree comparison (median)
	FastRuns int      // runs of the small comparisons (seeds, start-up, chain); 0: 4×Runs
	Tenants  int      // tenant directories in the tree (15: the most a Work carries)
	CPUs     int      // pin every measured process to this many CPUs (1: the targets are for one core); 0: no pinning
	Quick    bool     // recorded in the report: figures check the harness, not the targets
	Fixtures string   // the repository's testdata/
	Root     string   // the repository, for the examples the fleet rows run
	Only     []string // run only these groups (label-injector, ..., memory, fleet); empty: all
	Tools    Tools
	WorkDir  string    // scratch parent ("" = os.TempDir())
	Log      io.Writer // progress (nil = discard)

	Scales       []int // sizes of the scaling table, in trees (1, 4, 16)
	MemFileBytes int64 // the memory table's file of many documents (60 MB)
	MemDocBytes  int64 // the memory table's single document (30 MB)
}

// DefaultConfig is `make bench`; QuickConfig is --quick (N=1, one tenant, small scales and
// memory inputs: it checks the machinery, not the targets).
func DefaultConfig() Config {
	return Config{Runs: 5, Tenants: 15, CPUs: 1, Scales: []int{1, 4, 16}, MemFileBytes: 60e6, MemDocBytes: 30e6}
}
func QuickConfig() Config {
	return Config{Runs: 1, FastRuns: 1, Tenants: 1, CPUs: 1, Quick: true, Scales: []int{1, 2, 4}, MemFileBytes: 2e6, MemDocBytes: 1e6}
}

// Row is one line of the table.
type Row struct {
	Section string
	Label   string
	Runs    int
	CPU     time.Duration // median
	Wall    time.Duration // median
	RSSKiB  int64         // max over the runs
	Ratio   string
	Target  string
	Met     string // "yes", "no" or ""
}

// Report is everything a run measured.
type Report struct {
	Config   Config
	Tree     TreeStats
	FloorKiB int64
	Versions map[string]string
	Rows     []Row    // the comparisons with the seeds' scripts, and the fleet rows
	Tables   []*Table // peers, start-up, scaling, memory
	Pinned   []int    // the CPUs every measured process was pinned to
	Notes    []string // how particular rows were measured, printed after the table
	Started  time.Time
	Took     time.Duration
}

// Missed lists the rows whose target is not met.
func (r *Report) Missed() []Row {
	var out []Row
	for _, row := range r.Rows {
		if row.Met == "no" {
			out = append(out, row)
		}
	}
	return out
}

// request is what Kratix would tell a stage about the request (docs/contract.md#environment).
type request struct {
	promise, kind, group, version, name, namespace, plural string
}

var (
	appRequest = request{"app", "App", "workshop.kratix.io", "v1", "my-app", "default", "apps"}
	vmRequest  = request{"vm", "VM", "example.com", "v1", "example-vm", "default", "vms"}
)

func (r request) env(kratixDir string, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"KRATIX_DIR=" + kratixDir,
		"KRATIX_WORKFLOW_ACTION=configure",
		"KRATIX_WORKFLOW_TYPE=resource",
		"KRATIX_PROMISE_NAME=" + r.promise,
		"KRATIX_PIPELINE_NAME=instance-configure",
		"KRATIX_OBJECT_KIND=" + r.kind,
		"KRATIX_OBJECT_GROUP=" + r.group,
		"KRATIX_OBJECT_VERSION=" + r.version,
		"KRATIX_OBJECT_NAME=" + r.name,
		"KRATIX_OBJECT_NAMESPACE=" + r.namespace,
		"KRATIX_CRD_PLURAL=" + r.plural,
		"KRATIX_CLUSTER_SCOPED=false",
	}
	return append(env, extra...)
}

// Settings of terraform-generate (the vm Promise's) given to every stage of a chain.
var moduleEnv = []string{
	"MODULE_SOURCE=https://github.com/terraform-aws-modules/terraform-aws-ec2-instance",
	"MODULE_VERSION=v6.0.2",
}

// The shell baselines.
const (
	yqSecretExpr = `select(.kind == "Secret" and .apiVersion == "v1")`

	// The original replica fix of the app-as-a-service pipeline: bump the Deployment,
	// update the status. $1 is yq, $2 the Kratix directory (/kratix in the pod).
	seedReplicas = `set -eu
"$1" -i '.spec.replicas = 2' "$2/output/deployment.yaml"
"$1" -i '.replicas = 2' "$2/metadata/status.yaml"`

	// The vm Promise's enforce-tags container (kratix-examples, 02-fleet-management.md), verbatim
	// but for /kratix -> $K and jq -> "$JQ". `set -o pipefail` is dropped: dash (the /bin/sh here)
	// does not have it; busybox's sh in the original image does, at no measurable cost.
	seedEnforceTags = `set -eu
K=$1 JQ=$2

echo "Reading inputs from $K/input/object.yaml"
NAME=$(awk '/^[[:space:]]*name:/ { print $2; exit }' $K/input/object.yaml | tr -d '"')
NAMESPACE=$(awk '/^[[:space:]]*namespace:/ { print $2; exit }' $K/input/object.yaml | tr -d '"')

# this is the naming convention for the Terraform file that the ` + "`terraform-generate`" + ` step will create
# the KRATIX_PROMISE_NAME is set for us by Kratix, and in this case resolves to "vm"
UNIQUE_NAME=${KRATIX_PROMISE_NAME}_${NAMESPACE}_${NAME}
TF_FILE="$K/output/${UNIQUE_NAME}.tf.json"

echo "📝 Adding default tags to $TF_FILE"
"$JQ" ".module[\"${UNIQUE_NAME}\"].tags = {
  \"managed-by\": \"kratix\",
  \"kratix.io/promise\": \"vm\",
  \"kratix.io/request-namespace\": \"${NAMESPACE}\",
  \"kratix.io/request-name\": \"${NAME}\"
}" "$TF_FILE" > tmp.json && mv tmp.json "$TF_FILE"`
)

// subject is one side of a comparison.
type subject struct {
	label string
	// prepare fills run (a fresh, empty directory: not measured) and returns what to measure.
	prepare func(run string) ([]Step, error)
	ok      []int
	// check inspects run after the first measured run (logs are in run/log/<step>.err|.out).
	check func(run string) error
	// failed, when set, receives the first failure (an exit code not in ok, or a failed check)
	// instead of the group stopping there: the row reports it, the other rows are still measured.
	failed *string
}

type samples struct {
	cpu, wall []time.Duration
	rss       []int64
}

type suite struct {
	cfg      Config
	work     string
	base     string // the tree (a Kratix directory)
	rep      *Report
	logf     func(string, ...any)
	renders  string
	workshop string
	groupN   int
	scaled   *scaleRun // the scaling table's runs, which the memory table reuses
}

// Run builds the trees and measures every comparison.
func Run(cfg Config) (*Report, error) {
	if cfg.Runs < 1 {
		cfg.Runs = 1
	}
	if cfg.FastRuns < 1 {
		cfg.FastRuns = 4 * cfg.Runs
	}
	if cfg.Tenants < 1 {
		cfg.Tenants = 1
	}
	logw := cfg.Log
	if logw == nil {
		logw = io.Discard
	}
	work, err := os.MkdirTemp(cfg.WorkDir, "stagebench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	s := &suite{
		cfg:      cfg,
		work:     work,
		rep:      &Report{Config: cfg, Started: time.Now(), Versions: map[string]string{}},
		logf:     func(f string, a ...any) { fmt.Fprintf(logw, "stagebench: "+f+"\n", a...) },
		renders:  filepath.Join(cfg.Fixtures, "kratix-marketplace", "rendered"),
		workshop: filepath.Join(cfg.Fixtures, "kratix-marketplace", "pipeline-run-workshop-app"),
	}
	if cfg.CPUs > 0 {
		allowed := AllowedCPUs()
		if len(allowed) < cfg.CPUs {
			return nil, fmt.Errorf("cannot pin to %d CPUs: %d allowed", cfg.CPUs, len(allowed))
		}
		// The last ones: CPU 0 usually takes the most interrupts, whose softirq time Linux may
		// charge to whatever process it interrupts.
		s.rep.Pinned = allowed[len(allowed)-cfg.CPUs:]
	}
	s.rep.Versions["go"] = runtime.Version()
	s.rep.Versions["yq"] = Version(cfg.Tools.YQ)
	s.rep.Versions["jq"] = Version(cfg.Tools.JQ)
	for _, p := range Peers {
		if cfg.Tools.Peer[p] == "" {
			return nil, fmt.Errorf("peer program %s not built (BuildPeers)", p)
		}
		s.rep.Versions[p] = peerVersion(cfg.Tools.Peer[p])
	}

	s.base = filepath.Join(work, "tree")
	s.rep.Tree, err = BuildTree(s.base, s.renders, filepath.Join(s.workshop, "input", "object.yaml"), cfg.Tenants)
	if err != nil {
		return nil, fmt.Errorf("building the tree: %w", err)
	}
	s.logf("tree: %s", s.rep.Tree)

	groups := []struct {
		name string
		run  func() error
	}{{"peers", s.peers}, {"secret-forbidder", s.secretForbidder}, {"replica-migration", s.replicaMigration},
		{"enforce-tags", s.enforceTags}, {"startup", s.startup}, {"scaling", s.scaling}, {"memory", s.memory}, {"fleet", s.fleet}}
	for _, g := range groups {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, g.name) {
			continue
		}
		if err := g.run(); err != nil {
			return s.rep, err
		}
	}
	s.rep.Took = time.Since(s.rep.Started)
	return s.rep, nil
}

// copyTree is a prepare step: a fresh copy of the tree at run/k, returns run/k.
func (s *suite) copyTree(src string) func(run string) (string, error) {
	return func(run string) (string, error) {
		k := filepath.Join(run, "k")
		return k, CopyTree(src, k)
	}
}

// copyFloor is the floor of the tables over the tree: copying its output with cp -r, on the
// same fresh copy the subject beside it works on.
func (s *suite) copyFloor(cp func(run string) (string, error)) subject {
	return subject{
		label: "cp -r",
		prepare: func(run string) ([]Step, error) {
			k, err := cp(run)
			return []Step{{Name: "cp -r", Argv: []string{s.cfg.Tools.Cp, "-r", filepath.Join(k, "output"), filepath.Join(run, "copy")},
				Env: []string{"PATH=" + os.Getenv("PATH")}}}, err
		},
		check: func(run string) error {
			files, err := manifestFiles(filepath.Join(run, "copy"))
			if err == nil && len(files) != s.rep.Tree.Files {
				err = fmt.Errorf("copied %d files, want %d", len(files), s.rep.Tree.Files)
			}
			return err
		},
	}
}

func (s *suite) stage(name string, env []string) Step {
	return Step{Name: name, Argv: []string{s.cfg.Tools.Bin[name]}, Env: env}
}

// runGroup measures the subjects interleaved: run 1 of each in order, then run 2, ...
func (s *suite) runGroup(name string, runs int, subs []subject) ([]samples, error) {
	s.groupN++
	out := make([]samples, len(subs))
	for i := 0; i < runs; i++ {
		var line []string
		for j, sub := range subs {
			run := filepath.Join(s.work, fmt.Sprintf("g%d-r%d-s%d", s.groupN, i, j))
			if err := os.MkdirAll(filepath.Join(run, "log"), 0o755); err != nil {
				return nil, err
			}
			steps, err := sub.prepare(run)
			if err != nil {
				return nil, fmt.Errorf("%s: preparing %s: %w", name, sub.label, err)
			}
			for k := range steps {
				if steps[k].Stdout == "" {
					steps[k].Stdout = filepath.Join(run, "log", fmt.Sprintf("%d.out", k))
				}
				if steps[k].Stderr == "" {
					steps[k].Stderr = filepath.Join(run, "log", fmt.Sprintf("%d.err", k))
				}
				if steps[k].Dir == "" {
					steps[k].Dir = run
				}
			}
			res, err := Measure(Spec{Steps: steps, OK: sub.ok, CPUs: s.rep.Pinned})
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, sub.label, err)
			}
			var fail error
			if msg := res.Failed(sub.ok); msg != "" || len(res.Steps) != len(steps) {
				fail = fmt.Errorf("%s\n%s", msg, tail(run, res))
			} else if i == 0 && sub.check != nil {
				if err := sub.check(run); err != nil {
					fail = fmt.Errorf("output check: %w\n%s", err, tail(run, res))
				}
			}
			if fail != nil {
				if sub.failed == nil {
					return nil, fmt.Errorf("%s: %s: %w", name, sub.label, fail)
				}
				if *sub.failed == "" {
					*sub.failed = fail.Error()
					s.logf("%s: %s FAILED: %v", name, sub.label, fail)
				}
			}
			s.rep.FloorKiB = max(s.rep.FloorKiB, res.FloorKiB)
			out[j].cpu = append(out[j].cpu, res.CPU())
			out[j].wall = append(out[j].wall, time.Duration(res.WallNs))
			out[j].rss = append(out[j].rss, res.MaxRSSKiB())
			line = append(line, fmt.Sprintf("%s %s CPU", sub.label, ms(res.CPU())))
			if err := os.RemoveAll(run); err != nil {
				return nil, err
			}
		}
		s.logf("%s: run %d/%d: %s", name, i+1, runs, strings.Join(line, ", "))
	}
	return out, nil
}

// tail is the end of every step's stderr, for an error message.
func tail(run string, res Result) string {
	var b strings.Builder
	for k, st := range res.Steps {
		data, _ := os.ReadFile(filepath.Join(run, "log", fmt.Sprintf("%d.err", k)))
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if len(lines) > 8 {
			lines = lines[len(lines)-8:]
		}
		fmt.Fprintf(&b, "  [%s exit %d] %s\n", st.Name, st.Exit, strings.Join(lines, "\n    "))
	}
	return b.String()
}

func (s *suite) row(section, label string, sm samples) Row {
	return Row{Section: section, Label: label, Runs: len(sm.cpu), CPU: median(sm.cpu), Wall: median(sm.wall), RSSKiB: maxOf(sm.rss)}
}

// cpuRatio is the median over the runs of num's CPU / den's CPU (each pair measured back to back).
func cpuRatio(num, den samples) float64 {
	var rs []float64
	for i := range num.cpu {
		d := max(den.cpu[i], time.Microsecond)
		rs = append(rs, float64(num.cpu[i])/float64(d))
	}
	return medianF(rs)
}

func rssRatio(num, den samples) float64 {
	return float64(maxOf(num.rss)) / float64(max(maxOf(den.rss), 1))
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

func less(r float64, what string) string {
	if r >= 1 {
		return fmt.Sprintf("%.1f× less %s", r, what)
	}
	return fmt.Sprintf("%.1f× more %s", 1/r, what)
}

// --- the comparisons ---

func (s *suite) secretForbidder() error {
	const section = "secret-forbidder vs `yq select`"
	cp := s.copyTree(s.base)
	subs := []subject{{
		label: "secret-forbidder",
		prepare: func(run string) ([]Step, error) {
			k, err := cp(run)
			return []Step{s.stage("secret-forbidder", appRequest.env(k))}, err
		},
		ok: []int{1}, // the renders ship Secrets: MODE=fail lists every one and exits 1
		check: func(run string) error {
			return fileContains(filepath.Join(run, "log", "0.err"), "objects forbidden")
		},
	}, {
		label: "yq select",
		prepare: func(run string) ([]Step, error) {
			k, err := cp(run)
			if err != nil {
				return nil, err
			}
			files, err := manifestFiles(filepath.Join(k, "output"))
			return []Step{{Name: "yq select", Argv: append([]string{s.cfg.Tools.YQ, yqSecretExpr}, files...),
				Env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}}}, err
		},
		check: func(run string) error { return fileContains(filepath.Join(run, "log", "0.out"), "kind: Secret") },
	},
		s.copyFloor(cp),
	}
	sm, err := s.runGroup(section, s.cfg.Runs, subs)
	if err != nil {
		return err
	}
	vsYQ, vsCopy := cpuRatio(sm[1], sm[0]), cpuRatio(sm[0], sm[2])
	sf := s.row(section, "secret-forbidder (`MODE=fail`: lists every Secret, exit 1)", sm[0])
	sf.Ratio = fmt.Sprintf("%s, %s than yq; %.1f× the copy's CPU", less(vsYQ, "CPU"), less(rssRatio(sm[1], sm[0]), "memory"), vsCopy)
	sf.Target = "≥ 5× less CPU than yq, ≤ 3× the copy"
	sf.Met = yes(vsYQ >= 5 && vsCopy <= 3)
	yq := s.row(section, "`yq 'select(.kind == \"Secret\" and .apiVersion == \"v1\")'` over every file, one process", sm[1])
	yq.Ratio = "baseline"
	c := s.row(section, "`cp -r` of the tree (the raw floor)", sm[2])
	c.Ratio = "floor"
	s.rep.Rows = append(s.rep.Rows, sf, yq, c)
	return nil
}

// workshopRun is the workshop-app pipeline run (input, output with a Deployment of replicas: 1,
// metadata/status.yaml) copied to run/k.
func (s *suite) workshopRun(run string) (string, error) {
	k := filepath.Join(run, "k")
	return k, CopyTree(s.workshop, k)
}

// vmRun is the vm Promise's seed: the example-vm request (CRD defaults applied) and, with tf,
// terraform-generate's v0.1.0 output for it.
func (s *suite) vmRun(run string, tf bool) (string, error) {
	k := filepath.Join(run, "k")
	for _, d := range []string{"input", "output", "metadata"} {
		if err := os.MkdirAll(filepath.Join(k, d), 0o755); err != nil {
			return k, err
		}
	}
	if err := copyFile(filepath.Join(s.cfg.Fixtures, "derived", "terraform-generate", "inputs", "vm-example-vm.in-cluster-defaulted.yaml"),
		filepath.Join(k, "input", "object.yaml")); err != nil {
		return k, err
	}
	if !tf {
		return k, nil
	}
	return k, copyFile(filepath.Join(s.cfg.Fixtures, "derived", "enforce-tags-seed", "input.vm_default_example-vm.tf.json"),
		filepath.Join(k, "output", "vm_default_example-vm.tf.json"))
}

func (s *suite) replicaMigration() error {
	const section = "replica-migration vs the seed's `yq`"
	check := func(run string) error {
		if err := fileContains(filepath.Join(run, "k", "output", "deployment.yaml"), "replicas: 2"); err != nil {
			return err
		}
		return fileContains(filepath.Join(run, "k", "metadata", "status.yaml"), "replicas: 2")
	}
	subs := []subject{{
		label: "replica-migration",
		prepare: func(run string) ([]Step, error) {
			k, err := s.workshopRun(run)
			return []Step{s.stage("replica-migration", appRequest.env(k))}, err
		},
		check: check,
	}, {
		label: "seed yq",
		prepare: func(run string) ([]Step, error) {
			k, err := s.workshopRun(run)
			return []Step{{Name: "seed yq", Argv: []string{s.cfg.Tools.Sh, "-c", seedReplicas, "sh", s.cfg.Tools.YQ, k},
				Env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}}}, err
		},
		check: check,
	}}
	return s.versusSeed(section, subs, "replica-migration on the workshop-app run",
		"seed: `yq -i '.spec.replicas = 2' deployment.yaml` + `yq -i '.replicas = 2' status.yaml`")
}

// versusSeed measures a stage (subs[0]) against the seed script it replaces (subs[1]) and adds
// the stage's row, with its ratios, and the seed's baseline row.
func (s *suite) versusSeed(section string, subs []subject, stageRow, seedRow string) error {
	sm, err := s.runGroup(section, s.cfg.FastRuns, subs)
	if err != nil {
		return err
	}
	st := s.row(section, stageRow, sm[0])
	st.Ratio = less(cpuRatio(sm[1], sm[0]), "CPU") + ", " + less(rssRatio(sm[1], sm[0]), "memory") + " than the seed"
	seed := s.row(section, seedRow, sm[1])
	seed.Ratio = "baseline"
	s.rep.Rows = append(s.rep.Rows, st, seed)
	return nil
}

func (s *suite) enforceTags() error {
	const section = "enforce-tags vs the seed's `awk` + `jq`"
	check := func(run string) error {
		return fileContains(filepath.Join(run, "k", "output", "vm_default_example-vm.tf.json"), "kratix.io/request-name")
	}
	subs := []subject{{
		label: "enforce-tags",
		prepare: func(run string) ([]Step, error) {
			k, err := s.vmRun(run, true)
			return []Step{s.stage("enforce-tags", vmRequest.env(k))}, err
		},
		check: check,
	}, {
		label: "seed awk+jq",
		prepare: func(run string) ([]Step, error) {
			k, err := s.vmRun(run, true)
			return []Step{{Name: "seed awk+jq", Argv: []string{s.cfg.Tools.Sh, "-c", seedEnforceTags, "sh", k, s.cfg.Tools.JQ},
				Env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "KRATIX_PROMISE_NAME=vm"}}}, err
		},
		check: check,
	}}
	return s.versusSeed(section, subs, "enforce-tags on vm_default_example-vm.tf.json", "seed: `awk` ×2, `tr` ×2, `jq`, `mv` in `sh`")
}

func fileContains(path, want string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !strings.Contains(string(b), want) {
		return fmt.Errorf("%s: no %q", filepath.Base(path), want)
	}
	return nil
}

// --- statistics ---

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	c := append([]time.Duration(nil), d...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func medianF(f []float64) float64 {
	if len(f) == 0 {
		return 0
	}
	c := append([]float64(nil), f...)
	sort.Float64s(c)
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func maxOf(v []int64) int64 {
	var m int64
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func ms(d time.Duration) string {
	f := float64(d) / 1e6
	switch {
	case f < 10:
		return fmt.Sprintf("%.2f ms", f)
	case f < 100:
		return fmt.Sprintf("%.1f ms", f)
	default:
		return fmt.Sprintf("%.0f ms", f)
	}
}
