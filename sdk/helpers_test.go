package sdk

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stagekit/stagekit/sdk/fsys"
)

// pod builds an in-memory kratix directory holding files (names relative to it).
func pod(t testing.TB, files map[string]string) *fsys.MemFS {
	t.Helper()
	m := fsys.NewMem()
	for _, d := range []string{"input", "output", "metadata"} {
		if err := m.MkdirAll(d); err != nil {
			t.Fatal(err)
		}
	}
	for n, data := range files {
		if err := m.WriteFile(n, []byte(data)); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	return m
}

// kratixOn makes a Kratix over a file system with an environment map.
func kratixOn(t testing.TB, files fsys.FS, env map[string]string) *Kratix {
	t.Helper()
	e, err := ReadEnv(MapEnv(env))
	if err != nil {
		t.Fatalf("ReadEnv: %v", err)
	}
	return New(context.Background(), files, e, nil)
}

// commit commits what k staged, as Stage.Execute does at the end of a run.
func commit(t testing.TB, k *Kratix) {
	t.Helper()
	if err := k.Commit(); err != nil {
		t.Fatal(err)
	}
}

// countingFS counts the writes and removals that reach the file system; the transaction's own
// staging files are not counted (they are not changes of the tree).
type countingFS struct {
	fsys.FS
	mu      sync.Mutex
	writes  map[string]int
	removes map[string]int
}

func counting(f fsys.FS) *countingFS {
	return &countingFS{FS: f, writes: map[string]int{}, removes: map[string]int{}}
}

// WriteFile counts writes of real files; a staged file is counted when it is renamed over its
// file, at commit, which is when the output changes.
func (c *countingFS) WriteFile(name string, data []byte) error {
	if !strings.Contains(name, fsys.StagingDir) {
		c.mu.Lock()
		c.writes[name]++
		c.mu.Unlock()
	}
	return c.FS.WriteFile(name, data)
}

func (c *countingFS) Rename(oldname, newname string) error {
	c.mu.Lock()
	c.writes[newname]++
	c.mu.Unlock()
	return c.FS.Rename(oldname, newname)
}

func (c *countingFS) Remove(name string) error {
	if !strings.Contains(name, fsys.StagingDir) {
		c.mu.Lock()
		c.removes[name]++
		c.mu.Unlock()
	}
	return c.FS.Remove(name)
}

// errText is an error's message, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func files(m *fsys.MemFS) map[string]string {
	out := map[string]string{}
	for k, v := range m.Files() {
		out[k] = string(v)
	}
	return out
}
