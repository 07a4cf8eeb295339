package udiff

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnified(t *testing.T) {
	for _, tc := range []struct {
		reason, a, b, want string
	}{
		{"equal texts give no diff", "a\nb\n", "a\nb\n", ""},
		{"one changed line in the middle, three lines of context",
			"1\n2\n3\n4\n5\n6\n7\n", "1\n2\n3\nfour\n5\n6\n7\n",
			"--- a\n+++ b\n@@ -1,7 +1,7 @@\n 1\n 2\n 3\n-4\n+four\n 5\n 6\n 7\n"},
		{"a new file", "", "x\ny\n", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n"},
		{"a removed file", "x\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n"},
		{"a line added at the end", "a\nb\n", "a\nb\nc\n", "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n b\n+c\n"},
		{"no newline at the end of one side", "a\nb", "a\nb\n",
			"--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
		{"changes far apart make two hunks",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n",
			"--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n"},
		{"changes six lines apart share a hunk",
			"1\n2\n3\n4\n5\n6\n7\n8\n", "one\n2\n3\n4\n5\n6\n7\neight\n",
			"--- a\n+++ b\n@@ -1,8 +1,8 @@\n-1\n+one\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+eight\n"},
		{"removed lines come before added ones", "a\nb\nc\n", "x\ny\nc\n",
			"--- a\n+++ b\n@@ -1,3 +1,3 @@\n-a\n-b\n+x\n+y\n c\n"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			got := Unified("a", "b", []byte(tc.a), []byte(tc.b))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Unified (-want +got):\n%s", diff)
			}
		})
	}
}

// The real thing decides: on random texts, the diff must apply (checked by an applier that
// insists every context and removed line matches) and be as short as GNU diff --minimal's.
func TestUnifiedIsMinimalAndApplies(t *testing.T) {
	gnu, err := exec.LookPath("diff")
	if err != nil {
		t.Fatalf("GNU diff (diffutils) is needed as the oracle: %v", err)
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 11))
	text := func() string {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(string(rune('a' + rng.IntN(4))))
			b.WriteByte('\n')
		}
		if rng.IntN(5) == 0 {
			b.WriteString("end")
		}
		return b.String()
	}
	for n := range 300 {
		a, b := text(), text()
		got := Unified("a", "b", []byte(a), []byte(b))
		applied, err := apply(a, got)
		if err != nil || applied != b {
			t.Fatalf("case %d: the diff does not turn a into b (%v)\na=%q\nb=%q\n%s", n, err, a, b, got)
		}
		fa, fb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		if err := os.WriteFile(fa, []byte(a), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fb, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command(gnu, "--minimal", "-u", fa, fb).Output()
		if mine, theirs := changed(got), changed(string(out)); mine != theirs {
			t.Fatalf("case %d: %d changed lines, GNU diff --minimal has %d\n%s\n%s", n, mine, theirs, got, out)
		}
	}
}

func TestTooManyEditsStillApplies(t *testing.T) {
	var a, b strings.Builder
	for i := range 3 * MaxEdits {
		fmt.Fprintf(&a, "a%d\n", i)
		fmt.Fprintf(&b, "b%d\n", i)
	}
	got := Unified("a", "b", []byte(a.String()), []byte(b.String()))
	if applied, err := apply(a.String(), got); err != nil || applied != b.String() {
		t.Fatalf("the fallback diff does not apply: %v", err)
	}
}

func changed(d string) int {
	n := 0
	for _, l := range strings.Split(d, "\n") {
		if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") || strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---") {
			n++
		}
	}
	return n
}

// apply is a strict patch: every context and removed line must be where the hunk says.
func apply(a, d string) (string, error) {
	if d == "" {
		return a, nil
	}
	src := split(a)
	var out []string
	pos := 0
	lines := strings.SplitAfter(d, "\n")
	for k := 2; k < len(lines) && lines[k] != ""; {
		h := lines[k]
		if !strings.HasPrefix(h, "@@ -") {
			return "", fmt.Errorf("line %q: want a hunk header", h)
		}
		start, _, _ := strings.Cut(strings.TrimPrefix(h, "@@ -"), " ")
		first, count, ok := strings.Cut(start, ",")
		s, _ := strconv.Atoi(first)
		if !ok || count != "0" {
			s--
		}
		if s < pos {
			return "", fmt.Errorf("hunk %q overlaps", h)
		}
		out = append(out, src[pos:s]...)
		pos = s
		k++
		for ; k < len(lines) && lines[k] != "" && !strings.HasPrefix(lines[k], "@@"); k++ {
			l := lines[k]
			body := l[1:]
			if k+1 < len(lines) && strings.HasPrefix(lines[k+1], `\ No newline`) {
				body = strings.TrimSuffix(body, "\n")
				k++ // the marker belongs to this line
			}
			switch l[0] {
			case ' ', '-':
				if pos >= len(src) || src[pos] != body {
					return "", fmt.Errorf("line %d: %q does not match the source", pos+1, body)
				}
				if l[0] == ' ' {
					out = append(out, body)
				}
				pos++
			case '+':
				out = append(out, body)
			default:
				return "", fmt.Errorf("bad line %q", l)
			}
		}
	}
	out = append(out, src[pos:]...)
	return strings.Join(out, ""), nil
}
