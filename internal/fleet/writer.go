package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Writer prints a report as it streams: the header, each request in order, the summary.
type Writer interface {
	Begin(h Report, total int) error
	Request(r RequestReport) error
	End(s Summary) error
}

// Formats are the report formats of -o.
var Formats = []string{"text", "json", "markdown"}

// A WriterOption changes what a writer prints.
type WriterOption func(*writerOptions)

type writerOptions struct{ stat bool }

// Stat prints each file that differs as one line, how it changed and how many lines it adds
// and removes, instead of its diff: a Promise change that removes a whole file from every
// request (the operator moved to the Promise's own workflow) reads in a line per request. Text
// and Markdown only: the JSON report always carries every diff.
func Stat() WriterOption { return func(o *writerOptions) { o.stat = true } }

// NewWriter makes the writer of a format.
func NewWriter(format string, w io.Writer, opts ...WriterOption) (Writer, error) {
	var o writerOptions
	for _, opt := range opts {
		opt(&o)
	}
	switch format {
	case "text", "":
		return &textWriter{w: w, stat: o.stat}, nil
	case "json":
		if o.stat {
			return nil, fmt.Errorf("--stat shortens the text and markdown reports: -o json always carries every diff")
		}
		return &jsonWriter{w: w}, nil
	case "markdown", "md":
		return &markdownWriter{w: w, stat: o.stat}, nil
	}
	return nil, fmt.Errorf("-o %s: want one of %s", format, strings.Join(Formats, ", "))
}

// Write prints a whole report (fleet merge).
func Write(w Writer, rep Report) error {
	if err := w.Begin(rep, len(rep.Requests)); err != nil {
		return err
	}
	for _, r := range rep.Requests {
		if err := w.Request(r); err != nil {
			return err
		}
	}
	return w.End(rep.Summary)
}

// SummaryLine is the last line of the text report.
func SummaryLine(s Summary) string {
	differ := "differ"
	if s.FilesDiffer == 1 {
		differ = "differs"
	}
	return fmt.Sprintf("%s: %d changed, %d unchanged, %d failed; %s %s",
		plural(s.Requests, "request"), s.Changed, s.Unchanged, s.Failed, plural(s.FilesDiffer, "file"), differ)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func sideName(side string, h Report) string {
	if side == "from" {
		return h.From.File
	}
	return h.To.File
}

// --- text ---

type textWriter struct {
	w    io.Writer
	h    Report
	stat bool // one line per file (Stat)
	// listing is set while printing a run of unchanged requests, one line each.
	listing bool
}

func (t *textWriter) Begin(h Report, total int) error {
	t.h = h
	var b strings.Builder
	fmt.Fprintf(&b, "Promise %s: %s -> %s, %s, %s", h.Promise, h.From.File, h.To.File, h.Workflow, plural(total, "request"))
	if h.Shard != nil {
		fmt.Fprintf(&b, " (shard %d of %d)", h.Shard.Index, h.Shard.Count)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  from: %s\n", strings.Join(h.From.Pipelines, "; "))
	fmt.Fprintf(&b, "  to:   %s\n", strings.Join(h.To.Pipelines, "; "))
	switch from, to := strings.Join(h.From.Skipped, ", "), strings.Join(h.To.Skipped, ", "); {
	case from == to && from != "":
		fmt.Fprintf(&b, "  skipped: %s\n", from)
	case from != to:
		if from != "" {
			fmt.Fprintf(&b, "  skipped (from): %s\n", from)
		}
		if to != "" {
			fmt.Fprintf(&b, "  skipped (to): %s\n", to)
		}
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

func (t *textWriter) Request(r RequestReport) error {
	var b strings.Builder
	if r.Result != Unchanged || !t.listing {
		b.WriteString("\n")
	}
	t.listing = r.Result == Unchanged
	switch r.Result {
	case Unchanged:
		fmt.Fprintf(&b, "= %s: unchanged\n", r.ID())
	case Failed:
		fmt.Fprintf(&b, "! %s: failed\n", r.ID())
		for _, f := range r.Failures {
			fmt.Fprintf(&b, "  with %s: %s\n", sideName(f.Side, t.h), describeFailure(f))
			for _, l := range f.Log {
				fmt.Fprintf(&b, "    | %s\n", l)
			}
		}
	default:
		fmt.Fprintf(&b, "~ %s: changed (%s)\n", r.ID(), plural(len(r.Files), "file"))
		for _, f := range r.Files {
			writeFile(&b, f, t.stat)
		}
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// writeFile prints a file that differs: its diff, or with stat one line.
func writeFile(b *strings.Builder, f FileDiff, stat bool) {
	if stat {
		writeFileStat(b, f)
	} else {
		writeFileDiff(b, f)
	}
}

// writeFileStat prints a file that differs as one line, "  - pipeline/output/operator.yaml:
// removed (-355)", then the keys of its Secrets, which carry no value.
func writeFileStat(b *strings.Builder, f FileDiff) {
	what := f.Withheld
	if what == "" {
		added, removed := changedLines(f.Diff)
		switch f.Change {
		case "added":
			what = fmt.Sprintf("+%d", added)
		case "removed":
			what = fmt.Sprintf("-%d", removed)
		default:
			what = fmt.Sprintf("+%d -%d", added, removed)
		}
	}
	fmt.Fprintf(b, "  %s %s: %s (%s)\n", mark(f.Change), f.Path, f.Change, what)
	for _, s := range f.Secrets {
		fmt.Fprintf(b, "    %s: %s\n", s.Object, keyChanges(s.Keys))
	}
}

// changedLines counts the lines a unified diff adds and removes: the lines of its hunks that
// start with + or -, the --- and +++ header before the first hunk left out (a removed line
// "-- x" reads "--- x" inside a hunk, and counts).
func changedLines(diff string) (added, removed int) {
	inHunk := false
	for _, l := range strings.Split(diff, "\n") {
		switch {
		case strings.HasPrefix(l, "@@"):
			inHunk = true
		case !inHunk:
		case strings.HasPrefix(l, "+"):
			added++
		case strings.HasPrefix(l, "-"):
			removed++
		}
	}
	return added, removed
}

func writeFileDiff(b *strings.Builder, f FileDiff) {
	if f.Withheld != "" {
		fmt.Fprintf(b, "%s %s (%s)\n", mark(f.Change), f.Path, f.Withheld)
		return
	}
	b.WriteString(f.Diff)
	for _, s := range f.Secrets {
		fmt.Fprintf(b, "%s: %s\n", s.Object, keyChanges(s.Keys))
	}
}

func mark(change string) string {
	switch change {
	case "added":
		return "+"
	case "removed":
		return "-"
	}
	return "~"
}

func keyChanges(keys []KeyChange) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.Key + " " + k.Change
	}
	return strings.Join(parts, ", ")
}

func describeFailure(f FailureReport) string {
	if f.Container != "" {
		return fmt.Sprintf("pipeline %s, container %s: %s", f.Pipeline, f.Container, f.Message)
	}
	return fmt.Sprintf("pipeline %s: %s", f.Pipeline, f.Message)
}

func (t *textWriter) End(s Summary) error {
	_, err := fmt.Fprintf(t.w, "\n%s\n", SummaryLine(s))
	return err
}

// --- JSON ---

// jsonWriter streams the report as one JSON document, byte for byte what encoding it whole
// with Marshal gives.
type jsonWriter struct {
	w io.Writer
	n int
}

// Marshal encodes a whole report the way the JSON writer streams it.
func Marshal(rep Report) ([]byte, error) {
	if rep.Requests == nil {
		rep.Requests = []RequestReport{}
	}
	return encode(rep, "")
}

func encode(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func (j *jsonWriter) Begin(h Report, total int) error {
	h.Requests = []RequestReport{}
	head, err := encode(h, "")
	if err != nil {
		return err
	}
	// Everything up to the requests list: the encoding of the header, cut before its empty list.
	i := bytes.Index(head, []byte(`"requests": []`))
	if i < 0 {
		return fmt.Errorf("internal error: no requests field")
	}
	_, err = j.w.Write(append(head[:i:i], `"requests": [`...))
	return err
}

func (j *jsonWriter) Request(r RequestReport) error {
	data, err := encode(r, "    ")
	if err != nil {
		return err
	}
	sep := ",\n    "
	if j.n == 0 {
		sep = "\n    "
	}
	j.n++
	_, err = j.w.Write(append([]byte(sep), data...))
	return err
}

func (j *jsonWriter) End(s Summary) error {
	sum, err := encode(s, "  ")
	if err != nil {
		return err
	}
	closing := "\n  ],\n"
	if j.n == 0 {
		closing = "],\n"
	}
	_, err = fmt.Fprintf(j.w, "%s  \"summary\": %s\n}\n", closing, sum)
	return err
}

// --- Markdown ---

// CommentLimit keeps a Markdown report inside a GitHub comment (65,536 characters): diffs
// beyond it are left out, with a line saying how many.
const CommentLimit = 60000

type markdownWriter struct {
	w        io.Writer
	stat     bool // one line per file (Stat)
	h        Report
	total    int
	details  strings.Builder
	table    strings.Builder
	rows     int
	omitted  int
	unchange []string
}

func (m *markdownWriter) Begin(h Report, total int) error {
	m.h, m.total = h, total
	return nil
}

const maxTableRows = 200

func (m *markdownWriter) Request(r RequestReport) error {
	if r.Result == Unchanged {
		m.unchange = append(m.unchange, r.ID())
		return nil
	}
	if m.rows < maxTableRows {
		files := fmt.Sprint(len(r.Files))
		if r.Result == Failed {
			files = "—"
		}
		fmt.Fprintf(&m.table, "| `%s` | %s | %s |\n", r.ID(), r.Result, files)
	}
	m.rows++
	var d strings.Builder
	switch r.Result {
	case Failed:
		fmt.Fprintf(&d, "<details><summary>❌ <code>%s</code>: failed</summary>\n\n", r.ID())
		for _, f := range r.Failures {
			fmt.Fprintf(&d, "With `%s`: %s\n\n", sideName(f.Side, m.h), escape(describeFailure(f)))
			if len(f.Log) > 0 {
				text := strings.Join(f.Log, "\n") + "\n"
				fence := fenceFor(text)
				fmt.Fprintf(&d, "%s\n%s%s\n\n", fence, text, fence)
			}
		}
	default:
		fmt.Fprintf(&d, "<details><summary><code>%s</code>: changed (%s)</summary>\n\n", r.ID(), plural(len(r.Files), "file"))
		var body strings.Builder
		for _, f := range r.Files {
			writeFile(&body, f, m.stat)
		}
		lang := "diff"
		if m.stat {
			lang = "text"
		}
		fence := fenceFor(body.String())
		fmt.Fprintf(&d, "%s%s\n%s%s\n\n", fence, lang, body.String(), fence)
	}
	d.WriteString("</details>\n\n")
	if m.details.Len()+d.Len() > CommentLimit || m.omitted > 0 {
		m.omitted++
		return nil
	}
	m.details.WriteString(d.String())
	return nil
}

func (m *markdownWriter) End(s Summary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### stagekit fleet diff: Promise `%s`\n\n", m.h.Promise)
	fmt.Fprintf(&b, "`%s` → `%s` (%s", m.h.From.File, m.h.To.File, m.h.Workflow)
	if m.h.Shard != nil {
		fmt.Fprintf(&b, ", shard %d of %d", m.h.Shard.Index, m.h.Shard.Count)
	}
	b.WriteString(")\n\n")
	b.WriteString("| requests | changed | unchanged | failed | files differ |\n|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d |\n\n", s.Requests, s.Changed, s.Unchanged, s.Failed, s.FilesDiffer)
	if len(m.h.From.Skipped)+len(m.h.To.Skipped) > 0 {
		skipped := append(append([]string(nil), m.h.From.Skipped...), m.h.To.Skipped...)
		fmt.Fprintf(&b, "Left out: %s.\n\n", escape(strings.Join(dedupe(skipped), ", ")))
	}
	if m.rows > 0 {
		b.WriteString("| request | result | files |\n|---|---|---:|\n")
		b.WriteString(m.table.String())
		if m.rows > maxTableRows {
			fmt.Fprintf(&b, "| … %d more | | |\n", m.rows-maxTableRows)
		}
		b.WriteString("\n")
	}
	b.WriteString(m.details.String())
	if m.omitted > 0 {
		fmt.Fprintf(&b, "%s not shown here (a comment holds %d characters): run `stagekit fleet diff -o text` or `-o json` for every diff.\n\n", plural(m.omitted, "more request"), CommentLimit)
	}
	if len(m.unchange) > 0 {
		fmt.Fprintf(&b, "<details><summary>%s unchanged</summary>\n\n", plural(len(m.unchange), "request"))
		for i, id := range m.unchange {
			if i == maxTableRows {
				fmt.Fprintf(&b, "- … %d more\n", len(m.unchange)-maxTableRows)
				break
			}
			fmt.Fprintf(&b, "- `%s`\n", id)
		}
		b.WriteString("\n</details>\n\n")
	}
	fmt.Fprintf(&b, "%s\n", SummaryLine(s))
	_, err := io.WriteString(m.w, b.String())
	return err
}

// fenceFor is a code fence longer than any run of backticks in text.
func fenceFor(text string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// escape keeps text from turning into Markdown or HTML.
func escape(s string) string {
	r := strings.NewReplacer("<", "&lt;", ">", "&gt;", "|", `\|`, "`", "'")
	return r.Replace(s)
}

func dedupe(items []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}
