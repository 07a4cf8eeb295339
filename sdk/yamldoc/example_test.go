package yamldoc_test

import (
	"fmt"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Add a label to every manifest of a file: only the label is written; comments, quoting and
// the other documents keep their bytes.
func Example() {
	src := []byte(`# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the Service selects on this
  labels:
    app: web
spec:
  replicas: 2
---
apiVersion: v1
kind: Service
metadata: {name: web}
`)
	f, err := yamldoc.Parse("app.yaml", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range f.Docs() {
		if err := d.Root().Set(`metadata.labels["team"]`, "payments"); err != nil {
			fmt.Println(err)
			return
		}
	}
	replicas, _ := f.Docs()[0].Root().GetInt("spec.replicas")
	fmt.Println("replicas:", replicas)
	out, err := f.Bytes()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// replicas: 2
	// # Source: app/templates/deployment.yaml
	// apiVersion: apps/v1
	// kind: Deployment
	// metadata:
	//   name: web # the Service selects on this
	//   labels:
	//     app: web
	//     team: payments
	// spec:
	//   replicas: 2
	// ---
	// apiVersion: v1
	// kind: Service
	// metadata: {name: web, labels: {team: payments}}
}
