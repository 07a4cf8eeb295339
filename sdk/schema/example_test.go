package schema_test

import (
	"fmt"

	"github.com/stagekit/stagekit/sdk/schema"
)

func Example() {
	promise := []byte(`
apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: vm
spec:
  api:
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: vms.example.com
    spec:
      group: example.com
      names: {kind: VM, plural: vms}
      scope: Namespaced
      versions:
      - name: v1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                required: [subnet_id]
                properties:
                  subnet_id: {type: string}
                  size: {type: string, enum: [small, large]}
                  disks:
                    type: array
                    items:
                      type: object
                      properties:
                        sizeGiB: {type: integer}
`)
	s, err := schema.Load(promise, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	spec := map[string]any{
		"size":  "medium",
		"disks": []any{map[string]any{"sizeGiB": int64(20)}, map[string]any{"sizeGiB": "big"}},
	}
	fmt.Println("version", s.Version())
	for _, v := range s.ValidateSpec(spec) {
		fmt.Println(v)
	}
	// Output:
	// version v1
	// spec.disks[1].sizeGiB: expected integer, but got string
	// spec.size: value must be one of "small", "large"
	// spec.subnet_id: missing property "subnet_id"
}
