package fsys_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/fsys"
)

func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"", ".", "output/a.yaml", "output/../x", "/etc", `a\b`, "a//b", "a/./b", "output/", "..", "...", "a/..b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := fsys.CheckName(name)
		if err == nil && (!fs.ValidPath(name) || strings.Contains(name, `\`)) {
			t.Fatalf("CheckName(%q) accepted an invalid name", name)
		}
		if err != nil && !strings.HasPrefix(err.Error(), name+": ") {
			t.Fatalf("CheckName(%q) = %q does not name the path", name, err)
		}
	})
}

// FuzzResolve resolves fuzzed names through a fuzzed symlink in a tree with
// links of every kind; whatever Resolve accepts must be inside output.
func FuzzResolve(f *testing.F) {
	seeds := [][2]string{
		{"output/fuzz", "a.yaml"},
		{"output/fuzz/x", "../input"},
		{"output/fuzz", "/etc/passwd"},
		{"output/fuzz", "/kratix/output/dir"},
		{"output/fuzz/../../x", ".."},
		{"output/up/passwd", "x"},
		{"output/dir/self/self/self/a.yaml", "dir/self"},
		{"output/fuzz/fuzz/fuzz", "."},
		{"output/fuzz", "../../../kratix/output/a"},
		{"output/fuzz/in", "/kratix"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, target string) {
		m := fsys.NewMem()
		write(t, m, "output/a.yaml", "a")
		write(t, m, "output/dir/b.yaml", "b")
		write(t, m, "input/object.yaml", "o")
		symlink(t, m, ".", "output/dir/self")
		symlink(t, m, "../..", "output/up")
		symlink(t, m, "../input", "output/in")
		if err := m.Symlink(target, "output/fuzz"); err != nil {
			t.Fatal(err)
		}
		got, err := fsys.Resolve(m, "output", name)
		if err != nil {
			return
		}
		if fsys.CheckName(name) != nil {
			t.Fatalf("Resolve(%q) accepted a name CheckName refuses", name)
		}
		if got != "output" && !strings.HasPrefix(got, "output/") {
			t.Fatalf("Resolve(%q) with output/fuzz -> %q = %q, outside output", name, target, got)
		}
		if fsys.CheckName(got) != nil || strings.Contains("/"+got+"/", "/../") {
			t.Fatalf("Resolve(%q) = %q is not a clean name", name, got)
		}
	})
}
