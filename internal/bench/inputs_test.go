package bench

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	fx "github.com/stagekit/stagekit/internal/fixtures"
	"sigs.k8s.io/yaml"
)

// TestGeneratedInputs: the memory and scaling tables' inputs are what they claim, and the same
// bytes every time.
func TestGeneratedInputs(t *testing.T) {
	renders := filepath.Dir(fx.Path(t, "kratix-marketplace/rendered/vault-helm.yaml"))
	perRender, err := readObjects(renders)
	if err != nil {
		t.Fatal(err)
	}

	many, docs, err := manyDocsFile(renders, 3e6)
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := manyDocsFile(renders, 3e6)
	objs, err := decodeObjects("many.yaml", many)
	if err != nil {
		t.Fatal(err)
	}
	if len(many) < 3e6 || !bytes.Equal(many, again) || len(objs) == 0 || len(objs)%len(perRender) != 0 || docs < len(objs) {
		t.Errorf("many documents: %d bytes, %d documents, %d objects (the renders have %d), deterministic %v",
			len(many), docs, len(objs), len(perRender), bytes.Equal(many, again))
	}

	const size = 4e6
	crd, from, err := largeDocument(renders, size)
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ = largeDocument(renders, size)
	objs, err = decodeObjects("crd.yaml", crd)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].Obj["kind"] != "CustomResourceDefinition" || from == "" || !bytes.Equal(crd, again) {
		t.Fatalf("large document: %d objects from %q, deterministic %v", len(objs), from, bytes.Equal(crd, again))
	}
	versions := lookup(objs[0].Obj, "spec", "versions").([]any)
	stored := 0
	for _, v := range versions {
		if v.(map[string]any)["storage"] == true {
			stored++
		}
	}
	perVersion := len(crd) / len(versions)
	if len(crd) < size || len(crd) > size+2*perVersion || stored != 1 || len(versions) < 3 {
		t.Errorf("large document: %d bytes for %d, %d versions, %d stored", len(crd), int(size), len(versions), stored)
	}

	tenant := oneTenant(t, t.TempDir())
	seed := fx.Path(t, "derived/terraform-generate/inputs/vm-example-vm.in-cluster-defaulted.yaml")
	keys := func(n int) int {
		b, err := growingRequest(seed, filepath.Join(tenant, "tenant-01"), n)
		if err != nil {
			t.Fatal(err)
		}
		var req map[string]any
		if err := yaml.Unmarshal(b, &req); err != nil {
			t.Fatal(err)
		}
		c := 0
		for k := range req["spec"].(map[string]any) {
			if strings.HasPrefix(k, "obj_") {
				c++
			}
		}
		return c
	}
	if one, four := keys(1), keys(4); one != len(perRender) || four != 4*one {
		t.Errorf("growing request: %d and %d objects in the spec, want %d and 4×", one, four, len(perRender))
	}
}
