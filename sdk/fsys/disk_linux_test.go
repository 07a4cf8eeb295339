//go:build linux

package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// diskTree describes every directory, file and symlink under dir.
func diskTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fi.Mode().String() + " " + string(b)
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "-> " + target
		default:
			out[rel] = fi.Mode().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTxKilledOnDisk is TestTxKilled on disk, where a put over an existing
// file is an exchange (or, on a file system without exchange, a link and a
// rename): killed after every step, the next run puts the tree back as it
// was; killed after the commit point, it leaves it as after.
func TestTxKilledOnDisk(t *testing.T) {
	for _, exchange := range []bool{true, false} {
		t.Run(fmt.Sprintf("exchange=%v", exchange), func(t *testing.T) {
			setup := func(t *testing.T) (string, *DiskFS, *Tx) {
				dir := t.TempDir()
				for name, data := range map[string]string{
					"output/a.yaml":        "a",
					"output/b.yaml":        "b",
					"output/real.yaml":     "real",
					"output/dir/gone.yaml": "gone",
					"output/t/x.yaml":      "x",
					"metadata/status.yaml": "message: old\n",
				} {
					p := filepath.Join(dir, filepath.FromSlash(name))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.Symlink("real.yaml", filepath.Join(dir, "output", "link.yaml")); err != nil {
					t.Fatal(err)
				}
				d, err := Disk(dir)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				if !exchange {
					d.noExchange = map[string]bool{"output": true, "metadata": true}
				}
				tx, err := Begin(d, "output", "metadata")
				if err != nil {
					t.Fatal(err)
				}
				for _, err := range []error{
					tx.WriteFile("output/a.yaml", []byte("A")),
					tx.WriteFile("output/link.yaml", []byte("REAL")),
					tx.WriteFile("output/t/x.yaml", []byte("X")),
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
				return dir, d, tx
			}
			dir, _, tx := setup(t)
			before := diskTree(t, dir)
			for name := range before {
				if strings.Contains(name, StagingDir) {
					delete(before, name)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			after := diskTree(t, dir)
			if diff := cmp.Diff(before, after); diff == "" {
				t.Fatal("the commit changed nothing")
			}

			_, _, tx = setup(t)
			steps, err := tx.plan()
			if err != nil {
				t.Fatal(err)
			}
			swaps := 0
			for _, s := range steps {
				if s.op == opSwap {
					swaps++
				}
			}
			if swaps != 4 {
				t.Fatalf("%d swaps; the test expects one per file it replaces (4): %v", swaps, steps)
			}
			for k := 0; k <= len(steps)+1; k++ {
				t.Run(fmt.Sprintf("after %d steps", k), func(t *testing.T) {
					dir, d, tx := setup(t)
					want := before
					if killedAfter(t, tx, k) {
						want = after
					}
					// Killed here: the next run starts, in a new process.
					d.Close()
					for range 2 {
						d2, err := Disk(dir)
						if err != nil {
							t.Fatal(err)
						}
						if _, err := Begin(d2, "output", "metadata"); err != nil {
							t.Fatal(err)
						}
						d2.Close()
						if diff := cmp.Diff(want, diskTree(t, dir)); diff != "" {
							t.Errorf("-want +got:\n%s", diff)
						}
					}
				})
			}
		})
	}
}

// TestTxSwapUndoneOnFailure: a commit that fails after some exchanges puts
// every file back.
func TestTxSwapUndoneOnFailure(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		p := filepath.Join(dir, "output", n+".yaml")
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Disk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	before := diskTree(t, dir)
	tx, err := Begin(d, "output")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b", "c"} {
		if err := tx.WriteFile("output/"+n+".yaml", []byte(strings.ToUpper(n))); err != nil {
			t.Fatal(err)
		}
	}
	// c.yaml's staged file disappears: its exchange fails.
	c := tx.entries["output/c.yaml"].file
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(c))); err != nil {
		t.Fatal(err)
	}
	err = tx.Commit()
	if err == nil || !strings.Contains(err.Error(), "output/c.yaml") || strings.Contains(err.Error(), StagingDir) {
		t.Fatalf("Commit: %v; want an error naming output/c.yaml and no staging name", err)
	}
	if diff := cmp.Diff(before, diskTree(t, dir)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

// TestDiskTxReadRegularNeverBlocks is TestReadRegularNeverBlocks for the
// transaction's store on Linux.
func TestDiskTxReadRegularNeverBlocks(t *testing.T) {
	readsFIFOWithoutBlocking(t, func(d *DiskFS) fileReader { return diskTx{d} })
}

// TestDiskTxForgetsMovedDirs: a directory the transaction's store holds open
// and that a public Rename moves away is not reached by its old name any more.
func TestDiskTxForgetsMovedDirs(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "output", "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "output", "a", "x.yaml"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Disk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st := diskTx{d}
	if _, err := st.readFile("output/a/x.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := d.Rename("output/a", "output/b"); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("output/a/x.yaml", []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, err := st.readFile("output/a/x.yaml")
	if err != nil || string(got) != "new" {
		t.Errorf("read %q, %v after the directory was moved; want the new directory's file", got, err)
	}
	if err := st.remove("output/a/x.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := st.remove("output/a"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.lstat("output/a/x.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lstat of a file of a removed directory: %v, want not exist", err)
	}
}
