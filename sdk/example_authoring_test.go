package sdk_test

import (
	"context"
	"fmt"

	"github.com/stagekit/stagekit/sdk"
)

// Optional fields of a request read with a default, the way the API server reads them: missing
// or null is not set. A message about a field names the line to fix: the field's, or for one
// that is missing, its parent's key.
func ExampleObject_AtPath() {
	k := sdk.New(context.Background(), kratixDir(map[string]string{sdk.ObjectFile: `apiVersion: example.com/v1
kind: Database
metadata:
  name: orders
spec:
  size: null
  engine: postgres
`}), sdk.Env{}, nil)
	obj, err := k.Object()
	if err != nil {
		panic(err)
	}
	size, _ := obj.GetIntOr("spec.size", 10)
	backups, _ := obj.GetBoolOr("spec.backups.enabled", true)
	fmt.Println(size, backups)
	if _, err := obj.GetString("spec.version"); err != nil {
		fmt.Println(sdk.Errorf(obj.AtPath("spec.version"), "required: the %s major version", "postgres"))
	}
	// Output:
	// 10 true
	// input/object.yaml:5: spec.version: required: the postgres major version
}

// A post-processor on a Helm render: namespaced objects without a namespace get the request's,
// cluster-scoped ones (a ClusterRole, a kind whose CRD in the output says scope: Cluster) are
// left alone, and Helm's hook annotation is dropped.
func ExampleManifest_Scope() {
	k := sdk.New(context.Background(), kratixDir(map[string]string{"output/render.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: manager
  annotations: {helm.sh/hook: pre-install}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: manager
  annotations:
    helm.sh/hook: pre-install
    team: payments
`}), sdk.Env{}, nil)
	scopes, err := k.Output.Scopes()
	if err != nil {
		panic(err)
	}
	err = k.Output.EachManifest(func(m *sdk.Manifest) error {
		if _, err := m.DeleteAnnotation("helm.sh/hook"); err != nil {
			return err
		}
		if m.Scope(scopes) != sdk.Namespaced || m.Namespace() != "" {
			return nil
		}
		return m.Set("metadata.namespace", "team-a")
	})
	if err != nil {
		panic(err)
	}
	out, _ := k.Output.Read("render.yaml")
	fmt.Print(string(out))
	// Output:
	// apiVersion: rbac.authorization.k8s.io/v1
	// kind: ClusterRole
	// metadata:
	//   name: manager
	//   annotations: {}
	// ---
	// apiVersion: v1
	// kind: ServiceAccount
	// metadata:
	//   name: manager
	//   annotations:
	//     team: payments
	//   namespace: team-a
}
