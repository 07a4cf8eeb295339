package sdk

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergeStatus(t *testing.T) {
	ready := func(status, at string) map[string]any {
		c := map[string]any{"type": "Ready", "status": status}
		if at != "" {
			c["lastTransitionTime"] = at
		}
		return c
	}
	for _, tc := range []struct {
		reason   string
		old, add map[string]any
		want     map[string]any
	}{
		{"nil maps", nil, nil, map[string]any{}},
		{"a top-level key replaces the old value wholesale, nested maps included",
			map[string]any{"message": "Pending", "endpoints": map[string]any{"a": "1", "b": "2"}},
			map[string]any{"endpoints": map[string]any{"c": "3"}},
			map[string]any{"message": "Pending", "endpoints": map[string]any{"c": "3"}}},
		{"conditions merge by type, in order, new types appended",
			map[string]any{"conditions": []any{ready("False", "t1"), map[string]any{"type": "Synced", "status": "True"}}},
			map[string]any{"conditions": []any{ready("True", "t2"), map[string]any{"type": "Healthy", "status": "True"}}},
			map[string]any{"conditions": []any{ready("True", "t2"), map[string]any{"type": "Synced", "status": "True"}, map[string]any{"type": "Healthy", "status": "True"}}}},
		{"a condition whose status did not change keeps its transition time",
			map[string]any{"conditions": []any{ready("True", "t1")}},
			map[string]any{"conditions": []any{ready("True", "")}},
			map[string]any{"conditions": []any{ready("True", "t1")}}},
		{"conditions that are not a list replace",
			map[string]any{"conditions": []any{ready("True", "t1")}},
			map[string]any{"conditions": "none"},
			map[string]any{"conditions": "none"}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			before := cmp.Diff(nil, tc.add)
			if diff := cmp.Diff(tc.want, MergeStatus(tc.old, tc.add)); diff != "" {
				t.Errorf("MergeStatus (-want +got):\n%s", diff)
			}
			if cmp.Diff(nil, tc.add) != before {
				t.Errorf("MergeStatus modified its input")
			}
		})
	}
}
