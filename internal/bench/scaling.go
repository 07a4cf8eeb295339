package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// Scaling targets: CPU linear in the input (within 1.2× of the smallest size's CPU times the
// size), and peak RSS flat, bounded by the largest document, which is the same at every size.
const (
	linearSlack = 1.2
	flatSlack   = 1.25 // peak RSS at every size ≤ this × the smallest size's
)

// scaleRun keeps the scaling table's samples for the memory table, which reuses
// replica-migration's smallest and largest sizes instead of running them again.
type scaleRun struct {
	trees  []TreeStats
	scales []int
	stage  map[string][]samples // stage -> samples per scale
	failed map[string][]string  // stage -> the first failure per scale ("" when it ran as expected)
}

// scaleInput is what one stage runs on at one size.
type scaleInput struct {
	what    string // what scales, for the table
	prepare func(run string, i int) ([]Step, error)
	check   func(run string) error
	ok      []int
	flat    bool // whether peak RSS should stay flat (false: the one document grows)
}

// scaling runs each stage on the tree at every size of cfg.Scales (1×, 4×, 16×), the sizes
// interleaved run by run.
func (s *suite) scaling() error {
	title := "Scaling: each stage on " + sayScales(s.cfg.Scales) + " the tree"
	sc := &scaleRun{scales: s.cfg.Scales, stage: map[string][]samples{}, failed: map[string][]string{}}
	s.scaled = sc
	trees := make([]string, len(sc.scales))
	for i, n := range sc.scales {
		if n == 1 {
			trees[i] = s.base
			sc.trees = append(sc.trees, s.rep.Tree)
			continue
		}
		trees[i] = filepath.Join(s.work, fmt.Sprintf("tree-%dx", n))
		st, err := BuildTree(trees[i], s.renders, filepath.Join(s.workshop, "input", "object.yaml"), n*s.cfg.Tenants)
		if err != nil {
			return fmt.Errorf("building the %d× tree: %w", n, err)
		}
		defer os.RemoveAll(trees[i])
		sc.trees = append(sc.trees, st)
		s.logf("%d× tree: %s", n, st)
	}
	requests := make([]string, len(sc.scales))
	var reqBytes []int
	for i, n := range sc.scales {
		requests[i] = filepath.Join(s.work, fmt.Sprintf("request-%dx.yaml", n))
		b, err := growingRequest(filepath.Join(s.cfg.Fixtures, "derived", "terraform-generate", "inputs", "vm-example-vm.in-cluster-defaulted.yaml"),
			filepath.Join(s.base, "output", "tenant-01"), n)
		if err == nil {
			err = os.WriteFile(requests[i], b, 0o644)
		}
		if err != nil {
			return fmt.Errorf("the %d× request: %w", n, err)
		}
		defer os.Remove(requests[i])
		reqBytes = append(reqBytes, len(b))
	}
	tfSeed, err := os.ReadFile(filepath.Join(s.cfg.Fixtures, "derived", "enforce-tags-seed", "input.vm_default_example-vm.tf.json"))
	if err != nil {
		return err
	}

	copyAt := func(run string, i int) (string, error) {
		k := filepath.Join(run, "k")
		return k, CopyTree(trees[i], k)
	}
	inputs := map[string]scaleInput{
		"label-injector": {
			what: "the tree",
			prepare: func(run string, i int) ([]Step, error) {
				k, err := copyAt(run, i)
				return []Step{s.stage("label-injector", appRequest.env(k))}, err
			},
			check: func(run string) error {
				return fileContains(filepath.Join(run, "k", "output", "tenant-01", "jenkins-dev-instance.yaml"), "kratix.io/resource-name: my-app")
			},
			flat: true,
		},
		"secret-forbidder": {
			what: "the tree (`MODE=fail`: lists every Secret, exit 1)",
			prepare: func(run string, i int) ([]Step, error) {
				k, err := copyAt(run, i)
				return []Step{s.stage("secret-forbidder", appRequest.env(k))}, err
			},
			ok:    []int{1},
			check: func(run string) error { return fileContains(filepath.Join(run, "log", "0.err"), "objects forbidden") },
			flat:  true,
		},
		"replica-migration": {
			what: "the tree",
			prepare: func(run string, i int) ([]Step, error) {
				k, err := copyAt(run, i)
				return []Step{s.stage("replica-migration", appRequest.env(k))}, err
			},
			check: func(run string) error {
				return fileContains(filepath.Join(run, "k", "metadata", "status.yaml"), "replicas: ")
			},
			flat: true,
		},
		"enforce-tags": {
			what: "the tree and one `.tf.json` module call (terraform-generate's, renamed) beside each of its manifest files",
			prepare: func(run string, i int) ([]Step, error) {
				k, err := copyAt(run, i)
				if err != nil {
					return nil, err
				}
				if err := addModuleCalls(filepath.Join(k, "output"), tfSeed); err != nil {
					return nil, err
				}
				return []Step{s.stage("enforce-tags", vmRequest.env(k))}, nil
			},
			check: func(run string) error {
				return fileContains(filepath.Join(run, "k", "output", "tenant-01", "jenkins-dev-instance.tf.json"), "kratix.io/request-name")
			},
			flat: true,
		},
		"terraform-generate": {
			what: fmt.Sprintf("the request: the vm seed's spec plus, as module arguments, the objects of one tenant directory per size (%s)",
				sizes(reqBytes, sc.scales)),
			prepare: func(run string, i int) ([]Step, error) {
				k, err := s.vmRun(run, false)
				if err == nil {
					err = copyFile(requests[i], filepath.Join(k, "input", "object.yaml"))
				}
				return []Step{s.stage("terraform-generate", vmRequest.env(k, moduleEnv...))}, err
			},
			check: func(run string) error {
				return fileContains(filepath.Join(run, "k", "output", "vm_default_example-vm.tf.json"), `"obj_00001"`)
			},
		},
	}

	var treeDesc []string
	for i, n := range sc.scales {
		treeDesc = append(treeDesc, fmt.Sprintf("%d×: %s files, %.1f MB, %s documents", n, thousands(int64(sc.trees[i].Files)), float64(sc.trees[i].Bytes)/1e6, thousands(int64(sc.trees[i].Documents))))
	}
	t := &Table{
		Name:  "Scaling",
		Title: title,
		About: fmt.Sprintf("Each stage on the tree at %s its size, in more tenant directories (%s; the largest file and document are the same at every size), "+
			"the sizes interleaved run by run, median of %d runs. enforce-tags needs Terraform: beside every manifest file of the tree "+
			"lies one module call as terraform-generate writes it, so its input grows with the tree. terraform-generate reads one request: "+
			"its spec grows instead, so its peak RSS grows with that one document and has no flat target. "+
			"Targets: CPU within %.1f× of linear (CPU at n× ≤ %.1f × n × CPU at 1×, the ratios paired run by run), and peak RSS flat "+
			"(every size ≤ %.2f× the 1× peak: memory bounded by the largest document, not the output).",
			sayScales(sc.scales), strings.Join(treeDesc, "; "), s.cfg.Runs, linearSlack, linearSlack, flatSlack),
		Columns: []string{"stage", "input", "CPU ms " + scaleList(sc.scales), "CPU ratio (linear: " + strings.Join(ints(sc.scales[1:]), ", ") + ")",
			"peak RSS MiB " + scaleList(sc.scales)},
	}
	for _, name := range Stages {
		in := inputs[name]
		var subs []subject
		failed := make([]string, len(sc.scales))
		for i, n := range sc.scales {
			subs = append(subs, subject{label: fmt.Sprintf("%s %d×", name, n), ok: in.ok, check: in.check, failed: &failed[i],
				prepare: func(run string) ([]Step, error) { return in.prepare(run, i) }})
		}
		sc.failed[name] = failed
		sm, err := s.runGroup(title+": "+name, s.cfg.Runs, subs)
		if err != nil {
			return err
		}
		sc.stage[name] = sm
		row := TableRow{}
		var cpus, rsss, ratios []string
		linear := true
		var worstRatio string
		flat := true
		base := maxOf(sm[0].rss)
		var worstRSS float64
		for i, n := range sc.scales {
			r := s.row(title, fmt.Sprintf("%s %d×", name, n), sm[i])
			row.Measured = append(row.Measured, r)
			cpus = append(cpus, msCell(r))
			rsss = append(rsss, s.rssCell(r.RSSKiB))
			if i == 0 {
				continue
			}
			cr := cpuRatio(sm[i], sm[0])
			ratios = append(ratios, fmt.Sprintf("×%.1f", cr))
			if cr > linearSlack*float64(n) {
				linear = false
			}
			worstRatio = fmt.Sprintf("%s for %d×", strings.Join(ratios, ", "), n)
			g := float64(r.RSSKiB) / float64(max(base, 1))
			worstRSS = max(worstRSS, g)
			if g > flatSlack {
				flat = false
			}
		}
		row.Cells = []string{name, in.what, strings.Join(cpus, " / "), strings.Join(ratios, ", "), strings.Join(rsss, " / ")}
		for i, f := range failed {
			if f != "" {
				row.Cells[0] += fmt.Sprintf(" (FAILED at %d×: %s)", sc.scales[i], failedExit(f))
				row.Checks = append(row.Checks, ranCheck(f))
				break
			}
		}
		row.Checks = append(row.Checks, Check{Name: "CPU", Target: fmt.Sprintf("CPU ≤ %.1f× linear", linearSlack), Met: linear, Got: "CPU " + worstRatio})
		if in.flat {
			row.Checks = append(row.Checks, Check{Name: "RSS", Target: fmt.Sprintf("peak RSS flat (≤ %.2f× the 1×)", flatSlack), Met: flat,
				Got: fmt.Sprintf("peak RSS up to ×%.2f the 1×", worstRSS)})
		}
		t.Rows = append(t.Rows, row)
	}
	s.rep.Tables = append(s.rep.Tables, t)
	return nil
}

// sayScales is "1×, 4× and 16×".
func sayScales(scales []int) string {
	var parts []string
	for _, n := range scales {
		parts = append(parts, fmt.Sprintf("%d×", n))
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func scaleList(scales []int) string {
	var parts []string
	for _, n := range scales {
		parts = append(parts, fmt.Sprintf("%d×", n))
	}
	return strings.Join(parts, " / ")
}

func ints(v []int) []string {
	var out []string
	for _, n := range v {
		out = append(out, fmt.Sprint(n))
	}
	return out
}

func sizes(bytes []int, scales []int) string {
	var parts []string
	for i, b := range bytes {
		parts = append(parts, fmt.Sprintf("%d×: %.1f MB", scales[i], float64(b)/1e6))
	}
	return strings.Join(parts, ", ")
}

// growingRequest is the vm seed request (seed) whose spec also holds, as module arguments
// obj_00001, obj_00002, …, the objects of the manifest files in dir, n times over: a request that
// grows n-fold for terraform-generate, which reads one request and nothing else. Deterministic.
func growingRequest(seed, dir string, n int) ([]byte, error) {
	b, err := os.ReadFile(seed)
	if err != nil {
		return nil, err
	}
	var req map[string]any
	if err := yaml.Unmarshal(b, &req); err != nil {
		return nil, fmt.Errorf("%s: %w", seed, err)
	}
	spec, ok := req["spec"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: no spec map", seed)
	}
	objs, err := readObjects(dir)
	if err != nil {
		return nil, err
	}
	i := 0
	for range n {
		for _, o := range objs {
			i++
			spec[fmt.Sprintf("obj_%05d", i)] = o.Obj
		}
	}
	return yaml.Marshal(req)
}

// addModuleCalls writes, beside every manifest file under out, a module call as
// terraform-generate writes it (the seed's), named for the file: <base>.tf.json holding
// module "vm_<dir>_<base>".
func addModuleCalls(out string, seed []byte) error {
	files, err := manifestFiles(out)
	if err != nil {
		return err
	}
	for _, f := range files {
		base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".yaml"), ".yml")
		name := fmt.Sprintf("vm_%s_%s", filepath.Base(filepath.Dir(f)), base)
		b := bytes.Replace(seed, []byte(`"vm_default_example-vm"`), []byte(`"`+name+`"`), 1)
		if err := os.WriteFile(filepath.Join(filepath.Dir(f), base+".tf.json"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
