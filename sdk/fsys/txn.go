package fsys

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// StagingDir is the hidden directory, inside each area a transaction writes
// (output/.stagekit-txn, metadata/.stagekit-txn), where it keeps what it
// staged, the originals of the files it replaces and its journal.
//
// Why inside the area: in a pod /kratix/output and /kratix/metadata are
// separate emptyDir volumes, so separate mounts, and rename(2) or link(2)
// between them fails with EXDEV. A staged file can only be renamed over its
// destination, and an original only linked to its backup, within one mount.
//
// Why it is never shipped, although the work-writer ships every regular file
// under output/, dotfiles included: the work-writer runs only after every
// stage exited 0, and a failed or killed stage is restarted in the same pod
// (restartPolicy OnFailure) before any later container runs. Every run
// removes the staging directories it finds before it reads anything
// (Begin), and its own before it returns (Commit, Rollback); a run that
// cannot remove them fails, so the restart removes them.
const StagingDir = ".stagekit-txn"

const journalName = "journal"

// Tx is a transaction over an FS: an FS whose writes (files created,
// replaced and removed, directories created and removed) are staged, and
// reach the tree below only at Commit, all together, or not at all.
//
// Reads see the transaction's own staged writes; the staging directories are
// invisible through it. Staged content lives in a file in the area's staging
// directory, never in memory, so a run's memory is bounded by the largest
// file it handles, not by the tree; Create writes one as a stream.
//
// Commit writes a journal, then replaces each file in turn, each atomically:
// the staged file and the original exchange names (renameat2
// RENAME_EXCHANGE on Linux), or where that is not supported the original is
// hard-linked into the staging directory first and the staged file renamed
// over it, so the destination always exists, holding the old content or the
// new, and the original is kept in the staging directory. A removal renames
// the file into the staging directory. If any step fails, the steps already
// made are undone from these backups and the tree is as before. Removing the
// journal is the commit point; a process killed before it leaves the
// journal, and the next Begin undoes what it lists. After each operation,
// each file of the tree is either as before or as after, never half of one,
// never missing.
//
// Nothing is fsynced: the tree is an emptyDir that lives and dies with the
// pod, so a machine crash loses the pod and the files together, and what a
// killed process wrote is in the page cache for the next run to see. The
// guarantees above are against the stage process failing or dying, which
// the order of the steps gives without waiting for the disk.
//
// A Tx assumes it is the only writer of its areas while it is open: it
// caches which directories exist. It is safe for concurrent use. After
// Commit or Rollback it is empty and can stage the next changes.
type Tx struct {
	base  FS
	st    store
	areas []string
	err   error // Begin's: every operation returns it

	mu       sync.Mutex
	entries  map[string]*entry              // staged state by symlink-free name
	kids     map[string]map[string]struct{} // entry names by their directory, for ReadDir
	seen     map[string]fs.FileInfo         // what the base holds, as seen this transaction (nil: nothing)
	listed   map[string][]fs.DirEntry       // the base's directories, as listed this transaction
	staging  map[string]bool                // areas whose staging directory exists
	madeArea map[string]bool                // areas created to hold a staging directory
	seq      int
}

type entryKind uint8

const (
	staged  entryKind = iota + 1 // a regular file whose content is in the staging directory
	removed                      // removed: a file, symlink or empty directory of the base
	madeDir                      // a directory the transaction creates
)

type entry struct {
	kind entryKind
	file string // staged: the staging file holding the content
	id   uint64 // staged: the staging file's identity, when the store has one (see exchanger)
	size int64
}

// Begin starts a transaction on base that may write in areas (each one
// directory of the tree: "output", "metadata"). It first finishes what a
// killed transaction left: if a journal is found, the steps it lists are
// undone; then every staging directory is removed. If that fails, the Tx is
// returned with the error, and every operation on it returns the error too.
func Begin(base FS, areas ...string) (*Tx, error) {
	t := &Tx{base: base, st: storeOf(base), areas: slices.Clone(areas)}
	t.reset()
	for _, a := range areas {
		if err := checkArea(a); err != nil {
			t.err = err
			return t, err
		}
	}
	t.err = t.recover()
	return t, t.err
}

func (t *Tx) reset() {
	// What the store keeps open for a round (DiskFS: directories) goes
	// with what the transaction knew of the base.
	if r, ok := t.st.(interface{ release() }); ok {
		r.release()
	}
	t.entries = map[string]*entry{}
	t.kids = map[string]map[string]struct{}{}
	t.seen = map[string]fs.FileInfo{}
	t.listed = map[string][]fs.DirEntry{}
	t.staging = map[string]bool{}
	t.madeArea = map[string]bool{}
}

// Base is the FS below the transaction.
func (t *Tx) Base() FS { return t.base }

// Root is the base's root.
func (t *Tx) Root() string { return t.base.Root() }

// Pending lists the files the transaction would change if committed now
// (created, replaced or removed; symlink-free names), sorted.
func (t *Tx) Pending() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for name, e := range t.entries {
		if e.kind != madeDir {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// area is the transaction area name starts in, or an error if it writes
// elsewhere.
func (t *Tx) area(name string) (string, error) {
	if slices.Contains(t.areas, name) {
		return "", &Error{Name: name, Err: reason{"is a directory of the kratix dir itself, not one a run may write", fs.ErrPermission}}
	}
	a := areaOf(name)
	if slices.Contains(t.areas, a) {
		return a, nil
	}
	where := make([]string, len(t.areas))
	for i, x := range t.areas {
		where[i] = path.Join(displayRoot, x)
	}
	return "", &Error{Name: name, Err: reason{"not writable: this run writes only under " + strings.Join(where, " and "), fs.ErrPermission}}
}

// stagingOf is the staging directory of an area.
func stagingOf(area string) string { return area + "/" + StagingDir }

// isStaging reports whether a symlink-free name is a staging directory or
// inside one.
func (t *Tx) isStaging(name string) bool {
	for _, a := range t.areas {
		if d := stagingOf(a); name == d || isBelow(name, d) {
			return true
		}
	}
	return false
}

func reserved(name string) error {
	return &Error{Name: name, Err: reason{StagingDir + " is reserved for the stage's transaction", fs.ErrPermission}}
}

// set records an entry, indexed by its directory.
func (t *Tx) set(name string, e *entry) {
	t.entries[name] = e
	dir := path.Dir(name)
	if t.kids[dir] == nil {
		t.kids[dir] = map[string]struct{}{}
	}
	t.kids[dir][path.Base(name)] = struct{}{}
}

// unset forgets an entry: the base's state shows again.
func (t *Tx) unset(name string) {
	delete(t.entries, name)
	if k := t.kids[path.Dir(name)]; k != nil {
		delete(k, path.Base(name))
	}
}

// inBase reports whether the base holds name, and what. The answer is kept for the rest of the
// transaction (the base changes only at commit): a run resolves the same names several times
// (to list, to open, to read, to write, to commit), and each lstat of a deep name costs a
// syscall per path element on disk.
func (t *Tx) inBase(name string) (fs.FileInfo, bool, error) {
	if fi, ok := t.seen[name]; ok {
		return fi, fi != nil, nil
	}
	if p, ok := t.entries[path.Dir(name)]; ok && p.kind == madeDir {
		return nil, false, nil
	}
	fi, err := t.st.lstat(name)
	switch {
	case err == nil:
		fi = memInfo{name: fi.Name(), size: fi.Size(), mode: fi.Mode()}
		t.seen[name] = fi
		return fi, true, nil
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		t.seen[name] = nil
		return nil, false, nil
	}
	return nil, false, err
}

// lstat describes a symlink-free name as the transaction sees it.
func (t *Tx) lstat(name string) (fs.FileInfo, error) {
	if e, ok := t.entries[name]; ok {
		switch e.kind {
		case staged:
			return memInfo{name: path.Base(name), size: e.size, mode: 0o644}, nil
		case madeDir:
			return memInfo{name: path.Base(name), mode: fs.ModeDir | 0o755}, nil
		}
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: syscall.ENOENT}
	}
	if t.isStaging(name) {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: syscall.ENOENT}
	}
	fi, ok, err := t.inBase(name)
	if err == nil && !ok {
		err = &fs.PathError{Op: "lstat", Path: name, Err: syscall.ENOENT}
	}
	return fi, err
}

func (t *Tx) readLinkHeld(name string) (string, error) {
	if e, ok := t.entries[name]; ok {
		if e.kind == removed {
			return "", &fs.PathError{Op: "readlink", Path: name, Err: syscall.ENOENT}
		}
		return "", &fs.PathError{Op: "readlink", Path: name, Err: syscall.EINVAL}
	}
	if t.isStaging(name) {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: syscall.ENOENT}
	}
	return t.st.readLink(name)
}

// txHeld resolves names against the transaction's view, for a caller
// holding its lock; txLocked takes the lock per call, for Resolve and Walk.
type txHeld struct{ t *Tx }

func (h txHeld) lstat(name string) (fs.FileInfo, error) { return h.t.lstat(name) }
func (h txHeld) readLink(name string) (string, error)   { return h.t.readLinkHeld(name) }
func (h txHeld) Root() string                           { return h.t.base.Root() }

type txLocked struct{ t *Tx }

func (l txLocked) lstat(name string) (fs.FileInfo, error) {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	return l.t.lstat(name)
}

func (l txLocked) readLink(name string) (string, error) {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	return l.t.readLinkHeld(name)
}

func (l txLocked) Root() string { return l.t.base.Root() }

func (t *Tx) rawLinker() linker { return txLocked{t} }

func (t *Tx) resolve(area, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	return resolveIn(txHeld{t}, area, name, name)
}

func (t *Tx) parent(name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	return resolveParent(txHeld{t}, name)
}

// ReadFile reads name as the transaction sees it, following symlinks.
func (t *Tx) ReadFile(name string) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return nil, t.err
	}
	real, err := t.resolve("", name)
	if err != nil {
		return nil, err
	}
	data, err := t.readHeld(real)
	if errors.Is(err, ErrNotRegular) {
		return nil, &Error{Name: name, Err: errors.Unwrap(err)}
	}
	return data, pathError("read", name, err)
}

func (t *Tx) readHeld(real string) ([]byte, error) {
	if e, ok := t.entries[real]; ok {
		switch e.kind {
		case staged:
			return t.st.readFile(e.file)
		case madeDir:
			return nil, syscall.EISDIR
		}
		return nil, syscall.ENOENT
	}
	if t.isStaging(real) {
		return nil, syscall.ENOENT
	}
	// The type is known from resolving the name: a named pipe is refused
	// before anything opens it.
	fi, ok, err := t.inBase(real)
	switch {
	case err == nil && !ok:
		return nil, syscall.ENOENT // seen missing: no open to find it again
	case err == nil:
		if err := CheckType(real, fi.Mode()); err != nil {
			return nil, err
		}
	}
	return t.st.readFile(real)
}

// Lstat describes name itself as the transaction sees it.
func (t *Tx) Lstat(name string) (fs.FileInfo, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return nil, t.err
	}
	real, err := t.parent(name)
	if err != nil {
		return nil, err
	}
	fi, err := t.lstat(real)
	return fi, pathError("lstat", name, err)
}

// ReadLink returns the target of the symlink name, as written.
func (t *Tx) ReadLink(name string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return "", t.err
	}
	real, err := t.parent(name)
	if err != nil {
		return "", err
	}
	target, err := t.readLinkHeld(real)
	return target, pathError("readlink", name, err)
}

// ReadDir lists the directory name as the transaction sees it, sorted by
// name, without the staging directory.
func (t *Tx) ReadDir(name string) ([]fs.DirEntry, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return nil, t.err
	}
	real, err := t.resolve("", name)
	if err != nil {
		return nil, err
	}
	entries, err := t.readDirHeld(real)
	return entries, pathError("readdir", name, err)
}

func (t *Tx) readDirHeld(real string) ([]fs.DirEntry, error) {
	byName := map[string]fs.DirEntry{}
	e, ok := t.entries[real]
	switch {
	case ok && e.kind == removed:
		return nil, syscall.ENOENT
	case ok && e.kind == staged:
		return nil, syscall.ENOTDIR
	case ok && e.kind == madeDir:
		// Nothing of the base shows in a directory this transaction makes.
	case t.isStaging(real):
		return nil, syscall.ENOENT
	default:
		// Kept for the transaction, as inBase's answers: a run lists
		// the same directories several times (to walk, to check, to
		// report).
		base, ok := t.listed[real]
		if !ok {
			var err error
			if base, err = t.st.readDir(real); err != nil {
				return nil, err
			}
			t.listed[real] = base
		}
		for _, d := range base {
			byName[d.Name()] = baseEntry{DirEntry: d, t: t, name: joinName(real, d.Name())}
		}
	}
	for kid := range t.kids[real] {
		full := joinName(real, kid)
		switch e := t.entries[full]; e.kind {
		case removed:
			delete(byName, kid)
		default:
			fi, _ := t.lstat(full)
			byName[kid] = fs.FileInfoToDirEntry(fi)
		}
	}
	if slices.Contains(t.areas, real) {
		delete(byName, StagingDir)
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[n])
	}
	return out, nil
}

// baseEntry is an entry of the base listed by ReadDir. Its Info is the
// transaction's lstat of the base, kept: a walk asks for the Info of every
// file, and reading or writing the file later needs the same answer.
type baseEntry struct {
	fs.DirEntry
	t    *Tx
	name string
}

func (e baseEntry) Info() (fs.FileInfo, error) {
	e.t.mu.Lock()
	defer e.t.mu.Unlock()
	fi, ok, err := e.t.inBase(e.name)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, &fs.PathError{Op: "lstat", Path: e.name, Err: syscall.ENOENT}
	}
	return fi, nil
}

// forWrite resolves a name to write (symlinks followed; the file they reach
// must stay in the name's area) and returns it with its area.
func (t *Tx) forWrite(name string) (real, area string, err error) {
	if t.err != nil {
		return "", "", t.err
	}
	if err := CheckName(name); err != nil {
		return "", "", err
	}
	if area, err = t.area(name); err != nil {
		return "", "", err
	}
	if real, err = resolveIn(txHeld{t}, area, name, name); err != nil {
		return "", "", err
	}
	if t.isStaging(real) {
		return "", "", reserved(name)
	}
	return real, area, nil
}

// missingDirs lists the directories to make so that dir exists, parents
// first; a file in the way is ENOTDIR.
func (t *Tx) missingDirs(dir string) ([]string, error) {
	var missing []string
	for d := dir; d != "." && d != ""; d = path.Dir(d) {
		fi, err := t.lstat(d)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, d)
			continue
		case err != nil:
			return nil, err
		case !fi.IsDir():
			return nil, syscall.ENOTDIR
		}
		break
	}
	slices.Reverse(missing)
	return missing, nil
}

func (t *Tx) makeDirs(dirs []string) {
	for _, d := range dirs {
		if e, ok := t.entries[d]; ok && e.kind == removed {
			if fi, ok, _ := t.inBase(d); ok && fi.IsDir() {
				t.unset(d) // removed, then made again: the base's directory stays
				continue
			}
		}
		t.set(d, &entry{kind: madeDir})
	}
}

// stageName returns a new name in the area's staging directory, creating
// the directory (and the area, if missing) the first time.
func (t *Tx) stageName(area string) (string, error) {
	if err := t.ensureStaging(area); err != nil {
		return "", err
	}
	t.seq++
	return stagingOf(area) + "/" + strconv.Itoa(t.seq), nil
}

// Create starts writing the file name (0644, parents created 0755) as a
// stream: the content goes to the staging directory as it is written, and
// becomes the transaction's view of name when the writer is closed without
// error. A symlink is written through, as by WriteFile. Errors name name,
// never the staging file. Close every writer before Commit or Rollback: they
// remove the staging files, an open writer's included.
func (t *Tx) Create(name string) (io.WriteCloser, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	real, area, err := t.forWrite(name)
	if err != nil {
		return nil, err
	}
	if err := t.replaceable(name, real); err != nil {
		return nil, err
	}
	if _, err := t.missingDirs(path.Dir(real)); err != nil {
		return nil, pathError("resolve", name, err)
	}
	file, err := t.stageName(area)
	if err != nil {
		return nil, pathError("write", name, err)
	}
	w, err := t.st.create(file)
	if err != nil {
		return nil, pathError("write", name, err)
	}
	return &txFile{t: t, name: name, real: real, file: file, w: w}, nil
}

// replaceable refuses to write over a directory, a named pipe, a socket or
// a device.
func (t *Tx) replaceable(name, real string) error {
	fi, err := t.lstat(real)
	switch {
	case err != nil:
		return nil
	case fi.IsDir():
		return &fs.PathError{Op: "write", Path: name, Err: syscall.EISDIR}
	}
	return CheckType(name, fi.Mode())
}

// txFile is a file being staged by Create.
type txFile struct {
	t          *Tx
	name, real string
	file       string
	w          io.WriteCloser
	size       int64
	err        error
	closed     bool
}

func (f *txFile) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.w.Write(p)
	f.size += int64(n)
	if err != nil {
		f.err = pathError("write", f.name, err)
	}
	return n, f.err
}

func (f *txFile) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.name, Err: fs.ErrClosed}
	}
	f.closed = true
	if err := f.w.Close(); err != nil && f.err == nil {
		f.err = pathError("write", f.name, err)
	}
	if f.err != nil {
		return f.err // the staging file is removed with its directory
	}
	t := f.t
	t.mu.Lock()
	defer t.mu.Unlock()
	dirs, err := t.missingDirs(path.Dir(f.real))
	if err != nil {
		return pathError("write", f.name, err)
	}
	if err := t.replaceable(f.name, f.real); err != nil {
		return err
	}
	t.makeDirs(dirs)
	e := &entry{kind: staged, file: f.file, size: f.size}
	if w, ok := f.w.(interface{ ident() uint64 }); ok {
		e.id = w.ident()
	}
	t.set(f.real, e)
	return nil
}

// WriteFile stages name with data (0644, parents 0755). A symlink is
// written through and kept; the file it reaches must stay in name's area.
func (t *Tx) WriteFile(name string, data []byte) error {
	w, err := t.Create(name)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}

// MkdirAll stages name and its missing parents as 0755 directories.
func (t *Tx) MkdirAll(name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	real, _, err := t.forWrite(name)
	if err != nil {
		return err
	}
	dirs, err := t.missingDirs(real)
	if err != nil {
		return pathError("mkdir", name, err)
	}
	t.makeDirs(dirs)
	return nil
}

// Remove stages the removal of a file, a symlink (not its target) or an
// empty directory.
func (t *Tx) Remove(name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return t.err
	}
	real, err := t.parent(name)
	if err != nil {
		return err
	}
	if err := t.writable(name, real, name); err != nil {
		return err
	}
	fi, err := t.lstat(real)
	if err != nil {
		return pathError("remove", name, err)
	}
	if fi.IsDir() {
		kids, err := t.readDirHeld(real)
		if err != nil {
			return pathError("remove", name, err)
		}
		if len(kids) > 0 {
			return &fs.PathError{Op: "remove", Path: name, Err: syscall.ENOTEMPTY}
		}
	}
	return pathError("remove", name, t.removeHeld(real))
}

// writable checks that the symlink-free real, which name stands for, stays
// in the area dest starts in and is not the staging directory.
func (t *Tx) writable(name, real, dest string) error {
	area, err := t.area(dest)
	if err != nil {
		return err
	}
	if !within(real, area) {
		return &EscapeError{Name: name, Target: path.Join(displayRoot, real), Area: area}
	}
	if t.isStaging(real) || real == area {
		return reserved(name)
	}
	return nil
}

func (t *Tx) removeHeld(real string) error {
	_, ok, err := t.inBase(real)
	if err != nil {
		return err
	}
	if ok {
		t.set(real, &entry{kind: removed})
	} else {
		t.unset(real)
	}
	return nil
}

// Rename moves the regular file oldname over newname in the transaction's
// view (the content is staged again under newname). Symlinks and
// directories cannot be renamed inside a transaction.
func (t *Tx) Rename(oldname, newname string) error {
	return t.copyFile("rename", oldname, newname, true)
}

// Link makes newname a copy of the regular file oldname in the
// transaction's view: what a hard link shows, except that a later write of
// one name (which replaces the file) never showed through the other anyway.
func (t *Tx) Link(oldname, newname string) error {
	return t.copyFile("link", oldname, newname, false)
}

func (t *Tx) copyFile(op, oldname, newname string, move bool) error {
	t.mu.Lock()
	if t.err != nil {
		t.mu.Unlock()
		return t.err
	}
	from, err := t.parent(oldname)
	if err == nil {
		err = t.writable(oldname, from, newname)
	}
	var to string
	if err == nil {
		if to, err = t.parent(newname); err == nil {
			err = t.writable(newname, to, newname)
		}
	}
	var data []byte
	if err == nil {
		err = t.copyable(op, oldname, newname, from, to, move)
	}
	if err == nil {
		data, err = t.readHeld(from)
		err = pathError(op, oldname, err)
	}
	t.mu.Unlock()
	if err != nil {
		return err
	}
	if from == to {
		return nil
	}
	if err := t.WriteFile(newname, data); err != nil {
		return err
	}
	if !move {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return pathError(op, oldname, t.removeHeld(from))
}

func (t *Tx) copyable(op, oldname, newname, from, to string, move bool) error {
	fi, err := t.lstat(from)
	if err != nil {
		return pathError(op, oldname, err)
	}
	if !fi.Mode().IsRegular() {
		return &Error{Name: oldname, Err: reason{op + " of a symlink or directory is not supported inside a transaction", fs.ErrInvalid}}
	}
	tfi, err := t.lstat(to)
	switch {
	case err == nil && !move:
		return &fs.PathError{Op: op, Path: newname, Err: syscall.EEXIST}
	case err == nil && tfi.IsDir():
		return &fs.PathError{Op: op, Path: newname, Err: syscall.EISDIR}
	case err == nil && !tfi.Mode().IsRegular():
		return &Error{Name: newname, Err: reason{op + " over a symlink is not supported inside a transaction", fs.ErrInvalid}}
	}
	return nil
}

// Rollback drops everything staged and removes the staging directories.
func (t *Tx) Rollback() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return t.err
	}
	err := t.clean(t.stagingAreas())
	what := t.describe(nil)
	t.reset()
	if err != nil {
		return errorf(what, "the run's changes were dropped, but its staging files could not be removed (%v): the next run removes them", err)
	}
	return nil
}

func (t *Tx) stagingAreas() []string {
	return slices.Sorted(maps.Keys(t.staging))
}

// clean removes the staging directories of areas (what is in them is only
// ever the transaction's own), then the areas that were made to hold them
// and stayed empty.
func (t *Tx) clean(areas []string) error {
	var errs []error
	for _, a := range areas {
		// The journal first: once it is gone, nothing is undone any more,
		// and the staged files it names may go.
		err := t.st.remove(stagingOf(a) + "/" + journalName)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		if err := t.removeAll(stagingOf(a)); err != nil {
			errs = append(errs, err)
		}
	}
	for _, a := range slices.Sorted(maps.Keys(t.madeArea)) {
		if kids, err := t.st.readDir(a); err == nil && len(kids) == 0 {
			if err := t.st.remove(a); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// removeAll removes a staging directory and what it holds.
func (t *Tx) removeAll(dir string) error {
	kids, err := t.st.readDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, k := range kids {
		name := dir + "/" + k.Name()
		if k.IsDir() {
			err = t.removeAll(name)
		} else {
			err = t.st.remove(name)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return t.st.remove(dir)
}

// errorf is an error about a tree file (never a staging name): the
// errors it wraps have their paths dropped.
func errorf(name, format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = scrub(err)
		}
	}
	return &Error{Name: name, Err: fmt.Errorf(format, args...)}
}

// scrub drops the internal names from an error of an operation (and from
// every error it joins), keeping the operation and the errno: a staging name
// means nothing to a reader. Context wrapped around such an error must wrap
// the scrubbed error.
func scrub(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, scrub(e))
		}
		return errors.Join(out...)
	}
	switch e := err.(type) {
	case *fs.PathError:
		return fmt.Errorf("%s: %w", e.Op, e.Err)
	case *os.LinkError:
		return fmt.Errorf("%s: %w", strings.TrimSuffix(e.Op, "at"), e.Err)
	}
	return err
}
