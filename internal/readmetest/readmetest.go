// Package readmetest checks that the documentation shows what the commands print. A README's
// expected-output block is a copy of a golden file that a test pins; Shows fails when the copy
// drifts from the golden, so a README cannot show output the command no longer prints. It is
// the one check for every such block: the repository README's make demo section and each
// example's stagekit fleet diff.
package readmetest

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Shows fails the test unless the Markdown file holds a fenced code block whose content is
// exactly output; golden names where output comes from, for the message. The message gives the
// block as it should read, and a diff from the block that starts like it, if one does.
func Shows(t testing.TB, file, golden, output string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blocks := Blocks(string(data))
	for _, b := range blocks {
		if b == output {
			return
		}
	}
	first, _, _ := strings.Cut(output, "\n")
	for _, b := range blocks {
		if strings.HasPrefix(b, first+"\n") {
			t.Errorf("%s does not show %s as it is (-README +golden):\n%s", file, golden, cmp.Diff(b, output))
			return
		}
	}
	t.Errorf("%s has no code block showing %s; it should read:\n```\n%s```", file, golden, output)
}

// Blocks are the contents of the fenced code blocks of a Markdown document, in order: the lines
// between an opening fence (three or more backticks, maybe an info string) and a closing fence
// at least as long. An unterminated block runs to the end of the document, as in CommonMark.
func Blocks(doc string) []string {
	var out []string
	var cur *strings.Builder
	fence := ""
	for _, line := range strings.SplitAfter(doc, "\n") {
		bare := strings.TrimRight(line, "\n")
		switch {
		case cur == nil:
			if n := backticks(bare); n >= 3 && !strings.Contains(bare[n:], "`") {
				cur, fence = &strings.Builder{}, bare[:n]
			}
		case backticks(bare) >= len(fence) && strings.TrimSpace(bare[backticks(bare):]) == "":
			out = append(out, cur.String())
			cur = nil
		default:
			cur.WriteString(line)
		}
	}
	if cur != nil {
		out = append(out, cur.String())
	}
	return out
}

// backticks counts the backticks a line starts with.
func backticks(line string) int {
	return len(line) - len(strings.TrimLeft(line, "`"))
}
