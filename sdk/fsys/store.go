package fsys

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"syscall"
)

// store is the raw access a transaction needs below it. Every name is
// symlink-free up to its final element, which is never followed, and nothing
// is resolved again: the transaction resolved the name against its own view
// already, and resolving it a second time per operation would cost a
// syscall per path element. DiskFS and MemFS give theirs; any other FS is
// adapted through its public methods, which is correct, only slower.
type store interface {
	linker
	readDir(name string) ([]fs.DirEntry, error)
	readFile(name string) ([]byte, error)
	// create makes a new 0644 file in an existing directory.
	create(name string) (io.WriteCloser, error)
	// mkdir makes a 0755 directory in an existing directory.
	mkdir(name string) error
	rename(oldname, newname string) error
	link(oldname, newname string) error
	remove(name string) error
}

func storeOf(f FS) store {
	if s, ok := f.(interface{ rawStore() store }); ok {
		return s.rawStore()
	}
	return fsStore{f}
}

// fsStore adapts any FS. Its create buffers the file and writes it at Close:
// memory is bounded by the file, not the tree.
type fsStore struct{ f FS }

func (s fsStore) lstat(name string) (fs.FileInfo, error)     { return s.f.Lstat(name) }
func (s fsStore) readLink(name string) (string, error)       { return s.f.ReadLink(name) }
func (s fsStore) Root() string                               { return s.f.Root() }
func (s fsStore) readDir(name string) ([]fs.DirEntry, error) { return s.f.ReadDir(name) }
func (s fsStore) readFile(name string) ([]byte, error)       { return s.f.ReadFile(name) }
func (s fsStore) rename(oldname, newname string) error       { return s.f.Rename(oldname, newname) }
func (s fsStore) link(oldname, newname string) error         { return s.f.Link(oldname, newname) }
func (s fsStore) remove(name string) error                   { return s.f.Remove(name) }

func (s fsStore) mkdir(name string) error {
	if _, err := s.f.Lstat(name); err == nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: syscall.EEXIST}
	}
	return s.f.MkdirAll(name)
}

func (s fsStore) create(name string) (io.WriteCloser, error) {
	if _, err := s.f.Lstat(name); err == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EEXIST}
	}
	return &bufferedFile{f: s.f, name: name}, nil
}

type bufferedFile struct {
	f    FS
	name string
	buf  bytes.Buffer
}

func (b *bufferedFile) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufferedFile) Close() error                { return b.f.WriteFile(b.name, b.buf.Bytes()) }

// MemFS's raw access: the same operations as its public methods, on
// symlink-free names, each under the lock and counted for fault injection.
func (m *MemFS) rawStore() store { return memLocked{m} }

func (l memLocked) readDir(name string) ([]fs.DirEntry, error) {
	l.m.mu.RLock()
	defer l.m.mu.RUnlock()
	n, err := l.m.lookup("readdir", name)
	if err != nil {
		return nil, err
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

func (l memLocked) readFile(name string) ([]byte, error) {
	l.m.mu.RLock()
	defer l.m.mu.RUnlock()
	n, err := l.m.lookup("read", name)
	switch {
	case err != nil:
		return nil, err
	case n.kids != nil:
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	case n.mode&fs.ModeSymlink != 0:
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.ELOOP}
	case n.unreadable:
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EACCES}
	}
	if err := CheckType(name, n.mode); err != nil {
		return nil, err
	}
	return slices.Clone(n.data), nil
}

func (l memLocked) create(name string) (io.WriteCloser, error) {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	dir, base, err := l.m.parentDir("open", name)
	if err != nil {
		return nil, err
	}
	if _, ok := dir.kids[base]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EEXIST}
	}
	if err := l.m.faults.hit(OpWrite); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	n := &memNode{mode: 0o644}
	dir.kids[base] = n
	return &memFile{m: l.m, n: n, name: name}, nil
}

func (l memLocked) mkdir(name string) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	dir, base, err := l.m.parentDir("mkdir", name)
	if err != nil {
		return err
	}
	if _, ok := dir.kids[base]; ok {
		return &fs.PathError{Op: "mkdir", Path: name, Err: syscall.EEXIST}
	}
	if err := l.m.faults.hit(OpMkdir); err != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	dir.kids[base] = newDir()
	return nil
}

func (l memLocked) rename(oldname, newname string) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return memHeld(l).rename(oldname, newname)
}

func (l memLocked) link(oldname, newname string) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return memHeld(l).link(oldname, newname)
}

func (l memLocked) remove(name string) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	dir, base, err := l.m.parentDir("remove", name)
	if err != nil {
		return err
	}
	n, ok := dir.kids[base]
	switch {
	case !ok:
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.ENOENT}
	case len(n.kids) > 0:
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.ENOTEMPTY}
	}
	if err := l.m.faults.hit(OpRemove); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	delete(dir.kids, base)
	return nil
}

// rename is rename(2) on symlink-free names, for a caller holding the lock.
func (h memHeld) rename(oldname, newname string) error {
	fromDir, fromBase, err := h.m.parentDir("rename", oldname)
	if err != nil {
		return err
	}
	toDir, toBase, err := h.m.parentDir("rename", newname)
	if err != nil {
		return err
	}
	n, ok := fromDir.kids[fromBase]
	if !ok {
		return &fs.PathError{Op: "rename", Path: oldname, Err: syscall.ENOENT}
	}
	old, exists := toDir.kids[toBase]
	switch {
	case exists && old == n:
		// Two links to one file: rename(2) does nothing and succeeds.
		return nil
	case exists && old.kids != nil && n.kids == nil:
		return &fs.PathError{Op: "rename", Path: newname, Err: syscall.EISDIR}
	case exists && old.kids == nil && n.kids != nil:
		return &fs.PathError{Op: "rename", Path: newname, Err: syscall.ENOTDIR}
	case exists && len(old.kids) > 0:
		return &fs.PathError{Op: "rename", Path: newname, Err: syscall.ENOTEMPTY}
	case n.kids != nil && (newname == oldname || isBelow(newname, oldname)):
		return &fs.PathError{Op: "rename", Path: newname, Err: syscall.EINVAL}
	}
	if err := h.m.faults.hit(OpRename); err != nil {
		return &fs.PathError{Op: "rename", Path: oldname, Err: err}
	}
	delete(fromDir.kids, fromBase)
	toDir.kids[toBase] = n
	return nil
}

// link is link(2) on symlink-free names, for a caller holding the lock.
func (h memHeld) link(oldname, newname string) error {
	fromDir, fromBase, err := h.m.parentDir("link", oldname)
	if err != nil {
		return err
	}
	toDir, toBase, err := h.m.parentDir("link", newname)
	if err != nil {
		return err
	}
	n, ok := fromDir.kids[fromBase]
	switch {
	case !ok:
		return &fs.PathError{Op: "link", Path: oldname, Err: syscall.ENOENT}
	case n.kids != nil:
		return &fs.PathError{Op: "link", Path: oldname, Err: syscall.EPERM}
	}
	if _, exists := toDir.kids[toBase]; exists {
		return &fs.PathError{Op: "link", Path: newname, Err: syscall.EEXIST}
	}
	if err := h.m.faults.hit(OpLink); err != nil {
		return &fs.PathError{Op: "link", Path: newname, Err: err}
	}
	toDir.kids[toBase] = n
	return nil
}

// parentDir finds the existing directory holding the symlink-free name.
func (m *MemFS) parentDir(op, name string) (*memNode, string, error) {
	if name == "." || name == "" {
		return nil, "", &fs.PathError{Op: op, Path: name, Err: syscall.EINVAL}
	}
	dir, err := m.lookup(op, path.Dir(name))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = name
		}
		return nil, "", err
	}
	if dir.kids == nil {
		return nil, "", &fs.PathError{Op: op, Path: name, Err: syscall.ENOTDIR}
	}
	return dir, path.Base(name), nil
}

func isBelow(name, dir string) bool {
	return len(name) > len(dir) && name[:len(dir)] == dir && name[len(dir)] == '/'
}

// memFile is a file being written by create. What is written lands at once,
// as on a disk: a failed write leaves what fitted.
type memFile struct {
	m      *MemFS
	n      *memNode
	name   string
	closed bool
}

func (f *memFile) Write(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: fs.ErrClosed}
	}
	n, err := f.m.faults.partial(len(p))
	f.n.data = append(f.n.data, p[:n]...)
	if err != nil {
		return n, &fs.PathError{Op: "write", Path: f.name, Err: err}
	}
	return n, nil
}

func (f *memFile) Close() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	f.closed = true
	return nil
}
