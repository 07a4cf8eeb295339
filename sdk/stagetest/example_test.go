package stagetest_test

import (
	"fmt"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/stages/replicamigration"
	"github.com/stagekit/stagekit/stages/secretforbidder"
)

// A pipeline of two prebuilt stages, each container with its own settings, as the Promise
// gives them: secret-forbidder removes the Secret (MODE=remove) and replica-migration raises
// the Deployment to 3 (MIN_REPLICAS=3). The pod's KRATIX_* variables reach both.
func ExampleContainer() {
	fx := stagetest.Fixture{
		Object: "apiVersion: example.com/v1\nkind: App\nmetadata: {name: web, namespace: default}\n",
		Env:    map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_PROMISE_NAME": "app"},
		Output: map[string]string{"app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
---
apiVersion: v1
kind: Secret
metadata: {name: web, namespace: default}
stringData: {password: hunter2}
`},
	}
	pipeline := stagetest.Chain(
		stagetest.Container{Stage: secretforbidder.Stage, Env: map[string]string{"MODE": "remove"}},
		stagetest.Container{Stage: replicamigration.Stage, Env: map[string]string{"MIN_REPLICAS": "3", "STATUS_FIELD": ""}},
	)
	files := fx.FS()
	res := pipeline.Execute(sdk.Invocation{Env: sdk.MapEnv(fx.Env), FS: files})
	out, _ := files.ReadFile("output/app.yaml")
	fmt.Printf("exit %d\n%s", res.ExitCode, out)
	// Output:
	// exit 0
	// apiVersion: apps/v1
	// kind: Deployment
	// metadata: {name: web, namespace: default}
	// spec:
	//   replicas: 3
}
