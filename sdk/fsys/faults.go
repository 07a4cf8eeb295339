package fsys

import (
	"fmt"
	"syscall"
)

// Op is a kind of operation that changes a tree, as counted by fault
// injection ([MemFS.Inject]).
type Op uint8

// The operations that change a tree. Creating a file and every write into
// it are writes; creating each missing parent directory is a mkdir.
const (
	OpWrite Op = iota + 1
	OpRename
	OpLink
	OpRemove
	OpMkdir
)

func (o Op) String() string {
	switch o {
	case OpWrite:
		return "write"
	case OpRename:
		return "rename"
	case OpLink:
		return "link"
	case OpRemove:
		return "remove"
	case OpMkdir:
		return "mkdir"
	}
	return "any operation"
}

// Fault makes a MemFS fail one operation that changes it, the way a disk
// does: the operation has no effect and returns Err (EACCES, EROFS, ENOSPC,
// EIO...).
type Fault struct {
	// Op is the kind of operation to fail; 0 counts every kind.
	Op Op
	// N is which one fails, counted from 1 since Inject.
	N int
	// Err is the error it fails with.
	Err syscall.Errno
}

func (f Fault) String() string {
	return fmt.Sprintf("%s #%d fails with %s", f.Op, f.N, errnoName(f.Err))
}

// errnoName is the symbol of an errno (EIO), for test names.
func errnoName(e syscall.Errno) string {
	switch e {
	case syscall.EACCES:
		return "EACCES"
	case syscall.EROFS:
		return "EROFS"
	case syscall.ENOSPC:
		return "ENOSPC"
	case syscall.EIO:
		return "EIO"
	case syscall.EXDEV:
		return "EXDEV"
	}
	return e.Error()
}

// faults is a MemFS's fault schedule; it is used under the MemFS lock.
type faults struct {
	mutations int   // operations that changed or tried to change the tree
	fault     Fault // the armed fault; N == 0 when none
	seen      int   // operations of fault.Op since the fault was armed
	space     int64 // bytes that may still be written, when limited
	limited   bool
	written   int64 // bytes written since the tree was made
}

// hit counts one operation and returns the injected error if it is the one
// that must fail.
func (f *faults) hit(op Op) error {
	f.mutations++
	if f.fault.N == 0 || (f.fault.Op != 0 && f.fault.Op != op) {
		return nil
	}
	f.seen++
	if f.seen == f.fault.N {
		f.fault.N = 0
		return f.fault.Err
	}
	return nil
}

// write counts a write of n bytes that must land whole (a WriteFile).
func (f *faults) write(n int) error {
	if err := f.hit(OpWrite); err != nil {
		return err
	}
	if f.limited {
		if int64(n) > f.space {
			return syscall.ENOSPC
		}
		f.space -= int64(n)
	}
	f.written += int64(n)
	return nil
}

// partial counts a write of n bytes into an open file and returns how many
// fit: a full disk takes what it can, as write(2) does.
func (f *faults) partial(n int) (int, error) {
	if err := f.hit(OpWrite); err != nil {
		return 0, err
	}
	if !f.limited || int64(n) <= f.space {
		f.space -= int64(n)
		f.written += int64(n)
		return n, nil
	}
	fit := int(f.space)
	f.space = 0
	f.written += int64(fit)
	return fit, syscall.ENOSPC
}

// Inject arms one fault, replacing any armed before, and starts counting
// operations for it; Inject(Fault{}) disarms.
func (m *MemFS) Inject(f Fault) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults.fault, m.faults.seen = f, 0
}

// LimitSpace makes every write fail with ENOSPC once n more bytes have been
// written (a write into an open file stores what fits first); a negative n
// lifts the limit. Removing files gives no space back: the limit counts
// what was written, which is what a test steers by.
func (m *MemFS) LimitSpace(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults.limited, m.faults.space = n >= 0, n
}

// Written counts the bytes written into files since the tree was made: a
// test measures a clean run's, then runs out of space part way.
func (m *MemFS) Written() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.faults.written
}

// Mutations counts the operations that changed, or tried to change, the tree
// since it was made: a test counts a clean run's, then fails each in turn.
func (m *MemFS) Mutations() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.faults.mutations
}
