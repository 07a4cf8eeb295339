package sdk_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Editing the output one document at a time: memory holds one document, not the file. Each
// object gets a label and a document that is not an object is dropped; what is kept for later
// is copied (strings.Clone), never the document.
func ExampleOutput_EachDocument() {
	fs := kratixDir(map[string]string{
		"output/app.yaml": `apiVersion: v1
kind: Service
metadata:
  name: todo # the front door
---
just: data
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: cfg}}
`,
		"output/notes.yaml": "# nothing but a comment\n",
	})
	k := sdk.New(context.Background(), fs, sdk.Env{}, nil)
	var names []string
	err := k.Output.EachDocument(func(d *sdk.Document) error {
		if d.NonObject() {
			fmt.Println("not an object:", d.At())
			d.Remove()
			return nil
		}
		for _, m := range d.Manifests() {
			names = append(names, strings.Clone(m.Name()))
			if err := m.SetLabel("team", "a"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	if err := k.Commit(); err != nil {
		panic(err)
	}
	fmt.Println(names)
	out, _ := k.Output.Read("app.yaml")
	fmt.Print(string(out))
	// Output:
	// not an object: output/app.yaml:6
	// [todo cfg]
	// apiVersion: v1
	// kind: Service
	// metadata:
	//   name: todo # the front door
	//   labels:
	//     team: a
	// ---
	// apiVersion: v1
	// kind: List
	// items:
	// - {apiVersion: v1, kind: ConfigMap, metadata: {name: cfg, labels: {team: a}}}
}
