package schema

import (
	"bytes"
	"encoding/json"
	"testing"

	"sigs.k8s.io/yaml"
)

// decodeYAML turns one YAML (or JSON) document into JSON-like Go values with json.Number numbers.
func decodeYAML(t testing.TB, doc string) any {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatalf("YAMLToJSON: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return v
}

const testCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: databases.example.com
spec:
  group: example.com
  names: {kind: Database, plural: databases}
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [engine]
            properties:
              engine: {type: string}
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        required: [spec]
        properties:
          spec:
            type: object
            required: [subnet_id]
            properties:
              subnet_id: {type: string, minLength: 1}
              size: {type: string, enum: [small, large]}
              replicas: {type: integer, format: int32, minimum: 1, maximum: 10}
              bigNumber: {type: integer, format: int64}
              ratio: {type: number, minimum: 0, exclusiveMinimum: true}
              port:
                x-kubernetes-int-or-string: true
                anyOf: [{type: integer}, {type: string}]
              description: {type: string, nullable: true}
              tier: {type: string, nullable: true, enum: [gold, silver]}
              labels: {type: object, additionalProperties: {type: string}}
              config: {type: object, x-kubernetes-preserve-unknown-fields: true}
              template: {type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}
              created: {type: string, format: date-time}
              weird: {type: string, format: no-such-format}
              "a.b/c~d": {type: boolean}
              containers:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                x-kubernetes-validations:
                - rule: self.size() < 2
                  message: at most one container
                items:
                  type: object
                  required: [name, image]
                  properties:
                    name: {type: string}
                    image: {type: string, pattern: '^[a-z0-9./:-]+$'}
                    ports: {type: array, items: {type: integer}}
`

func mustLoad(t testing.TB, doc, version string) *Schema {
	t.Helper()
	s, err := Load([]byte(doc), version)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}
