//go:build !linux

package fsys

// Elsewhere than Linux a transaction works through os.Root (diskRaw), which
// needs no cache of open directories.

func (d *DiskFS) rawStore() store { return diskRaw{d} }

type dirCache struct{}

func (d *DiskFS) closeCache() {}

// invalidate forgets the area handle of a name a public Remove or Rename
// moved away.
func (d *DiskFS) invalidate(name string) { d.forget(name) }
