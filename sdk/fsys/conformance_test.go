package fsys_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk/fsys"
)

func TestDisk(t *testing.T)   { testFS(t, newDisk) }
func TestMem(t *testing.T)    { testFS(t, newMem) }
func TestTxDisk(t *testing.T) { testFS(t, inTx(newDisk)) }
func TestTxMem(t *testing.T)  { testFS(t, inTx(newMem)) }

// TestOverwritesLeftoverTemp: DiskFS and MemFS write atomically through a
// temp file with a fixed name, so the leftover of a crashed attempt is
// reused, and gone after the write.
func TestOverwritesLeftoverTemp(t *testing.T) {
	for name, newFS := range map[string]func(t *testing.T) fsys.FS{"Disk": newDisk, "Mem": newMem} {
		t.Run(name, func(t *testing.T) {
			f := newFS(t)
			write(t, f, "output/.x.yaml.stagekit-tmp", "half a fi")
			write(t, f, "output/x.yaml", "new")
			if diff := cmp.Diff([]string{"x.yaml"}, names(t, f, "output")); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

// testFS checks that an FS behaves the way the SDK relies on; DiskFS and
// MemFS must both pass it, so tests in memory mean something on disk.
func testFS(t *testing.T, newFS func(t *testing.T) fsys.FS) {
	t.Run("WriteFile", func(t *testing.T) { testWriteFile(t, newFS) })
	t.Run("ReadFile", func(t *testing.T) { testReadFile(t, newFS) })
	t.Run("Resolve", func(t *testing.T) { testResolve(t, newFS) })
	t.Run("Walk", func(t *testing.T) { testWalk(t, newFS) })
	t.Run("Dirs", func(t *testing.T) { testDirs(t, newFS) })
	t.Run("RenameAndLink", func(t *testing.T) { testRenameAndLink(t, newFS) })
}

func testWriteFile(t *testing.T, newFS func(t *testing.T) fsys.FS) {
	cases := map[string]struct {
		reason  string
		setup   func(t *testing.T, f fsys.FS)
		name    string
		wantErr string
		// check runs after a successful write of "new".
		check func(t *testing.T, f fsys.FS)
	}{
		"CreatesParents": {
			reason: "missing parent directories are created 0755, the file is 0644, and no temp file is left",
			name:   "output/a/b/deploy.yaml",
			check: func(t *testing.T, f fsys.FS) {
				for name, want := range map[string]fs.FileMode{
					"output":                 fs.ModeDir | 0o755,
					"output/a":               fs.ModeDir | 0o755,
					"output/a/b":             fs.ModeDir | 0o755,
					"output/a/b/deploy.yaml": 0o644,
				} {
					fi, err := f.Lstat(name)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, fi.Mode()); diff != "" {
						t.Errorf("mode of %s: -want +got:\n%s", name, diff)
					}
				}
				if diff := cmp.Diff([]string{"deploy.yaml"}, names(t, f, "output/a/b")); diff != "" {
					t.Errorf("leftover files: -want +got:\n%s", diff)
				}
			},
		},
		"Overwrites": {
			reason: "a rerun replaces a file, it never appends",
			setup:  func(t *testing.T, f fsys.FS) { write(t, f, "output/x.yaml", "old content, longer than new") },
			name:   "output/x.yaml",
		},
		"WritesThroughLink": {
			reason: "writing a symlink writes the file it points to and keeps the link",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/real.yaml", "old")
				symlink(t, f, "real.yaml", "output/link.yaml")
			},
			name: "output/link.yaml",
			check: func(t *testing.T, f fsys.FS) {
				fi, err := f.Lstat("output/link.yaml")
				if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("output/link.yaml is no longer a symlink: %v %v", fi, err)
				}
				got, _ := f.ReadFile("output/real.yaml")
				if diff := cmp.Diff("new", string(got)); diff != "" {
					t.Errorf("output/real.yaml: -want +got:\n%s", diff)
				}
			},
		},
		"WritesThroughAbsoluteLink": {
			reason: "an absolute link under Root is followed by this package, not refused by os.Root",
			setup: func(t *testing.T, f fsys.FS) {
				symlink(t, f, f.Root()+"/output/new/real.yaml", "output/abs.yaml")
			},
			name: "output/abs.yaml",
			check: func(t *testing.T, f fsys.FS) {
				got, err := f.ReadFile("output/new/real.yaml")
				if diff := cmp.Diff("new", string(got)); diff != "" || err != nil {
					t.Errorf("output/new/real.yaml: %v, -want +got:\n%s", err, diff)
				}
			},
		},
		"RefusesLinkIntoInput": {
			reason:  "a write to output must not land in input through a symlink",
			setup:   func(t *testing.T, f fsys.FS) { symlink(t, f, "../input/object.yaml", "output/object.yaml") },
			name:    "output/object.yaml",
			wantErr: "output/object.yaml: symlink resolves to /kratix/input/object.yaml, outside /kratix/output",
		},
		"RefusesLinkOutOfTree": {
			reason:  "a write must never follow a symlink out of the kratix dir",
			setup:   func(t *testing.T, f fsys.FS) { symlink(t, f, "/etc/passwd", "output/passwd.yaml") },
			name:    "output/passwd.yaml",
			wantErr: "output/passwd.yaml: symlink resolves to /etc/passwd, outside /kratix/output",
		},
		"RefusesDotDot": {
			reason:  "a name with .. is refused before anything is touched",
			name:    "output/../x",
			wantErr: `output/../x: path contains ".." (paths must stay inside /kratix/output)`,
		},
		"RefusesAbsolute": {
			reason:  "names are relative to the kratix dir",
			name:    "/etc/passwd",
			wantErr: "/etc/passwd: path is absolute (paths are relative to /kratix)",
		},
		"RefusesDirectory": {
			reason:  "a directory is not replaced by a file",
			setup:   func(t *testing.T, f fsys.FS) { write(t, f, "output/dir/x.yaml", "x") },
			name:    "output/dir",
			wantErr: "write output/dir: is a directory",
		},
		"RefusesNamedPipe": {
			reason:  "a named pipe where a file is written is refused, not replaced: it is not what any stage leaves",
			setup:   func(t *testing.T, f fsys.FS) { special(t, f, "output/app.tf.json", fs.ModeNamedPipe) },
			name:    "output/app.tf.json",
			wantErr: "output/app.tf.json: is a named pipe (FIFO), not a regular file: it is never opened (reading one waits forever for a writer); remove it or put a regular file in its place",
		},
		"RefusesFileAsParent": {
			reason:  "a file in the way of a parent directory is an error, not replaced",
			setup:   func(t *testing.T, f fsys.FS) { write(t, f, "output/file", "x") },
			name:    "output/file/x.yaml",
			wantErr: "resolve output/file/x.yaml: not a directory",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFS(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			err := f.WriteFile(tc.name, []byte("new"))
			if diff := cmp.Diff(tc.wantErr, errString(err)); diff != "" {
				t.Fatalf("%s\nWriteFile(%q): -want +got error:\n%s", tc.reason, tc.name, diff)
			}
			if err != nil {
				return
			}
			got, err := f.ReadFile(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff("new", string(got)); diff != "" {
				t.Errorf("%s\nReadFile(%q): -want +got:\n%s", tc.reason, tc.name, diff)
			}
			if tc.check != nil {
				tc.check(t, f)
			}
		})
	}
}

func testReadFile(t *testing.T, newFS func(t *testing.T) fsys.FS) {
	cases := map[string]struct {
		reason  string
		setup   func(t *testing.T, f fsys.FS)
		name    string
		want    string
		wantErr string
		wantIs  error
	}{
		"ThroughLink": {
			reason: "symlinks inside the tree are followed, like os.ReadFile",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "input/object.yaml", "kind: App\n")
				symlink(t, f, "../input/object.yaml", "metadata/obj.yaml")
			},
			name: "metadata/obj.yaml",
			want: "kind: App\n",
		},
		"Missing": {
			reason:  "a missing file is fs.ErrNotExist, naming the file",
			name:    "output/missing.yaml",
			wantErr: "read output/missing.yaml: no such file or directory",
			wantIs:  fs.ErrNotExist,
		},
		"Unreadable": {
			reason: "a permission error names the file, not just 'permission denied'",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/secret.yaml", "x")
				unreadable(t, f, "output/secret.yaml")
			},
			name:    "output/secret.yaml",
			wantErr: "read output/secret.yaml: permission denied",
			wantIs:  fs.ErrPermission,
		},
		"OutOfTree": {
			reason:  "a read never leaves the kratix dir, even through a symlink",
			setup:   func(t *testing.T, f fsys.FS) { symlink(t, f, "/etc/passwd", "output/passwd.yaml") },
			name:    "output/passwd.yaml",
			wantErr: "output/passwd.yaml: symlink resolves to /etc/passwd, outside /kratix",
			wantIs:  fs.ErrPermission,
		},
		"Directory": {
			reason:  "reading a directory is an error",
			setup:   func(t *testing.T, f fsys.FS) { write(t, f, "output/a/x.yaml", "x") },
			name:    "output/a",
			wantErr: "read output/a: is a directory",
		},
		"NamedPipe": {
			reason:  "a named pipe is refused without being opened: reading it would wait forever for a writer",
			setup:   func(t *testing.T, f fsys.FS) { special(t, f, "input/object.yaml", fs.ModeNamedPipe) },
			name:    "input/object.yaml",
			wantErr: "input/object.yaml: is a named pipe (FIFO), not a regular file: it is never opened (reading one waits forever for a writer); remove it or put a regular file in its place",
			wantIs:  fsys.ErrNotRegular,
		},
		"NamedPipeThroughLink": {
			reason: "a symlink to a named pipe is refused the same way, naming the link as given",
			setup: func(t *testing.T, f fsys.FS) {
				special(t, f, "metadata/pipe", fs.ModeNamedPipe)
				symlink(t, f, "pipe", "metadata/status.yaml")
			},
			name:    "metadata/status.yaml",
			wantErr: "metadata/status.yaml: is a named pipe (FIFO), not a regular file: it is never opened (reading one waits forever for a writer); remove it or put a regular file in its place",
			wantIs:  fsys.ErrNotRegular,
		},
		"Socket": {
			reason:  "a socket has no content to read: refused, naming it",
			setup:   func(t *testing.T, f fsys.FS) { special(t, f, "output/s.yaml", fs.ModeSocket) },
			name:    "output/s.yaml",
			wantErr: "output/s.yaml: is a socket, not a regular file: it is never opened (it holds no content to read); remove it or put a regular file in its place",
			wantIs:  fsys.ErrNotRegular,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFS(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			got, err := f.ReadFile(tc.name)
			if diff := cmp.Diff(tc.wantErr, errString(err)); diff != "" {
				t.Fatalf("%s\nReadFile(%q): -want +got error:\n%s", tc.reason, tc.name, diff)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("%s\nReadFile(%q): error %v is not %v", tc.reason, tc.name, err, tc.wantIs)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("%s\nReadFile(%q): -want +got:\n%s", tc.reason, tc.name, diff)
			}
		})
	}
}

func testDirs(t *testing.T, newFS func(t *testing.T) fsys.FS) {
	f := newFS(t)
	write(t, f, "output/b.yaml", "b")
	write(t, f, "output/a.yaml", "a")
	write(t, f, "output/c/x.yaml", "x")
	symlink(t, f, "a.yaml", "output/link.yaml")

	if diff := cmp.Diff([]string{"a.yaml", "b.yaml", "c", "link.yaml"}, names(t, f, "output")); diff != "" {
		t.Errorf("ReadDir is sorted by name: -want +got:\n%s", diff)
	}
	target, err := f.ReadLink("output/link.yaml")
	if diff := cmp.Diff("a.yaml", target); diff != "" || err != nil {
		t.Errorf("ReadLink returns the target as written: %v, -want +got:\n%s", err, diff)
	}
	if err := f.Remove("output/link.yaml"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ReadFile("output/a.yaml"); err != nil {
		t.Errorf("Remove of a link must keep its target: %v", err)
	}
	if err := f.MkdirAll("metadata/scratch/deep"); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Lstat("metadata/scratch/deep")
	if err != nil || fi.Mode() != fs.ModeDir|0o755 {
		t.Errorf("MkdirAll makes 0755 directories: %v %v", fi.Mode(), err)
	}
	if err := f.MkdirAll("metadata/scratch/deep"); err != nil {
		t.Errorf("MkdirAll of an existing directory: %v", err)
	}
	err = f.Remove("output/c")
	if diff := cmp.Diff("remove output/c: directory not empty", errString(err)); diff != "" {
		t.Errorf("Remove of a full directory: -want +got:\n%s", diff)
	}
	err = f.MkdirAll("output/a.yaml")
	if diff := cmp.Diff("mkdir output/a.yaml: not a directory", errString(err)); diff != "" {
		t.Errorf("MkdirAll over a file: -want +got:\n%s", diff)
	}
}

func testRenameAndLink(t *testing.T, newFS func(t *testing.T) fsys.FS) {
	cases := map[string]struct {
		reason  string
		setup   func(t *testing.T, f fsys.FS)
		do      func(f fsys.FS) error
		wantErr string
		want    map[string]string // files read after, through any link
		gone    []string
	}{
		"RenameReplaces": {
			reason: "a rename replaces the destination and the source is gone",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/a.yaml", "a")
				write(t, f, "output/b.yaml", "b")
			},
			do:   func(f fsys.FS) error { return f.Rename("output/a.yaml", "output/b.yaml") },
			want: map[string]string{"output/b.yaml": "a"},
			gone: []string{"output/a.yaml"},
		},
		"RenameThroughParentLink": {
			reason: "the parents of both names are resolved",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/real/a.yaml", "a")
				symlink(t, f, "real", "output/dir")
			},
			do:   func(f fsys.FS) error { return f.Rename("output/dir/a.yaml", "output/dir/b.yaml") },
			want: map[string]string{"output/real/b.yaml": "a"},
			gone: []string{"output/real/a.yaml"},
		},
		"RenameOutOfArea": {
			reason:  "both names stay in the destination's area",
			setup:   func(t *testing.T, f fsys.FS) { write(t, f, "metadata/a.yaml", "a") },
			do:      func(f fsys.FS) error { return f.Rename("metadata/a.yaml", "output/a.yaml") },
			wantErr: "metadata/a.yaml: path is outside /kratix/output",
		},
		"LinkCopies": {
			reason: "a link shows the same content under a second name",
			setup:  func(t *testing.T, f fsys.FS) { write(t, f, "output/a.yaml", "a") },
			do:     func(f fsys.FS) error { return f.Link("output/a.yaml", "output/b.yaml") },
			want:   map[string]string{"output/a.yaml": "a", "output/b.yaml": "a"},
		},
		"LinkNeverReplaces": {
			reason: "link(2) refuses an existing destination",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/a.yaml", "a")
				write(t, f, "output/b.yaml", "b")
			},
			do:      func(f fsys.FS) error { return f.Link("output/a.yaml", "output/b.yaml") },
			wantErr: "link output/b.yaml: file exists",
			want:    map[string]string{"output/b.yaml": "b"},
		},
		"LinkedFileKeepsItsContentOnWrite": {
			reason: "a write replaces one name's file: the other name keeps the old content",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/a.yaml", "a")
				if err := f.Link("output/a.yaml", "output/b.yaml"); err != nil {
					t.Fatal(err)
				}
			},
			do:   func(f fsys.FS) error { return f.WriteFile("output/a.yaml", []byte("new")) },
			want: map[string]string{"output/a.yaml": "new", "output/b.yaml": "a"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFS(t)
			tc.setup(t, f)
			err := tc.do(f)
			if diff := cmp.Diff(tc.wantErr, errString(err)); diff != "" {
				t.Fatalf("%s\n-want +got error:\n%s", tc.reason, diff)
			}
			for n, want := range tc.want {
				got, err := f.ReadFile(n)
				if err != nil || string(got) != want {
					t.Errorf("%s\n%s = %q, %v; want %q", tc.reason, n, got, err, want)
				}
			}
			for _, n := range tc.gone {
				if _, err := f.Lstat(n); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s\n%s still exists: %v", tc.reason, n, err)
				}
			}
		})
	}
}

// TestRenameAndLinkDoNotFollow: like rename(2) and link(2) on Linux, a final symlink is moved or
// linked itself, never its target. A transaction relies on it to keep the symlinks it removes or
// replaces (a transaction itself stages regular files only, so it is not in this test).
func TestRenameAndLinkDoNotFollow(t *testing.T) {
	for name, newFS := range map[string]func(t *testing.T) fsys.FS{"Disk": newDisk, "Mem": newMem} {
		t.Run(name, func(t *testing.T) {
			f := newFS(t)
			write(t, f, "output/real.yaml", "real")
			symlink(t, f, "real.yaml", "output/link.yaml")
			if err := f.Link("output/link.yaml", "output/link2.yaml"); err != nil {
				t.Fatal(err)
			}
			if err := f.Rename("output/link.yaml", "output/moved.yaml"); err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"output/link2.yaml", "output/moved.yaml"} {
				if target, err := f.ReadLink(n); err != nil || target != "real.yaml" {
					t.Errorf("%s: %q, %v; want the symlink itself, to real.yaml", n, target, err)
				}
			}
			if got, err := f.ReadFile("output/real.yaml"); err != nil || string(got) != "real" {
				t.Errorf("the target changed: %q, %v", got, err)
			}
			if _, err := f.Lstat("output/link.yaml"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the renamed link is still there: %v", err)
			}
		})
	}
}
