package mongodb_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/examples/mongodb-fleet/mongodb"
	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/schema"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/sdk/yamldoc"
	"github.com/stagekit/stagekit/stages/labelinjector"
	"github.com/stagekit/stagekit/stages/secretforbidder"
)

const v1 = "4=4.4.23,5=5.0.14,6=6.0.10"

func request(name, namespace string, major any) string {
	return fmt.Sprintf("apiVersion: databases.example.com/v1\nkind: MongoDB\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  majorVersion: %v\n", name, namespace, major)
}

func TestWritesTheOperatorsResourceAtTheMappedVersion(t *testing.T) {
	res := stagetest.Idempotent(t, mongodb.Stage, stagetest.Fixture{
		Object: request("mongo-v5", "catalog", 5),
		Env:    map[string]string{"VERSIONS": v1},
	})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	want := `apiVersion: mongodbcommunity.mongodb.com/v1
kind: MongoDBCommunity
metadata:
  name: mongo-v5
  namespace: catalog
spec:
  additionalMongodConfig:
    storage.wiredTiger.engineConfig.journalCompressor: zlib
  members: 3
  security:
    authentication:
      modes:
      - SCRAM
  type: ReplicaSet
  users:
  - db: admin
    name: admin
    passwordSecretRef:
      name: mongo-v5-admin-password
    roles:
    - db: admin
      name: clusterAdmin
    - db: admin
      name: userAdminAnyDatabase
    - db: admin
      name: readWriteAnyDatabase
    scramCredentialsSecretName: mongo-v5-admin-scram
  version: "5.0.14"
`
	if diff := cmp.Diff(want, res.Output("mongodb_catalog_mongo-v5.yaml")); diff != "" {
		t.Errorf("output: -want +got:\n%s", diff)
	}
	wantStatus := map[string]any{"message": "mongodb version: 5.0.14", "version": "5.0.14", "passwordSecret": "mongo-v5-admin-password"}
	if diff := cmp.Diff(wantStatus, res.Status()); diff != "" {
		t.Errorf("status: -want +got:\n%s", diff)
	}
	if !strings.Contains(res.Logs, "INFO mongodb-configure: output/mongodb_catalog_mongo-v5.yaml: spec.version: MongoDB 5 is 5.0.14") {
		t.Errorf("the log does not say which version was chosen:\n%s", res.Logs)
	}
}

// The resource must be one the MongoDB community operator accepts: its spec validates against
// the operator's own CRD (the kratix-marketplace render of its chart), and every field written
// is declared there, so the API server prunes nothing.
func TestTheOperatorsCRDAcceptsTheResource(t *testing.T) {
	crd := fixtures.Read(t, "kratix-marketplace/rendered/mongodb-operator-helm.yaml")
	s, err := schema.Load(crd, "v1")
	if err != nil {
		t.Fatal(err)
	}
	for _, major := range []int{4, 5, 6} {
		res := stagetest.Run(t, mongodb.Stage, stagetest.Fixture{Object: request("db", "team-a", major), Env: map[string]string{"VERSIONS": v1}})
		if res.ExitCode != 0 {
			t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
		}
		f, err := yamldoc.Parse("out.yaml", []byte(res.Output("mongodb_team-a_db.yaml")))
		if err != nil {
			t.Fatal(err)
		}
		spec, err := f.Docs()[0].Root().GetMap("spec")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range s.ValidateSpec(spec) {
			t.Errorf("MongoDB %d: %s", major, v)
		}
		crdSpec := crdSchema(t, crd)
		for _, p := range undeclared(crdSpec, spec, "spec") {
			t.Errorf("MongoDB %d: %s is not declared by the operator's CRD: the API server would prune it", major, p)
		}
	}
}

// crdSchema is the openAPIV3Schema of spec in the render's CRD.
func crdSchema(t *testing.T, render []byte) map[string]any {
	t.Helper()
	f, err := yamldoc.Parse("render.yaml", render)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Docs() {
		if k, _ := d.Root().GetString("kind"); k == "CustomResourceDefinition" {
			m, err := d.Root().GetMap("spec.versions[0].schema.openAPIV3Schema.properties.spec")
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatal("no CRD in the render")
	return nil
}

// undeclared lists the paths of value that the structural schema s does not declare.
func undeclared(s map[string]any, value any, path string) []string {
	if s["x-kubernetes-preserve-unknown-fields"] == true {
		return nil
	}
	var out []string
	switch v := value.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		extra, _ := s["additionalProperties"].(map[string]any)
		for k, child := range v {
			switch {
			case props[k] != nil:
				out = append(out, undeclared(props[k].(map[string]any), child, path+"."+k)...)
			case extra != nil:
				out = append(out, undeclared(extra, child, path+"."+k)...)
			default:
				out = append(out, path+"."+k)
			}
		}
	case []any:
		items, _ := s["items"].(map[string]any)
		for i, child := range v {
			out = append(out, undeclared(items, child, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

func TestProblemsAreNamed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    map[string]string
		object string
		exit   int
		errors []string
		reason string
	}{
		{"major not offered", map[string]string{"VERSIONS": "5=5.0.14,6=6.0.10"}, request("old", "a", 4), sdk.ExitRuleBroken,
			[]string{"input/object.yaml:7: spec.majorVersion: MongoDB 4 is not offered: VERSIONS maps 5 → 5.0.14, 6 → 6.0.10"},
			"a Promise that drops a major its API still offers must stop the request's pipeline, not write a guess"},
		{"major not a number", map[string]string{"VERSIONS": v1}, request("odd", "a", `"five"`), sdk.ExitRuleBroken,
			[]string{"input/object.yaml:7: spec.majorVersion: want an integer, got a string"},
			"the request is read as Kubernetes wrote it; a string is not a version"},
		{"no major", map[string]string{"VERSIONS": v1}, "apiVersion: databases.example.com/v1\nkind: MongoDB\nmetadata:\n  name: x\n  namespace: a\nspec: {}\n", sdk.ExitRuleBroken,
			[]string{"input/object.yaml:6: spec.majorVersion: not found"},
			"the Promise's API requires it; a request without it is not one the API server admitted"},
		{"versions malformed", map[string]string{"VERSIONS": "4=4.4,five=5.0.14,6=5.0.10"}, request("x", "a", 6), sdk.ExitMisconfigured,
			[]string{`VERSIONS (--versions): 4="4.4" is not an exact version (such as 4.0.10); 6=5.0.10 maps MongoDB 6 to a 5.x version; "five" is not a major version (a number such as 6)`},
			"every bad entry of the setting, in one run"},
		{"versions and members malformed", map[string]string{"VERSIONS": "4=4.4", "MEMBERS": "0"}, request("x", "a", 6), sdk.ExitMisconfigured,
			[]string{`VERSIONS (--versions): 4="4.4" is not an exact version (such as 4.0.10)`,
				"MEMBERS (--members): 0: a replica set needs at least one member"},
			"every setting's problems, in one run, before the request is read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := stagetest.Run(t, mongodb.Stage, stagetest.Fixture{Object: tc.object, Env: tc.env})
			if res.ExitCode != tc.exit {
				t.Errorf("exit %d, want %d (%s):\n%s", res.ExitCode, tc.exit, tc.reason, res.Logs)
			}
			if diff := cmp.Diff(tc.errors, res.Errors()); diff != "" {
				t.Errorf("errors: -want +got (%s):\n%s", tc.reason, diff)
			}
			if out := res.Files("output"); len(out) != 0 {
				t.Errorf("wrote %v on failure", out)
			}
		})
	}
}

// The stage in the pipeline it runs in: label-injector and secret-forbidder after it, as the
// Promise lists them. Twice: the second run changes nothing.
func TestInThePromisesPipeline(t *testing.T) {
	res := stagetest.Idempotent(t, stagetest.Chain(mongodb.Stage, labelinjector.Stage, secretforbidder.Stage), stagetest.Fixture{
		Object: request("mongo-v4", "orders", 4),
		Env: map[string]string{
			"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure",
			"KRATIX_PROMISE_NAME": "mongodb", "VERSIONS": v1,
		},
	})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	f, err := yamldoc.Parse("out.yaml", []byte(res.Output("mongodb_orders_mongo-v4.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	labels, err := f.Docs()[0].Root().GetStringMap("metadata.labels")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"kratix.io/promise-name": "mongodb", "kratix.io/resource-name": "mongo-v4", "app.kubernetes.io/managed-by": "kratix"}
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("labels: -want +got:\n%s", diff)
	}
}
