// Package schema validates a Kratix resource request's spec against the openAPIV3Schema of its
// CustomResourceDefinition, the way the Kubernetes API server would, so that a pipeline stage can
// reject a bad request with every problem listed at once and each one named by its field path:
//
//	s, err := schema.Load(promiseYAML, "")        // a Promise (spec.api) or a plain CRD
//	if err != nil {
//		return err
//	}
//	for _, v := range s.ValidateSpec(map[string]any{"size": "medium"}) {
//		fmt.Println(v)                             // spec.size: value must be one of "small", "large"
//	}
//
// # Input documents
//
// Load accepts YAML or JSON. In a multi-document stream it uses the first document whose kind is
// CustomResourceDefinition or Promise and ignores the others. Only apiextensions.k8s.io/v1 CRDs
// (spec.versions[].schema.openAPIV3Schema) are understood. With version "" the version marked
// storage: true is used, else the first served one.
//
// # How the structural schema is translated
//
// The CRD schema is translated into JSON Schema draft 2020-12 and compiled with
// github.com/santhosh-tekuri/jsonschema/v5. Only properties.spec is compiled; if the schema
// declares no spec, any spec is valid.
//
//   - nullable: true adds "null" to the type (and to the enum, if there is one).
//   - x-kubernetes-int-or-string: true becomes type ["integer", "string"]; the generated
//     anyOf [{type: integer}, {type: string}] beside it is dropped as redundant.
//   - OpenAPI 3.0's boolean exclusiveMinimum/exclusiveMaximum become the draft 2020-12 numeric form.
//   - dependencies becomes dependentRequired / dependentSchemas.
//   - $ref, $id, $schema and the like are dropped (structural schemas forbid them) and no remote
//     document is ever loaded.
//   - format is dropped: formats are not asserted, so an unknown or Kubernetes-specific format
//     (int32, int64, byte, date-time, ...) never fails loading and never fails a value. The API
//     server still checks the formats it knows.
//   - x-kubernetes-preserve-unknown-fields, x-kubernetes-embedded-resource (treated as a plain
//     object), x-kubernetes-list-type, x-kubernetes-list-map-keys, x-kubernetes-map-type and
//     x-kubernetes-validations are ignored. In particular CEL rules are NOT evaluated, and list
//     uniqueness of list-type set/map is not checked: the API server remains the authority.
//
// default values are not applied: the object a pipeline stage reads has already been defaulted by
// the API server.
//
// additionalProperties: false is never added. Kubernetes prunes fields that a structural schema
// does not declare instead of rejecting them, so an unknown field in a request is not a violation
// here either.
//
// # Values
//
// ValidateSpec takes JSON-like Go values: map[string]any, []any, string, bool, nil and numbers as
// int64, int (and the other Go integer and float kinds), float64, json.Number or *big.Int; maps with
// string keys and slices of other element types are accepted too. Numbers are compared exactly
// (as big rationals), so an integer beyond float64 precision such as 9007199254740993 is an integer,
// 1.5 is not, and 2.0 is (as in JSON Schema). NaN, infinities, malformed json.Numbers, numbers with
// an exponent beyond ±1000 and unsupported Go types are reported as violations at their path.
// A nil spec means the request has no spec: it is a violation only if the schema requires spec.
//
// # Violations
//
// Every failing leaf of the validation is reported once, with no "doesn't validate with" wrappers,
// sorted by path (list indexes numerically) then message. Paths use the fieldpath syntax and
// always start with "spec". A missing required property is reported at the missing field itself
// (spec.subnet_id: missing property "subnet_id"), one violation per missing field. Inside anyOf
// or oneOf every failing alternative is listed, since any one of them could be the fix.
package schema
