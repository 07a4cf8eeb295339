package fsys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReadRegularNeverBlocks reads a named pipe on disk the way a transaction
// does once it has looked at the type: should a pipe take the place of a
// regular file between that look and the open, the non-blocking open and the
// check of what was opened refuse it at once instead of waiting for a writer.
func TestReadRegularNeverBlocks(t *testing.T) {
	readsFIFOWithoutBlocking(t, func(d *DiskFS) fileReader { return diskRaw{d} })
}

type fileReader interface {
	readFile(name string) ([]byte, error)
}

// readsFIFOWithoutBlocking is the check of TestReadRegularNeverBlocks on the store of gives.
func readsFIFOWithoutBlocking(t *testing.T, of func(*DiskFS) fileReader) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "output"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "output", "swapped.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Disk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = of(d).readFile("output/swapped.yaml")
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("reading a named pipe: got %v, want an error wrapping ErrNotRegular", err)
	}
}

func TestMknod(t *testing.T) {
	cases := map[string]struct {
		reason  string
		typ     fs.FileMode
		wantErr string // of Mknod
	}{
		"NamedPipe":  {reason: "a named pipe", typ: fs.ModeNamedPipe},
		"Socket":     {reason: "a socket", typ: fs.ModeSocket},
		"Device":     {reason: "a block device", typ: fs.ModeDevice},
		"CharDevice": {reason: "a character device", typ: fs.ModeDevice | fs.ModeCharDevice},
		"Regular":    {reason: "Mknod makes only what WriteFile cannot", typ: 0, wantErr: "mknod output/x: invalid argument"},
		"Dir":        {reason: "nor a directory", typ: fs.ModeDir, wantErr: "mknod output/x: invalid argument"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := NewMem()
			err := m.Mknod("output/x", tc.typ)
			if got := errText(err); got != tc.wantErr {
				t.Fatalf("%s: Mknod error %q, want %q", tc.reason, got, tc.wantErr)
			}
			if err != nil {
				return
			}
			if got := m.Mode("output/x"); got != tc.typ|0o644 {
				t.Errorf("%s: mode %v, want %v", tc.reason, got, tc.typ|0o644)
			}
			if _, err := m.ReadFile("output/x"); !errors.Is(err, ErrNotRegular) {
				t.Errorf("%s: ReadFile gave %v, want an error wrapping ErrNotRegular", tc.reason, err)
			}
			if err := m.Mknod("output/x", tc.typ); errText(err) != "mknod output/x: file exists" {
				t.Errorf("%s: a second Mknod gave %v, want file exists", tc.reason, err)
			}
			if len(m.Files()) != 0 {
				t.Errorf("%s: Files lists it: %v", tc.reason, m.Files())
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
