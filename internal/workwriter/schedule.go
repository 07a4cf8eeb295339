// Package workwriter decides, as Kratix's work-writer does at the end of a configure pipeline,
// which workload group each output file is scheduled with (docs/contract.md, Destination
// selectors):
//
//   - each selector with a directory makes a group of the files under /kratix/output/<directory>,
//     scheduled by its matchLabels alone (the Promise's selectors do not apply); the directory
//     must exist, or the pipeline fails;
//   - every other file is in the default group, scheduled by the Promise's destinationSelectors
//     plus the selector without a directory; a key the Promise sets cannot be overridden;
//   - resource output goes to one matching destination per group, promise output to every
//     matching destination.
//
// The selectors are read and checked by the SDK (sdk.Selectors.Read), the one reader of the
// file; this package adds what only the work-writer knows: the files and the Promise.
package workwriter

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Group is one workload group of the Work.
type Group struct {
	Directory   string            // "" for the default group
	MatchLabels map[string]string // what a destination must carry
	// Overridden lists the keys of the pipeline's default selector that the Promise sets to
	// another value: the Promise's value wins.
	Overridden []string
	Files      []string // paths relative to /kratix/output, sorted
}

// Schedule is the Work a pipeline's output becomes.
type Schedule struct {
	Groups []Group // the default group first, then directories in name order
}

// Plan groups the output files (paths relative to /kratix/output) with the pipeline's selectors
// and the Promise's. dirs reports whether a top-level directory of the output exists. It fails
// where the work-writer fails the pipeline: a selector naming a directory the output lacks.
func Plan(files []string, dirs func(string) bool, sels []sdk.Selector, promise []map[string]string) (Schedule, error) {
	var s Schedule
	def := Group{MatchLabels: map[string]string{}}
	named := map[string]*Group{}
	var missing []string
	for _, sel := range sels {
		if sel.Directory == "" {
			for k, v := range sel.MatchLabels {
				def.MatchLabels[k] = v
			}
			continue
		}
		if !dirs(sel.Directory) {
			missing = append(missing, sel.Directory)
			continue
		}
		named[sel.Directory] = &Group{Directory: sel.Directory, MatchLabels: sel.MatchLabels}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return s, fmt.Errorf("%s names %s, but /kratix/output has no such directory: the work-writer fails the pipeline", sdk.SelectorsFile, quoteList(missing))
	}
	for _, m := range promise {
		for k, v := range m {
			if old, ok := def.MatchLabels[k]; ok && old != v {
				def.Overridden = append(def.Overridden, k)
			}
			def.MatchLabels[k] = v
		}
	}
	sort.Strings(def.Overridden)
	for _, f := range files {
		top, _, nested := strings.Cut(f, "/")
		if g, ok := named[top]; ok && nested {
			g.Files = append(g.Files, f)
			continue
		}
		def.Files = append(def.Files, f)
	}
	if len(def.Files) > 0 {
		sort.Strings(def.Files)
		s.Groups = append(s.Groups, def)
	}
	names := make([]string, 0, len(named))
	for d := range named {
		names = append(names, d)
	}
	sort.Strings(names)
	for _, d := range names {
		g := named[d]
		sort.Strings(g.Files)
		s.Groups = append(s.Groups, *g)
	}
	return s, nil
}

// GroupOf returns the group a file is scheduled with.
func (s Schedule) GroupOf(file string) (Group, bool) {
	for _, g := range s.Groups {
		i := sort.SearchStrings(g.Files, file)
		if i < len(g.Files) && g.Files[i] == file {
			return g, true
		}
	}
	return Group{}, false
}

// Name is how the group is shown: "default" or "directory platform/".
func (g Group) Name() string {
	if g.Directory == "" {
		return "default"
	}
	return "directory " + g.Directory + "/"
}

// Labels prints matchLabels as k=v,k2=v2 in key order; "any destination" when there are none.
func (g Group) Labels() string {
	if len(g.MatchLabels) == 0 {
		return "any destination"
	}
	keys := make([]string, 0, len(g.MatchLabels))
	for k := range g.MatchLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + g.MatchLabels[k]
	}
	return strings.Join(parts, ",")
}

// Lines is the schedule as the fleet diff compares it: one line per group, with its labels.
func (s Schedule) Lines() string {
	var b strings.Builder
	for _, g := range s.Groups {
		fmt.Fprintf(&b, "%s: %s", g.Name(), g.Labels())
		if len(g.Overridden) > 0 {
			fmt.Fprintf(&b, " (the Promise overrides the pipeline's %s)", strings.Join(g.Overridden, ", "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
