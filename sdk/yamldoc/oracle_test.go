package yamldoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"reflect"
	"testing"

	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
)

// kubeDocs is what kubectl reads from a manifest file: the values of apimachinery's
// YAMLOrJSONDecoder, decoded into json.RawMessage, without the empty and null ones (kubectl
// skips them).
func kubeDocs(src []byte) ([]any, error) {
	dec := k8syaml.NewYAMLOrJSONDecoder(bytes.NewReader(src), 4096)
	var out []any
	for i := 0; i <= len(src)+1; i++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		v, err := genericJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("the decoder's value is not JSON: %v", err)
		}
		out = append(out, v)
	}
	return nil, fmt.Errorf("the decoder does not stop")
}

// yamldocDocs is what yamldoc reads from the same file, as JSON values, without the empty and
// null documents.
func yamldocDocs(name string, src []byte) ([]any, error) {
	f, err := Parse(name, src)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, d := range f.Docs() {
		if d.Empty() {
			continue
		}
		b, err := d.Root().JSON()
		if err != nil {
			return nil, err
		}
		v, err := genericJSON(b)
		if err != nil {
			return nil, fmt.Errorf("yamldoc's JSON %q: %v", b, err)
		}
		if v == nil {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

func genericJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// sameJSON compares JSON values, numbers by exact value.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		ra, ok1 := new(big.Rat).SetString(string(x))
		rb, ok2 := new(big.Rat).SetString(string(y))
		return ok1 && ok2 && ra.Cmp(rb) == 0
	}
	return reflect.DeepEqual(a, b)
}

// readsAsKubernetes reports how yamldoc's reading of src differs from Kubernetes', or "".
func readsAsKubernetes(name string, src []byte) string {
	want, kerr := kubeDocs(src)
	got, err := yamldocDocs(name, src)
	switch {
	case err != nil:
		return "" // refusing is always allowed
	case kerr != nil:
		return fmt.Sprintf("the decoder fails (%v) but yamldoc reads %d documents", kerr, len(got))
	case len(got) != len(want):
		return fmt.Sprintf("yamldoc reads %d documents, the decoder %d:\n yamldoc %s\n decoder %s", len(got), len(want), show(got), show(want))
	}
	for i := range got {
		if !sameJSON(got[i], want[i]) {
			return fmt.Sprintf("document %d differs:\n yamldoc %s\n decoder %s", i, show(got[i]), show(want[i]))
		}
	}
	return ""
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// FuzzReadsAsKubernetes holds yamldoc's reading of a manifest file to Kubernetes': for any
// input, yamldoc either refuses it, or reads the documents apimachinery's YAMLOrJSONDecoder
// reads (the empty and null ones aside), value for value; and it refuses whatever the decoder
// refuses.
func FuzzReadsAsKubernetes(f *testing.F) {
	for _, s := range kubeSeeds {
		f.Add([]byte(s))
	}
	files, err := readFixtures()
	if err != nil {
		f.Fatal(err)
	}
	// A few real Helm renders (small ones: the fuzzer minimizes what it finds in them).
	added := 0
	for _, name := range sortedKeys(files) {
		if len(files[name]) < 4<<10 && added < 12 {
			f.Add(files[name])
			added++
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, name := range []string{"f.yaml", "f.json"} {
			if d := readsAsKubernetes(name, src); d != "" {
				t.Fatalf("%s %q: %s", name, src, d)
			}
		}
	})
}
