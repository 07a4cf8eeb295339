package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"
)

// linker is the symlink-blind access symlink resolution needs: Lstat and
// ReadLink of a name whose parent directories are already symlink-free.
// Implementations give their raw operations so that resolving a name costs
// one lstat per element, not one resolution per element.
type linker interface {
	lstat(name string) (fs.FileInfo, error)
	readLink(name string) (string, error)
	Root() string
}

// linkerOf returns f's raw access, or adapts its public methods for an FS
// from elsewhere (correct for any FS that follows parent symlinks itself).
func linkerOf(f FS) linker {
	if r, ok := f.(interface{ rawLinker() linker }); ok {
		return r.rawLinker()
	}
	return fsLinker{f}
}

type fsLinker struct{ FS }

func (l fsLinker) lstat(name string) (fs.FileInfo, error) { return l.Lstat(name) }
func (l fsLinker) readLink(name string) (string, error)   { return l.ReadLink(name) }

// Resolve follows the symlinks in name, element by element, and returns the
// symlink-free name it stands for, which must lie inside area ("output",
// "metadata" or "input").
//
// Relative symlink targets are read relative to the link's directory;
// absolute ones are mapped through f.Root(), and any absolute target outside
// it is an escape, as is a ".." above the root. Paths leaving area give an
// *EscapeError naming name and where it points; more than 40 links give an
// error wrapping ErrLoop. A name that does not exist yet resolves fine (its
// existing prefix is resolved), so a new file can be written.
//
// The area itself is compared as a name, not resolved: output/ is what the
// work-writer ships, so a symlink that lands anywhere else is refused even if
// output itself were a link to it.
func Resolve(f FS, area, name string) (string, error) {
	if err := checkArea(area); err != nil {
		return "", err
	}
	if err := CheckName(name); err != nil {
		return "", err
	}
	return resolveIn(linkerOf(f), area, name, name)
}

func checkArea(area string) error {
	if CheckName(area) != nil || strings.Contains(area, "/") || area == "." {
		return &Error{Name: area, Err: invalidName(`area must be one directory of ` + displayRoot + `, like "output"`)}
	}
	return nil
}

// resolveIn resolves name inside area ("" for the whole tree); errors name
// display, the path as the caller knows it.
func resolveIn(l linker, area, name, display string) (string, error) {
	real, err := follow(l, name)
	if err != nil {
		var esc *EscapeError
		if errors.As(err, &esc) {
			return "", &EscapeError{Name: display, Target: esc.Target, Area: area}
		}
		var e *Error
		if errors.As(err, &e) {
			return "", &Error{Name: display, Err: e.Err}
		}
		return "", pathError("resolve", display, err)
	}
	if !within(real, area) {
		return "", &EscapeError{Name: display, Target: path.Join(displayRoot, real), Area: area}
	}
	return real, nil
}

// follow returns the symlink-free form of name (relative to the root, "."
// for the root itself). Leaving the tree is an *EscapeError with Area "".
// It works like the kernel's path walk, so that "link/.." means the parent
// of the link's target, but on names, so it can run against memory and never
// asks the OS to follow a link.
func follow(l linker, name string) (string, error) {
	pending := strings.Split(name, "/")
	var done []string
	hops := 0
	missing := false // once an element does not exist, the rest is lexical
	for len(pending) > 0 {
		elem := pending[0]
		pending = pending[1:]
		switch elem {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", &EscapeError{Name: name, Target: path.Join("/", strings.Join(pending, "/"))}
			}
			done = done[:len(done)-1]
			continue
		}
		cur := strings.Join(append(done[:len(done):len(done)], elem), "/")
		if missing {
			done = append(done, elem)
			continue
		}
		fi, err := l.lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			missing = true
			done = append(done, elem)
			continue
		}
		if err != nil {
			return "", err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			hops++
			if hops > maxHops {
				return "", &Error{Name: name, Err: ErrLoop}
			}
			target, err := l.readLink(cur)
			if err != nil {
				return "", err
			}
			target = filepath.ToSlash(target)
			if !validTarget(target) {
				return "", &Error{Name: name, Err: invalidName(fmt.Sprintf("symlink %s has target %q, which is not a valid path", cur, target))}
			}
			if path.IsAbs(target) {
				rel, ok := underRoot(l.Root(), target)
				if !ok {
					return "", &EscapeError{Name: name, Target: path.Join(target, strings.Join(pending, "/"))}
				}
				done = nil
				target = rel
			}
			pending = append(strings.Split(target, "/"), pending...)
		case !fi.IsDir() && hasMore(pending):
			return "", &fs.PathError{Op: "lstat", Path: cur + "/" + strings.Join(pending, "/"), Err: syscall.ENOTDIR}
		default:
			done = append(done, elem)
		}
	}
	if len(done) == 0 {
		return ".", nil
	}
	return strings.Join(done, "/"), nil
}

// validTarget reports whether target's elements could be names: a target
// leading to a name CheckName refuses could not be used afterwards.
func validTarget(target string) bool {
	return target != "" && utf8.ValidString(target) && !strings.Contains(target, `\`)
}

// hasMore reports whether pending still names something below the current
// element (".." would climb back out of it; the kernel refuses that too).
func hasMore(pending []string) bool {
	for _, p := range pending {
		if p != "" && p != "." {
			return true
		}
	}
	return false
}

// underRoot maps an absolute target to a name inside the tree at root.
func underRoot(root, target string) (string, bool) {
	root, target = path.Clean(root), path.Clean(target)
	switch {
	case target == root:
		return ".", true
	case root == "/":
		return target[1:], true
	case strings.HasPrefix(target, root+"/"):
		return target[len(root)+1:], true
	}
	return "", false
}

// joinName joins a resolved directory and a base name.
func joinName(dir, base string) string {
	if dir == "." || dir == "" {
		return base
	}
	return dir + "/" + base
}

// resolveParent resolves the directory of name but not its final element,
// for operations on a link itself (Lstat, ReadLink, Remove).
func resolveParent(l linker, name string) (string, error) {
	if name == "." {
		return ".", nil
	}
	dir, base := path.Split(name)
	if dir == "" {
		return base, nil
	}
	real, err := resolveIn(l, "", strings.TrimSuffix(dir, "/"), name)
	if err != nil {
		return "", err
	}
	return joinName(real, base), nil
}
