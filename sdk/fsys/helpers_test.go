package fsys_test

import (
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// special makes name a named pipe or a socket (typ), the real thing on
// disk: a stage must never open one where it expects a file.
func special(t *testing.T, f fsys.FS, name string, typ fs.FileMode) {
	t.Helper()
	if tx, ok := f.(*fsys.Tx); ok {
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		f = tx.Base()
	}
	switch f := f.(type) {
	case *fsys.MemFS:
		if err := f.Mknod(name, typ); err != nil {
			t.Fatal(err)
		}
	case *fsys.DiskFS:
		full := filepath.Join(f.Root(), filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		mkspecial(t, full, typ)
	default:
		t.Fatalf("no special files for %T", f)
	}
}

// mkspecial makes a named pipe or a socket on disk.
func mkspecial(t *testing.T, full string, typ fs.FileMode) {
	t.Helper()
	switch typ {
	case fs.ModeNamedPipe:
		if err := syscall.Mkfifo(full, 0o644); err != nil {
			t.Fatal(err)
		}
	case fs.ModeSocket:
		// Bound where the path is short enough for a socket address (108 bytes), then moved.
		dir, err := os.MkdirTemp("", "sock")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		short := filepath.Join(dir, "s")
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: short, Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		l.SetUnlinkOnClose(false)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(short, full); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("mkspecial: %v is not a named pipe or a socket", typ)
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
