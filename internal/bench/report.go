package bench

import (
	"fmt"
	"io"
	"runtime"
	"strings"
)

// Markdown writes the report as a README-ready section: how it was measured, the table, and
// how to reproduce it.
func (r *Report) Markdown(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "Tree: %s.", r.Tree)
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Measured on %s/%s, %d CPUs (shared), %s, yq %s, %s, %s, %s. ", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(),
		r.Versions["go"], YQVersion, r.Versions["jq"], r.Versions[PeerKustomize], r.Versions[PeerKYAML])
	if len(r.Pinned) > 0 {
		fmt.Fprintf(w, "Every measured process (stage or baseline, children included) is pinned to %d CPU (sched_setaffinity, so Go's GOMAXPROCS "+
			"is %d in the stages and in yq alike): the targets are for one core, and unpinned Go programs also spend CPU in idle GC "+
			"workers on the other core. ", len(r.Pinned), len(r.Pinned))
	}
	fmt.Fprintf(w, "CPU is user+sys of the process and every child it waited for (wait4 rusage), the median of "+
		"%d interleaved runs (%d for the small seed, start-up and chain rows); wall is the median too. "+
		"Peak RSS is ru_maxrss, the maximum over the runs; a figure marked ≤ is at the floor of %.1f MiB "+
		"set by the measuring helper (a child inherits its parent's high-water mark at exec), so the process used less "+
		"and a memory ratio against it is understated. "+
		"Each run works on a fresh copy (not measured). Ratios are the median of the per-run ratios of "+
		"the subjects measured back to back in the same run (A B A B …).\n\n", c.Runs, c.FastRuns, float64(r.FloorKiB)/1024)
	if c.Quick {
		fmt.Fprintln(w, "**Quick mode**: one run on a small tree; the figures check the harness, the targets are for the full tree.")
		fmt.Fprintln(w)
	}
	for _, t := range r.Tables {
		t.markdown(w)
	}
	if len(r.Rows) > 0 {
		fmt.Fprintln(w, "### Comparisons with the seeds' scripts")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| comparison | command | CPU ms (median) | wall ms (median) | peak RSS MiB (max) | ratio | target | met |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|---|---|---|")
		last := ""
		for _, row := range r.Rows {
			sec := ""
			if row.Section != last {
				sec, last = row.Section, row.Section
			}
			rss := fmt.Sprintf("%.1f", float64(row.RSSKiB)/1024)
			if row.RSSKiB <= r.FloorKiB {
				rss = "≤ " + rss // at the helper's floor: the process itself used less
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", sec, cell(row.Label), num(row.CPU.Seconds()*1e3),
				num(row.Wall.Seconds()*1e3), rss, cell(row.Ratio), cell(row.Target), metCell(row.Met))
		}
		fmt.Fprintln(w)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, n)
		fmt.Fprintln(w)
	}
	r.summary(w)
	fmt.Fprintln(w, "Reproduce: `make bench` (installs yq "+YQVersion+" into `.cache/bin` and jq if missing, builds the stages, runs the Go benchmarks and "+
		"`go run ./internal/bench/cmd/stagebench`, which builds the peer programs of internal/bench/cmd); "+
		"`go run ./internal/bench/cmd/stagebench --quick` checks the harness on small inputs.")
}

func num(v float64) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return thousands(int64(v + 0.5))
	}
}

func cell(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(s, "|", `\|`)
}

func metCell(m string) string {
	switch m {
	case "yes":
		return "✅ yes"
	case "no":
		return "❌ no"
	}
	return ""
}
