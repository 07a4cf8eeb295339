package sdk

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// gcFloor is how far the heap may grow above the live heap before a collection: the peak RSS
// a run pays to collect rarely. With one document live, GOGC=400 collected at its minimum heap
// of 16 MiB: 32 MiB collects half as often.
const gcFloor = 32 << 20

// The GOGC bounds: at 800 the runtime's own minimum heap (4 MiB × GOGC/100) is gcFloor, so a
// higher value would only raise the floor; below 25, a large live heap would be collected after
// every few MB allocated.
const (
	gcMaxPercent = gcFloor * 100 / (4 << 20)
	gcMinPercent = 25
)

// gcMaxLimit is the soft memory limit: well inside Kratix's default 256Mi limit.
const gcMaxLimit = 192 << 20

// gcSlack is what the runtime holds besides heap objects (stacks, metadata, the free pages of
// a fragmented heap), on top of live + gcFloor in the memory limit the tuner sets.
const gcSlack = 8 << 20

// gcTuner sets GOGC after each collection so that the next one comes when the heap has grown
// max(gcFloor, live/4) above the live heap it found: live + a floor, where a fixed GOGC makes
// the headroom proportional to live (GOGC=400 let a stage holding a 60 MB file grow to the
// 192 MiB soft limit).
//
// It runs from a finalizer, so it can miss a collection: the object that marks the next one,
// allocated while a collection is marking, survives it. The goal then comes from the GOGC set
// for the live heap before, which is too high if live has grown since (6 MB live, then 15: a
// goal of 90 MB instead of 47). The memory limit is set too, to live + gcFloor + gcSlack: stale,
// it is too low rather than too high, so a missed collection makes the next one come sooner
// instead of letting the heap grow.
type gcTuner struct {
	live  []metrics.Sample
	limit bool // also set the memory limit (the platform did not)
}

// tuning is whether this process runs the tuner: a stage's own process, not a test or a tool.
var tuning atomic.Bool

// gcCycle is garbage whose finalizer runs once per collection: it retunes and makes the next.
type gcCycle struct {
	t *gcTuner
	_ [16]byte // never a tiny allocation, whose finalizer may never run
}

func startGCTuner(limit bool) {
	t := &gcTuner{live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}, limit: limit}
	debug.SetGCPercent(gcMaxPercent) // the first collection at gcFloor
	tuning.Store(true)
	t.arm()
}

func (t *gcTuner) arm() { runtime.SetFinalizer(&gcCycle{t: t}, (*gcCycle).collected) }

func (c *gcCycle) collected() {
	c.t.tune()
	c.t.arm()
}

func (t *gcTuner) tune() {
	metrics.Read(t.live)
	live := t.live[0].Value.Uint64()
	debug.SetGCPercent(gcPercent(live))
	if t.limit {
		debug.SetMemoryLimit(gcLimit(live))
	}
}

// gcPercent is the GOGC that lets the heap grow gcFloor above live, within the bounds.
func gcPercent(live uint64) int {
	if live == 0 {
		return gcMaxPercent
	}
	return int(min(max(gcFloor*100/live, gcMinPercent), gcMaxPercent))
}

// gcLimit is the memory limit for a live heap: what gcPercent allows, plus gcSlack, at most
// gcMaxLimit.
func gcLimit(live uint64) int64 {
	return int64(min(live+max(gcFloor, live/4)+gcSlack, gcMaxLimit))
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
