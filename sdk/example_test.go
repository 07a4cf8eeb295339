package sdk_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// kratixDir is an in-memory /kratix holding files.
func kratixDir(files map[string]string) *fsys.MemFS {
	m := fsys.NewMem()
	for name, data := range files {
		if err := m.WriteFile(name, []byte(data)); err != nil {
			panic(err)
		}
	}
	return m
}

const request = `apiVersion: marketplace.kratix.io/v1alpha1
kind: App
metadata:
  name: todo
  namespace: team-a
spec:
  image: ghcr.io/example/todo:1.4.2
  replicas: 3
  ports: [80, 443]
`

// Reading the input object: identity, typed values, errors that name file, line and path, and
// a subtree decoded into a struct.
func ExampleObject() {
	k := sdk.New(context.Background(), kratixDir(map[string]string{sdk.ObjectFile: request}), sdk.Env{}, nil)
	obj, err := k.Object()
	if err != nil {
		panic(err)
	}
	fmt.Println(obj.Namespace(), obj.Name(), obj.APIVersion(), obj.Kind())

	replicas, _ := obj.GetInt("spec.replicas")
	fmt.Println(replicas + 1)

	_, err = obj.GetString("spec.replicas")
	fmt.Println(err)

	type Spec struct {
		Image string `json:"image"`
		Ports []int  `json:"ports"`
	}
	spec, _ := yamldoc.Decode[Spec](obj.Node, "spec")
	fmt.Printf("%+v\n", spec)
	// Output:
	// team-a todo marketplace.kratix.io/v1alpha1 App
	// 4
	// input/object.yaml:8: spec.replicas: want a string, got an integer
	// {Image:ghcr.io/example/todo:1.4.2 Ports:[80 443]}
}

// Editing manifests other stages wrote: one label on every object, including List items; the
// comment stays, the untouched document keeps its bytes.
func ExampleOutput_EachManifest() {
	fs := kratixDir(map[string]string{"output/app.yaml": `apiVersion: v1
kind: Service
metadata:
  name: todo # the front door
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, labels: {team: a}}
`})
	k := sdk.New(context.Background(), fs, sdk.Env{}, nil)
	err := k.Output.EachManifest(func(m *sdk.Manifest) error {
		return m.SetLabel("team", "a")
	})
	if err != nil {
		panic(err)
	}
	out, _ := k.Output.Read("app.yaml")
	fmt.Print(string(out))
	// Output:
	// apiVersion: v1
	// kind: Service
	// metadata:
	//   name: todo # the front door
	//   labels:
	//     team: a
	// ---
	// apiVersion: v1
	// kind: ConfigMap
	// metadata: {name: cfg, labels: {team: a}}
}

// Status is merged into what earlier stages wrote; the rules of the status-writer are checked
// on the call that breaks them.
func ExampleStatus_Merge() {
	fs := kratixDir(map[string]string{sdk.StatusFile: "endpoint: https://todo.example.com # stage one\n"})
	k := sdk.New(context.Background(), fs, sdk.Env{}, nil)
	if err := k.Status.Merge(map[string]any{"message": "ready", "replicas": 3}); err != nil {
		panic(err)
	}
	fmt.Println(k.Status.Set("kratix", "mine"))
	fmt.Println(k.Status.Set("message", 42))
	// Stage.Execute commits at the end of a successful run; a tool using New commits itself.
	if err := k.Commit(); err != nil {
		panic(err)
	}
	status, _ := fs.ReadFile(sdk.StatusFile)
	fmt.Print(string(status))
	// Output:
	// metadata/status.yaml: kratix: the kratix key belongs to Kratix: the status-writer fails the pipeline if a stage sets it
	// metadata/status.yaml: message: must be a string, got an integer
	// endpoint: https://todo.example.com # stage one
	// message: ready
	// replicas: 3
}

// Destination selectors merge with an earlier stage's and are validated against the
// work-writer's rules.
func ExampleSelectors_Add() {
	fs := kratixDir(map[string]string{sdk.SelectorsFile: "- matchLabels: {environment: dev}\n"})
	k := sdk.New(context.Background(), fs, sdk.Env{}, nil)
	err := k.Selectors.Add(
		sdk.Selector{MatchLabels: map[string]string{"region": "eu"}},
		sdk.Selector{Directory: "platform", MatchLabels: map[string]string{"environment": "platform"}},
	)
	if err != nil {
		panic(err)
	}
	fmt.Println(k.Selectors.Add(sdk.Selector{Directory: "a/b", MatchLabels: map[string]string{"x": "y"}}))
	sels, _ := k.Selectors.Read()
	for _, s := range sels {
		fmt.Printf("%q %v\n", s.Directory, s.MatchLabels)
	}
	// Output:
	// metadata/destination-selectors.yaml: directory: "a/b" must be one top-level directory of /kratix/output (like platform), not a path
	// "" map[environment:dev region:eu]
	// "platform" map[environment:platform]
}

// A selectors file a shell stage wrote is read as Kratix reads it (YAML 1.1: yes is true, << merges,
// directories cleaned to one name), and an addition keeps its bytes and its meaning.
func ExampleSelectors_Read() {
	fs := kratixDir(map[string]string{sdk.SelectorsFile: "" +
		"- matchLabels: {gpu: yes}       # written by a shell stage\n" +
		"- directory: ./db/\n" +
		"  matchLabels:\n" +
		"    <<: {tier: db}\n"})
	k := sdk.New(context.Background(), fs, sdk.Env{}, nil)
	sels, _ := k.Selectors.Read()
	for _, s := range sels {
		fmt.Printf("%q %v\n", s.Directory, s.MatchLabels)
	}
	if err := k.Selectors.Add(sdk.Selector{Directory: "db", MatchLabels: map[string]string{"zone": "eu"}}); err != nil {
		panic(err)
	}
	if err := k.Commit(); err != nil { // what Stage.Execute does when Run succeeds
		panic(err)
	}
	file, _ := fs.ReadFile(sdk.SelectorsFile)
	fmt.Print(string(file))
	// Output:
	// "" map[gpu:true]
	// "db" map[tier:db]
	// - matchLabels: {gpu: yes}       # written by a shell stage
	// - directory: ./db/
	//   matchLabels:
	//     <<: {tier: db}
	//     zone: eu
}

// A whole stage executed in memory, the way sdk/stagetest runs it: settings from the
// environment, the work, one summary line, an exit code.
func ExampleStage_Execute() {
	type Config struct {
		Environment string `env:"ENVIRONMENT" default:"dev" help:"destination label"`
	}
	stage := sdk.Stage[Config]{
		Name: "hello",
		Run: func(k *sdk.Kratix, cfg *Config) error {
			obj, err := k.Object()
			if err != nil {
				return err
			}
			cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": obj.Name()},
				"data":     map[string]any{"environment": cfg.Environment}}
			if err := k.Output.WriteObject(obj.Name()+".yaml", cm); err != nil {
				return err
			}
			return k.Status.SetMessage("hello " + obj.Name())
		},
	}
	fs := kratixDir(map[string]string{sdk.ObjectFile: request})
	var logs strings.Builder
	res := stage.Execute(sdk.Invocation{
		Env:    sdk.MapEnv(map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "ENVIRONMENT": "prod"}),
		FS:     fs,
		Stderr: &logs,
	})
	fmt.Print(logs.String())
	fmt.Println("exit", res.ExitCode)
	out, _ := fs.ReadFile("output/todo.yaml")
	fmt.Print(string(out))
	// Output:
	// INFO hello: done: 1 file written in output, 1 file in metadata
	// exit 0
	// apiVersion: v1
	// data:
	//   environment: prod
	// kind: ConfigMap
	// metadata:
	//   name: todo
}

// Workflow control: retry later, validated; a stage that retries reads its attempts to give up.
func ExampleControl_RetryAfter() {
	obj := request + "status:\n  kratix:\n    workflows:\n      pipelines:\n        - {name: configure-app, attempts: 4}\n"
	fs := kratixDir(map[string]string{sdk.ObjectFile: obj})
	k := sdk.New(context.Background(), fs, sdk.Env{PipelineName: "configure-app", WorkflowType: sdk.TypeResource}, nil)
	if n, _ := k.Control.Attempts(); n >= 5 {
		fmt.Println("giving up")
		return
	}
	if err := k.Control.RetryAfter(2*time.Minute, "database not ready"); err != nil {
		panic(err)
	}
	ctl, _ := k.Control.Read()
	fmt.Println(ctl.RetryAfter, ctl.Message)
	// Output:
	// 2m0s database not ready
}
