package yamldoc_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"

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

// Read a manifest stream one document at a time, label each object and write it out as soon
// as the next one is read: memory holds one document, not the file. JSON values that follow
// one another are documents too, as kubectl reads them.
func ExampleStream() {
	in := strings.NewReader(`{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "labels": {"enabled": "yes"}}}
`)
	var out bytes.Buffer
	s := yamldoc.NewStream("output/all.json", in, &out)
	for {
		d, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := d.Root().Set(`metadata.labels["team"]`, "payments"); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := s.Close(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out.String())
	// Output:
	// {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"team": "payments"}}}
	// {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "labels": {"enabled": "yes", "team": "payments"}}}
}

// Values are read as Kubernetes reads them: YAML 1.1's yes is a boolean, a "<<" merge key
// supplies keys, and an integral float is an integer.
func ExampleNode_GetBool() {
	f, err := yamldoc.Parse("object.yaml", []byte(`defaults: &d {replicas: 3.0}
spec:
  <<: *d
  enabled: yes
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	root := f.Docs()[0].Root()
	enabled, _ := root.GetBool("spec.enabled")
	replicas, _ := root.GetInt("spec.replicas")
	fmt.Println(enabled, replicas)
	// Output: true 3
}

// Optional fields take a default when they are missing or null, as the API server reads them: it
// replaces a null in a custom resource with the field's default. A value of the wrong type is
// still an error, naming the file, line and path (never the value: it may be a Secret's).
func ExampleNode_GetIntOr() {
	f, err := yamldoc.Parse("input/object.yaml", []byte(`apiVersion: example.com/v1
kind: App
metadata:
  name: todo
spec:
  size: null
  replicas: 3
  port: http
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	obj := f.Docs()[0].Root()
	size, _ := obj.GetIntOr("spec.size", 10)          // null: the default
	replicas, _ := obj.GetIntOr("spec.replicas", 1)   // written: the value
	region, _ := obj.GetStringOr("spec.region", "eu") // missing: the default
	fmt.Println(size, replicas, region)
	_, err = obj.GetIntOr("spec.port", 8080)
	fmt.Println(err)
	_, err = obj.GetInt("spec.size") // a required field: null is not a value
	fmt.Println(err)
	fmt.Println(obj.LineOf("spec.database.name")) // where a message about a missing field points: spec:
	// Output:
	// 10 3 eu
	// input/object.yaml:8: spec.port: want an integer, got a string
	// input/object.yaml:6: spec.size: want an integer, got null
	// 5
}

// Entries walks a map once, each key with its value, merged keys included.
func ExampleNode_Entries() {
	f, err := yamldoc.Parse("object.yaml", []byte("defaults: &d {size: small}\nspec:\n  <<: *d\n  name: db\n"))
	if err != nil {
		panic(err)
	}
	spec, _ := f.Docs()[0].Root().Lookup("spec")
	for key, v := range spec.Entries() {
		s, _ := v.GetString("")
		fmt.Printf("%s (%s) = %s\n", key, v.Path(), s)
	}
	// Output:
	// size (spec.size) = small
	// name (spec.name) = db
}
