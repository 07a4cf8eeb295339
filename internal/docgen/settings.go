package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/stages/enforcetags"
	"github.com/stagekit/stagekit/stages/labelinjector"
	"github.com/stagekit/stagekit/stages/replicamigration"
	"github.com/stagekit/stagekit/stages/secretforbidder"
	"github.com/stagekit/stagekit/stages/terraformgenerate"
)

// setting is one row of a settings table: what --help says about one setting.
type setting struct {
	Env, Flag, Type, Default, Help string
	Required                       bool
}

// stageDoc is a prebuilt stage and the README that is its manual.
type stageDoc struct {
	Binary   string
	README   string // relative to the repository root
	Summary  string
	Acts     []string // the workflows it acts on: "resource configure", ...
	Settings []setting
	Help     func() string // the stage's --help text
}

// stages are the five prebuilt stages, in the order of the top-level README's table.
func stages() []stageDoc {
	return []stageDoc{
		doc(labelinjector.Stage, "stages/labelinjector/README.md"),
		doc(secretforbidder.Stage, "stages/secretforbidder/README.md"),
		doc(terraformgenerate.Stage, "stages/terraformgenerate/README.md"),
		doc(enforcetags.Stage, "stages/enforcetags/README.md"),
		doc(replicamigration.Stage, "stages/replicamigration/README.md"),
	}
}

func doc[C any](s sdk.Stage[C], readme string) stageDoc {
	d := stageDoc{Binary: s.Name, README: readme, Summary: s.Summary}
	for _, w := range s.Workflows() {
		d.Acts = append(d.Acts, w.String())
	}
	for _, x := range s.Settings() {
		d.Settings = append(d.Settings, setting{Env: x.Env, Flag: x.Flag, Type: x.Type, Default: x.Default, Help: x.Help, Required: x.Required})
	}
	d.Help = func() string {
		var out bytes.Buffer
		s.Execute(sdk.Invocation{Args: []string{"--help"}, Stdout: &out})
		return out.String()
	}
	return d
}

// settingsTable renders settings as the Markdown table the READMEs carry.
func settingsTable(settings []setting) string {
	var b strings.Builder
	b.WriteString("| env | flag | value | default | what |\n|---|---|---|---|---|\n")
	for _, s := range settings {
		def := "–"
		switch {
		case s.Required && s.Default != "":
			def = "required, `" + s.Default + "`"
		case s.Required:
			def = "required"
		case s.Default != "":
			def = "`" + s.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | `--%s` | %s | %s | %s |\n", s.Env, s.Flag, cell(s.Type), def, cell(s.Help))
	}
	return b.String()
}

// cell escapes text for a Markdown table cell: | ends a cell, <name> would be read as an HTML
// tag and * as emphasis.
var cell = strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", `\<`, ">", `\>`, "*", `\*`).Replace

// parseTable reads a table settingsTable wrote back into settings.
func parseTable(table string) ([]setting, error) {
	var out []setting
	for i, line := range strings.Split(strings.TrimSpace(table), "\n") {
		if i < 2 { // the header and its rule
			continue
		}
		cells := splitRow(line)
		if len(cells) != 5 {
			return nil, fmt.Errorf("table row %q: %d cells, want 5", line, len(cells))
		}
		s := setting{Env: strings.Trim(cells[0], "`"), Flag: strings.TrimPrefix(strings.Trim(cells[1], "`"), "--"), Type: cells[2], Help: cells[4]}
		switch def := cells[3]; {
		case def == "–":
		case def == "required":
			s.Required = true
		case strings.HasPrefix(def, "required, "):
			s.Required, s.Default = true, strings.Trim(strings.TrimPrefix(def, "required, "), "`")
		default:
			s.Default = strings.Trim(def, "`")
		}
		out = append(out, s)
	}
	return out, nil
}

// splitRow splits a Markdown table row into its cells, undoing cell's escapes.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && strings.IndexByte(`\|<>*`, line[i+1]) >= 0:
			cur.WriteByte(line[i+1])
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

var (
	helpLine  = regexp.MustCompile(`^  (\S+) +--(\S+) (\S*) +(.*)$`)
	helpMarks = regexp.MustCompile(`^(.*?) ?\((required(?:, default (.*))?|default (.*))\)$`)
)

// parseHelp reads one section ("Settings" or "Common settings") of a stage's --help.
func parseHelp(help, section string) ([]setting, error) {
	_, rest, ok := strings.Cut(help, "\n"+section+":\n")
	if !ok {
		return nil, fmt.Errorf("--help has no %q section", section)
	}
	var out []setting
	for _, line := range strings.Split(rest, "\n") {
		if line == "" {
			break
		}
		m := helpLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("--help line %q is not `  ENV  --flag type  help`", line)
		}
		s := setting{Env: m[1], Flag: m[2], Type: m[3], Help: m[4]}
		if mm := helpMarks.FindStringSubmatch(s.Help); mm != nil {
			s.Help = mm[1]
			s.Required = strings.HasPrefix(mm[2], "required")
			s.Default = mm[3] + mm[4]
		}
		out = append(out, s)
	}
	return out, nil
}
