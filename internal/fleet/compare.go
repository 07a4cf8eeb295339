package fleet

import (
	"bytes"
	"sort"
	"strings"

	"github.com/stagekit/stagekit/internal/pod"
	"github.com/stagekit/stagekit/internal/requests"
	"github.com/stagekit/stagekit/internal/udiff"
	"github.com/stagekit/stagekit/sdk"
	"sigs.k8s.io/yaml"
)

// statusItem is the name under which the request's status is compared.
const statusItem = "status"

// item is one compared result of a run: a file, the destinations of a pipeline, the status.
type item struct {
	data []byte
	file string // for output files: the path relative to /kratix/output
}

// items lists what a workflow run produced, by name.
func items(res pod.Result) (map[string]item, map[string]string) {
	out := map[string]item{}
	generated := map[string]string{} // item name -> the kustomization whose secretGenerator reads it
	for _, pr := range res.Pipelines {
		for name, data := range pr.Output {
			out[pr.Name+"/output/"+name] = item{data: data, file: name}
		}
		by := map[string]string{}
		for name, data := range pr.Output {
			if isKustomization(name) {
				generatorFiles(name, data, by)
			}
		}
		for file, k := range by {
			generated[pr.Name+"/output/"+file] = pr.Name + "/output/" + k
		}
		if lines := pr.Schedule.Lines(); lines != "" {
			out[pr.Name+"/destinations"] = item{data: []byte(lines)}
		}
		if pr.Stopped != "" {
			out[pr.Name+"/workflow-control"] = item{data: []byte(pr.Stopped + "\n")}
		}
	}
	if len(res.Status) > 0 {
		data, err := yaml.Marshal(res.Status)
		if err != nil {
			data = []byte("# cannot be shown\n")
		}
		out[statusItem] = item{data: data}
	}
	return out, generated
}

// Compare is what the change does to one request: from is its run with the old Promise, to
// with the new.
func Compare(r requests.Request, from, to pod.Result) RequestReport {
	rep := RequestReport{Namespace: r.Namespace, Name: r.Name, Source: r.Source}
	if from.Failure != nil || to.Failure != nil {
		rep.Result = Failed
		if from.Failure != nil {
			rep.Failures = append(rep.Failures, failureReport("from", from.Failure))
		}
		if to.Failure != nil {
			rep.Failures = append(rep.Failures, failureReport("to", to.Failure))
		}
		return rep
	}
	a, genA := items(from)
	b, genB := items(to)
	names := make([]string, 0, len(a)+len(b))
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == statusItem) != (names[j] == statusItem) {
			return names[j] == statusItem // the status last
		}
		return names[i] < names[j]
	})
	for _, n := range names {
		ia, inA := a[n]
		ib, inB := b[n]
		if inA && inB && bytes.Equal(ia.data, ib.data) {
			continue
		}
		fd := FileDiff{Path: n, Change: "modified"}
		switch {
		case !inA:
			fd.Change = "added"
		case !inB:
			fd.Change = "removed"
		}
		kust := genB[n]
		if kust == "" {
			kust = genA[n]
		}
		file := ia.file
		if file == "" {
			file = ib.file
		}
		switch {
		case kust != "":
			fd.Withheld = "read by the secretGenerator of " + kust + ": a Secret's content, not shown"
		case file != "" && (sdk.IsManifestName(file) || isKustomization(file)):
			diffManifest(&fd, n, ia, ib, inA, inB)
		default:
			fd.Diff = unified(n, ia.data, ib.data, inA, inB)
		}
		rep.Files = append(rep.Files, fd)
	}
	rep.Result = Unchanged
	if len(rep.Files) > 0 {
		rep.Result = Changed
	}
	return rep
}

// diffManifest diffs a manifest file, withholding Secret values and unparsable text.
func diffManifest(fd *FileDiff, name string, a, b item, inA, inB bool) {
	var ma, mb *manifest
	var err error
	if inA {
		if ma, err = parseManifest("a/"+name, a.data); err != nil {
			fd.Withheld = err.Error() + ": not shown, it may hold a Secret"
			return
		}
	}
	if inB {
		if mb, err = parseManifest("b/"+name, b.data); err != nil {
			fd.Withheld = err.Error() + ": not shown, it may hold a Secret"
			return
		}
	}
	if (ma == nil || !ma.sensitive()) && (mb == nil || !mb.sensitive()) {
		fd.Diff = unified(name, a.data, b.data, inA, inB)
		return
	}
	fd.Secrets = compareSecrets(ma, mb)
	var ra, rb string
	if ma != nil {
		ra = ma.render()
	}
	if mb != nil {
		rb = mb.render()
	}
	fd.Diff = unified(name+" (Secret values withheld)", []byte(ra), []byte(rb), inA, inB)
}

func unified(name string, a, b []byte, inA, inB bool) string {
	from, to := "a/"+name, "b/"+name
	if !inA {
		from = "/dev/null"
	}
	if !inB {
		to = "/dev/null"
	}
	return udiff.Unified(from, to, a, b)
}

// pipelineSummary describes a workflow's pipelines: "instance-configure: terraform-generate,
// enforce-tags".
func pipelineSummary(w *pod.Workflow) []string {
	var out []string
	for _, p := range w.Pipelines {
		var names []string
		for _, s := range p.Steps {
			names = append(names, s.Container.Name)
		}
		out = append(out, p.Name+": "+strings.Join(names, ", "))
	}
	return out
}
