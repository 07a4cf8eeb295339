package fsys_test

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk/fsys"
)

// txTree is a tree with something of every kind a run meets: a file it
// leaves alone, files it replaces or removes, a 0600 file written through a
// symlink, a dangling symlink and an empty directory it removes.
func txTree(t *testing.T) *fsys.MemFS {
	t.Helper()
	m := fsys.NewMem()
	write(t, m, "input/object.yaml", "kind: App\n")
	write(t, m, "output/keep.yaml", "keep")
	write(t, m, "output/a.yaml", "a")
	write(t, m, "output/b.yaml", "b")
	write(t, m, "output/mode.yaml", "secret mode")
	must(t, m.Chmod("output/mode.yaml", 0o600))
	symlink(t, m, "mode.yaml", "output/link.yaml")
	symlink(t, m, "gone.yaml", "output/dead-link")
	must(t, m.MkdirAll("output/empty"))
	write(t, m, "metadata/status.yaml", "message: old\n")
	return m
}

// txRun is a stage's writes: it stops at the first error, as a stage that
// returns it does.
func txRun(tx *fsys.Tx) error {
	ops := []func() error{
		func() error { return tx.WriteFile("output/a.yaml", []byte("A, longer")) },
		func() error { return tx.WriteFile("output/link.yaml", []byte("through the link")) },
		func() error { return tx.Remove("output/b.yaml") },
		func() error { return tx.Remove("output/dead-link") },
		func() error { return tx.Remove("output/empty") },
		func() error {
			w, err := tx.Create("output/new/dir/c.yaml")
			if err != nil {
				return err
			}
			for _, chunk := range []string{"kind: C\n", "---\n", "kind: D\n"} {
				if _, err := w.Write([]byte(chunk)); err != nil {
					_ = w.Close()
					return err
				}
			}
			return w.Close()
		},
		func() error { return tx.WriteFile("metadata/status.yaml", []byte("message: new\n")) },
		func() error { return tx.MkdirAll("output/made/empty") },
	}
	for _, op := range ops {
		if err := op(); err != nil {
			return err
		}
	}
	return nil
}

var txAfter = map[string]string{
	"input":                 "d 755",
	"input/object.yaml":     "f 644 kind: App\n",
	"metadata":              "d 755",
	"metadata/status.yaml":  "f 644 message: new\n",
	"output":                "d 755",
	"output/a.yaml":         "f 644 A, longer",
	"output/keep.yaml":      "f 644 keep",
	"output/link.yaml":      "l mode.yaml",
	"output/made":           "d 755",
	"output/made/empty":     "d 755",
	"output/mode.yaml":      "f 644 through the link",
	"output/new":            "d 755",
	"output/new/dir":        "d 755",
	"output/new/dir/c.yaml": "f 644 kind: C\n---\nkind: D\n",
}

func TestTxCommit(t *testing.T) {
	m := txTree(t)
	before := tree(t, m)
	tx, err := fsys.Begin(m, "output", "metadata")
	must(t, err)
	must(t, txRun(tx))
	if diff := cmp.Diff(before, withoutStaging(tree(t, m))); diff != "" {
		t.Errorf("the tree changed before Commit: -before +now:\n%s", diff)
	}
	if diff := cmp.Diff(txAfter, tree(t, tx)); diff != "" {
		t.Errorf("the transaction does not see its own writes: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff([]string{"metadata/status.yaml", "output/a.yaml", "output/b.yaml", "output/dead-link", "output/empty", "output/mode.yaml", "output/new/dir/c.yaml"}, tx.Pending()); diff != "" {
		t.Errorf("Pending: -want +got:\n%s", diff)
	}
	entries, err := fsys.Walk(tx, "output")
	must(t, err)
	var walked []string
	for _, e := range entries {
		walked = append(walked, e.Name)
	}
	if diff := cmp.Diff([]string{"output/a.yaml", "output/keep.yaml", "output/link.yaml", "output/mode.yaml", "output/new/dir/c.yaml"}, walked); diff != "" {
		t.Errorf("Walk through the transaction: -want +got:\n%s", diff)
	}
	must(t, tx.Commit())
	if diff := cmp.Diff(txAfter, tree(t, m)); diff != "" {
		t.Errorf("after Commit: -want +got:\n%s", diff)
	}
	if len(tx.Pending()) != 0 {
		t.Errorf("a committed transaction still holds %v", tx.Pending())
	}
	// The transaction goes on: a second commit of nothing changes nothing.
	must(t, tx.Commit())
	if diff := cmp.Diff(txAfter, tree(t, m)); diff != "" {
		t.Errorf("after a second Commit: -want +got:\n%s", diff)
	}
}

func TestTxRollback(t *testing.T) {
	m := txTree(t)
	before := tree(t, m)
	tx, err := fsys.Begin(m, "output", "metadata")
	must(t, err)
	must(t, txRun(tx))
	must(t, tx.Rollback())
	if diff := cmp.Diff(before, tree(t, m)); diff != "" {
		t.Errorf("Rollback left changes: -before +after:\n%s", diff)
	}
}

// TestTxFaults fails every operation a run and its commit make, in turn,
// with every error a disk gives, and runs out of space after every number of
// bytes: the tree is exactly as before, nothing is left behind, and the error
// names a file of the tree, never a staging name. A failure after the commit
// point (removing the staging files) leaves the committed tree, fails, and
// the next run removes the leftovers.
func TestTxFaults(t *testing.T) {
	m := txTree(t)
	start := m.Mutations()
	tx, err := fsys.Begin(m, "output", "metadata")
	must(t, err)
	must(t, txRun(tx))
	must(t, tx.Commit())
	ops := m.Mutations() - start
	if ops < 20 {
		t.Fatalf("a clean run made %d operations; the test cannot fail them all", ops)
	}
	type fault struct {
		name   string
		inject func(m *fsys.MemFS)
	}
	var faults []fault
	for i := 1; i <= ops; i++ {
		for _, errno := range []syscall.Errno{syscall.EACCES, syscall.EROFS, syscall.ENOSPC, syscall.EIO} {
			f := fsys.Fault{N: i, Err: errno}
			faults = append(faults, fault{f.String(), func(m *fsys.MemFS) { m.Inject(f) }})
		}
	}
	for n := int64(0); n < 80; n += 3 {
		faults = append(faults, fault{fmt.Sprintf("space for %d bytes", n), func(m *fsys.MemFS) { m.LimitSpace(n) }})
	}
	committed := 0
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			m := txTree(t)
			before := tree(t, m)
			f.inject(m)
			tx, err := fsys.Begin(m, "output", "metadata")
			must(t, err)
			err = txRun(tx)
			if err != nil {
				if rerr := tx.Rollback(); rerr != nil {
					t.Fatalf("Rollback after %v: %v", err, rerr)
				}
			} else {
				err = tx.Commit()
			}
			if err == nil {
				if diff := cmp.Diff(txAfter, tree(t, m)); diff != "" {
					t.Errorf("no error, but not the committed tree: -want +got:\n%s", diff)
				}
				return
			}
			msg := err.Error()
			if strings.Contains(msg, fsys.StagingDir) || !strings.Contains(msg, "output/") && !strings.Contains(msg, "metadata/") {
				t.Errorf("the error must name a file of the tree, not a staging name: %s", msg)
			}
			if strings.Contains(msg, "were committed") {
				committed++
				if diff := cmp.Diff(txAfter, withoutStaging(tree(t, m))); diff != "" {
					t.Errorf("committed: -want +got:\n%s", diff)
				}
				m.Inject(fsys.Fault{})
				m.LimitSpace(-1)
				if _, err := fsys.Begin(m, "output", "metadata"); err != nil {
					t.Fatalf("the next run cannot clean up: %v", err)
				}
				if diff := cmp.Diff(txAfter, tree(t, m)); diff != "" {
					t.Errorf("the next run did not remove the leftovers: -want +got:\n%s", diff)
				}
				return
			}
			if diff := cmp.Diff(before, tree(t, m)); diff != "" {
				t.Errorf("%v\nthe tree changed: -before +after:\n%s", err, diff)
			}
		})
	}
	if committed == 0 {
		t.Errorf("no fault landed after the commit point: the test does not cover it")
	}
}

func TestTxRefusals(t *testing.T) {
	m := txTree(t)
	tx, err := fsys.Begin(m, "output", "metadata")
	must(t, err)
	for _, tc := range []struct {
		reason string
		err    error
		want   string
	}{
		{"the staging directory is reserved", tx.WriteFile("output/"+fsys.StagingDir+"/x", nil), "output/.stagekit-txn/x: .stagekit-txn is reserved for the stage's transaction"},
		{"writes stay in the transaction's areas", tx.WriteFile("input/object.yaml", nil), "input/object.yaml: not writable: this run writes only under /kratix/output and /kratix/metadata"},
		{"a symlink cannot be renamed in a transaction", tx.Rename("output/link.yaml", "output/l2"), "output/link.yaml: rename of a symlink or directory is not supported inside a transaction"},
		{"a missing file cannot be removed", tx.Remove("output/nope"), "remove output/nope: no such file or directory"},
		{"an area itself cannot be removed", tx.Remove("output"), "output: is a directory of the kratix dir itself, not one a run may write"},
	} {
		if diff := cmp.Diff(tc.want, errString(tc.err)); diff != "" {
			t.Errorf("%s: -want +got:\n%s", tc.reason, diff)
		}
	}
	// A file where the staging directory must go is not somebody's data to delete.
	m = txTree(t)
	write(t, m, "output/"+fsys.StagingDir, "mine")
	_, err = fsys.Begin(m, "output", "metadata")
	if diff := cmp.Diff("output: holds a file named .stagekit-txn, a name stagekit reserves for its staging directory: remove it", errString(err)); diff != "" {
		t.Errorf("Begin over a file named like the staging directory: -want +got:\n%s", diff)
	}
}

// TestTxCreateFailureShowsNothing: a streamed file that fails half way is not
// part of the transaction.
func TestTxCreateFailureShowsNothing(t *testing.T) {
	m := txTree(t)
	tx, err := fsys.Begin(m, "output", "metadata")
	must(t, err)
	m.LimitSpace(4)
	w, err := tx.Create("output/a.yaml")
	must(t, err)
	_, err = w.Write([]byte("more than four bytes"))
	if diff := cmp.Diff("write output/a.yaml: no space left on device", errString(err)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if err := w.Close(); err == nil {
		t.Errorf("Close after a failed write succeeded")
	}
	got, err := tx.ReadFile("output/a.yaml")
	if string(got) != "a" || err != nil {
		t.Errorf("the transaction shows a failed write: %q, %v", got, err)
	}
}

// tree describes every directory, file and symlink of f (modes, contents,
// targets), by name.
func tree(t *testing.T, f fsys.FS) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(dir string)
	walk = func(dir string) {
		entries, err := f.ReadDir(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, e := range entries {
			name := path.Join(dir, e.Name())
			fi, err := f.Lstat(name)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case fi.IsDir():
				out[name] = fmt.Sprintf("d %o", fi.Mode().Perm())
				walk(name)
			case fi.Mode()&fs.ModeSymlink != 0:
				target, err := f.ReadLink(name)
				if err != nil {
					t.Fatal(err)
				}
				out[name] = "l " + target
			default:
				data, err := f.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				out[name] = fmt.Sprintf("f %o %s", fi.Mode().Perm(), data)
			}
		}
	}
	walk(".")
	return out
}

func withoutStaging(tr map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range tr {
		if !strings.Contains(k, fsys.StagingDir) {
			out[k] = v
		}
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
