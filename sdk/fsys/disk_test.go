package fsys_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk/fsys"
)

func TestDiskModesIgnoreUmask(t *testing.T) {
	// A restrictive umask must not make output unreadable for the
	// work-writer, which runs as another user.
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)

	dir := t.TempDir()
	d, err := fsys.Disk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	write(t, d, "output/a/b/deploy.yaml", "x")

	cases := map[string]struct {
		reason string
		name   string
		want   fs.FileMode
	}{
		"File":   {reason: "files are 0644", name: "output/a/b/deploy.yaml", want: 0o644},
		"Parent": {reason: "created parents are 0755", name: "output/a/b", want: fs.ModeDir | 0o755},
		"Area":   {reason: "the area directory too", name: "output", want: fs.ModeDir | 0o755},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(tc.name)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, fi.Mode()); diff != "" {
				t.Errorf("%s\nos.Stat(%s): -want +got:\n%s", tc.reason, tc.name, diff)
			}
		})
	}
}

func TestDiskRootIsReal(t *testing.T) {
	// Absolute symlink targets are compared with Root, so Root must be the
	// directory's real path, not the one it was opened by.
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(dir, "alias")); err != nil {
		t.Fatal(err)
	}
	d, err := fsys.Disk(filepath.Join(dir, "alias"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want, _ := filepath.EvalSymlinks(filepath.Join(dir, "real"))
	if diff := cmp.Diff(filepath.ToSlash(want), d.Root()); diff != "" {
		t.Errorf("Root: -want +got:\n%s", diff)
	}
}
