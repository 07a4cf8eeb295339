package schema

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/fieldpath"
)

// FuzzValidate feeds arbitrary JSON as a spec: validation must never panic, and its result must be
// well formed (paths under spec, sorted, no duplicates) and deterministic.
func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		`{}`, `null`, `"just-a-string"`, `[1,2]`, `42`,
		`{"subnet_id":"s","size":"small","replicas":3,"port":"http","description":null}`,
		`{"size":"medium","replicas":"three","containers":[{"name":"a","image":"nginx"},{"ports":[80,"http"]}]}`,
		`{"replicas":1.5,"bigNumber":9007199254740993,"ratio":0,"port":true,"tier":null}`,
		`{"bigNumber":1e999999999,"ratio":-1e-999999999,"replicas":1E+2}`,
		`{"a.b/c~d":"x","labels":{"x/y":1,"~0":[]},"containers":{"0":{}}}`,
		`{"containers":[[],null,{"ports":[[{"deep":[1,{"x":null}]}]]}]}`,
		`{"config":{"a":{"b":{"c":[1,2,3]}}},"template":[]}`,
	} {
		f.Add([]byte(seed))
	}
	s := mustLoad(f, testCRD, "")
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var spec any
		if err := dec.Decode(&spec); err != nil {
			return
		}
		got := s.ValidateSpec(spec)
		seen := map[Violation]bool{}
		for _, v := range got {
			if v.Path != "spec" && !strings.HasPrefix(v.Path, "spec.") && !strings.HasPrefix(v.Path, "spec[") {
				t.Errorf("path %q does not start with spec", v.Path)
			}
			if seen[v] {
				t.Errorf("duplicate violation %v", v)
			}
			seen[v] = true
		}
		again := s.ValidateSpec(spec)
		if len(again) != len(got) {
			t.Fatalf("not deterministic: %v then %v", got, again)
		}
		for i := range got {
			if got[i] != again[i] {
				t.Fatalf("not deterministic: %v then %v", got, again)
			}
		}
		for i := 1; i < len(got); i++ {
			a, errA := fieldpath.Parse(got[i-1].Path)
			b, errB := fieldpath.Parse(got[i].Path)
			if errA != nil || errB != nil {
				t.Fatalf("unparsable paths %q, %q", got[i-1].Path, got[i].Path)
			}
			if d := comparePaths(a, b); d > 0 || (d == 0 && got[i-1].Message > got[i].Message) {
				t.Errorf("not sorted: %v before %v", got[i-1], got[i])
			}
		}
	})
}
