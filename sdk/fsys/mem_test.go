package fsys_test

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk/fsys"
)

func TestMemHelpers(t *testing.T) {
	m := fsys.NewMem()
	write(t, m, "output/a.yaml", "a")
	write(t, m, "metadata/status.yaml", "s")
	if err := m.Symlink("a.yaml", "output/link.yaml"); err != nil {
		t.Fatal(err)
	}

	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"Files": {
			reason: "Files has regular files only, by real name",
			got:    m.Files(),
			want:   map[string][]byte{"output/a.yaml": []byte("a"), "metadata/status.yaml": []byte("s")},
		},
		"ModeFile":    {reason: "files are 0644", got: m.Mode("output/a.yaml"), want: fs.FileMode(0o644)},
		"ModeDir":     {reason: "dirs are 0755", got: m.Mode("output"), want: fs.ModeDir | 0o755},
		"ModeLink":    {reason: "links are links", got: m.Mode("output/link.yaml"), want: fs.ModeSymlink | 0o777},
		"ModeMissing": {reason: "missing is 0", got: m.Mode("output/nope"), want: fs.FileMode(0)},
		"Root":        {reason: "the pod path by default", got: m.Root(), want: "/kratix"},
		"SymlinkExists": {
			reason: "Symlink does not replace",
			got:    errString(m.Symlink("x", "output/a.yaml")),
			want:   "symlink output/a.yaml: file exists",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMemSetRoot(t *testing.T) {
	m := fsys.NewMem()
	m.SetRoot("/work/kratix")
	write(t, m, "output/real.yaml", "r")
	symlink(t, m, "/work/kratix/output/real.yaml", "output/in.yaml")
	symlink(t, m, "/kratix/output/real.yaml", "output/out.yaml")

	got, err := fsys.Resolve(m, "output", "output/in.yaml")
	if diff := cmp.Diff("output/real.yaml", got); diff != "" || err != nil {
		t.Errorf("absolute targets under the new root are inside: %v, -want +got:\n%s", err, diff)
	}
	_, err = fsys.Resolve(m, "output", "output/out.yaml")
	var esc *fsys.EscapeError
	if !errors.As(err, &esc) {
		t.Errorf("the old root is outside now: got %v", err)
	}
}

func TestMemConcurrent(t *testing.T) {
	// Run with -race: writers, readers and walkers at once.
	m := fsys.NewMem()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				name := fmt.Sprintf("output/%d/%d.yaml", i, j)
				if err := m.WriteFile(name, []byte(name)); err != nil {
					t.Error(err)
				}
				if _, err := m.ReadFile(name); err != nil {
					t.Error(err)
				}
				if _, err := fsys.Walk(m, "output"); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff(8*50, len(m.Files())); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func TestMemCopies(t *testing.T) {
	// Callers may reuse their buffers: the tree keeps its own copies.
	m := fsys.NewMem()
	data := []byte("before")
	write(t, m, "output/a", string(data))
	if err := m.WriteFile("output/b", data); err != nil {
		t.Fatal(err)
	}
	copy(data, "AFTER!")
	got, _ := m.ReadFile("output/b")
	got[0] = 'X'
	again, _ := m.ReadFile("output/b")
	if diff := cmp.Diff("before", string(again)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}
