package bench

import (
	"fmt"
	"io"
	"strings"
)

// Table is one table of the report besides the seed comparisons: the peers, scaling, start-up
// and memory tables. Each row states its targets and whether this run met them.
type Table struct {
	Name    string // short, for the summary of targets not met
	Title   string
	About   string   // what the table measures and how (a paragraph above it)
	Columns []string // the measured columns; "target" and "met" are added after them
	Rows    []TableRow
}

// TableRow is one row: its cells (one per column), its targets, and the measurements behind it.
type TableRow struct {
	Cells    []string
	Checks   []Check
	Measured []Row // what the row's figures come from (for tests and the log)
}

// Check is one target of a row and whether it was met.
type Check struct {
	Name   string // short, for the met column when a row has several ("CPU", "RSS")
	Target string
	Met    bool
	Got    string // the figure judged, for the summary of targets not met
	// Wrong marks a failed correctness check (a peer that did not label every object): the
	// row's figures are no anchor, and stagebench exits non-zero.
	Wrong bool
}

// Miss is one target not met, for the summary line.
type Miss struct {
	Table, Row string
	Check      Check
}

// Misses lists every target not met: the seed table's rows and every check of every table.
func (r *Report) Misses() []Miss {
	var out []Miss
	for _, row := range r.Missed() {
		got := fmt.Sprintf("CPU %s ms, wall %s ms, %.1f MiB", num(row.CPU.Seconds()*1e3), num(row.Wall.Seconds()*1e3), float64(row.RSSKiB)/1024)
		if row.Ratio != "—" && row.Ratio != "" {
			got = row.Ratio + "; " + got
		}
		out = append(out, Miss{Table: row.Section, Row: shortLabel(row.Label), Check: Check{Target: row.Target, Got: got}})
	}
	for _, t := range r.Tables {
		for _, row := range t.Rows {
			for _, c := range row.Checks {
				if !c.Met {
					out = append(out, Miss{Table: t.Name, Row: shortLabel(row.Cells[0]), Check: c})
				}
			}
		}
	}
	return out
}

// Wrong lists the failed correctness checks (a peer whose output is not what it was asked for).
func (r *Report) Wrong() []Miss {
	var out []Miss
	for _, m := range r.Misses() {
		if m.Check.Wrong {
			out = append(out, m)
		}
	}
	return out
}

func shortLabel(name string) string {
	if i := strings.Index(name, " ("); i > 0 {
		name = name[:i]
	}
	if i := strings.Index(name, ":"); i > 0 {
		name = name[:i]
	}
	return name
}

func (t *Table) markdown(w io.Writer) {
	fmt.Fprintf(w, "### %s\n\n", t.Title)
	if t.About != "" {
		fmt.Fprintf(w, "%s\n\n", t.About)
	}
	cols := append(append([]string(nil), t.Columns...), "target", "met")
	fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
	seps := make([]string, len(cols))
	for i, c := range cols {
		seps[i] = "---"
		if strings.Contains(c, "ms") || strings.Contains(c, "MiB") {
			seps[i] = "---:"
		}
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(seps, "|"))
	for _, row := range t.Rows {
		cells := make([]string, 0, len(cols))
		for i := range t.Columns {
			c := ""
			if i < len(row.Cells) {
				c = row.Cells[i]
			}
			cells = append(cells, cell(c))
		}
		var targets, mets []string
		for _, c := range row.Checks {
			targets = append(targets, c.Target)
			m := metCell(yes(c.Met))
			if c.Wrong {
				m = "❌ WRONG"
			}
			if len(row.Checks) > 1 && c.Name != "" {
				m = strings.Fields(m)[0] + " " + c.Name
			}
			mets = append(mets, m)
		}
		target := "—"
		if len(targets) > 0 {
			target = strings.Join(targets, "; ")
		}
		cells = append(cells, cell(target), strings.Join(mets, " · "))
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
}

// summary writes the one line of targets not met (or that all were met).
func (r *Report) summary(w io.Writer) {
	misses := r.Misses()
	if len(misses) == 0 {
		fmt.Fprintln(w, "**Targets not met in this run:** none.")
		fmt.Fprintln(w)
		return
	}
	var parts []string
	for _, m := range misses {
		s := fmt.Sprintf("%s / %s: %s", m.Table, m.Row, m.Check.Target)
		if m.Check.Got != "" {
			s += " (got " + m.Check.Got + ")"
		}
		if m.Check.Wrong {
			s = "WRONG OUTPUT " + s
		}
		parts = append(parts, s)
	}
	fmt.Fprintf(w, "**Targets not met in this run (%d):** %s.\n\n", len(misses), strings.Join(parts, "; "))
}

// ratio formats a CPU ratio: "17.8×", "0.035×".
func ratio(r float64) string {
	switch {
	case r >= 10:
		return fmt.Sprintf("%.1f×", r)
	case r >= 0.1:
		return fmt.Sprintf("%.2f×", r)
	default:
		return fmt.Sprintf("%.3f×", r)
	}
}

func mib(kib int64) string { return fmt.Sprintf("%.1f", float64(kib)/1024) }

func msCell(d Row) string { return num(d.CPU.Seconds() * 1e3) }

// ranCheck is the check of a row whose stage or tool failed on its input (an exit code it should
// not have, or output that fails the row's check): its figures are those of a failed run.
func ranCheck(failed string) Check {
	return Check{Name: "ran", Target: "runs as expected", Met: false, Wrong: true, Got: failure(failed)}
}

// failedExit is the first line of a failure from runGroup without the step's name: "exit 1".
func failedExit(failed string) string {
	first, _, _ := strings.Cut(failed, "\n")
	if _, rest, ok := strings.Cut(first, ": "); ok {
		return rest
	}
	return first
}

// failure shortens a failure from runGroup to its first line and the first error the process
// logged.
func failure(failed string) string {
	lines := strings.Split(failed, "\n")
	out := strings.TrimSpace(lines[0])
	for _, l := range lines[1:] {
		if i := strings.Index(l, "ERROR"); i >= 0 {
			return out + ": " + strings.TrimSpace(l[i:])
		}
	}
	for _, l := range lines[1:] {
		if t := strings.TrimSpace(l); t != "" {
			return out + ": " + t
		}
	}
	return out
}
