package fsys_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk/fsys"
)

func testResolve(t *testing.T, newFS func(t *testing.T) fsys.FS) {
	cases := map[string]struct {
		reason     string
		setup      func(t *testing.T, f fsys.FS)
		area, name string
		want       string
		wantErr    string
		wantEscape bool
	}{
		"PlainFile": {
			reason: "a name without symlinks is itself",
			setup:  func(t *testing.T, f fsys.FS) { write(t, f, "output/a.yaml", "a") },
			area:   "output", name: "output/a.yaml",
			want: "output/a.yaml",
		},
		"NewFile": {
			reason: "a name that does not exist yet resolves, so it can be written",
			area:   "output", name: "output/new/dir/a.yaml",
			want: "output/new/dir/a.yaml",
		},
		"NewFileUnderLinkedDir": {
			reason: "the existing prefix of a new name is resolved",
			setup:  func(t *testing.T, f fsys.FS) { symlink(t, f, "real", "output/dir"); write(t, f, "output/real/x", "x") },
			area:   "output", name: "output/dir/new.yaml",
			want: "output/real/new.yaml",
		},
		"AreaItself": {
			reason: "the area is inside itself",
			area:   "output", name: "output",
			want: "output",
		},
		"RelativeLink": {
			reason: "a relative symlink is read from the link's directory",
			setup:  func(t *testing.T, f fsys.FS) { symlink(t, f, "../common/a.yaml", "output/app/a.yaml") },
			area:   "output", name: "output/app/a.yaml",
			want: "output/common/a.yaml",
		},
		"AbsoluteLinkUnderRoot": {
			reason: "an absolute target under Root is a name inside the tree",
			setup: func(t *testing.T, f fsys.FS) {
				symlink(t, f, f.Root()+"/output/real.yaml", "output/abs.yaml")
			},
			area: "output", name: "output/abs.yaml",
			want: "output/real.yaml",
		},
		"LinkedDirParent": {
			reason: `"link/.." in a target is the parent of the link's target, as in the kernel`,
			setup: func(t *testing.T, f fsys.FS) {
				write(t, f, "output/sub/deep/x", "x")
				symlink(t, f, "sub/deep", "output/d")
				symlink(t, f, "d/../y.yaml", "output/e.yaml")
			},
			area: "output", name: "output/e.yaml",
			want: "output/sub/y.yaml",
		},
		"LinkChain": {
			reason: "links to links are followed",
			setup: func(t *testing.T, f fsys.FS) {
				symlink(t, f, "b.yaml", "output/a.yaml")
				symlink(t, f, "sub/../c.yaml", "output/b.yaml")
				write(t, f, "output/sub/x", "x")
			},
			area: "output", name: "output/a.yaml",
			want: "output/c.yaml",
		},
		"EtcPasswd": {
			reason: "an absolute target outside the tree escapes",
			setup:  func(t *testing.T, f fsys.FS) { symlink(t, f, "/etc/passwd", "output/passwd.yaml") },
			area:   "output", name: "output/passwd.yaml",
			wantErr:    "output/passwd.yaml: symlink resolves to /etc/passwd, outside /kratix/output",
			wantEscape: true,
		},
		"DotDotOutOfTree": {
			reason: "a relative target climbing out of the tree escapes",
			setup:  func(t *testing.T, f fsys.FS) { symlink(t, f, "../../etc/passwd", "output/up.yaml") },
			area:   "output", name: "output/up.yaml",
			wantErr:    "output/up.yaml: symlink resolves to /etc/passwd, outside /kratix/output",
			wantEscape: true,
		},
		"IntoInput": {
			reason: "output must not point into input: the work-writer would ship the request",
			setup:  func(t *testing.T, f fsys.FS) { symlink(t, f, "../input", "output/in") },
			area:   "output", name: "output/in/object.yaml",
			wantErr:    "output/in/object.yaml: symlink resolves to /kratix/input/object.yaml, outside /kratix/output",
			wantEscape: true,
		},
		"OtherArea": {
			reason: "a name in another area is outside, symlink or not",
			area:   "output", name: "input/object.yaml",
			wantErr:    "input/object.yaml: path is outside /kratix/output",
			wantEscape: true,
		},
		"Loop": {
			reason: "a symlink loop is an error, not a hang",
			setup: func(t *testing.T, f fsys.FS) {
				symlink(t, f, "b.yaml", "output/a.yaml")
				symlink(t, f, "a.yaml", "output/b.yaml")
			},
			area: "output", name: "output/a.yaml",
			wantErr: "output/a.yaml: symlink loop",
		},
		"BadArea": {
			reason: "the area is one directory",
			area:   "output/a", name: "output/a/x",
			wantErr: `output/a: area must be one directory of /kratix, like "output"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFS(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			got, err := fsys.Resolve(f, tc.area, tc.name)
			if diff := cmp.Diff(tc.wantErr, errString(err)); diff != "" {
				t.Errorf("%s\nResolve(%q, %q): -want +got error:\n%s", tc.reason, tc.area, tc.name, diff)
			}
			var esc *fsys.EscapeError
			if diff := cmp.Diff(tc.wantEscape, errors.As(err, &esc)); diff != "" {
				t.Errorf("%s\nResolve(%q, %q): is *EscapeError -want +got:\n%s", tc.reason, tc.area, tc.name, diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nResolve(%q, %q): -want +got:\n%s", tc.reason, tc.area, tc.name, diff)
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	cases := map[string]struct {
		reason  string
		name    string
		wantErr string
	}{
		"Plain":     {reason: "a clean relative name is fine", name: "output/app/deploy.yaml"},
		"Dotfile":   {reason: "dotfiles are output like any file", name: "output/.hidden"},
		"Root":      {reason: `"." is the kratix dir itself`, name: "."},
		"Empty":     {reason: "an empty name names nothing", name: "", wantErr: ": empty path (paths must stay inside /kratix)"},
		"DotDot":    {reason: ".. could leave the area", name: "output/../x", wantErr: `output/../x: path contains ".." (paths must stay inside /kratix/output)`},
		"LeadDots":  {reason: ".. could leave the tree", name: "../x", wantErr: `../x: path contains ".." (paths must stay inside /kratix)`},
		"Absolute":  {reason: "names are relative", name: "/etc/passwd", wantErr: "/etc/passwd: path is absolute (paths are relative to /kratix)"},
		"Backslash": {reason: `a backslash is a separator elsewhere`, name: `output\..\x`, wantErr: `output\..\x: path contains a backslash (use "/" to separate directories) (paths must stay inside /kratix)`},
		"Unclean":   {reason: "one spelling per file", name: "output//x", wantErr: `output//x: path is not clean (it has ".", empty elements or a trailing "/") (paths must stay inside /kratix/output)`},
		"Trailing":  {reason: "one spelling per file", name: "output/", wantErr: `output/: path is not clean (it has ".", empty elements or a trailing "/") (paths must stay inside /kratix/output)`},
		"Dot":       {reason: "one spelling per file", name: "output/./x", wantErr: `output/./x: path is not clean (it has ".", empty elements or a trailing "/") (paths must stay inside /kratix/output)`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := fsys.CheckName(tc.name)
			if diff := cmp.Diff(tc.wantErr, errString(err)); diff != "" {
				t.Errorf("%s\nCheckName(%q): -want +got:\n%s", tc.reason, tc.name, diff)
			}
		})
	}
}
