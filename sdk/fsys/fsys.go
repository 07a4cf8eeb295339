package fsys

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
)

// FS is what the SDK needs from a file system. Names are slash-separated and
// relative to the kratix dir, following io/fs.ValidPath rules.
//
// Every operation resolves symlinks itself, against Root, and never leaves
// the tree: a symlink pointing outside it is an *EscapeError, not a read of
// the host's file. Writes (WriteFile, MkdirAll) must also stay inside the
// area their name starts in: writing "output/x" through a symlink into
// input/ is refused.
type FS interface {
	// ReadFile reads a file, following symlinks.
	ReadFile(name string) ([]byte, error)
	// Lstat describes name without following a final symlink.
	Lstat(name string) (fs.FileInfo, error)
	// ReadLink returns the target of the symlink name, as written.
	ReadLink(name string) (string, error)
	// ReadDir lists a directory, sorted by name.
	ReadDir(name string) ([]fs.DirEntry, error)
	// WriteFile replaces name atomically with a 0644 file holding data,
	// creating missing parent directories 0755. If name is a symlink, the
	// file it resolves to is written and the link is kept.
	WriteFile(name string, data []byte) error
	// MkdirAll creates name and its missing parents, 0755.
	MkdirAll(name string) error
	// Remove removes a file, a symlink (not its target) or an empty directory.
	Remove(name string) error
	// Rename moves oldname over newname atomically, like rename(2): the
	// parents of both names are resolved, a final symlink is not followed
	// (the link itself is moved or replaced), and both must stay in the area
	// newname starts in.
	Rename(oldname, newname string) error
	// Link makes newname a hard link to oldname, like link(2) on Linux: the
	// parents are resolved, a final symlink is not followed, newname must not
	// exist, and both must stay in the area newname starts in. A
	// transaction ([Tx]) keeps the original of every file it replaces this
	// way, so that the file is never missing, even for an instant.
	Link(oldname, newname string) error
	// Root is the absolute slash path the tree lives at; absolute symlink
	// targets under it are read as names inside the tree.
	Root() string
}

const (
	// displayRoot is how the kratix dir is shown in messages: the path users
	// see in the pod, whatever directory a test or a laptop run uses.
	displayRoot = "/kratix"

	tempSuffix = ".stagekit-tmp"

	// maxHops bounds symlink resolution, as Linux does (MAXSYMLINKS).
	maxHops = 40
)

// ErrLoop is wrapped by errors about symlinks that never reach a file.
var ErrLoop = errors.New("symlink loop")

// ErrNotRegular is wrapped by errors about a named pipe, a socket or a
// device found where a file is read or written (see [CheckType]).
var ErrNotRegular = errors.New("not a regular file")

// CheckType refuses a named pipe, a socket or a device: nil for a regular
// file, a directory or a symlink, else an *Error naming name that wraps
// [ErrNotRegular] and says what it is.
//
// Why no file of another type is ever opened: a stage reads what earlier
// containers of the pod left, and opening a named pipe for reading waits
// until something writes to it, which in a pod never happens: the stage
// would hang until the Job's deadline (so would the work-writer, which reads
// every file of the output, and the status-writer). A socket has no content,
// and a device may never end. Every read, write and walk of this package
// checks the type first and opens nothing else.
func CheckType(name string, mode fs.FileMode) error {
	var what, why string
	switch {
	case mode.IsRegular() || mode.IsDir() || mode&fs.ModeSymlink != 0:
		return nil
	case mode&fs.ModeNamedPipe != 0:
		what, why = "a named pipe (FIFO)", "reading one waits forever for a writer"
	case mode&fs.ModeSocket != 0:
		what, why = "a socket", "it holds no content to read"
	case mode&fs.ModeDevice != 0:
		what, why = "a device", "reading one may block or never end"
	default:
		what, why = "an irregular file", "the system cannot say what reading it does"
	}
	return &Error{Name: name, Err: reason{"is " + what + ", not a regular file: it is never opened (" + why + "); remove it or put a regular file in its place", ErrNotRegular}}
}

// Error is a problem with one path. Name is the path as the caller gave it
// (or as Walk saw it), so the message points at what the user wrote.
type Error struct {
	Name string
	Err  error
}

func (e *Error) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// EscapeError reports a path that leaves the area it must stay in, usually
// through a symlink.
type EscapeError struct {
	// Name is the path as given: output/passwd.yaml.
	Name string
	// Target is where it points, as seen in the pod: /etc/passwd or
	// /kratix/input/object.yaml.
	Target string
	// Area is the area it must stay in ("output"); empty means the whole
	// kratix dir.
	Area string
}

func (e *EscapeError) Error() string {
	where := path.Join(displayRoot, e.Area)
	if e.Target == path.Join(displayRoot, e.Name) {
		return e.Name + ": path is outside " + where
	}
	return e.Name + ": symlink resolves to " + e.Target + ", outside " + where
}

// Is makes an escape match fs.ErrPermission: it is a refused access.
func (e *EscapeError) Is(target error) bool { return target == fs.ErrPermission }

// reason is a sentence saying why, matching the io/fs error it is a kind of.
type reason struct {
	msg  string
	kind error
}

func (r reason) Error() string        { return r.msg }
func (r reason) Is(target error) bool { return target == r.kind }

// invalidName is why a name was refused; it matches fs.ErrInvalid.
func invalidName(msg string) error { return reason{msg, fs.ErrInvalid} }

// CheckName refuses names that are not clean, slash-separated and relative
// to the kratix dir: empty, absolute, containing "..", "." or empty elements,
// or backslashes (which would be separators on another OS and are never
// meant as file names in a manifest tree). The error names the path and the
// area it had to stay in.
func CheckName(name string) error {
	if fs.ValidPath(name) && !strings.Contains(name, `\`) {
		return nil
	}
	var reason string
	switch {
	case name == "":
		reason = "empty path"
	case strings.Contains(name, `\`):
		reason = `path contains a backslash (use "/" to separate directories)`
	case strings.HasPrefix(name, "/"):
		return &Error{Name: name, Err: invalidName("path is absolute (paths are relative to " + displayRoot + ")")}
	case hasElem(name, ".."):
		reason = `path contains ".."`
	default:
		reason = `path is not clean (it has ".", empty elements or a trailing "/")`
	}
	return &Error{Name: name, Err: invalidName(reason + " (paths must stay inside " + displayArea(name) + ")")}
}

// displayArea is the in-pod directory a name is meant to stay in: its first
// element when that is a plain name.
func displayArea(name string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(name, "/"), "/")
	if first == "" || first == "." || first == ".." || strings.Contains(first, `\`) {
		return displayRoot
	}
	return displayRoot + "/" + first
}

func hasElem(name, elem string) bool {
	for _, e := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if e == elem {
			return true
		}
	}
	return false
}

// IsTemp reports whether name (a base name or a path) is a temp file left by
// an interrupted WriteFile. Listings skip them: they are never output.
func IsTemp(name string) bool {
	base := path.Base(name)
	return strings.HasPrefix(base, ".") && strings.HasSuffix(base, tempSuffix) && len(base) > 1+len(tempSuffix)
}

// tempName is the fixed temp file for name: deterministic, so a crashed
// attempt's leftover is overwritten by the retry instead of piling up.
func tempName(name string) string {
	dir, base := path.Split(name)
	return dir + "." + base + tempSuffix
}

// areaOf is the area a write to name must stay in: its first element, or
// the whole tree ("") for a name directly under the root.
func areaOf(name string) string {
	first, _, found := strings.Cut(name, "/")
	if !found {
		return ""
	}
	return first
}

// within reports whether the symlink-free name is area or below it.
func within(name, area string) bool {
	if area == "" || area == "." {
		return true
	}
	return name == area || strings.HasPrefix(name, area+"/")
}

// pathError gives err the caller's name, dropping the internal name an
// implementation used; package errors already name the right path.
func pathError(op, name string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	var esc *EscapeError
	if errors.As(err, &e) || errors.As(err, &esc) {
		return err
	}
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}
