package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"
)

// Entry is one regular file found by Walk.
type Entry struct {
	// Name is the file as the work-writer will ship it, through any
	// symlinks: output/a/link.yaml.
	Name string
	// Real is the symlink-free file it reads: output/shared/deploy.yaml.
	Real string
	// Size is the file's size in bytes.
	Size int64
}

// Walk lists every regular file under area/ as the work-writer sees it:
// recursively, through symlinks to files and directories that stay inside
// the area, sorted by Name, without the temp files of interrupted writes.
//
// A symlink leaving the area, a symlink loop, a directory that contains
// itself through a symlink, a dangling symlink, or a named pipe, socket or
// device (see [CheckType]) is an error naming it;
// Walk reports all of them at once (errors.Join) together with the entries
// that are fine, so a stage can show every problem in one run. A missing
// area directory has no entries and no error: a stage may write nothing.
func Walk(f FS, area string) ([]Entry, error) {
	if err := checkArea(area); err != nil {
		return nil, err
	}
	l := linkerOf(f)
	real, err := resolveIn(l, area, area, area)
	if err != nil {
		return nil, err
	}
	fi, err := f.Lstat(real)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, pathError("lstat", area, err)
	case !fi.IsDir():
		return nil, &fs.PathError{Op: "readdir", Path: area, Err: syscall.ENOTDIR}
	}
	w := walker{f: f, l: l, area: area}
	w.dir(area, real, []string{real})
	slices.SortFunc(w.entries, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return w.entries, errors.Join(w.errs...)
}

type walker struct {
	f       FS
	l       linker
	area    string
	entries []Entry
	errs    []error
}

// dir walks the directory seen (its name as shipped) stored at real.
// stack holds the real directories being walked, to stop at a directory
// reached again through a symlink inside itself.
func (w *walker) dir(seen, real string, stack []string) {
	entries, err := w.f.ReadDir(real)
	if err != nil {
		w.errs = append(w.errs, pathError("readdir", seen, err))
		return
	}
	for _, e := range entries {
		if IsTemp(e.Name()) {
			continue
		}
		name, target := seen+"/"+e.Name(), joinName(real, e.Name())
		fi, err := e.Info()
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, fi, err = w.link(name, target)
		}
		if err != nil {
			w.errs = append(w.errs, pathError("lstat", name, err))
			continue
		}
		switch {
		case fi.IsDir():
			if slices.Contains(stack, target) {
				w.errs = append(w.errs, &Error{Name: name, Err: fmt.Errorf("%w: directory %s contains itself", ErrLoop, path.Join(displayRoot, target))})
				continue
			}
			w.dir(name, target, append(stack[:len(stack):len(stack)], target))
		case fi.Mode().IsRegular():
			w.entries = append(w.entries, Entry{Name: name, Real: target, Size: fi.Size()})
		default:
			// The work-writer reads every file it walks: a named pipe would hang it.
			w.errs = append(w.errs, CheckType(name, fi.Mode()))
		}
	}
}

// link resolves the symlink name stored at real inside the area.
func (w *walker) link(name, real string) (string, fs.FileInfo, error) {
	target, err := resolveIn(w.l, w.area, real, name)
	if err != nil {
		return "", nil, err
	}
	fi, err := w.f.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, &Error{Name: name, Err: reason{"dangling symlink: " + path.Join(displayRoot, target) + " does not exist", fs.ErrNotExist}}
	}
	return target, fi, err
}
