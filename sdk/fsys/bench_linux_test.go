//go:build linux

package fsys_test

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stagekit/stagekit/sdk/fsys"
)

// BenchmarkTxRewriteDisk is a transaction's share of a label-injector run on
// the peers tree's shape (15 directories × 13 files of 75 kB): walk, read
// and rewrite every file, commit. sys-ms/op is the kernel's CPU (getrusage),
// where most of the transaction's cost is; STAGEKIT_BENCH_DIR picks the
// file system (a fresh directory on it), the test's temp dir by default.
func BenchmarkTxRewriteDisk(b *testing.B) {
	dir := b.TempDir()
	if d := os.Getenv("STAGEKIT_BENCH_DIR"); d != "" {
		var err error
		if dir, err = os.MkdirTemp(d, "txbench"); err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
	}
	data := make([]byte, 75000)
	for i := range data {
		data[i] = 'a' + byte(i%26)
	}
	for t := 1; t <= 15; t++ {
		for f := 1; f <= 13; f++ {
			p := filepath.Join(dir, "output", fmt.Sprintf("tenant-%02d", t), fmt.Sprintf("f%02d.yaml", f))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	var r0, r1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	b.ResetTimer()
	for range b.N {
		d, err := fsys.Disk(dir)
		if err != nil {
			b.Fatal(err)
		}
		tx, err := fsys.Begin(d, "output", "metadata")
		if err != nil {
			b.Fatal(err)
		}
		entries, err := fsys.Walk(tx, "output")
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range entries {
			got, err := tx.ReadFile(e.Name)
			if err != nil {
				b.Fatal(err)
			}
			got[0] ^= 1
			if err := tx.WriteFile(e.Name, got); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
	b.StopTimer()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	ns := func(t syscall.Timeval) float64 { return float64(t.Nano()) }
	b.ReportMetric((ns(r1.Stime)-ns(r0.Stime))/float64(b.N)/1e6, "sys-ms/op")
	b.ReportMetric((ns(r1.Utime)-ns(r0.Utime))/float64(b.N)/1e6, "user-ms/op")
}
