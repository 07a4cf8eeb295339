package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The peers: what a user would run instead of label-injector to label every object of the tree,
// each asked for the same labels (benchLabels) on every object and on the pod templates of
// workloads, never on selectors.
const (
	// yq -i, one process per manifest file. The pod templates are those of podTemplatePaths,
	// matched by API group and kind, labelled only where the template is a map.
	yqLabelLoop = `find "$1" -type f \( -name '*.yaml' -o -name '*.yml' \) | while IFS= read -r f; do
  "$2" -i "$3" "$f" || exit 1
done`
	yqLabelExpr = `{"kratix.io/promise-name": "app", "kratix.io/resource-name": "my-app", "app.kubernetes.io/managed-by": "kratix"} as $l | ` +
		`.metadata.labels."kratix.io/promise-name" = "app" | ` +
		`.metadata.labels."kratix.io/resource-name" = "my-app" | ` +
		`.metadata.labels."app.kubernetes.io/managed-by" = "kratix" | ` +
		`with(select(((((.apiVersion | test("^(apps|extensions)/")) and (.kind == "Deployment" or .kind == "DaemonSet" or .kind == "ReplicaSet")) or ` +
		`((.apiVersion | test("^apps/")) and .kind == "StatefulSet") or (.apiVersion == "v1" and .kind == "ReplicationController") or ` +
		`((.apiVersion | test("^batch/")) and .kind == "Job")) and (.spec.template | tag) == "!!map")); .spec.template.metadata.labels += $l) | ` +
		`with(select((.apiVersion | test("^batch/")) and .kind == "CronJob" and (.spec.jobTemplate | tag) == "!!map"); ` +
		`.spec.jobTemplate.metadata.labels += $l | with(select((.spec.jobTemplate.spec.template | tag) == "!!map"); .spec.jobTemplate.spec.template.metadata.labels += $l))`

	// One `kustomize build` per kustomization directory ($1/<tenant>/<build>/), each written
	// next to it as <build>.yaml.
	kustomizeLoop = `for d in "$1"/*/*/; do
  "$2" "$d" "${d%/}.yaml" || exit 1
done`
)

// kustomization is the kustomization.yaml of one build: its resources and the labels, with
// includeTemplates and without selectors.
func kustomization(resources []string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n")
	for _, r := range resources {
		fmt.Fprintf(&b, "- %s\n", r)
	}
	b.WriteString("labels:\n- includeTemplates: true\n  pairs:\n")
	for _, l := range benchLabels {
		fmt.Fprintf(&b, "    %s: %s\n", l.Key, l.Value)
	}
	return []byte(b.String())
}

// kustomizeBuilds groups the files of one tenant directory into as few kustomizations as
// kustomize accepts: one per tenant, except that a file holding an object whose ID an earlier
// file of the build already has goes to the next build (kustomize refuses two objects with one
// ID: two of the renders ship the IngressClass `nginx`). Files are taken in name order.
func kustomizeBuilds(dir string) ([][]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var builds [][]string
	var ids []map[string]bool
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		docs, err := yamlDocs(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		var mine []string
		for _, d := range docs {
			if id := docID(d); id != "" {
				mine = append(mine, id)
			}
		}
		placed := false
		for i := range builds {
			clash := false
			for _, id := range mine {
				clash = clash || ids[i][id]
			}
			if !clash {
				builds[i] = append(builds[i], e.Name())
				for _, id := range mine {
					ids[i][id] = true
				}
				placed = true
				break
			}
		}
		if !placed {
			set := map[string]bool{}
			for _, id := range mine {
				set[id] = true
			}
			builds, ids = append(builds, []string{e.Name()}), append(ids, set)
		}
	}
	return builds, nil
}

// peerResult is what the check of one labeller's first run found.
type peerResult struct {
	verdict    labelVerdict
	collateral Collateral
	checked    bool
}

// peers measures label-injector and the tools a user would label the tree with instead, each
// on a fresh copy, interleaved, and checks with an independent reader that each labelled every
// object: a peer that did not is no anchor, and its row fails.
func (s *suite) peers() error {
	const title = "Peers: labelling every object of the tree"
	out := filepath.Join(s.base, "output")
	before, err := readObjects(out)
	if err != nil {
		return fmt.Errorf("reading the tree: %w", err)
	}
	builds, err := kustomizeBuilds(filepath.Join(out, "tenant-01"))
	if err != nil {
		return err
	}
	tenants, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	nBuilds := len(builds) * len(tenants)
	cp := s.copyTree(s.base)
	results := make([]peerResult, 6)
	inPlace := func(i int) func(run string) error {
		return func(run string) error {
			r, err := checkInPlace(out, filepath.Join(run, "k", "output"), before)
			results[i] = r
			return err
		}
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	labelArgs := []string{}
	for _, l := range benchLabels {
		labelArgs = append(labelArgs, l.Key+"="+l.Value)
	}
	subs := []subject{{
		label: "label-injector",
		prepare: func(run string) ([]Step, error) {
			k, err := cp(run)
			return []Step{s.stage("label-injector", appRequest.env(k))}, err
		},
		check: inPlace(0),
	}, {
		label: "yq -i loop",
		prepare: func(run string) ([]Step, error) {
			k, err := cp(run)
			return []Step{{Name: "yq loop", Argv: []string{s.cfg.Tools.Sh, "-c", yqLabelLoop, "sh", filepath.Join(k, "output"), s.cfg.Tools.YQ, yqLabelExpr}, Env: env}}, err
		},
		check: inPlace(1),
	}, {
		label: "kustomize",
		prepare: func(run string) ([]Step, error) {
			k, err := cp(run)
			if err != nil {
				return nil, err
			}
			root, err := layoutKustomize(filepath.Join(k, "output"), filepath.Join(k, "kustomize"), builds)
			return []Step{{Name: "kustomize builds", Argv: []string{s.cfg.Tools.Sh, "-c", kustomizeLoop, "sh", root, s.cfg.Tools.Peer[PeerKustomize]}, Env: env}}, err
		},
		check: func(run string) error {
			r, err := checkKustomize(out, filepath.Join(run, "k", "kustomize"), builds, before)
			results[2] = r
			return err
		},
	}, {
		label: "kyaml",
		prepare: func(run string) ([]Step, error) {
			k, err := cp(run)
			return []Step{{Name: "kyaml pipeline", Argv: append([]string{s.cfg.Tools.Peer[PeerKYAML], filepath.Join(k, "output")}, labelArgs...), Env: env}}, err
		},
		check: inPlace(3),
	}, {
		label: "yaml.v3 parse",
		prepare: func(run string) ([]Step, error) {
			k, err := cp(run)
			return []Step{{Name: "yaml.v3 parse", Argv: []string{s.cfg.Tools.Peer[PeerYAMLv3], filepath.Join(k, "output")}, Env: env}}, err
		},
		check: func(run string) error {
			b, err := os.ReadFile(filepath.Join(run, "log", "0.out"))
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				return fmt.Errorf("yamlv3-parse printed %q, not a count", b)
			}
			results[4].checked = true
			results[4].verdict = labelVerdict{Objects: n, Lost: topLevel(before) - n}
			return nil
		},
	},
		s.copyFloor(cp),
	}
	failed := make([]string, len(subs))
	for i := range subs {
		subs[i].failed = &failed[i]
	}
	sm, err := s.runGroup(title, s.cfg.Runs, subs)
	if err != nil {
		return err
	}

	t := &Table{
		Name:  "Peers",
		Title: title,
		About: fmt.Sprintf("Each labeller sets %s on every object of the tree and on the pod templates of workloads "+
			"(Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job; CronJob's job and pod templates), "+
			"never on selectors, and writes the result. "+
			"**yq**: `yq -i` per file in a `sh` loop over `find` (%d processes). "+
			"**kustomize**: %s (krusty, the library of the kustomize CLI, CLI defaults), `labels:` with `includeTemplates: true` and no selectors; "+
			"one `kustomize build` process per tenant copy (%d builds: %d per tenant, since two renders ship the same IngressClass `nginx` and one "+
			"kustomization refuses two objects with one ID), each writing one YAML stream. "+
			"**kyaml**: a `kio` pipeline of %s (the library kpt's set-labels is written with; reader and writer set up as kpt sets them up) "+
			"that reads every file, sets the labels with `yaml.SetLabel` and writes the files back in place. "+
			"**yaml.v3 parse only**: decodes every document into `yaml.Node`s (%s), edits and writes nothing. "+
			"**Labelled every object** is checked after the first run with an independent reader, apimachinery's `YAMLOrJSONDecoder` "+
			"(what kubectl reads): every object of the input is in the output (by apiVersion, kind, namespace and name), and it and "+
			"its pod template carry every label; a labeller that fails is no anchor, its row says WRONG and stagebench exits 1. "+
			"**Lines changed besides the labels**: a line diff of every file before and after, once the entries of the three "+
			"label keys (and a `labels:` key left with nothing else) are cut out of both sides, so adding or overwriting the labels counts for "+
			"nothing; kustomize's output is matched back to its input files object by object (it reorders objects by kind), so "+
			"the objects it reorders count for nothing either. The ratio is each row's CPU over label-injector's, run by run.",
			labelList(), s.rep.Tree.Files, s.rep.Versions[PeerKustomize], nBuilds, len(builds), s.rep.Versions[PeerKYAML], s.rep.Versions[PeerYAMLv3]),
		Columns: []string{"command", "CPU ms (median)", "wall ms (median)", "peak RSS MiB (max)", "CPU vs label-injector", "lines changed besides the labels", "labelled every object"},
	}
	labels := []string{
		"label-injector",
		fmt.Sprintf("`yq -i` per file, yq %s (%d processes)", YQVersion, s.rep.Tree.Files),
		fmt.Sprintf("kustomize `labels:` (krusty %s, %d builds)", strings.TrimPrefix(s.rep.Versions[PeerKustomize], "sigs.k8s.io/kustomize/api "), nBuilds),
		fmt.Sprintf("kyaml `kio` pipeline in place (%s)", strings.TrimPrefix(s.rep.Versions[PeerKYAML], "sigs.k8s.io/kustomize/")),
		"yaml.v3 parse only (no edit, no write)",
		"`cp -r` of the tree (the floor)",
	}
	for i, lab := range labels {
		r := s.row(title, lab, sm[i])
		cpuVs := ratio(cpuRatio(sm[i], sm[0]))
		if i == 0 {
			cpuVs = "1 (baseline)"
		}
		row := TableRow{Measured: []Row{r}}
		res := results[i]
		coll, labelled := "—", "—"
		if i < 4 {
			coll, labelled = res.collateral.String(), res.verdict.String()
			ok := res.checked && res.verdict.OK()
			if !ok {
				cpuVs = "no anchor (" + cpuVs + ")"
				s.logf("%s: WRONG OUTPUT: %s", lab, res.verdict)
			}
			row.Checks = append(row.Checks, Check{Name: "labels", Target: "labels every object", Met: ok, Wrong: !ok, Got: res.verdict.String()})
		}
		if i == 4 {
			ok := res.checked && res.verdict.Lost == 0
			labelled = fmt.Sprintf("(read %s objects)", thousands(int64(res.verdict.Objects)))
			row.Checks = append(row.Checks, Check{Name: "read", Target: "reads every object", Met: ok, Wrong: !ok,
				Got: fmt.Sprintf("%d objects, the input has %d", res.verdict.Objects, topLevel(before))})
		}
		if i == 0 {
			vsYQ := cpuRatio(sm[1], sm[0])
			row.Checks = append([]Check{
				{Name: "CPU", Target: "≥ 25× less CPU than the `yq -i` loop", Met: vsYQ >= 25, Got: fmt.Sprintf("%.1f× less", vsYQ)},
				{Name: "diff", Target: "0 lines changed besides the labels", Met: res.collateral.Lines() == 0, Got: res.collateral.String()},
			}, row.Checks...)
		}
		if failed[i] != "" {
			labelled = "FAILED: " + failure(failed[i])
			if i > 0 {
				cpuVs = "no anchor"
			}
			row.Checks = append(row.Checks, ranCheck(failed[i]))
		}
		row.Cells = []string{lab, msCell(r), num(r.Wall.Seconds() * 1e3), s.rssCell(r.RSSKiB), cpuVs, coll, labelled}
		t.Rows = append(t.Rows, row)
	}
	s.rep.Tables = append(s.rep.Tables, t)
	return nil
}

// topLevel counts the documents that hold objects (a List once, not its items).
func topLevel(objs []object) int {
	docs := map[string]bool{}
	for _, o := range objs {
		docs[fmt.Sprintf("%s\x00%d", o.File, o.Doc)] = true
	}
	return len(docs)
}

func labelList() string {
	var parts []string
	for _, l := range benchLabels {
		parts = append(parts, "`"+l.Key+": "+l.Value+"`")
	}
	return strings.Join(parts, ", ")
}

// rssCell formats a peak RSS, marked ≤ when at the measuring helper's floor.
func (s *suite) rssCell(kib int64) string {
	if kib <= s.rep.FloorKiB {
		return "≤ " + mib(kib)
	}
	return mib(kib)
}

// layoutKustomize moves the files of every tenant directory of out into kustomization
// directories root/<tenant>/b<N>/ as builds groups them, each with its kustomization.yaml.
func layoutKustomize(out, root string, builds [][]string) (string, error) {
	tenants, err := os.ReadDir(out)
	if err != nil {
		return "", err
	}
	for _, t := range tenants {
		for i, files := range builds {
			dir := filepath.Join(root, t.Name(), fmt.Sprintf("b%d", i+1))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return "", err
			}
			for _, f := range files {
				if err := os.Rename(filepath.Join(out, t.Name(), f), filepath.Join(dir, f)); err != nil {
					return "", err
				}
			}
			if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), kustomization(files), 0o644); err != nil {
				return "", err
			}
		}
	}
	return root, nil
}

// checkInPlace checks a labeller that edits the tree in place: origOut is the tree's output
// directory before, gotOut the same directory after.
func checkInPlace(origOut, gotOut string, before []object) (peerResult, error) {
	res := peerResult{checked: true}
	after, err := readObjects(gotOut)
	if err != nil {
		res.verdict.Unreadable = err.Error()
	} else {
		res.verdict = checkLabelled(before, after, benchLabels)
	}
	cc := newCollateralCounter(benchLabels)
	rels := map[string]bool{}
	for _, dir := range []string{origOut, gotOut} {
		files, err := manifestFilesAll(dir)
		if err != nil {
			return res, err
		}
		for _, f := range files {
			rel, _ := filepath.Rel(dir, f)
			rels[rel] = true
		}
	}
	sorted := make([]string, 0, len(rels))
	for rel := range rels {
		sorted = append(sorted, rel)
	}
	sort.Strings(sorted)
	for _, rel := range sorted {
		b, _ := os.ReadFile(filepath.Join(origOut, rel))
		a, _ := os.ReadFile(filepath.Join(gotOut, rel))
		cc.add(b, a)
	}
	res.collateral = cc.total
	return res, nil
}

// checkKustomize checks the kustomize builds under root (root/<tenant>/b<N>.yaml, built from
// the files builds lists) against the tree's output directory origOut.
func checkKustomize(origOut, root string, builds [][]string, before []object) (peerResult, error) {
	tenants, err := os.ReadDir(origOut)
	if err != nil {
		return peerResult{}, err
	}
	var after []object
	unreadable := ""
	cc := newCollateralCounter(benchLabels)
	for _, t := range tenants {
		for i, files := range builds {
			rel := fmt.Sprintf("%s/b%d.yaml", t.Name(), i+1)
			stream, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
			if err != nil {
				return peerResult{}, err
			}
			objs, err := decodeObjects(rel, stream)
			if err != nil && unreadable == "" {
				unreadable = err.Error()
			}
			after = append(after, objs...)
			var srcs []sourceFile
			for _, f := range files {
				b, err := os.ReadFile(filepath.Join(origOut, t.Name(), f))
				if err != nil {
					return peerResult{}, err
				}
				srcs = append(srcs, sourceFile{Rel: t.Name() + "/" + f, Data: b})
			}
			regrouped, extra, err := regroup(srcs, stream)
			if err != nil {
				if unreadable == "" {
					unreadable = err.Error()
				}
				continue
			}
			for _, src := range srcs {
				cc.add(src.Data, regrouped[src.Rel])
			}
			if len(extra) > 0 {
				cc.add(nil, extra)
			}
		}
	}
	res := peerResult{verdict: checkLabelled(before, after, benchLabels), collateral: cc.total, checked: true}
	res.verdict.Unreadable = unreadable
	return res, nil
}
