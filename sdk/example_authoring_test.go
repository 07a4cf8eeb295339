package sdk_test

import (
	"context"
	"errors"
	"fmt"
	"os"

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

// A directory a setting names for a selector is read as the work-writer reads it.
func ExampleComponentDirectory() {
	for _, dir := range []string{"./platform/", "platform//", "platform/db", "."} {
		name, err := sdk.ComponentDirectory(dir)
		fmt.Printf("%q: %q %v\n", dir, name, err)
	}
	// Output:
	// "./platform/": "platform" <nil>
	// "platform//": "platform" <nil>
	// "platform/db": "" "platform/db" must be one top-level directory of /kratix/output (like platform), not a path
	// ".": "" "." names no directory (it is the default group): give one top-level directory of /kratix/output, like platform
}

// replicaConfig checks what its tags cannot say: Stage.Execute calls Check before Run.
type replicaConfig struct {
	MinReplicas int    `env:"MIN_REPLICAS" default:"2" help:"lowest replica count a workload may have"`
	StatusField string `env:"STATUS_FIELD" default:"replicas" help:"status key that receives the count"`
}

func (cfg *replicaConfig) Check(env sdk.Env) error {
	var problems []error
	if cfg.MinReplicas < 1 {
		problems = append(problems, sdk.SettingErrorf("MIN_REPLICAS", "%d is below 1", cfg.MinReplicas))
	}
	if cfg.StatusField == "message" {
		problems = append(problems, sdk.SettingErrorf("STATUS_FIELD", "message is Kratix's; pick another key"))
	}
	return errors.Join(problems...)
}

// Every problem of the settings at once, each naming its variable and flag; the run exits 2
// before Run is called.
func ExampleConfigChecker() {
	stage := sdk.Stage[replicaConfig]{Name: "raise", Run: func(*sdk.Kratix, *replicaConfig) error { panic("not reached") }}
	res := stage.Execute(sdk.Invocation{
		Args:   []string{"--min-replicas", "0", "--status-field", "message"},
		Env:    sdk.MapEnv(map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure"}),
		FS:     kratixDir(nil),
		Stderr: os.Stdout,
	})
	fmt.Println("exit", res.ExitCode)
	// Output:
	// ERROR raise: MIN_REPLICAS (--min-replicas): 0 is below 1
	// ERROR raise: STATUS_FIELD (--status-field): message is Kratix's; pick another key
	// ERROR raise: failed: misconfigured (exit 2); run with --help to list the settings
	// exit 2
}
