package sdk

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// gcFloor is how far the heap may grow above the live heap before a collection: the peak RSS
// a run pays to collect rarely. With one document live, 32 MiB collects about half as often as
// GOGC=400 did (whose floor is 16 MiB).
const gcFloor = 32 << 20

// The GOGC bounds: at 800 the runtime's own minimum heap (4 MiB × GOGC/100) is gcFloor, so a
// higher value would only raise the floor; below 25, a large live heap would be collected after
// every few MB allocated.
const (
	gcMaxPercent = gcFloor * 100 / (4 << 20)
	gcMinPercent = 25
)

// gcTuner sets GOGC after each collection so that the next one comes when the heap has grown
// max(gcFloor, live/4) above the live heap it found: live + a floor, where a fixed GOGC makes
// the headroom proportional to live (GOGC=400 let a stage holding a 60 MB file grow to 300 MB).
type gcTuner struct{ live []metrics.Sample }

// tuning is whether this process runs the tuner: a stage's own process, not a test or a tool.
var tuning atomic.Bool

// gcCycle is garbage whose finalizer runs once per collection: it retunes and makes the next.
type gcCycle struct {
	t *gcTuner
	_ [16]byte // never a tiny allocation, whose finalizer may never run
}

func startGCTuner() {
	t := &gcTuner{live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	debug.SetGCPercent(gcMaxPercent) // the first collection at gcFloor
	tuning.Store(true)
	t.arm()
}

// dropped says that a file of n bytes the run held whole is garbage. When it is larger than the
// floor, it is collected now: the next file read would otherwise be allocated before the
// collection that frees this one, and the peak would hold both (replica-migration reads a
// 60 MB file twice, once per pass).
func dropped(n int) {
	if n >= gcFloor && tuning.Load() {
		runtime.GC()
	}
}

func (t *gcTuner) arm() { runtime.SetFinalizer(&gcCycle{t: t}, (*gcCycle).collected) }

func (c *gcCycle) collected() {
	c.t.tune()
	c.t.arm()
}

func (t *gcTuner) tune() {
	metrics.Read(t.live)
	debug.SetGCPercent(gcPercent(t.live[0].Value.Uint64()))
}

// gcPercent is the GOGC that lets the heap grow gcFloor above live, within the bounds.
func gcPercent(live uint64) int {
	if live == 0 {
		return gcMaxPercent
	}
	return int(min(max(gcFloor*100/live, gcMinPercent), gcMaxPercent))
}
