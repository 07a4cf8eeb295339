package sdk

import "testing"

// The heap may grow gcFloor above live, or a quarter of live once that is more, and the
// runtime's own minimum heap never exceeds the floor; the memory limit allows the same plus
// the slack, up to the soft limit.
func TestGCPercent(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, 800},
		{1 << 20, 800},
		{4 << 20, 800},
		{8 << 20, 400},
		{32 << 20, 100},
		{64 << 20, 50},
		{128 << 20, 25},
		{1 << 30, 25},
	} {
		if got := gcPercent(tc.live); got != tc.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", tc.live>>20, got, tc.want)
		}
	}
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, 40 << 20},
		{10 << 20, 50 << 20},
		{128 << 20, 168 << 20},
		{160 << 20, 192 << 20},
		{1 << 30, 192 << 20},
	} {
		if got := gcLimit(tc.live); got != tc.want {
			t.Errorf("gcLimit(%d MiB) = %d MiB, want %d MiB", tc.live>>20, got>>20, tc.want>>20)
		}
	}
	if gcMaxPercent*(4<<20)/100 != gcFloor {
		t.Errorf("at GOGC=%d the runtime's minimum heap is not the floor", gcMaxPercent)
	}
}
