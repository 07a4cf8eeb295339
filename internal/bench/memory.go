package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// Memory targets: a Kratix pod commonly runs with a 256Mi limit, and a stage's memory must be
// bounded by the largest document it reads, not by the size of a file or of the output.
const (
	manyDocsTarget  = 128 << 10 // KiB: one file of many documents
	oneDocTarget    = 192 << 10 // KiB: one large document
	bigTreeTarget   = 64 << 10  // KiB: replica-migration on the largest tree of the scaling table
	bigTreeCPUSlack = 1.5       // its CPU ≤ this × (size × the 1× CPU)
)

// manyDocsFile is one manifest file of at least size bytes: the Helm renders (in name order)
// concatenated, again and again, as `---`-separated documents. Deterministic.
func manyDocsFile(renderDir string, size int64) ([]byte, int, error) {
	renders, err := readRenders(renderDir)
	if err != nil {
		return nil, 0, err
	}
	var b bytes.Buffer
	docs := 0
	for int64(b.Len()) < size {
		for _, r := range renders {
			b.WriteString("---\n")
			b.Write(r.data)
			if !bytes.HasSuffix(r.data, []byte("\n")) {
				b.WriteByte('\n')
			}
			docs += r.docs
		}
	}
	return b.Bytes(), docs, nil
}

// largeDocument is one CustomResourceDefinition of at least size bytes: the largest CRD of the
// Helm renders with its first version repeated under new names (v1x1, v1x2, …; served, not
// stored) until the document is that big, like a CRD that keeps every old version's schema.
// Deterministic.
func largeDocument(renderDir string, size int64) ([]byte, string, error) {
	renders, err := readRenders(renderDir)
	if err != nil {
		return nil, "", err
	}
	var best []byte
	var from string
	for _, r := range renders {
		docs, err := yamlDocs(r.data)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", r.name, err)
		}
		for _, d := range docs {
			if len(d) > len(best) && bytes.Contains(d, []byte("kind: CustomResourceDefinition")) {
				var m map[string]any
				if yaml.Unmarshal(d, &m) == nil && m["kind"] == "CustomResourceDefinition" {
					best, from = d, r.name
				}
			}
		}
	}
	if best == nil {
		return nil, "", fmt.Errorf("no CustomResourceDefinition in the renders of %s", renderDir)
	}
	var crd map[string]any
	if err := yaml.Unmarshal(best, &crd); err != nil {
		return nil, "", err
	}
	spec, _ := crd["spec"].(map[string]any)
	versions, _ := spec["versions"].([]any)
	if len(versions) == 0 {
		return nil, "", fmt.Errorf("%s: the largest CRD has no spec.versions", from)
	}
	first, _ := versions[0].(map[string]any)
	name, _ := first["name"].(string)
	build := func(extra int) ([]byte, error) {
		vs := append([]any(nil), versions...)
		for i := 1; i <= extra; i++ {
			v := map[string]any{}
			for k, x := range first {
				v[k] = x
			}
			v["name"] = fmt.Sprintf("%sx%d", name, i)
			v["storage"] = false
			v["served"] = true
			vs = append(vs, v)
		}
		spec["versions"] = vs
		return yaml.Marshal(crd)
	}
	// Two sizes give the bytes one more version adds (indented as it is in the document), and
	// so how many make the document size bytes, to within one version.
	one, err := build(1)
	if err != nil {
		return nil, "", err
	}
	two, err := build(2)
	if err != nil {
		return nil, "", err
	}
	per := int64(len(two) - len(one))
	extra := 1
	if rest := size - int64(len(one)); rest > 0 {
		extra += int((rest + per - 1) / per)
	}
	out, err := build(extra)
	return out, from, err
}

// memory measures peak RSS on the inputs that grow a stage's memory when it holds more than one
// document: one file of many documents through the three stages that read manifests, one large
// document through label-injector; and reports replica-migration on the largest tree of the
// scaling table from that table's runs.
func (s *suite) memory() error {
	const title = "Memory: bounded by the largest document"
	many, manyDocs, err := manyDocsFile(s.renders, s.cfg.MemFileBytes)
	if err != nil {
		return err
	}
	crd, crdFrom, err := largeDocument(s.renders, s.cfg.MemDocBytes)
	if err != nil {
		return err
	}
	inputs := filepath.Join(s.work, "memory")
	manyDir, crdDir := filepath.Join(inputs, "many"), filepath.Join(inputs, "crd")
	defer os.RemoveAll(inputs)
	for _, in := range []struct {
		dir, file string
		data      []byte
	}{{manyDir, "many-documents.yaml", many}, {crdDir, "large-crd.yaml", crd}} {
		for _, d := range []string{"input", "output", "metadata"} {
			if err := os.MkdirAll(filepath.Join(in.dir, d), 0o755); err != nil {
				return err
			}
		}
		if err := copyFile(filepath.Join(s.workshop, "input", "object.yaml"), filepath.Join(in.dir, "input", "object.yaml")); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(in.dir, "output", in.file), in.data, 0o644); err != nil {
			return err
		}
	}
	s.logf("memory inputs: one file of %.1f MB, %s documents; one %s document of %.1f MB", float64(len(many))/1e6, thousands(int64(manyDocs)),
		"CustomResourceDefinition", float64(len(crd))/1e6)
	run := func(stage, src string) func(run string) ([]Step, error) {
		cp := s.copyTree(src)
		return func(run string) ([]Step, error) {
			k, err := cp(run)
			return []Step{s.stage(stage, appRequest.env(k))}, err
		}
	}
	labelled := func(file string) func(run string) error {
		return func(run string) error {
			return fileContains(filepath.Join(run, "k", "output", file), "kratix.io/resource-name: my-app")
		}
	}
	failed := make([]string, 4)
	subs := []subject{
		{label: "label-injector many", prepare: run("label-injector", manyDir), check: labelled("many-documents.yaml")},
		{label: "secret-forbidder many", prepare: run("secret-forbidder", manyDir), ok: []int{1},
			check: func(run string) error { return fileContains(filepath.Join(run, "log", "0.err"), "objects forbidden") }},
		{label: "replica-migration many", prepare: run("replica-migration", manyDir),
			check: func(run string) error {
				return fileContains(filepath.Join(run, "k", "metadata", "status.yaml"), "replicas: ")
			}},
		{label: "label-injector crd", prepare: run("label-injector", crdDir), check: labelled("large-crd.yaml")},
	}
	for i := range subs {
		subs[i].failed = &failed[i]
	}
	sm, err := s.runGroup(title, s.cfg.Runs, subs)
	if err != nil {
		return err
	}
	manyIn := fmt.Sprintf("one file of %.1f MB, %s documents (the renders over and over)", float64(len(many))/1e6, thousands(int64(manyDocs)))
	crdIn := fmt.Sprintf("one CustomResourceDefinition document of %.1f MB (%s's largest, its versions repeated)", float64(len(crd))/1e6, crdFrom)
	t := &Table{
		Name:  "Memory",
		Title: title,
		About: fmt.Sprintf("Peak RSS where a stage that holds more than one document at a time would show it: one file of many documents, "+
			"one large document, and the largest tree of the scaling table (replica-migration's figures there, from the same runs). "+
			"Inputs are generated from the Helm renders, the same bytes every run. Median CPU of %d interleaved runs; peak RSS is the "+
			"maximum over the runs. Kratix pods commonly run with a 256Mi limit.", s.cfg.Runs),
		Columns: []string{"stage", "input", "CPU ms (median)", "wall ms (median)", "peak RSS MiB (max)"},
	}
	add := func(stage, input string, sm samples, limit int64, failed string) {
		r := s.row(title, stage, sm)
		row := TableRow{
			Cells:    []string{stage, input, msCell(r), num(r.Wall.Seconds() * 1e3), s.rssCell(r.RSSKiB)},
			Checks:   []Check{{Name: "RSS", Target: fmt.Sprintf("< %d MiB peak RSS", limit>>10), Met: r.RSSKiB < limit, Got: mib(r.RSSKiB) + " MiB"}},
			Measured: []Row{r},
		}
		if failed != "" {
			row.Cells[0] += " (FAILED: " + failedExit(failed) + ")"
			row.Checks = append(row.Checks, ranCheck(failed))
		}
		t.Rows = append(t.Rows, row)
	}
	add("label-injector", manyIn, sm[0], manyDocsTarget, failed[0])
	add("secret-forbidder (`MODE=fail`, exit 1)", manyIn, sm[1], manyDocsTarget, failed[1])
	add("replica-migration", manyIn, sm[2], manyDocsTarget, failed[2])
	add("label-injector", crdIn, sm[3], oneDocTarget, failed[3])

	if sc := s.scaled; sc != nil && len(sc.scales) > 1 {
		last := len(sc.scales) - 1
		n := sc.scales[last]
		rm := sc.stage["replica-migration"]
		r := s.row(title, "replica-migration", rm[last])
		cr := cpuRatio(rm[last], rm[0]) / float64(n)
		t.Rows = append(t.Rows, TableRow{
			Cells: []string{"replica-migration", fmt.Sprintf("the %d× tree of the scaling table (%.1f MB, %s files)", n, float64(sc.trees[last].Bytes)/1e6, thousands(int64(sc.trees[last].Files))),
				msCell(r), num(r.Wall.Seconds() * 1e3), s.rssCell(r.RSSKiB)},
			Checks: []Check{
				{Name: "RSS", Target: fmt.Sprintf("< %d MiB peak RSS", bigTreeTarget>>10), Met: r.RSSKiB < bigTreeTarget, Got: mib(r.RSSKiB) + " MiB"},
				{Name: "CPU", Target: fmt.Sprintf("CPU ≤ %.1f × %d × the 1× run", bigTreeCPUSlack, n), Met: cr <= bigTreeCPUSlack,
					Got: fmt.Sprintf("%.2f × %d × the 1× run", cr, n)},
			},
			Measured: []Row{r},
		})
		if f := sc.failed["replica-migration"][last]; f != "" {
			row := &t.Rows[len(t.Rows)-1]
			row.Cells[0] += " (FAILED: " + failedExit(f) + ")"
			row.Checks = append(row.Checks, ranCheck(f))
		}
	}
	s.rep.Tables = append(s.rep.Tables, t)
	return nil
}
