//go:build linux

package fsys

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A transaction on disk does its work through raw file descriptors: each
// directory it touches is opened once (per transaction round) and every
// operation is one *at syscall relative to it. Through os.Root, each
// operation opened and closed every directory on the way to its name, and
// each file opened for writing was set up for the poller: about forty
// syscalls per file a run rewrites, against a dozen this way.
//
// The safety os.Root gives is kept: every directory is opened one element at
// a time with O_NOFOLLOW and O_DIRECTORY from the root (the os.Root's directory), and
// every final element is used with O_NOFOLLOW or AT_SYMLINK_NOFOLLOW (or by
// a syscall that never follows it: rename, link, unlink, mkdir), so nothing
// outside the tree is reached whatever the names.

// rawStore is the transaction's access on Linux.
func (d *DiskFS) rawStore() store { return diskTx{d} }

// dirCache holds the directories a transaction round opened, by
// symlink-free name ("." is the tree's root, kept open for the DiskFS's
// life). Its lock is held across every syscall that uses a cached
// descriptor, so that none is closed while in use.
type dirCache struct {
	mu   sync.Mutex
	fd   int // the tree's root, or -1
	dirs map[string]int
}

// maxDirs bounds the open directories, far below any RLIMIT_NOFILE: a tree
// with more directories reopens some of them.
const maxDirs = 256

// cache returns the DiskFS's directory cache, locked; the caller unlocks.
func (d *DiskFS) cache() *dirCache {
	d.mu.Lock()
	if d.dirs == nil {
		d.dirs = &dirCache{fd: -1}
	}
	c := d.dirs
	d.mu.Unlock()
	c.mu.Lock()
	// Only here, between operations: an operation may hold two
	// descriptors, and must not see the first closed to get the second.
	if len(c.dirs) >= maxDirs {
		c.closeDirs()
	}
	return c
}

// dir returns a descriptor of the symlink-free directory name, opening and
// caching it and its parents as needed. The caller holds c.mu.
func (c *dirCache) dir(d *DiskFS, name string) (int, error) {
	if name == "." || name == "" {
		if c.fd < 0 {
			fd, err := openRoot(d)
			if err != nil {
				return -1, err
			}
			c.fd = fd
		}
		return c.fd, nil
	}
	if fd, ok := c.dirs[name]; ok {
		return fd, nil
	}
	parent, base := path.Split(name)
	if err := checkElem(base); err != nil {
		return -1, err
	}
	pfd, err := c.dir(d, strings.TrimSuffix(parent, "/"))
	if err != nil {
		return -1, err
	}
	fd, err := openat(pfd, base, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err == unix.ELOOP {
		// A symlink where a directory was expected: not a directory, as
		// a path lookup that does not follow it reports.
		err = unix.ENOTDIR
	}
	if err != nil {
		return -1, err
	}
	if c.dirs == nil {
		c.dirs = map[string]int{}
	}
	c.dirs[name] = fd
	return fd, nil
}

// openRoot opens the tree's root by its path, and checks that it is the
// directory the os.Root holds. (An os.File of the os.Root's would be set up
// for the poller: seven syscalls more, on every run's start.)
func openRoot(d *DiskFS) (int, error) {
	fd, err := openat(unix.AT_FDCWD, d.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	err = ignoringEINTR(func() error { return unix.Fstat(fd, &st) })
	if err == nil {
		var fi fs.FileInfo
		if fi, err = d.root.Stat("."); err == nil {
			if rs, ok := fi.Sys().(*syscall.Stat_t); !ok || uint64(rs.Dev) != uint64(st.Dev) || rs.Ino != st.Ino {
				err = unix.ESTALE // the directory was replaced since Disk opened it
			}
		}
	}
	if err != nil {
		unix.Close(fd)
		return -1, underlying(err)
	}
	return fd, nil
}

// at returns the descriptor of name's directory and name's final element.
func (c *dirCache) at(d *DiskFS, name string) (int, string, error) {
	if name == "." {
		fd, err := c.dir(d, ".")
		return fd, ".", err
	}
	dir, base := path.Split(name)
	if err := checkElem(base); err != nil {
		return -1, "", err
	}
	fd, err := c.dir(d, strings.TrimSuffix(dir, "/"))
	return fd, base, err
}

// checkElem refuses what os.Root would: an element that is not one plain
// name. Names reaching a store are checked already; this is the last guard.
func checkElem(base string) error {
	if base == "" || base == "." || base == ".." || strings.Contains(base, "/") {
		return unix.EINVAL
	}
	return nil
}

// forget closes the cached descriptors of name and of what is below it:
// name was removed or renamed. Children are cached only with their parent,
// so a name that is not cached has nothing cached below it.
func (c *dirCache) forget(name string) {
	fd, ok := c.dirs[name]
	if !ok {
		return
	}
	unix.Close(fd)
	delete(c.dirs, name)
	for k, fd := range c.dirs {
		if isBelow(k, name) {
			unix.Close(fd)
			delete(c.dirs, k)
		}
	}
}

func (c *dirCache) closeDirs() {
	for _, fd := range c.dirs {
		unix.Close(fd)
	}
	clear(c.dirs)
}

// release closes the directories a transaction round opened: between
// rounds the tree may change under another writer.
func (d *DiskFS) release() {
	c := d.cache()
	c.closeDirs()
	c.mu.Unlock()
}

// closeCache closes every cached descriptor, the root's included.
func (d *DiskFS) closeCache() {
	c := d.cache()
	c.closeDirs()
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
	c.mu.Unlock()
}

// invalidate forgets what a public Remove or Rename of the symlink-free
// name may have moved away.
func (d *DiskFS) invalidate(name string) {
	d.forget(name)
	c := d.cache()
	c.forget(name)
	c.mu.Unlock()
}

// underlying is the errno of an os error.
func underlying(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}

func openat(dirfd int, name string, flags int, mode uint32) (int, error) {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Openat(dirfd, name, flags, mode)
		return err
	})
	return fd, err
}

// diskTx is a DiskFS's store for a transaction.
type diskTx struct{ d *DiskFS }

func (s diskTx) Root() string { return s.d.dir }

func (s diskTx) release() { s.d.release() }

// op runs f on the descriptor of name's directory and name's final element,
// holding the cache. Errors name name.
func (s diskTx) op(op, name string, f func(dirfd int, base string) error) error {
	c := s.d.cache()
	defer c.mu.Unlock()
	fd, base, err := c.at(s.d, name)
	if err == nil {
		err = f(fd, base)
	}
	if err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	return nil
}

func (s diskTx) lstat(name string) (fs.FileInfo, error) {
	var st unix.Stat_t
	err := s.op("lstat", name, func(fd int, base string) error {
		return ignoringEINTR(func() error { return unix.Fstatat(fd, base, &st, unix.AT_SYMLINK_NOFOLLOW) })
	})
	if err != nil {
		return nil, err
	}
	return statInfo(path.Base(name), &st), nil
}

func (s diskTx) readLink(name string) (string, error) {
	var target string
	err := s.op("readlink", name, func(fd int, base string) error {
		for n := 256; ; n *= 2 {
			buf := make([]byte, n)
			m, err := unix.Readlinkat(fd, base, buf)
			if err != nil {
				return err
			}
			if m < n {
				target = string(buf[:m])
				return nil
			}
		}
	})
	return target, err
}

// open opens name's final element relative to its cached directory; the
// descriptor is the caller's.
func (s diskTx) open(op, name string, flags int, mode uint32) (int, error) {
	var fd int
	err := s.op(op, name, func(dirfd int, base string) (err error) {
		fd, err = openat(dirfd, base, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
		return err
	})
	return fd, err
}

func (s diskTx) readDir(name string) ([]fs.DirEntry, error) {
	flags := unix.O_RDONLY | unix.O_DIRECTORY
	var fd int
	var err error
	if name == "." {
		c := s.d.cache()
		var root int
		if root, err = c.dir(s.d, "."); err == nil {
			fd, err = openat(root, ".", flags|unix.O_CLOEXEC, 0)
		}
		c.mu.Unlock()
		if err != nil {
			err = &fs.PathError{Op: "readdir", Path: name, Err: err}
		}
	} else {
		fd, err = s.open("readdir", name, flags, 0)
	}
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, pathError("readdir", name, err)
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// readFile reads a file the transaction saw is regular. As readRegular: the
// open does not block on a named pipe put in its place since, and what was
// opened is checked before it is read.
func (s diskTx) readFile(name string) ([]byte, error) {
	fd, err := s.open("read", name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := ignoringEINTR(func() error { return unix.Fstat(fd, &st) }); err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	fi := statInfo(path.Base(name), &st)
	if fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	}
	if err := CheckType(name, fi.Mode()); err != nil {
		return nil, err
	}
	// One read past the size to see the end, as os.ReadFile.
	data := make([]byte, 0, st.Size+1)
	for {
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = unix.Read(fd, data[len(data):cap(data)])
			return err
		})
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return data, nil
		}
		data = data[:len(data)+n]
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// create makes a new file 0644 whatever the umask (fchmod: a umask or a
// default ACL may have taken bits off the create mode). O_EXCL: a
// transaction only creates names it chose, in a directory it just emptied.
func (s diskTx) create(name string) (io.WriteCloser, error) {
	fd, err := s.open("open", name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	if err := ignoringEINTR(func() error { return unix.Fchmod(fd, 0o644) }); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "chmod", Path: name, Err: err}
	}
	// Its identity, for the journal of a commit that exchanges it.
	var st unix.Stat_t
	if err := ignoringEINTR(func() error { return unix.Fstat(fd, &st) }); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	f := &fdFile{fd: fd, name: name, id: st.Ino}
	f.cleanup = runtime.AddCleanup(f, func(fd int) { unix.Close(fd) }, fd)
	return f, nil
}

// fdFile is a file being written by a raw descriptor: each Write is one
// write(2) (more only if the kernel takes part of it).
type fdFile struct {
	fd      int
	name    string
	id      uint64
	cleanup runtime.Cleanup
}

func (f *fdFile) ident() uint64 { return f.id }

func (f *fdFile) Write(p []byte) (int, error) {
	if f.fd < 0 {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: fs.ErrClosed}
	}
	done := 0
	for done < len(p) {
		n, err := unix.Write(f.fd, p[done:])
		if n > 0 {
			done += n
		}
		switch {
		case err == unix.EINTR || err == unix.EAGAIN:
			continue
		case err != nil:
			return done, &fs.PathError{Op: "write", Path: f.name, Err: err}
		case n == 0:
			return done, &fs.PathError{Op: "write", Path: f.name, Err: io.ErrShortWrite}
		}
	}
	return done, nil
}

func (f *fdFile) Close() error {
	if f.fd < 0 {
		return &fs.PathError{Op: "close", Path: f.name, Err: fs.ErrClosed}
	}
	f.cleanup.Stop()
	fd := f.fd
	f.fd = -1
	// close(2) is not retried on EINTR: the descriptor is gone either way.
	if err := unix.Close(fd); err != nil && err != unix.EINTR {
		return &fs.PathError{Op: "close", Path: f.name, Err: err}
	}
	return nil
}

// mkdir makes a 0755 directory whatever the umask, and keeps it open: the
// transaction makes a directory to put something in it.
func (s diskTx) mkdir(name string) error {
	c := s.d.cache()
	defer c.mu.Unlock()
	fd, base, err := c.at(s.d, name)
	if err == nil {
		err = ignoringEINTR(func() error { return unix.Mkdirat(fd, base, 0o755) })
	}
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	dfd, err := c.dir(s.d, name)
	if err == nil {
		err = ignoringEINTR(func() error { return unix.Fchmod(dfd, 0o755) })
	}
	if err != nil {
		return &fs.PathError{Op: "chmod", Path: name, Err: err}
	}
	return nil
}

// pair runs f on the directories and final elements of two names.
func (s diskTx) pair(op, errName, oldname, newname string, f func(ofd int, obase string, nfd int, nbase string) error) error {
	c := s.d.cache()
	defer c.mu.Unlock()
	ofd, obase, err := c.at(s.d, oldname)
	if err != nil {
		return &fs.PathError{Op: op, Path: errName, Err: err}
	}
	nfd, nbase, err := c.at(s.d, newname)
	if err != nil {
		return &fs.PathError{Op: op, Path: errName, Err: err}
	}
	if err := f(ofd, obase, nfd, nbase); err != nil {
		return &fs.PathError{Op: op, Path: errName, Err: err}
	}
	return nil
}

func (s diskTx) rename(oldname, newname string) error {
	s.d.forget(oldname)
	s.d.forget(newname)
	return s.pair("rename", oldname, oldname, newname, func(ofd int, obase string, nfd int, nbase string) error {
		c := s.d.dirs // locked by pair
		c.forget(oldname)
		c.forget(newname)
		return ignoringEINTR(func() error { return unix.Renameat(ofd, obase, nfd, nbase) })
	})
}

// exchange swaps two files of one area: renameat2(RENAME_EXCHANGE), where
// the file system has it (ext4, xfs, btrfs, tmpfs, overlayfs...). A file
// system without it is remembered, so that it costs one failed syscall.
func (s diskTx) exchange(a, b string) error {
	area := areaOf(b)
	s.d.mu.Lock()
	no := s.d.noExchange[area]
	s.d.mu.Unlock()
	if no {
		return errNoExchange
	}
	err := s.pair("rename", b, a, b, func(afd int, abase string, bfd int, bbase string) error {
		return ignoringEINTR(func() error { return unix.Renameat2(afd, abase, bfd, bbase, unix.RENAME_EXCHANGE) })
	})
	var pe *fs.PathError
	if errors.As(err, &pe) && (pe.Err == unix.EINVAL || pe.Err == unix.ENOSYS || pe.Err == unix.EOPNOTSUPP) {
		s.d.mu.Lock()
		if s.d.noExchange == nil {
			s.d.noExchange = map[string]bool{}
		}
		s.d.noExchange[area] = true
		s.d.mu.Unlock()
		return errNoExchange
	}
	return err
}

func (s diskTx) ident(name string) (uint64, error) {
	fi, err := s.lstat(name)
	if err != nil {
		return 0, err
	}
	return fi.Sys().(*unix.Stat_t).Ino, nil
}

func (s diskTx) link(oldname, newname string) error {
	return s.pair("link", newname, oldname, newname, func(ofd int, obase string, nfd int, nbase string) error {
		return ignoringEINTR(func() error { return unix.Linkat(ofd, obase, nfd, nbase, 0) })
	})
}

// remove removes a file or an empty directory, as os.Remove: unlink first,
// rmdir if that fails, and the error that says most.
func (s diskTx) remove(name string) error {
	s.d.forget(name)
	return s.op("remove", name, func(fd int, base string) error {
		s.d.dirs.forget(name) // locked by op
		err := ignoringEINTR(func() error { return unix.Unlinkat(fd, base, 0) })
		if err == nil {
			return nil
		}
		err1 := ignoringEINTR(func() error { return unix.Unlinkat(fd, base, unix.AT_REMOVEDIR) })
		if err1 == nil {
			return nil
		}
		if err1 != unix.ENOTDIR {
			return err1
		}
		return err
	})
}

// statInfo is an fs.FileInfo of a stat result, as os.Lstat gives.
func statInfo(name string, st *unix.Stat_t) fs.FileInfo {
	mode := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	}
	if st.Mode&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if st.Mode&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if st.Mode&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return &rawInfo{name: name, mode: mode, st: *st}
}

type rawInfo struct {
	name string
	mode fs.FileMode
	st   unix.Stat_t
}

func (i *rawInfo) Name() string       { return i.name }
func (i *rawInfo) Size() int64        { return i.st.Size }
func (i *rawInfo) Mode() fs.FileMode  { return i.mode }
func (i *rawInfo) ModTime() time.Time { return time.Unix(i.st.Mtim.Unix()) }
func (i *rawInfo) IsDir() bool        { return i.mode.IsDir() }
func (i *rawInfo) Sys() any           { return &i.st }
