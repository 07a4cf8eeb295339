package schema

import (
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestValidateSpec(t *testing.T) {
	s := mustLoad(t, testCRD, "")
	twoTo80, _ := new(big.Int).SetString("1208925819614629174706176", 10)

	tests := []struct {
		name   string
		reason string
		spec   any
		want   []Violation
	}{
		{
			name:   "valid",
			reason: "a spec using every feature correctly, plus an undeclared field, has no violation",
			spec: decodeYAML(t, `
subnet_id: subnet-1
size: small
replicas: 3
bigNumber: 9007199254740993
ratio: 0.5
port: http
description: null
tier: null
labels: {team: a}
config: {anything: [1, {deep: true}]}
template: {apiVersion: v1, kind: ConfigMap}
created: not-a-date
weird: whatever
a.b/c~d: true
containers:
- {name: app, image: nginx:1.25, ports: [80, 443]}
- {name: sidecar, image: envoy}
notInSchema: {pruned: by kubernetes, not: rejected}
`),
		},
		{
			name:   "several violations at once",
			reason: "wrong type, enum, missing required and nested list items are all reported with exact paths, sorted",
			spec: decodeYAML(t, `
size: medium
replicas: three
containers:
- {name: app, image: nginx}
- {name: broken, ports: [80, http]}
- {image: UPPER}
`),
			want: []Violation{
				{Path: "spec.containers[1].image", Message: `missing property "image"`},
				{Path: "spec.containers[1].ports[1]", Message: "expected integer, but got string"},
				{Path: "spec.containers[2].image", Message: `does not match pattern '^[a-z0-9./:-]+$'`},
				{Path: "spec.containers[2].name", Message: `missing property "name"`},
				{Path: "spec.replicas", Message: "expected integer, but got string"},
				{Path: "spec.size", Message: `value must be one of "small", "large"`},
				{Path: "spec.subnet_id", Message: `missing property "subnet_id"`},
			},
		},
		{
			name:   "list indexes sort numerically",
			reason: "spec.x[10] sorts after spec.x[2], unlike a plain string sort",
			spec: map[string]any{"subnet_id": "s", "containers": []any{
				0: map[string]any{"name": "a", "image": "a"}, 1: map[string]any{"name": "a", "image": "a"},
				2: map[string]any{"name": 2, "image": "a"}, 3: map[string]any{"name": "a", "image": "a"},
				4: map[string]any{"name": "a", "image": "a"}, 5: map[string]any{"name": "a", "image": "a"},
				6: map[string]any{"name": "a", "image": "a"}, 7: map[string]any{"name": "a", "image": "a"},
				8: map[string]any{"name": "a", "image": "a"}, 9: map[string]any{"name": "a", "image": "a"},
				10: map[string]any{"name": 10, "image": "a"},
			}},
			want: []Violation{
				{Path: "spec.containers[2].name", Message: "expected string, but got number"},
				{Path: "spec.containers[10].name", Message: "expected string, but got number"},
			},
		},
		{
			name:   "nullable",
			reason: "nullable fields accept null but still check other values; a non-nullable field rejects null",
			spec:   map[string]any{"subnet_id": "s", "description": nil, "tier": "bronze", "size": nil},
			want: []Violation{
				{Path: "spec.size", Message: "expected string, but got null"},
				{Path: "spec.tier", Message: `value must be one of "gold", "silver", null`},
			},
		},
		{
			name:   "int-or-string accepts both",
			reason: "x-kubernetes-int-or-string takes an integer or a string",
			spec: map[string]any{"subnet_id": "s", "port": int64(8080),
				"containers": []any{map[string]any{"name": "a", "image": "a"}}},
		},
		{
			name:   "int-or-string accepts a string",
			reason: "x-kubernetes-int-or-string takes a string too",
			spec:   map[string]any{"subnet_id": "s", "port": "http"},
		},
		{
			name:   "int-or-string rejects others",
			reason: "a boolean or a fractional number is neither an integer nor a string; the generated anyOf adds no noise",
			spec:   map[string]any{"subnet_id": "s", "port": true, "containers": []any{map[string]any{"name": "a", "image": "a", "ports": []any{1.5}}}},
			want: []Violation{
				{Path: "spec.containers[0].ports[0]", Message: "expected integer, but got number"},
				{Path: "spec.port", Message: "expected integer or string, but got boolean"},
			},
		},
		{
			name:   "integers beyond float64 precision",
			reason: "int64, json.Number and *big.Int integers are exact, whatever their size",
			spec: map[string]any{"subnet_id": "s", "bigNumber": int64(9007199254740993),
				"containers": []any{map[string]any{"name": "a", "image": "a",
					"ports": []any{json.Number("9007199254740993"), twoTo80, 7, uint8(8), float64(2), json.Number("1e3")}}}},
		},
		{
			name:   "fractions are not integers",
			reason: "1.5 as float64 or json.Number is rejected for an integer field",
			spec:   map[string]any{"subnet_id": "s", "replicas": 1.5, "bigNumber": json.Number("9007199254740993.5")},
			want: []Violation{
				{Path: "spec.bigNumber", Message: "expected integer, but got number"},
				{Path: "spec.replicas", Message: "expected integer, but got number"},
			},
		},
		{
			name:   "numeric bounds",
			reason: "minimum, maximum and OpenAPI's boolean exclusiveMinimum are enforced",
			spec:   map[string]any{"subnet_id": "s", "replicas": 11, "ratio": 0},
			want: []Violation{
				{Path: "spec.ratio", Message: "must be > 0 but found 0"},
				{Path: "spec.replicas", Message: "must be <= 10 but found 11"},
			},
		},
		{
			name:   "keys needing escapes",
			reason: "keys with dots, slashes and tildes come back from the JSON pointer intact and escaped in the path",
			spec:   map[string]any{"subnet_id": "s", "a.b/c~d": "yes", "labels": map[string]any{"x/y": 1}},
			want: []Violation{
				{Path: `spec.a\.b/c~d`, Message: "expected boolean, but got string"},
				{Path: "spec.labels.x/y", Message: "expected string, but got number"},
			},
		},
		{
			name:   "typed Go collections",
			reason: "map[string]string and []map[string]any are accepted like their JSON forms",
			spec: map[string]any{"subnet_id": "", "labels": map[string]string{"team": "a"},
				"containers": []map[string]any{{"name": "a", "image": "a"}}},
			want: []Violation{{Path: "spec.subnet_id", Message: "length must be >= 1, but got 0"}},
		},
		{
			name:   "values that are not JSON",
			reason: "NaN, malformed json.Number, huge exponents and unsupported Go types are reported at their path, once",
			spec: map[string]any{"subnet_id": "s", "replicas": math.NaN(), "ratio": json.Number("1e999999999"),
				"bigNumber": json.Number("12abc"), "config": map[string]any{"ch": make(chan int)}},
			want: []Violation{
				{Path: "spec.bigNumber", Message: `invalid number "12abc"`},
				{Path: "spec.config.ch", Message: "unsupported value of Go type chan int"},
				{Path: "spec.ratio", Message: "number 1e999999999 is out of range"},
				{Path: "spec.replicas", Message: "value must be a finite number, got NaN"},
			},
		},
		{
			name:   "spec not an object",
			reason: "a spec that is a string (kratix-cli's bad-spec object) is one violation at spec",
			spec:   "just-a-string",
			want:   []Violation{{Path: "spec", Message: "expected object, but got string"}},
		},
		{
			name:   "no spec",
			reason: "a nil spec means the request has none, which this schema's top-level required forbids",
			spec:   nil,
			want:   []Violation{{Path: "spec", Message: `missing property "spec"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.ValidateSpec(tt.spec)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s\nValidateSpec() mismatch (-want +got):\n%s", tt.reason, diff)
			}
			again := s.ValidateSpec(tt.spec)
			if diff := cmp.Diff(got, again, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ValidateSpec() is not deterministic (-first +second):\n%s", diff)
			}
		})
	}
}

func TestValidateSpecDoesNotModifyInput(t *testing.T) {
	s := mustLoad(t, testCRD, "")
	spec := map[string]any{"replicas": int64(3), "containers": []any{map[string]any{"name": "a"}}}
	before := map[string]any{"replicas": int64(3), "containers": []any{map[string]any{"name": "a"}}}
	s.ValidateSpec(spec)
	if diff := cmp.Diff(before, spec); diff != "" {
		t.Errorf("ValidateSpec modified its input (-before +after):\n%s", diff)
	}
}

func TestViolationString(t *testing.T) {
	v := Violation{Path: "spec.size", Message: `value must be one of "small", "large"`}
	if got, want := v.String(), `spec.size: value must be one of "small", "large"`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestLoad(t *testing.T) {
	promise := func(api string) string {
		return "apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata: {name: db}\nspec:\n" + api
	}
	crdWith := func(versions string) string {
		return "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: things.example.com}\nspec:\n  versions:\n" + versions
	}
	oneVersion := func(name, flags string) string {
		return "  - name: " + name + "\n" + flags + "    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, required: [" + name + "]}}}}\n"
	}
	indent := func(s string) string { // nest a CRD under a Promise's spec.api
		return "  api:\n    " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n    ") + "\n"
	}

	tests := []struct {
		name        string
		reason      string
		input       string
		version     string
		wantVersion string
		wantErr     string // substring; "" means success
	}{
		{name: "crd storage version", reason: "with no version asked, the storage version wins over the first one",
			input: testCRD, wantVersion: "v1"},
		{name: "crd explicit version", reason: "an explicit version is honoured even if not the storage one",
			input: testCRD, version: "v1alpha1", wantVersion: "v1alpha1"},
		{name: "first served", reason: "with no storage version, the first served one is used",
			input: crdWith(oneVersion("v1beta1", "    served: false\n") + oneVersion("v1", "    served: true\n") + oneVersion("v2", "    served: true\n")), wantVersion: "v1"},
		{name: "promise", reason: "a Promise's spec.api holds the CRD",
			input: promise(indent(crdWith(oneVersion("v1", "    storage: true\n")))), wantVersion: "v1"},
		{name: "json", reason: "JSON is accepted as well as YAML",
			input: `{"kind":"CustomResourceDefinition","spec":{"versions":[{"name":"v3","storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}`, wantVersion: "v3"},
		{name: "multi-document", reason: "the first CRD or Promise document of a stream is used, other kinds are skipped",
			input: "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n# comment only\n---\n" + crdWith(oneVersion("v7", "    storage: true\n")) + "---\n" + crdWith(oneVersion("v8", "    storage: true\n")), wantVersion: "v7"},
		{name: "promise without api", reason: "a Promise with no spec.api has nothing to validate against",
			input: promise("  destinationSelectors: []\n"), wantErr: "promise db has no spec.api"},
		{name: "promise with a non-CRD api", reason: "spec.api must be a CRD",
			input: promise("  api: {kind: ConfigMap}\n"), wantErr: "spec.api is a ConfigMap"},
		{name: "missing version", reason: "the error lists the versions the CRD does have",
			input: crdWith(oneVersion("v1alpha1", "") + oneVersion("v1", "    storage: true\n")), version: "v2",
			wantErr: "CRD things.example.com has no version v2; it has v1alpha1, v1"},
		{name: "no usable version", reason: "neither storage nor served",
			input: crdWith(oneVersion("v1", "")), wantErr: "no version with storage: true or served: true; it has v1"},
		{name: "no versions", reason: "v1beta1-style CRDs are not supported",
			input: crdWith("    []\n"), wantErr: "has no spec.versions"},
		{name: "no schema", reason: "a version must carry an openAPIV3Schema",
			input: crdWith("  - {name: v1, storage: true}\n"), wantErr: "version v1 has no schema.openAPIV3Schema"},
		{name: "malformed yaml", reason: "a YAML syntax error is reported with the document index",
			input: "kind: CustomResourceDefinition\nspec: [unclosed\n", wantErr: "document 0: invalid YAML"},
		{name: "scalar document", reason: "a document must be a map, and the message names what it is, not what it says",
			input: "just text\n", wantErr: "want a map (a Kubernetes object), got a string"},
		{name: "no crd", reason: "the error names the kinds found instead",
			input: "kind: ConfigMap\n---\nkind: Secret\n", wantErr: "no CustomResourceDefinition or Promise found: the input holds ConfigMap, Secret"},
		{name: "empty", reason: "empty input", input: "", wantErr: "holds no document"},
		{name: "bad schema", reason: "a schema that does not compile is reported, naming the spec",
			input: crdWith("  - {name: v1, storage: true, schema: {openAPIV3Schema: {properties: {spec: {type: objekt}}}}}\n"), wantErr: "properties.spec does not compile"},
		{name: "bad pattern", reason: "an invalid regular expression fails loading, not validation",
			input: crdWith("  - {name: v1, storage: true, schema: {openAPIV3Schema: {properties: {spec: {type: string, pattern: '('}}}}}\n"), wantErr: "properties.spec does not compile"},
		{name: "ref is never fetched", reason: "$ref (forbidden in structural schemas) is dropped rather than loaded",
			input: crdWith("  - {name: v1, storage: true, schema: {openAPIV3Schema: {properties: {spec: {$ref: 'https://example.com/x.json'}}}}}\n"), wantVersion: "v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load([]byte(tt.input), tt.version)
			var got, want [2]string
			if err != nil {
				got[1] = err.Error()
				if tt.wantErr != "" && strings.Contains(got[1], tt.wantErr) {
					got[1] = tt.wantErr
				}
			} else {
				got[0] = s.Version()
			}
			want = [2]string{tt.wantVersion, tt.wantErr}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s\nLoad() [version, error] mismatch (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestLoadSelectsVersionSchema(t *testing.T) {
	s := mustLoad(t, testCRD, "v1alpha1")
	got := s.ValidateSpec(map[string]any{"subnet_id": 1})
	want := []Violation{{Path: "spec.engine", Message: `missing property "engine"`}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v1alpha1 schema should apply (-want +got):\n%s", diff)
	}
}

func TestNoSpecSchema(t *testing.T) {
	s := mustLoad(t, `{"kind":"CustomResourceDefinition","spec":{"versions":[{"name":"v1","storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}`, "")
	if got := s.ValidateSpec(map[string]any{"anything": []any{1, "x"}}); len(got) != 0 {
		t.Errorf("a CRD without properties.spec accepts any spec, got %v", got)
	}
	if got := s.ValidateSpec(nil); len(got) != 0 {
		t.Errorf("a CRD that does not require spec accepts none, got %v", got)
	}
}
