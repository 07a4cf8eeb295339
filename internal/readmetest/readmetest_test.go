package readmetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBlocks(t *testing.T) {
	for _, tc := range []struct {
		reason, doc string
		want        []string
	}{
		{"a block with an info string, text around it", "intro\n```text\n$ stagekit\nok\n```\nafter\n", []string{"$ stagekit\nok\n"}},
		{"blocks in order, an empty one included", "```\na\n```\n\n```sh\n```\n```\nb\n```\n", []string{"a\n", "", "b\n"}},
		{"a longer fence holds a shorter one", "````md\n```\ninner\n```\n````\n", []string{"```\ninner\n```\n"}},
		{"inline code is no fence", "say ``` here\n```\nx\n```\n", []string{"x\n"}},
		{"an unterminated block runs to the end", "```\nx\ny", []string{"x\ny"}},
		{"no block", "text only\n", nil},
	} {
		if diff := cmp.Diff(tc.want, Blocks(tc.doc)); diff != "" {
			t.Errorf("%s: -want +got:\n%s", tc.reason, diff)
		}
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.failed = true; r.msg = f }

func TestShows(t *testing.T) {
	file := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(file, []byte("# x\n\n```\n$ stagekit fleet diff\n3 requests: 3 changed\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		reason, output string
		fails          bool
	}{
		{"the block as it is", "$ stagekit fleet diff\n3 requests: 3 changed\n", false},
		{"a drifted block", "$ stagekit fleet diff\n3 requests: 2 changed\n", true},
		{"a part of a block is not the block", "$ stagekit fleet diff\n", true},
		{"no such block", "other\n", true},
	} {
		r := &recorder{TB: t}
		Shows(r, file, "golden.txt", tc.output)
		if r.failed != tc.fails {
			t.Errorf("%s: failed = %v, want %v", tc.reason, r.failed, tc.fails)
		}
	}
}
