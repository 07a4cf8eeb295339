package fsys

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// DiskFS is the kratix dir on disk.
//
// Every access goes through an os.Root opened on the directory, as defence in
// depth: this package resolves symlinks itself and only hands os.Root
// symlink-free names, but should it ever get that wrong, the kernel-backed
// root still refuses to touch anything outside the directory.
//
// DiskFS is safe for concurrent use, except concurrent writes of the same
// name (they share one temp file).
type DiskFS struct {
	root  *os.Root
	files fs.FS
	dir   string

	mu    sync.Mutex
	areas map[string]*os.Root // output, metadata... opened once, for raw access
	dirs  *dirCache           // a transaction's open directories (disk_linux.go)

	noExchange map[string]bool // areas whose file system cannot exchange names
}

// Disk opens the tree at dir (relative dirs are made absolute, symlinks in
// dir itself are evaluated so that absolute symlink targets can be matched
// against Root). Close it when done.
func Disk(dir string) (*DiskFS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(real)
	if err != nil {
		return nil, err
	}
	return &DiskFS{root: root, files: root.FS(), dir: filepath.ToSlash(real)}, nil
}

// Close releases the directory handles.
func (d *DiskFS) Close() error {
	d.mu.Lock()
	for _, r := range d.areas {
		_ = r.Close()
	}
	d.areas = nil
	d.mu.Unlock()
	d.closeCache()
	return d.root.Close()
}

// in returns the root to reach the symlink-free name by, and name relative to it: the root of
// its area (opened once) when it is inside one. An os.Root opens every directory on the way to a
// name for each operation, two syscalls per element; starting at the area saves two per
// operation, on every file of a run.
func (d *DiskFS) in(name string) (*os.Root, string) {
	area, rest, ok := strings.Cut(name, "/")
	if !ok {
		return d.root, name
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.areas[area]
	if !ok {
		var err error
		if r, err = d.root.OpenRoot(area); err != nil {
			return d.root, name
		}
		if d.areas == nil {
			d.areas = map[string]*os.Root{}
		}
		d.areas[area] = r
	}
	return r, rest
}

// forget drops the handle of an area that is removed or renamed.
func (d *DiskFS) forget(name string) {
	if strings.Contains(name, "/") {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.areas[name]; ok {
		_ = r.Close()
		delete(d.areas, name)
	}
}

// Root returns the tree's real absolute directory.
func (d *DiskFS) Root() string { return d.dir }

func (d *DiskFS) rawLinker() linker { return diskRaw{d} }

// diskRaw is os.Root access on names whose parents are symlink-free.
type diskRaw struct{ d *DiskFS }

func (r diskRaw) Root() string { return r.d.dir }

func (r diskRaw) lstat(name string) (fs.FileInfo, error) {
	root, rel := r.d.in(name)
	fi, err := root.Lstat(rel)
	return fi, pathError("lstat", name, err)
}

func (r diskRaw) readLink(name string) (string, error) {
	root, rel := r.d.in(name)
	target, err := root.Readlink(rel)
	return target, pathError("readlink", name, err)
}

// ReadFile reads name, following symlinks inside the tree. A named pipe, a
// socket or a device is refused without being opened (see [CheckType]).
func (d *DiskFS) ReadFile(name string) ([]byte, error) {
	real, err := d.resolve("", name)
	if err != nil {
		return nil, err
	}
	root, rel := d.in(real)
	fi, err := root.Lstat(rel)
	if err != nil {
		return nil, pathError("read", name, err)
	}
	if err := CheckType(name, fi.Mode()); err != nil {
		return nil, err
	}
	return readRegular(root, rel, name)
}

// readRegular reads a file that was a regular file when it was looked at.
// It opens it non-blocking and checks what it opened before reading: a named
// pipe put in its place since then opens at once (instead of waiting for a
// writer) and is refused, so no read ever hangs.
func readRegular(root *os.Root, rel, name string) ([]byte, error) {
	f, err := root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, pathError("read", name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, pathError("read", name, err)
	}
	if fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	}
	if err := CheckType(name, fi.Mode()); err != nil {
		return nil, err
	}
	// Sized as os.ReadFile does: one read past the size to see the end.
	data := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, pathError("read", name, err)
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// Lstat describes name itself; a final symlink is not followed.
func (d *DiskFS) Lstat(name string) (fs.FileInfo, error) {
	real, err := d.parent(name)
	if err != nil {
		return nil, err
	}
	fi, err := d.root.Lstat(real)
	return fi, pathError("lstat", name, err)
}

// ReadLink returns the target of the symlink name, as written.
func (d *DiskFS) ReadLink(name string) (string, error) {
	real, err := d.parent(name)
	if err != nil {
		return "", err
	}
	target, err := d.root.Readlink(real)
	return filepath.ToSlash(target), pathError("readlink", name, err)
}

// ReadDir lists the directory name, sorted by name.
func (d *DiskFS) ReadDir(name string) ([]fs.DirEntry, error) {
	real, err := d.resolve("", name)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(d.files, real)
	return entries, pathError("readdir", name, err)
}

// WriteFile replaces name atomically: data goes to .<base>.stagekit-tmp in
// the same directory, which is then renamed over name. The temp name is
// fixed so that the leftover of a crashed attempt is overwritten by the
// restarted stage.
//
// There is no fsync: the tree is an emptyDir that lives and dies with the
// pod, so a machine crash loses the pod and the files together; atomicity
// only has to protect against the stage process dying, which rename does.
//
// If name is an existing symlink, the file it resolves to is written and the
// link is kept (replacing the link would silently change which file the
// work-writer ships); the target must be in the same area as name.
func (d *DiskFS) WriteFile(name string, data []byte) error {
	real, err := d.resolve(areaOf(name), name)
	if err != nil {
		return err
	}
	if err := d.mkdirs(path.Dir(real), name); err != nil {
		return err
	}
	if fi, err := d.root.Lstat(real); err == nil && fi.IsDir() {
		return &fs.PathError{Op: "write", Path: name, Err: syscall.EISDIR}
	} else if err == nil {
		if err := CheckType(name, fi.Mode()); err != nil {
			return err
		}
	}
	tmp := tempName(real)
	if err := d.root.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return pathError("write", name, err)
	}
	if err := d.writeTemp(tmp, data); err != nil {
		_ = d.root.Remove(tmp)
		return pathError("write", name, err)
	}
	if err := d.root.Rename(tmp, real); err != nil {
		_ = d.root.Remove(tmp)
		return pathError("write", name, err)
	}
	return nil
}

func (d *DiskFS) writeTemp(tmp string, data []byte) error {
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// The umask may have taken bits off the create mode.
	return d.root.Chmod(tmp, 0o644)
}

// MkdirAll creates name and its missing parents with mode 0755.
func (d *DiskFS) MkdirAll(name string) error {
	real, err := d.resolve(areaOf(name), name)
	if err != nil {
		return err
	}
	return d.mkdirs(real, name)
}

// mkdirs creates the symlink-free directory real, chmodding each new
// directory to 0755 whatever the umask.
func (d *DiskFS) mkdirs(real, name string) error {
	if real == "." {
		return nil
	}
	cur := ""
	for elem := range strings.SplitSeq(real, "/") {
		cur = joinName(cur, elem)
		fi, err := d.root.Lstat(cur)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := d.root.Mkdir(cur, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return pathError("mkdir", name, err)
			}
			if err := d.root.Chmod(cur, 0o755); err != nil {
				return pathError("mkdir", name, err)
			}
		case err != nil:
			return pathError("mkdir", name, err)
		case !fi.IsDir():
			return &fs.PathError{Op: "mkdir", Path: name, Err: syscall.ENOTDIR}
		}
	}
	return nil
}

// Remove removes a file, a symlink (not its target) or an empty directory.
func (d *DiskFS) Remove(name string) error {
	real, err := d.parent(name)
	if err != nil {
		return err
	}
	d.invalidate(real)
	return pathError("remove", name, d.root.Remove(real))
}

func (d *DiskFS) resolve(area, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	return resolveIn(diskRaw{d}, area, name, name)
}

func (d *DiskFS) parent(name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	return resolveParent(diskRaw{d}, name)
}

// Rename moves oldname over newname like rename(2): a final symlink is
// moved or replaced, not followed. Both must stay in the area newname starts
// in.
func (d *DiskFS) Rename(oldname, newname string) error {
	from, to, err := d.pair(oldname, newname)
	if err != nil {
		return err
	}
	d.invalidate(from)
	d.invalidate(to)
	return pathError("rename", oldname, d.root.Rename(from, to))
}

// Link makes newname a hard link to oldname itself (a final symlink is not
// followed, as link(2) on Linux); both must stay in the area newname starts in.
func (d *DiskFS) Link(oldname, newname string) error {
	from, to, err := d.pair(oldname, newname)
	if err != nil {
		return err
	}
	return pathError("link", newname, d.root.Link(from, to))
}

// pair resolves the parents of two names that must both stay in newname's area.
func (d *DiskFS) pair(oldname, newname string) (string, string, error) {
	return pairIn(diskRaw{d}, oldname, newname)
}

// pairIn resolves the parents of oldname and newname (their final elements
// are not followed) and checks that both stay in the area newname starts in.
func pairIn(l linker, oldname, newname string) (string, string, error) {
	area := areaOf(newname)
	var real [2]string
	for i, name := range []string{oldname, newname} {
		if err := CheckName(name); err != nil {
			return "", "", err
		}
		r, err := resolveParent(l, name)
		if err != nil {
			return "", "", err
		}
		if !within(r, area) {
			return "", "", &EscapeError{Name: name, Target: path.Join(displayRoot, r), Area: area}
		}
		real[i] = r
	}
	return real[0], real[1], nil
}

// diskRaw is also the store of a transaction where raw descriptors are not
// used (see disk_linux.go): os.Root access on symlink-free names.

func (r diskRaw) readDir(name string) ([]fs.DirEntry, error) {
	root, rel := r.d.in(name)
	entries, err := fs.ReadDir(root.FS(), rel)
	return entries, pathError("readdir", name, err)
}

// readFile reads a file a transaction saw is regular (it checks the type
// first, from what it looked up anyway): readRegular guards against a swap.
func (r diskRaw) readFile(name string) ([]byte, error) {
	root, rel := r.d.in(name)
	return readRegular(root, rel, name)
}

func (r diskRaw) remove(name string) error {
	r.d.forget(name)
	root, rel := r.d.in(name)
	return pathError("remove", name, root.Remove(rel))
}

// rename and link stay in one area (a transaction's staging directory is in
// the area of the files it stages), so both names are relative to it.
func (r diskRaw) rename(oldname, newname string) error {
	r.d.forget(oldname)
	root, from, to := r.d.pairIn(oldname, newname)
	return pathError("rename", oldname, root.Rename(from, to))
}

func (r diskRaw) link(oldname, newname string) error {
	root, from, to := r.d.pairIn(oldname, newname)
	return pathError("link", newname, root.Link(from, to))
}

// pairIn is the root two names are reached by: their area's, when they share one.
func (d *DiskFS) pairIn(oldname, newname string) (*os.Root, string, string) {
	a, _, okA := strings.Cut(oldname, "/")
	b, _, okB := strings.Cut(newname, "/")
	if a != b || !okA || !okB {
		return d.root, oldname, newname
	}
	root, from := d.in(oldname)
	_, to := d.in(newname)
	return root, from, to
}

// create makes a new file 0644 whatever the umask. O_EXCL: a transaction
// only creates names it chose, in a directory it just emptied.
func (r diskRaw) create(name string) (io.WriteCloser, error) {
	root, rel := r.d.in(name)
	f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, pathError("open", name, err)
	}
	if err := f.Chmod(0o644); err != nil {
		_ = f.Close()
		return nil, pathError("chmod", name, err)
	}
	return f, nil
}

func (r diskRaw) mkdir(name string) error {
	root, rel := r.d.in(name)
	if err := root.Mkdir(rel, 0o755); err != nil {
		return pathError("mkdir", name, err)
	}
	return pathError("chmod", name, root.Chmod(rel, 0o755))
}
