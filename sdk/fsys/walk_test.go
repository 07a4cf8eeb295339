package fsys_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk/fsys"
)

func testWalk(t *testing.T, newFS func(t *testing.T) fsys.FS) {
	cases := map[string]struct {
		reason   string
		setup    func(t *testing.T, f fsys.FS)
		want     []fsys.Entry
		wantErrs []string
	}{
		"MissingArea": {
			reason: "a stage may write no output at all",
		},
		"Files": {
			reason: "every regular file, dotfiles and empty ones too, sorted by name; temp leftovers skipped",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/b.yaml", "bb")
				write(t, f, "output/a/z.tf", "z")
				write(t, f, "output/a.yaml", "a")
				write(t, f, "output/.hidden", "")
				write(t, f, "output/.b.yaml.stagekit-tmp", "half")
				write(t, f, "output/empty/dir/.keep", "")
				write(t, f, "input/object.yaml", "not output")
			},
			want: []fsys.Entry{
				{Name: "output/.hidden", Real: "output/.hidden", Size: 0},
				{Name: "output/a.yaml", Real: "output/a.yaml", Size: 1},
				{Name: "output/a/z.tf", Real: "output/a/z.tf", Size: 1},
				{Name: "output/b.yaml", Real: "output/b.yaml", Size: 2},
				{Name: "output/empty/dir/.keep", Real: "output/empty/dir/.keep", Size: 0},
			},
		},
		"Links": {
			reason: "symlinks to files and directories inside the area are followed, each file listed as seen",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/common/deploy.yaml", "deploy")
				symlink(t, f, "../common/deploy.yaml", "output/app/link.yaml")
				symlink(t, f, "common", "output/dirlink")
				symlink(t, f, f.Root()+"/output/common/deploy.yaml", "output/abs.yaml")
			},
			want: []fsys.Entry{
				{Name: "output/abs.yaml", Real: "output/common/deploy.yaml", Size: 6},
				{Name: "output/app/link.yaml", Real: "output/common/deploy.yaml", Size: 6},
				{Name: "output/common/deploy.yaml", Real: "output/common/deploy.yaml", Size: 6},
				{Name: "output/dirlink/deploy.yaml", Real: "output/common/deploy.yaml", Size: 6},
			},
		},
		"Problems": {
			reason: "every escaping, looping or dangling link is reported at once, with the files that are fine",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/ok.yaml", "ok")
				write(t, f, "input/object.yaml", "request")
				symlink(t, f, "/etc/passwd", "output/passwd.yaml")
				symlink(t, f, "../../input/object.yaml", "output/sub/object.yaml")
				symlink(t, f, "loop-b.yaml", "output/loop-a.yaml")
				symlink(t, f, "loop-a.yaml", "output/loop-b.yaml")
				symlink(t, f, "missing.yaml", "output/dangling.yaml")
				symlink(t, f, "..", "output/cycle/up")
				write(t, f, "output/cycle/file.yaml", "c")
			},
			want: []fsys.Entry{
				{Name: "output/cycle/file.yaml", Real: "output/cycle/file.yaml", Size: 1},
				{Name: "output/ok.yaml", Real: "output/ok.yaml", Size: 2},
			},
			wantErrs: []string{
				"output/cycle/up: symlink loop: directory /kratix/output contains itself",
				"output/dangling.yaml: dangling symlink: /kratix/output/missing.yaml does not exist",
				"output/loop-a.yaml: symlink loop",
				"output/loop-b.yaml: symlink loop",
				"output/passwd.yaml: symlink resolves to /etc/passwd, outside /kratix/output",
				"output/sub/object.yaml: symlink resolves to /kratix/input/object.yaml, outside /kratix/output",
			},
		},
		"NotRegular": {
			reason: "a named pipe or a socket anywhere in the area is reported, never listed or opened: the work-writer reads every file and would hang on a pipe",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/ok.yaml", "ok")
				special(t, f, "output/a/pipe.yaml", fs.ModeNamedPipe)
				special(t, f, "output/sock", fs.ModeSocket)
				special(t, f, "output/target", fs.ModeNamedPipe)
				symlink(t, f, "target", "output/link.yaml")
			},
			want: []fsys.Entry{{Name: "output/ok.yaml", Real: "output/ok.yaml", Size: 2}},
			wantErrs: []string{
				"output/a/pipe.yaml: is a named pipe (FIFO), not a regular file: it is never opened (reading one waits forever for a writer); remove it or put a regular file in its place",
				"output/link.yaml: is a named pipe (FIFO), not a regular file: it is never opened (reading one waits forever for a writer); remove it or put a regular file in its place",
				"output/sock: is a socket, not a regular file: it is never opened (it holds no content to read); remove it or put a regular file in its place",
				"output/target: is a named pipe (FIFO), not a regular file: it is never opened (reading one waits forever for a writer); remove it or put a regular file in its place",
			},
		},
		"DirCycle": {
			reason: "a directory linking to itself terminates",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/a/x.yaml", "x")
				symlink(t, f, ".", "output/a/self")
			},
			want: []fsys.Entry{{Name: "output/a/x.yaml", Real: "output/a/x.yaml", Size: 1}},
			wantErrs: []string{
				"output/a/self: symlink loop: directory /kratix/output/a contains itself",
			},
		},
		"AreaEscapes": {
			reason: "output itself must not point elsewhere",
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "input/object.yaml", "request")
				symlink(t, f, "input", "output")
			},
			wantErrs: []string{"output: symlink resolves to /kratix/input, outside /kratix/output"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFS(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			for range 2 { // the same tree lists the same way every time
				got, err := fsys.Walk(f, "output")
				if diff := cmp.Diff(tc.wantErrs, errLines(err)); diff != "" {
					t.Errorf("%s\nWalk errors: -want +got:\n%s", tc.reason, diff)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("%s\nWalk: -want +got:\n%s", tc.reason, diff)
				}
			}
		})
	}
}

func TestWalkErrorKinds(t *testing.T) {
	// Callers tell problems apart with errors.Is/As, not by message.
	m := fsys.NewMem()
	symlink(t, m, "/etc/passwd", "output/passwd.yaml")
	symlink(t, m, "missing", "output/dangling.yaml")
	symlink(t, m, "loop", "output/loop")
	_, err := fsys.Walk(m, "output")

	var esc *fsys.EscapeError
	cases := map[string]struct {
		reason string
		got    bool
	}{
		"Escape":     {reason: "an escape is an *EscapeError", got: errors.As(err, &esc) && esc.Name == "output/passwd.yaml"},
		"Permission": {reason: "an escape is a refused access", got: errors.Is(err, fs.ErrPermission)},
		"NotExist":   {reason: "a dangling link is fs.ErrNotExist", got: errors.Is(err, fs.ErrNotExist)},
		"Loop":       {reason: "a loop is ErrLoop", got: errors.Is(err, fsys.ErrLoop)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if !tc.got {
				t.Errorf("%s: got %v", tc.reason, err)
			}
		})
	}
}
