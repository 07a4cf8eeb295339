package fsys

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
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

// Close releases the directory handle.
func (d *DiskFS) Close() error { return d.root.Close() }

// Root returns the tree's real absolute directory.
func (d *DiskFS) Root() string { return d.dir }

func (d *DiskFS) rawLinker() linker { return diskRaw{d} }

// diskRaw is os.Root access on names whose parents are symlink-free.
type diskRaw struct{ d *DiskFS }

func (r diskRaw) lstat(name string) (fs.FileInfo, error) { return r.d.root.Lstat(name) }
func (r diskRaw) readLink(name string) (string, error)   { return r.d.root.Readlink(name) }
func (r diskRaw) Root() string                           { return r.d.dir }

// ReadFile reads name, following symlinks inside the tree.
func (d *DiskFS) ReadFile(name string) ([]byte, error) {
	real, err := d.resolve("", name)
	if err != nil {
		return nil, err
	}
	data, err := d.root.ReadFile(real)
	return data, pathError("read", name, err)
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

// rawStore is os.Root access on symlink-free names, for a transaction.
func (d *DiskFS) rawStore() store { return diskRaw{d} }

func (r diskRaw) readDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(r.d.files, name) }
func (r diskRaw) readFile(name string) ([]byte, error)       { return r.d.root.ReadFile(name) }
func (r diskRaw) rename(oldname, newname string) error       { return r.d.root.Rename(oldname, newname) }
func (r diskRaw) link(oldname, newname string) error         { return r.d.root.Link(oldname, newname) }
func (r diskRaw) remove(name string) error                   { return r.d.root.Remove(name) }

// create makes a new file 0644 whatever the umask. O_EXCL: a transaction
// only creates names it chose, in a directory it just emptied.
func (r diskRaw) create(name string) (io.WriteCloser, error) {
	f, err := r.d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o644); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

func (r diskRaw) mkdir(name string) error {
	if err := r.d.root.Mkdir(name, 0o755); err != nil {
		return err
	}
	return r.d.root.Chmod(name, 0o755)
}
