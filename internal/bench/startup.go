package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Start-up targets: what a stage costs when it has nothing to do, and a pipeline of all five
// on a seed request.
const (
	startupTarget = 5 * time.Millisecond
	chainTarget   = 25 * time.Millisecond
)

// startup measures each stage on an empty output against `true`, and the five-stage chain on
// the two seed requests, interleaved.
func (s *suite) startup() error {
	const title = "Start-up: each stage on an empty output, and the five-stage chain"
	empty := func(run string) (string, error) {
		k := filepath.Join(run, "k")
		for _, d := range []string{"input", "output", "metadata"} {
			if err := os.MkdirAll(filepath.Join(k, d), 0o755); err != nil {
				return k, err
			}
		}
		return k, copyFile(filepath.Join(s.workshop, "input", "object.yaml"), filepath.Join(k, "input", "object.yaml"))
	}
	var subs []subject
	for _, name := range Stages {
		subs = append(subs, subject{label: name, prepare: func(run string) ([]Step, error) {
			k, err := empty(run)
			// REQUIRE_MODULE=false: enforce-tags would otherwise (rightly) fail on an empty output.
			return []Step{s.stage(name, appRequest.env(k, append(moduleEnv, "REQUIRE_MODULE=false")...))}, err
		}})
	}
	subs = append(subs, subject{label: "true", prepare: func(run string) ([]Step, error) {
		return []Step{{Name: "true", Argv: []string{s.cfg.Tools.True}}}, nil
	}})
	chainSteps := func(k string, req request) []Step {
		var out []Step
		for _, name := range Stages {
			out = append(out, s.stage(name, req.env(k, moduleEnv...)))
		}
		return out
	}
	subs = append(subs, subject{
		label: "chain vm example-vm",
		prepare: func(run string) ([]Step, error) {
			k, err := s.vmRun(run, false)
			return chainSteps(k, vmRequest), err
		},
		check: func(run string) error {
			return fileContains(filepath.Join(run, "k", "output", "vm_default_example-vm.tf.json"), "kratix.io/request-name")
		},
	}, subject{
		label: "chain workshop-app",
		prepare: func(run string) ([]Step, error) {
			k, err := s.workshopRun(run)
			return chainSteps(k, appRequest), err
		},
		check: func(run string) error {
			if err := fileContains(filepath.Join(run, "k", "output", "deployment.yaml"), "replicas: 2"); err != nil {
				return err
			}
			return fileContains(filepath.Join(run, "k", "output", "deployment.yaml"), "kratix.io/resource-name: my-app")
		},
	})
	sm, err := s.runGroup(title, s.cfg.FastRuns, subs)
	if err != nil {
		return err
	}
	t := &Table{
		Name:  "Start-up",
		Title: title,
		About: fmt.Sprintf("Each stage on a resource request with an empty output (what it costs when it has nothing to do), "+
			"against `true` (the cost of starting any process here), then the five stages run one after another on the two seed "+
			"requests, as a Promise's pipeline runs them. Median of %d interleaved runs.", s.cfg.FastRuns),
		Columns: []string{"command", "CPU ms (median)", "wall ms (median)", "peak RSS MiB (max)", "CPU vs `true`"},
	}
	tr := sm[len(Stages)]
	for i, name := range Stages {
		r := s.row(title, name, sm[i])
		t.Rows = append(t.Rows, TableRow{
			Cells:    []string{name, msCell(r), num(r.Wall.Seconds() * 1e3), s.rssCell(r.RSSKiB), ratio(cpuRatio(sm[i], tr))},
			Checks:   []Check{{Target: fmt.Sprintf("< %d ms CPU", startupTarget.Milliseconds()), Met: r.CPU < startupTarget, Got: ms(r.CPU)}},
			Measured: []Row{r},
		})
	}
	r := s.row(title, "`true`", tr)
	t.Rows = append(t.Rows, TableRow{Cells: []string{"`true`", msCell(r), num(r.Wall.Seconds() * 1e3), s.rssCell(r.RSSKiB), "1 (baseline)"}, Measured: []Row{r}})
	for i, label := range []string{
		"chain, vm seed (example-vm): " + strings.Join(Stages, " → "),
		"chain, workshop-app seed: the same five stages",
	} {
		sm := sm[len(Stages)+1+i]
		r := s.row(title, label, sm)
		t.Rows = append(t.Rows, TableRow{
			Cells: []string{label, msCell(r), num(r.Wall.Seconds() * 1e3), s.rssCell(r.RSSKiB), ratio(cpuRatio(sm, tr))},
			Checks: []Check{{Target: fmt.Sprintf("< %d ms (CPU and wall)", chainTarget.Milliseconds()), Met: r.CPU < chainTarget && r.Wall < chainTarget,
				Got: fmt.Sprintf("CPU %s, wall %s", ms(r.CPU), ms(r.Wall))}},
			Measured: []Row{r},
		})
	}
	s.rep.Tables = append(s.rep.Tables, t)
	return nil
}
