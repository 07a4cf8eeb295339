package settings

import (
	"fmt"
	"io"
	"strings"
)

// Usage writes the --help text of stage: its summary, then one line per setting of cfg (env
// name, flag and type, help, then the default or "required"), then the Common settings.
// Columns are aligned across both lists and the order is the fields' order.
func Usage(w io.Writer, stage, summary string, cfg any) {
	own, commons := Describe(cfg), Describe(commonConfig{})
	envW, flagW := 0, 0
	for _, s := range append(own[:len(own):len(own)], commons...) {
		envW = max(envW, len(s.Env))
		flagW = max(flagW, len(flagColumn(s)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s [--flag value]...\n", stage)
	if summary != "" {
		fmt.Fprintf(&b, "\n%s\n", summary)
	}
	b.WriteString("\nEach setting is read from its flag, else its environment variable, else its default.\n")
	section := func(title string, settings []Setting) {
		if len(settings) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		for _, s := range settings {
			line := fmt.Sprintf("  %-*s  %-*s  %s", envW, s.Env, flagW, flagColumn(s), describeValue(s))
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	section("Settings", own)
	section("Common settings", commons)
	b.WriteString("\n-h, --help prints this help.\n")
	_, _ = io.WriteString(w, b.String())
}

// flagColumn is the flag as written on the command line, with its type: --min-replicas int.
func flagColumn(s Setting) string {
	return "--" + s.Flag + " " + s.Type
}

// describeValue is the help of s followed by its default or its required mark.
func describeValue(s Setting) string {
	var marks []string
	if s.Required {
		marks = append(marks, "required")
	}
	if s.Default != "" {
		marks = append(marks, "default "+s.Default)
	}
	if len(marks) == 0 {
		return s.Help
	}
	return strings.TrimSpace(s.Help + " (" + strings.Join(marks, ", ") + ")")
}
