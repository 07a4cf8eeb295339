// Package udiff writes unified diffs, the format of `diff -u` and `git diff` that reviewers read
// and `patch` applies: "--- a/file", "+++ b/file", then hunks of changed lines with three lines
// of context, "\ No newline at end of file" where a side does not end in a newline.
//
// Lines are compared with Myers' O(ND) algorithm after trimming the common prefix and suffix, so
// the usual Promise change (a few lines in a generated file) costs next to nothing. When two
// versions share almost nothing (more than MaxEdits changed lines), the differing middle is
// shown as removed then added: still a correct diff, in bounded time and memory.
package udiff

import (
	"fmt"
	"strings"
)

// Context is the number of unchanged lines shown around each change.
const Context = 3

// MaxEdits bounds the edit distance searched for a minimal diff.
const MaxEdits = 4000

// Unified returns the unified diff that turns a into b, with fromName and toName in the
// headers; "" when they are equal.
func Unified(fromName, toName string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	x, y := split(string(a)), split(string(b))
	ops := diff(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", fromName, toName)
	writeHunks(&out, x, y, ops)
	return out.String()
}

// split cuts text into lines, each keeping its "\n" (the last may lack one).
func split(s string) []string {
	if s == "" {
		return nil
	}
	lines := make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// op is one step of the edit script: keep x[i] (= y[j]), delete x[i], or insert y[j].
type op struct {
	kind byte // ' ', '-', '+'
	i, j int  // line indexes in x and y (for '-' only i counts, for '+' only j)
}

// diff returns an edit script from x to y: every line of x kept or deleted, every line of y kept
// or inserted, in order.
func diff(x, y []string) []op {
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var ops []op
	for k := range pre {
		ops = append(ops, op{' ', k, k})
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]
	mid, ok := myers(mx, my)
	if !ok {
		mid = nil
		for i := range mx {
			mid = append(mid, op{'-', i, 0})
		}
		for j := range my {
			mid = append(mid, op{'+', 0, j})
		}
	}
	for _, o := range mid {
		o.i += pre
		o.j += pre
		ops = append(ops, o)
	}
	for k := range suf {
		ops = append(ops, op{' ', len(x) - suf + k, len(y) - suf + k})
	}
	return ops
}

// myers finds a shortest edit script (deletions before insertions at each change), or reports
// false when it needs more than MaxEdits edits.
func myers(x, y []string) ([]op, bool) {
	n, m := len(x), len(y)
	if n == 0 || m == 0 {
		var ops []op
		for i := range n {
			ops = append(ops, op{'-', i, 0})
		}
		for j := range m {
			ops = append(ops, op{'+', 0, j})
		}
		return ops, true
	}
	// Compare lines by number: equal lines get the same id.
	ids := map[string]int{}
	id := func(s string) int {
		v, ok := ids[s]
		if !ok {
			v = len(ids)
			ids[s] = v
		}
		return v
	}
	xs, ys := make([]int, n), make([]int, m)
	for i, s := range x {
		xs[i] = id(s)
	}
	for j, s := range y {
		ys[j] = id(s)
	}
	maxD := min(n+m, MaxEdits)
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var i int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				i = v[off+k+1] // down: an insertion
			} else {
				i = v[off+k-1] + 1 // right: a deletion
			}
			j := i - k
			for i < n && j < m && xs[i] == ys[j] {
				i++
				j++
			}
			v[off+k] = i
			if i >= n && j >= m {
				return backtrack(trace, n, m, d), true
			}
		}
	}
	return nil, false
}

// backtrack walks the saved frontiers from the end back to the start. trace[d] is the
// frontier before step d, for diagonals k in [-d-1, d+1].
func backtrack(trace [][]int, n, m, dEnd int) []op {
	var rev []op
	i, j := n, m
	for d := dEnd; d > 0; d-- {
		prev := trace[d]
		at := func(k int) int { return prev[k+d+1] }
		k := i - j
		pk := k - 1 // came right: a deletion
		if k == -d || k != d && at(k-1) < at(k+1) {
			pk = k + 1 // came down: an insertion
		}
		pi := at(pk)
		pj := pi - pk
		for i > pi && j > pj {
			i--
			j--
			rev = append(rev, op{' ', i, j})
		}
		if pk == k+1 {
			j--
			rev = append(rev, op{'+', i, j})
		} else {
			i--
			rev = append(rev, op{'-', i, j})
		}
	}
	for i > 0 && j > 0 {
		i--
		j--
		rev = append(rev, op{' ', i, j})
	}
	ops := make([]op, len(rev))
	for k := range rev {
		ops[k] = rev[len(rev)-1-k]
	}
	return ops
}

// writeHunks prints the changes with Context lines around them; hunks closer than twice the
// context are joined, as diff -u does. Within a change, removed lines come before added ones.
func writeHunks(out *strings.Builder, x, y []string, ops []op) {
	for start := 0; start < len(ops); {
		// the next change
		c := start
		for c < len(ops) && ops[c].kind == ' ' {
			c++
		}
		if c == len(ops) {
			return
		}
		first := max(c-Context, start)
		// extend over changes separated by at most 2*Context unchanged lines
		end := c
		for {
			for end < len(ops) && ops[end].kind != ' ' {
				end++
			}
			same := end
			for same < len(ops) && ops[same].kind == ' ' {
				same++
			}
			if same == len(ops) || same-end > 2*Context {
				end = min(end+Context, len(ops))
				break
			}
			end = same
		}
		writeHunk(out, x, y, ops[first:end])
		start = end
	}
}

func writeHunk(out *strings.Builder, x, y []string, ops []op) {
	var ai, an, bi, bn int
	ai, bi = -1, -1
	for _, o := range ops {
		if o.kind != '+' {
			if ai < 0 {
				ai = o.i
			}
			an++
		}
		if o.kind != '-' {
			if bi < 0 {
				bi = o.j
			}
			bn++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(ai, an, ops, true), hunkRange(bi, bn, ops, false))
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			line(out, ' ', x[ops[k].i])
			k++
			continue
		}
		e := k
		for e < len(ops) && ops[e].kind != ' ' {
			e++
		}
		for _, o := range ops[k:e] {
			if o.kind == '-' {
				line(out, '-', x[o.i])
			}
		}
		for _, o := range ops[k:e] {
			if o.kind == '+' {
				line(out, '+', y[o.j])
			}
		}
		k = e
	}
}

// hunkRange is "start,count" with diff -u's conventions: lines count from 1, a count of 1 is
// left out, and an empty range names the line before it.
func hunkRange(first, count int, ops []op, old bool) string {
	if count == 0 {
		// An empty side names the line before the hunk: the position of its first op there.
		if old {
			return fmt.Sprintf("%d,0", ops[0].i)
		}
		return fmt.Sprintf("%d,0", ops[0].j)
	}
	if count == 1 {
		return fmt.Sprint(first + 1)
	}
	return fmt.Sprintf("%d,%d", first+1, count)
}

func line(out *strings.Builder, mark byte, s string) {
	out.WriteByte(mark)
	out.WriteString(s)
	if !strings.HasSuffix(s, "\n") {
		out.WriteString("\n\\ No newline at end of file\n")
	}
}
