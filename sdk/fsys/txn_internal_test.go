package fsys

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTxKilled stops a commit after every step, as a kill -9 would (nothing
// of the process runs after it), and starts the next run: it undoes the
// steps the journal lists and removes the staging directories, so the tree
// is as before; killed after the commit point, the tree is as after. A
// journal cut short by the kill means no step was made yet.
func TestTxKilled(t *testing.T) {
	setup := func(t *testing.T) (*MemFS, *Tx) {
		m := NewMem()
		for name, data := range map[string]string{
			"output/a.yaml":        "a",
			"output/b.yaml":        "b",
			"output/real.yaml":     "real",
			"output/dir/gone.yaml": "gone",
			"metadata/status.yaml": "message: old\n",
		} {
			if err := m.WriteFile(name, []byte(data)); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.Symlink("real.yaml", "output/link.yaml"); err != nil {
			t.Fatal(err)
		}
		tx, err := Begin(m, "output", "metadata")
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{
			tx.WriteFile("output/a.yaml", []byte("A")),
			tx.WriteFile("output/link.yaml", []byte("REAL")),
			tx.Remove("output/b.yaml"),
			tx.Remove("output/dir/gone.yaml"),
			tx.Remove("output/dir"),
			tx.WriteFile("output/new/c.yaml", []byte("c")),
			tx.WriteFile("metadata/status.yaml", []byte("message: new\n")),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		return m, tx
	}
	m, tx := setup(t)
	before := memTree(m)
	for name := range before {
		if strings.Contains(name, StagingDir) {
			delete(before, name)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	after := memTree(m)

	_, tx = setup(t)
	steps, err := tx.plan()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 8 {
		t.Fatalf("%d steps; the test expects the 8 of its changes: %v", len(steps), steps)
	}
	for k := 0; k <= len(steps)+1; k++ {
		t.Run(fmt.Sprintf("after %d steps", k), func(t *testing.T) {
			m, tx := setup(t)
			want := before
			if killedAfter(t, tx, k) {
				want = after
			}
			// Killed here: the next run starts.
			if _, err := Begin(m, "output", "metadata"); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, memTree(m)); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
			// And the run after it finds nothing to do.
			if _, err := Begin(m, "output", "metadata"); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, memTree(m)); diff != "" {
				t.Errorf("a second recovery changed the tree: -want +got:\n%s", diff)
			}
		})
	}
	t.Run("journal created, nothing written yet", func(t *testing.T) {
		m, _ := setup(t)
		if err := m.WriteFile(stagingOf("output")+"/"+journalName, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := Begin(m, "output", "metadata"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, memTree(m)); diff != "" {
			t.Errorf("-want +got:\n%s", diff)
		}
	})
	t.Run("journal cut short", func(t *testing.T) {
		m, tx := setup(t)
		steps, err := tx.plan()
		if err != nil {
			t.Fatal(err)
		}
		journal := stagingOf("output") + "/" + journalName
		if err := tx.writeJournal(journal, steps); err != nil {
			t.Fatal(err)
		}
		data, _ := m.ReadFile(journal)
		cut := data[:strings.LastIndex(string(data), journalEnd)]
		if err := m.Remove(journal); err != nil {
			t.Fatal(err)
		}
		if err := m.WriteFile(journal, cut); err != nil {
			t.Fatal(err)
		}
		if _, err := Begin(m, "output", "metadata"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, memTree(m)); diff != "" {
			t.Errorf("-want +got:\n%s", diff)
		}
	})
}

// TestTxForgedJournal: a journal is trusted with renames, so one that names
// anything a transaction could not have written is refused, not followed.
func TestTxForgedJournal(t *testing.T) {
	for _, tc := range []struct {
		reason, line string
	}{
		{"a destination outside the areas", `del "input/object.yaml" "" "output/.stagekit-txn/1"`},
		{"a backup outside the staging directory", `del "output/a.yaml" "" "output/b.yaml"`},
		{"a backup in another area's staging directory", `del "output/a.yaml" "" "metadata/.stagekit-txn/1"`},
		{"a destination through a symlink", `del "output/link/a.yaml" "" "output/.stagekit-txn/1"`},
		{"an unknown step", `chmod "output/a.yaml" "" ""`},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			m := NewMem()
			for name, data := range map[string]string{
				"output/a.yaml":                "a",
				"output/b.yaml":                "b",
				"input/object.yaml":            "o",
				"output/.stagekit-txn/journal": journalHeader + "\n" + tc.line + "\n" + journalEnd + "\n",
			} {
				if err := m.WriteFile(name, []byte(data)); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.Symlink("../input", "output/link"); err != nil {
				t.Fatal(err)
			}
			before := memTree(m)
			_, err := Begin(m, "output", "metadata")
			if err == nil || !strings.Contains(err.Error(), "bad journal line") {
				t.Errorf("Begin: %v", err)
			}
			if diff := cmp.Diff(before, memTree(m)); diff != "" {
				t.Errorf("a forged journal changed the tree: -want +got:\n%s", diff)
			}
		})
	}
}

// memTree describes every directory, file and symlink of m.
func memTree(m *MemFS) map[string]string {
	out := map[string]string{}
	var walk func(dir string, n *memNode)
	walk = func(dir string, n *memNode) {
		for base, kid := range n.kids {
			name := path.Join(dir, base)
			switch {
			case kid.kids != nil:
				out[name] = fmt.Sprintf("d %o", kid.mode.Perm())
				walk(name, kid)
			case kid.mode&fs.ModeSymlink != 0:
				out[name] = "l " + kid.target
			default:
				out[name] = fmt.Sprintf("f %o %s", kid.mode.Perm(), kid.data)
			}
		}
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	walk(".", m.top)
	return out
}

// killedAfter leaves what a commit killed after its first k steps leaves: the journal and those
// steps, or, when k is past the last step, every step and no journal (the commit point passed,
// committed is true).
func killedAfter(t *testing.T, tx *Tx, k int) (committed bool) {
	t.Helper()
	steps, err := tx.plan()
	if err != nil {
		t.Fatal(err)
	}
	journal := stagingOf("output") + "/" + journalName
	if err := tx.writeJournal(journal, steps); err != nil {
		t.Fatal(err)
	}
	for _, s := range steps[:min(k, len(steps))] {
		if err := tx.apply(s); err != nil {
			t.Fatal(err)
		}
	}
	if k <= len(steps) {
		return false
	}
	if err := tx.st.remove(journal); err != nil {
		t.Fatal(err)
	}
	return true
}
