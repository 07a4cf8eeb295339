package schema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	fx "github.com/stagekit/stagekit/internal/fixtures"
)

// fixture reads one of the repository's conformance fixtures (testdata/ at the top level).
func fixture(t *testing.T, rel string) []byte {
	t.Helper()
	return fx.Read(t, rel)
}

// requestSpecs returns the spec of every object document in a YAML stream.
func requestSpecs(t *testing.T, data []byte) []any {
	t.Helper()
	docs, err := splitDocuments(data)
	if err != nil {
		t.Fatal(err)
	}
	var specs []any
	for _, d := range docs {
		specs = append(specs, d["spec"])
	}
	if len(specs) == 0 {
		t.Fatal("no request documents")
	}
	return specs
}

func TestFixtureRequestsAreValid(t *testing.T) {
	tests := []struct {
		promise  string
		requests []string
	}{
		{"kratix-examples/promise-terraform-ec2/vm.promise-with-enforce-tags.yaml", []string{
			"kratix-examples/promise-terraform-ec2/multi-requests.yaml",
			"derived/terraform-generate/inputs/vm-example-vm.in-cluster-defaulted.yaml",
		}},
		{"kratix-marketplace/promises/app-as-a-service.promise.yaml", []string{"kratix-marketplace/requests/app-as-a-service.yaml"}},
		{"kratix-marketplace/promises/mongodb-full.promise.yaml", []string{"kratix-marketplace/requests/mongodb-full.yaml"}},
		{"kratix-marketplace/promises/mongodb.promise.yaml", []string{"kratix-marketplace/requests/mongodb.yaml"}},
		{"kratix-marketplace/promises/redis.promise.yaml", []string{"kratix-marketplace/requests/redis.yaml"}},
		{"kratix-marketplace/promises/runtime.promise.yaml", []string{"kratix-marketplace/requests/runtime.yaml"}},
		{"kratix-marketplace/promises/workshop-app.promise.yaml", []string{"kratix-marketplace/requests/workshop-app-promise.yaml"}},
	}
	for _, tt := range tests {
		for _, req := range tt.requests {
			t.Run(filepath.Base(req), func(t *testing.T) {
				s, err := Load(fixture(t, tt.promise), "")
				if err != nil {
					t.Fatalf("Load(%s): %v", tt.promise, err)
				}
				for i, spec := range requestSpecs(t, fixture(t, req)) {
					if got := s.ValidateSpec(spec); len(got) != 0 {
						t.Errorf("%s document %d: a valid request has violations: %v", req, i, got)
					}
				}
			})
		}
	}
}

func TestFixturePromisesLoad(t *testing.T) {
	files := fx.Glob(t, "kratix-marketplace/promises/*.yaml")
	crds := fx.Glob(t, "kratix-marketplace/crds/*.yaml")
	for _, f := range append(files, crds...) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Load(data, ""); err != nil {
				t.Errorf("Load: %v", err)
			}
		})
	}
}

func TestFixtureViolations(t *testing.T) {
	tests := []struct {
		name, reason, schema, version string
		spec                          string // YAML, or "" to take the request file's spec
		request                       string
		want                          []Violation
	}{
		{
			name:    "kratix-cli bad spec",
			reason:  "a spec that is a plain string breaks any object schema",
			schema:  "kratix-examples/promise-terraform-ec2/vm.promise-with-enforce-tags.yaml",
			request: "kratix-cli/requests/test-object-bad-spec.yaml",
			want:    []Violation{{Path: "spec", Message: "expected object, but got string"}},
		},
		{
			name:   "ec2 wrong types",
			reason: "the VM Promise's types are enforced, including nested preserve-unknown objects",
			schema: "kratix-examples/promise-terraform-ec2/vm.promise-with-enforce-tags.yaml",
			spec:   "{subnet_id: 42, create: 'yes', eip_tags: {a: 1}, cpu_options: {anything: goes}}",
			want: []Violation{
				{Path: "spec.create", Message: "expected boolean, but got string"},
				{Path: "spec.eip_tags.a", Message: "expected string, but got number"},
				{Path: "spec.subnet_id", Message: "expected string, but got number"},
			},
		},
		{
			name:   "redis pattern",
			reason: "the Redis Promise restricts size with a pattern; the value itself is not echoed",
			schema: "kratix-marketplace/promises/redis.promise.yaml",
			spec:   "{size: huge}",
			want:   []Violation{{Path: "spec.size", Message: "does not match pattern '^(small|large)$'"}},
		},
		{
			name:   "dapr first CRD",
			reason: "a multi-document CRD file loads its first CRD (components.dapr.io); each missing field is its own violation",
			schema: "kratix-marketplace/crds/dapr-crds.yaml",
			spec:   "{}",
			want: []Violation{
				{Path: "spec.metadata", Message: `missing property "metadata"`},
				{Path: "spec.type", Message: `missing property "type"`},
				{Path: "spec.version", Message: `missing property "version"`},
			},
		},
		{
			name:   "crossplane composition required",
			reason: "the first CRD of a plain CRD file is used; required is reported at the missing field",
			schema: "kratix-marketplace/crds/crossplane-compositions-crd.yaml",
			spec:   "{mode: Pipeline}",
			want:   []Violation{{Path: "spec.compositeTypeRef", Message: `missing property "compositeTypeRef"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(fixture(t, tt.schema), tt.version)
			if err != nil {
				t.Fatal(err)
			}
			var spec any
			if tt.request != "" {
				spec = requestSpecs(t, fixture(t, tt.request))[0]
			} else {
				spec = decodeYAML(t, tt.spec)
			}
			got := s.ValidateSpec(spec)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s\nValidateSpec() mismatch (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}
