package fsys

import (
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MemFS is an in-memory kratix dir for tests. It behaves like DiskFS for
// everything the SDK uses (the errors are the same errno values, so even
// messages match) and adds what a test needs to set up and inspect a tree:
// symlinks, unreadable files, modes, and failures on demand ([MemFS.Inject],
// [MemFS.LimitSpace]). It is safe for concurrent use; each write is atomic
// because it happens under a lock.
type MemFS struct {
	mu     sync.RWMutex
	root   string
	top    *memNode
	faults faults
}

type memNode struct {
	mode       fs.FileMode // type bits and permissions
	data       []byte
	target     string // symlinks
	unreadable bool
	kids       map[string]*memNode // directories
}

// NewMem returns an empty tree whose Root is "/kratix".
func NewMem() *MemFS {
	return &MemFS{root: displayRoot, top: newDir()}
}

func newDir() *memNode { return &memNode{mode: fs.ModeDir | 0o755, kids: map[string]*memNode{}} }

// SetRoot changes the absolute path the tree pretends to live at, which
// decides which absolute symlink targets point inside it.
func (m *MemFS) SetRoot(dir string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.root = path.Clean(dir)
}

// Root returns the absolute path the tree pretends to live at.
func (m *MemFS) Root() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.root
}

func (m *MemFS) rawLinker() linker { return memLocked{m} }

// memHeld is raw access for callers already holding m.mu.
type memHeld struct{ m *MemFS }

func (h memHeld) Root() string { return h.m.root }

func (h memHeld) lstat(name string) (fs.FileInfo, error) {
	n, err := h.m.lookup("lstat", name)
	if err != nil {
		return nil, err
	}
	return n.info(path.Base(name)), nil
}

func (h memHeld) readLink(name string) (string, error) {
	n, err := h.m.lookup("readlink", name)
	if err != nil {
		return "", err
	}
	if n.mode&fs.ModeSymlink == 0 {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: syscall.EINVAL}
	}
	return n.target, nil
}

// memLocked is raw access that takes the read lock per call, for Resolve
// and Walk.
type memLocked struct{ m *MemFS }

func (l memLocked) Root() string { return l.m.Root() }

func (l memLocked) lstat(name string) (fs.FileInfo, error) {
	l.m.mu.RLock()
	defer l.m.mu.RUnlock()
	return memHeld(l).lstat(name)
}

func (l memLocked) readLink(name string) (string, error) {
	l.m.mu.RLock()
	defer l.m.mu.RUnlock()
	return memHeld(l).readLink(name)
}

// lookup finds a symlink-free name; intermediate symlinks are not followed.
func (m *MemFS) lookup(op, name string) (*memNode, error) {
	n := m.top
	if name == "." {
		return n, nil
	}
	for elem := range strings.SplitSeq(name, "/") {
		if n.kids == nil {
			return nil, &fs.PathError{Op: op, Path: name, Err: syscall.ENOTDIR}
		}
		next, ok := n.kids[elem]
		if !ok {
			return nil, &fs.PathError{Op: op, Path: name, Err: syscall.ENOENT}
		}
		n = next
	}
	return n, nil
}

// mkdirs creates the symlink-free directory real and returns it.
func (m *MemFS) mkdirs(real, name string) (*memNode, error) {
	n := m.top
	if real == "." {
		return n, nil
	}
	for elem := range strings.SplitSeq(real, "/") {
		next, ok := n.kids[elem]
		if !ok {
			if err := m.faults.hit(OpMkdir); err != nil {
				return nil, &fs.PathError{Op: "mkdir", Path: name, Err: err}
			}
			next = newDir()
			n.kids[elem] = next
		}
		if next.kids == nil {
			return nil, &fs.PathError{Op: "mkdir", Path: name, Err: syscall.ENOTDIR}
		}
		n = next
	}
	return n, nil
}

// ReadFile reads name, following symlinks inside the tree.
func (m *MemFS) ReadFile(name string) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	real, err := m.resolve("", name)
	if err != nil {
		return nil, err
	}
	n, err := m.lookup("read", real)
	switch {
	case err != nil:
		return nil, pathError("read", name, err)
	case n.kids != nil:
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	case n.unreadable:
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EACCES}
	}
	if err := CheckType(name, n.mode); err != nil {
		return nil, err
	}
	return slices.Clone(n.data), nil
}

// Lstat describes name itself; a final symlink is not followed.
func (m *MemFS) Lstat(name string) (fs.FileInfo, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	real, err := m.parent(name)
	if err != nil {
		return nil, err
	}
	fi, err := memHeld{m}.lstat(real)
	return fi, pathError("lstat", name, err)
}

// ReadLink returns the target of the symlink name, as written.
func (m *MemFS) ReadLink(name string) (string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	real, err := m.parent(name)
	if err != nil {
		return "", err
	}
	target, err := memHeld{m}.readLink(real)
	return target, pathError("readlink", name, err)
}

// ReadDir lists the directory name, sorted by name.
func (m *MemFS) ReadDir(name string) ([]fs.DirEntry, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	real, err := m.resolve("", name)
	if err != nil {
		return nil, err
	}
	n, err := m.lookup("readdir", real)
	if err != nil {
		return nil, pathError("readdir", name, err)
	}
	if n.kids == nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: syscall.ENOTDIR}
	}
	entries := make([]fs.DirEntry, 0, len(n.kids))
	for _, base := range slices.Sorted(maps.Keys(n.kids)) {
		entries = append(entries, fs.FileInfoToDirEntry(n.kids[base].info(base)))
	}
	return entries, nil
}

// WriteFile replaces name with a 0644 file holding a copy of data, creating
// missing parents 0755. Like DiskFS, a symlink is written through (its
// target must stay in name's area) and a leftover temp file of name is gone
// afterwards.
func (m *MemFS) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	real, err := m.resolve(areaOf(name), name)
	if err != nil {
		return err
	}
	dir, err := m.mkdirs(path.Dir(real), name)
	if err != nil {
		return err
	}
	base := path.Base(real)
	if old, ok := dir.kids[base]; ok && old.kids != nil {
		return &fs.PathError{Op: "write", Path: name, Err: syscall.EISDIR}
	} else if ok {
		if err := CheckType(name, old.mode); err != nil {
			return err
		}
	}
	if err := m.faults.write(len(data)); err != nil {
		// Like DiskFS's temp file and rename: a failed write leaves the old file.
		return &fs.PathError{Op: "write", Path: name, Err: err}
	}
	dir.kids[base] = &memNode{mode: 0o644, data: slices.Clone(data)}
	delete(dir.kids, path.Base(tempName(real)))
	return nil
}

// MkdirAll creates name and its missing parents with mode 0755.
func (m *MemFS) MkdirAll(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	real, err := m.resolve(areaOf(name), name)
	if err != nil {
		return err
	}
	_, err = m.mkdirs(real, name)
	return err
}

// Remove removes a file, a symlink (not its target) or an empty directory.
func (m *MemFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	real, err := m.parent(name)
	if err != nil {
		return err
	}
	if real == "." {
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.EINVAL}
	}
	dir, err := m.lookup("remove", path.Dir(real))
	if err != nil {
		return pathError("remove", name, err)
	}
	n, ok := dir.kids[path.Base(real)]
	switch {
	case !ok:
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.ENOENT}
	case len(n.kids) > 0:
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.ENOTEMPTY}
	}
	if err := m.faults.hit(OpRemove); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	delete(dir.kids, path.Base(real))
	return nil
}

// Symlink creates name as a symlink to target, creating missing parent
// directories. A relative target is read from name's directory; an absolute
// one against Root.
func (m *MemFS) Symlink(target, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	real, err := m.parent(name)
	if err != nil {
		return err
	}
	dir, err := m.mkdirs(path.Dir(real), name)
	if err != nil {
		return err
	}
	if _, ok := dir.kids[path.Base(real)]; ok {
		return &fs.PathError{Op: "symlink", Path: name, Err: syscall.EEXIST}
	}
	dir.kids[path.Base(real)] = &memNode{mode: fs.ModeSymlink | 0o777, target: target}
	return nil
}

// Mknod creates name as a named pipe, a socket or a device (typ is
// fs.ModeNamedPipe, fs.ModeSocket, fs.ModeDevice or
// fs.ModeDevice|fs.ModeCharDevice), creating missing parent directories, so
// a test can put one where a stage expects a file. Nothing can read one: a
// read fails at once with an error wrapping ErrNotRegular, as DiskFS's does
// for the real thing.
func (m *MemFS) Mknod(name string, typ fs.FileMode) error {
	switch typ {
	case fs.ModeNamedPipe, fs.ModeSocket, fs.ModeDevice, fs.ModeDevice | fs.ModeCharDevice:
	default:
		return &fs.PathError{Op: "mknod", Path: name, Err: syscall.EINVAL}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	real, err := m.parent(name)
	if err != nil {
		return err
	}
	dir, err := m.mkdirs(path.Dir(real), name)
	if err != nil {
		return err
	}
	if _, ok := dir.kids[path.Base(real)]; ok {
		return &fs.PathError{Op: "mknod", Path: name, Err: syscall.EEXIST}
	}
	dir.kids[path.Base(real)] = &memNode{mode: typ | 0o644}
	return nil
}

// SetUnreadable makes ReadFile of the file name (or of links to it) fail
// with an error wrapping fs.ErrPermission, as a 0000 file would for a
// non-root user.
func (m *MemFS) SetUnreadable(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	real, err := m.resolve("", name)
	if err != nil {
		return err
	}
	n, err := m.lookup("chmod", real)
	if err != nil {
		return pathError("chmod", name, err)
	}
	if !n.mode.IsRegular() {
		return &fs.PathError{Op: "chmod", Path: name, Err: syscall.EINVAL}
	}
	n.unreadable = true
	return nil
}

// Files returns a copy of every regular file by its symlink-free name, for
// assertions. Symlinks and directories are left out.
func (m *MemFS) Files() map[string][]byte {
	m.mu.RLock()
	defer m.mu.RUnlock()
	files := map[string][]byte{}
	var walk func(dir string, n *memNode)
	walk = func(dir string, n *memNode) {
		for base, kid := range n.kids {
			name := joinName(dir, base)
			switch {
			case kid.kids != nil:
				walk(name, kid)
			case kid.mode.IsRegular():
				files[name] = slices.Clone(kid.data)
			}
		}
	}
	walk(".", m.top)
	return files
}

// Mode returns name's mode as Lstat reports it (type bits included:
// fs.ModeDir|0755 for a directory), or 0 if it does not exist.
func (m *MemFS) Mode(name string) fs.FileMode {
	fi, err := m.Lstat(name)
	if err != nil {
		return 0
	}
	return fi.Mode()
}

func (m *MemFS) resolve(area, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	return resolveIn(memHeld{m}, area, name, name)
}

func (m *MemFS) parent(name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	return resolveParent(memHeld{m}, name)
}

func (n *memNode) info(name string) fs.FileInfo {
	size := int64(len(n.data))
	if n.mode&fs.ModeSymlink != 0 {
		size = int64(len(n.target))
	}
	return memInfo{name: name, size: size, mode: n.mode}
}

// memInfo is a snapshot: later writes do not change it.
type memInfo struct {
	name string
	size int64
	mode fs.FileMode
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return i.mode }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.mode.IsDir() }
func (i memInfo) Sys() any           { return nil }

// Rename moves oldname over newname like rename(2): a final symlink is
// moved or replaced, not followed. Both must stay in the area newname starts
// in.
func (m *MemFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	from, to, err := pairIn(memHeld{m}, oldname, newname)
	if err != nil {
		return err
	}
	return pathError("rename", oldname, memHeld{m}.rename(from, to))
}

// Link makes newname a hard link to oldname itself (a final symlink is not
// followed); both must stay in the area newname starts in. The two names
// share one node, as they would share an inode: a chmod shows through both,
// while a write (which replaces the node, as DiskFS's rename does) does not.
func (m *MemFS) Link(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	from, to, err := pairIn(memHeld{m}, oldname, newname)
	if err != nil {
		return err
	}
	return pathError("link", newname, memHeld{m}.link(from, to))
}

// Chmod sets the permission bits of name (symlinks followed), for tests
// that check modes are kept.
func (m *MemFS) Chmod(name string, perm fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	real, err := m.resolve("", name)
	if err != nil {
		return err
	}
	n, err := m.lookup("chmod", real)
	if err != nil {
		return pathError("chmod", name, err)
	}
	n.mode = n.mode.Type() | perm.Perm()
	return nil
}
