package runners

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/stagekit/stagekit/sdk/fsys"
)

// The areas of a kratix directory a container may change; input is read-only in a pod.
var writable = []string{"output", "metadata"}

// toDisk writes the pod's files under dir: directories, regular files and symlinks as they
// are. With shared set (a container engine whose user is not ours), output and metadata are
// writable by anyone, as a pod's emptyDir volumes are for its containers. input is made
// read-only last.
func toDisk(files *fsys.MemFS, dir string, shared bool) error {
	dirMode, fileMode := os.FileMode(0o755), os.FileMode(0o644)
	if shared {
		dirMode, fileMode = 0o777, 0o666
	}
	var copyDir func(name string) error
	copyDir = func(name string) error {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
		if err := os.Chmod(target, dirMode); err != nil {
			return err
		}
		ents, err := files.ReadDir(name)
		if err != nil {
			return err
		}
		for _, e := range ents {
			child := path.Join(name, e.Name())
			out := filepath.Join(target, e.Name())
			switch {
			case e.Type()&fs.ModeSymlink != 0:
				link, err := files.ReadLink(child)
				if err != nil {
					return err
				}
				if err := os.Symlink(link, out); err != nil {
					return err
				}
			case e.IsDir():
				if err := copyDir(child); err != nil {
					return err
				}
			default:
				data, err := files.ReadFile(child)
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, data, fileMode); err != nil {
					return err
				}
				if err := os.Chmod(out, fileMode); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, area := range append([]string{"input"}, writable...) {
		if err := copyDir(area); err != nil {
			return err
		}
	}
	return readOnly(filepath.Join(dir, "input"), true)
}

// readOnly makes a tree read-only (or writable again, to remove it).
func readOnly(root string, on bool) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		mode := os.FileMode(0o644)
		switch {
		case d.IsDir() && on:
			mode = 0o555
		case d.IsDir():
			mode = 0o755
		case on:
			mode = 0o444
		}
		return os.Chmod(p, mode)
	})
}

// fromDisk replaces output and metadata of the pod's files with what is under dir now.
func fromDisk(dir string, files *fsys.MemFS) error {
	for _, area := range writable {
		if err := removeAll(files, area); err != nil {
			return err
		}
		root := filepath.Join(dir, area)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			name := filepath.ToSlash(rel)
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				link, err := os.Readlink(p)
				if err != nil {
					return err
				}
				return files.Symlink(link, name)
			case d.IsDir():
				return files.MkdirAll(name)
			case d.Type().IsRegular():
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				return files.WriteFile(name, data)
			}
			return &fs.PathError{Op: "read", Path: name, Err: errors.New("not a regular file, directory or symlink")}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// removeAll empties and removes name from the in-memory tree.
func removeAll(files *fsys.MemFS, name string) error {
	fi, err := files.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		ents, err := files.ReadDir(name)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if err := removeAll(files, path.Join(name, e.Name())); err != nil {
				return err
			}
		}
	}
	return files.Remove(name)
}
