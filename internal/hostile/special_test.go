package hostile

import (
	"io/fs"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// TestSpecialFiles puts a named pipe, a socket or a device where a stage expects a file: the
// input object, each metadata file Kratix reads, a file of the output the stage reads (or
// writes), a file of the output it does not. Opening a named pipe for reading waits for a
// writer that never comes, so a stage that opened one would hang until the Job's deadline. A
// stage never opens one: where it reads or writes the file, or Kratix would (every metadata
// file, every file of the output), it fails naming the file, exit 1, nothing written; a file
// nobody reads (the input object, for a stage that does not read it) is left alone. Every case
// runs in memory, and the named pipes and sockets also on disk, made for real.
func TestSpecialFiles(t *testing.T) {
	type where struct {
		name   string // where the special file goes
		reason string // why the stage fails (or not) on it
		fails  bool
	}
	readsObject := map[string]bool{ET: true, TG: true}
	var cases []hcase
	for _, stage := range []string{LI, SF, RM, ET, TG} {
		places := []where{
			{"metadata/status.yaml", "the status-writer reads it when the pipeline ends: checked at the end of every run (and read by a stage that writes status)", true},
			{"metadata/destination-selectors.yaml", "the work-writer reads it: every run reads it at its end to check the selectors", true},
			{"metadata/workflow-control.yaml", "the work-writer reads it: every run reads it at its end", true},
			{"output/notes", "the work-writer reads every file of the output: every run walks it at its end", true},
		}
		if readsObject[stage] {
			places = append(places, where{"input/object.yaml", "the stage reads the request", true})
		} else {
			places = append(places, where{"input/object.yaml", "the stage does not read the request (the environment names it): left alone, never opened", false})
		}
		switch stage {
		case LI, SF, RM:
			places = append(places, where{"output/special.yaml", "the stage reads every manifest of the output", true})
		case ET:
			places = append(places, where{"output/special.tf", "the stage reads every Terraform file of the output", true})
		case TG:
			places = append(places,
				where{"output/app_team-a_todo.tf", "the stage reads the module file in the other format, to warn about a duplicate", true},
				where{"output/app_team-a_todo.tf.json", "the stage writes the module file there: it does not replace what is not a regular file", true})
		}
		for _, p := range places {
			for _, kind := range []struct {
				name   string
				typ    fs.FileMode
				onDisk bool
				what   string
				said   string
			}{
				{"fifo", fs.ModeNamedPipe, false, `a named pipe \(FIFO\)`, "a named pipe"},
				{"socket", fs.ModeSocket, false, `a socket`, "a socket"},
				{"device", fs.ModeDevice | fs.ModeCharDevice, false, `a device`, "a character device"},
				{"fifo-on-disk", fs.ModeNamedPipe, true, `a named pipe \(FIFO\)`, "a real named pipe on disk"},
				{"socket-on-disk", fs.ModeSocket, true, `a socket`, "a real socket on disk"},
			} {
				name, typ := p.name, kind.typ
				tc := hcase{stage: stage, input: kind.name + "/" + name, onDisk: kind.onDisk,
					setup: func(m *fsys.MemFS, env map[string]string) {
						if _, err := m.Lstat(name); err == nil {
							remove(m, name)
						}
						mknod(m, name, typ)
					},
					check: isSpecial(name, typ),
				}
				if p.fails {
					tc.reason = name + " is " + kind.said + ": " + p.reason + "; exit 1 naming it, nothing written, no hang"
					tc.code = 1
					tc.errors = []string{`^` + regexp.QuoteMeta(name) + `: (cannot read: )?is ` + kind.what + `, not a regular file: it is never opened`}
				} else {
					tc.reason = name + " is " + kind.said + ": " + p.reason + "; exit 0, the file still there"
				}
				cases = append(cases, tc)
			}
		}
	}
	// Through a symlink: the link is named, the target never opened.
	for _, stage := range []string{LI, SF, RM, ET, TG} {
		cases = append(cases, hcase{stage: stage, input: "fifo-behind-link/output", onDisk: true,
			reason: "output/link.yaml links to a named pipe in the output: the work-writer would follow the link and hang; exit 1 naming the link, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				mknod(m, "output/pipe", fs.ModeNamedPipe)
				link(m, "pipe", "output/link.yaml")
			},
			code: 1, errors: []string{`^output/link\.yaml: is a named pipe \(FIFO\), not a regular file`}})
	}
	runCases(t, cases)
}

func mknod(m *fsys.MemFS, name string, typ fs.FileMode) {
	if err := m.Mknod(name, typ); err != nil {
		panic("setup: mknod " + name + ": " + err.Error())
	}
}

// isSpecial checks after a successful run that the special file is still there, untouched.
func isSpecial(name string, typ fs.FileMode) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return func(t *testing.T, res *stagetest.Result, _ map[string]string) {
		t.Helper()
		if got := res.FS.Mode(name).Type(); got != typ {
			t.Errorf("%s is %v after the run, want %v", name, got, typ)
		}
	}
}

// snapshot is every regular file of the pod by name, and every named pipe, socket or device as
// a marker, so that a run that removed or replaced one shows as a change.
func snapshot(m *fsys.MemFS) map[string]string {
	out := stagetest.Snapshot(m)
	walkMem(m, ".", func(name string, fi fs.FileInfo) {
		if fsys.CheckType(name, fi.Mode()) != nil {
			out[name] = "<" + fi.Mode().Type().String() + ">"
		}
	})
	return out
}

// walkMem calls fn for every entry of the tree below dir, without following symlinks.
func walkMem(m *fsys.MemFS, dir string, fn func(name string, fi fs.FileInfo)) {
	ents, err := m.ReadDir(dir)
	if err != nil {
		panic(err)
	}
	for _, e := range ents {
		name := path.Join(dir, e.Name())
		fi, err := m.Lstat(name)
		if err != nil {
			panic(err)
		}
		fn(name, fi)
		if fi.IsDir() {
			walkMem(m, name, fn)
		}
	}
}

// toDisk writes the in-memory pod to dir: files, directories, symlinks, and real named pipes
// and sockets.
func toDisk(t *testing.T, m *fsys.MemFS, dir string) {
	t.Helper()
	walkMem(m, ".", func(name string, fi fs.FileInfo) {
		full := filepath.Join(dir, filepath.FromSlash(name))
		var err error
		switch mode := fi.Mode(); {
		case mode.IsDir():
			err = os.MkdirAll(full, 0o755)
		case mode&fs.ModeSymlink != 0:
			var target string
			if target, err = m.ReadLink(name); err == nil {
				err = os.Symlink(filepath.FromSlash(target), full)
			}
		case mode.IsRegular():
			var data []byte
			if data, err = m.ReadFile(name); err == nil {
				err = os.WriteFile(full, data, 0o644)
			}
		case mode&fs.ModeNamedPipe != 0:
			err = syscall.Mkfifo(full, 0o644)
		case mode&fs.ModeSocket != 0:
			err = mksocket(full)
		default:
			t.Fatalf("%s: cannot make a %v on disk", name, mode.Type())
		}
		if err != nil {
			t.Fatal(err)
		}
	})
}

// fromDisk reads a pod written by toDisk back into memory, for the checks.
func fromDisk(t *testing.T, dir string) *fsys.MemFS {
	t.Helper()
	m := fsys.NewMem()
	err := filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil || full == dir {
			return err
		}
		rel, err := filepath.Rel(dir, full)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		switch typ := d.Type(); {
		case typ.IsDir():
			return m.MkdirAll(name)
		case typ&fs.ModeSymlink != 0:
			target, err := os.Readlink(full)
			if err != nil {
				return err
			}
			return m.Symlink(filepath.ToSlash(target), name)
		case typ.IsRegular():
			data, err := os.ReadFile(full)
			if err != nil {
				return err
			}
			return m.WriteFile(name, data)
		default:
			return m.Mknod(name, typ)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mksocket makes a socket file at full: bound where the path is short enough for a socket
// address (108 bytes), then moved into place.
func mksocket(full string) error {
	dir, err := os.MkdirTemp("", "sock")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	short := filepath.Join(dir, "s")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: short, Net: "unix"})
	if err != nil {
		return err
	}
	l.SetUnlinkOnClose(false)
	if err := l.Close(); err != nil {
		return err
	}
	return os.Rename(short, full)
}
