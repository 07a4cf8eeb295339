package fsys_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/fsys"
)

// The helpers below set up what FS deliberately cannot do (symlinks,
// unreadable files) on either implementation.

func newDisk(t *testing.T) fsys.FS {
	t.Helper()
	d, err := fsys.Disk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func newMem(*testing.T) fsys.FS { return fsys.NewMem() }

// inTx runs the FS tests through a transaction over newFS's tree, committed
// before each check so that the tree below is checked too (see reopen).
func inTx(newFS func(t *testing.T) fsys.FS) func(t *testing.T) fsys.FS {
	return func(t *testing.T) fsys.FS {
		tx, err := fsys.Begin(newFS(t), "input", "output", "metadata")
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
}

func write(t *testing.T, f fsys.FS, name, data string) {
	t.Helper()
	if err := f.WriteFile(name, []byte(data)); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, f fsys.FS, target, name string) {
	t.Helper()
	if tx, ok := f.(*fsys.Tx); ok {
		// What a transaction cannot do is set up below it, after a commit.
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		f = tx.Base()
	}
	switch f := f.(type) {
	case *fsys.MemFS:
		if err := f.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
	case *fsys.DiskFS:
		full := filepath.Join(f.Root(), filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.FromSlash(target), full); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("no symlinks for %T", f)
	}
}

func unreadable(t *testing.T, f fsys.FS, name string) {
	t.Helper()
	if tx, ok := f.(*fsys.Tx); ok {
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		f = tx.Base()
	}
	switch f := f.(type) {
	case *fsys.MemFS:
		if err := f.SetUnreadable(name); err != nil {
			t.Fatal(err)
		}
	case *fsys.DiskFS:
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode")
		}
		if err := os.Chmod(filepath.Join(f.Root(), filepath.FromSlash(name)), 0); err != nil {
			t.Fatal(err)
		}
	}
}

func names(t *testing.T, f fsys.FS, dir string) []string {
	t.Helper()
	entries, err := f.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// errLines splits an errors.Join into its errors.
func errLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}
