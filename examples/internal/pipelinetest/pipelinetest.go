// Package pipelinetest runs an example Promise's own workflows in memory, the way Kratix runs
// them, so that the examples' tests check what the Promise files make of a request, object by
// object: every container of the workflow, in order, with its env, each image resolved to a
// stage (stagekit's and the example's), a stage of the test's own slipped in where a test needs
// one. It knows only what those checks need (configure workflows, env values, one pod per
// pipeline); what a Promise change does to the fleet is pinned by the goldens of `stagekit fleet
// diff` (internal/cli), which the examples' READMEs show.
package pipelinetest

import (
	"os"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/sdk/yamldoc"
	"github.com/stagekit/stagekit/stages/enforcetags"
	"github.com/stagekit/stagekit/stages/labelinjector"
	"github.com/stagekit/stagekit/stages/replicamigration"
	"github.com/stagekit/stagekit/stages/secretforbidder"
	"github.com/stagekit/stagekit/stages/terraformgenerate"
)

// Stages are stagekit's own stage images by repository (no tag), as the Promises name them.
var Stages = map[string]stagetest.Runner{
	"ghcr.io/stagekit/label-injector":     labelinjector.Stage,
	"ghcr.io/stagekit/secret-forbidder":   secretforbidder.Stage,
	"ghcr.io/stagekit/enforce-tags":       enforcetags.Stage,
	"ghcr.io/stagekit/replica-migration":  replicamigration.Stage,
	"ghcr.io/stagekit/terraform-generate": terraformgenerate.Stage,
}

// Promise is an example Promise file.
type Promise struct {
	File string
	Name string
	root yamldoc.Node
}

// Load reads a Promise file.
func Load(t testing.TB, file string) *Promise {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := yamldoc.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	root := f.Docs()[0].Root()
	name, err := root.GetString("metadata.name")
	if err != nil {
		t.Fatal(err)
	}
	return &Promise{File: file, Name: name, root: root}
}

// Container is one container of a Pipeline.
type Container struct {
	Pipeline, Name, Image string
	Env                   map[string]string
}

// Containers lists the containers of a configure workflow ("resource" or "promise"), pipeline
// by pipeline, in order.
func (p *Promise) Containers(t testing.TB, workflow string) []Container {
	t.Helper()
	pipelines, err := p.root.Lookup("spec.workflows." + workflow + ".configure")
	if err != nil {
		return nil
	}
	var out []Container
	for i := 0; i < pipelines.Len(); i++ {
		pl := pipelines.Item(i)
		plName, err := pl.GetString("metadata.name")
		if err != nil {
			t.Fatal(err)
		}
		cs, err := pl.Lookup("spec.containers")
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < cs.Len(); j++ {
			c := cs.Item(j)
			name, err1 := c.GetString("name")
			image, err2 := c.GetString("image")
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: container %d of pipeline %s: %v %v", p.File, j, plName, err1, err2)
			}
			env := map[string]string{}
			if envs, err := c.Lookup("env"); err == nil {
				for k := 0; k < envs.Len(); k++ {
					n, err1 := envs.Item(k).GetString("name")
					v, err2 := envs.Item(k).GetString("value")
					if err1 != nil || err2 != nil {
						t.Fatalf("%s: container %s: env %d: %v %v", p.File, name, k, err1, err2)
					}
					env[n] = v
				}
			}
			out = append(out, Container{Pipeline: plName, Name: name, Image: image, Env: env})
		}
	}
	return out
}

// Pod runs a configure workflow of the Promise: each pipeline in a fresh pod on the same input,
// each container with its env on top of the workflow's KRATIX_* variables. images resolves the
// example's own images (by repository, no tag); stagekit's are in Stages. It returns the pods,
// one per pipeline, in order.
func (p *Promise) Pod(t testing.TB, workflow, object string, images map[string]stagetest.Runner) []*stagetest.Result {
	t.Helper()
	env := p.env(t, workflow, object)
	var pods []*stagetest.Result
	var chain []stagetest.Runner
	var pipeline string
	flush := func() {
		if len(chain) == 0 {
			return
		}
		env["KRATIX_PIPELINE_NAME"] = pipeline
		pods = append(pods, stagetest.Run(t, stagetest.Chain(chain...), stagetest.Fixture{Object: object, Env: copyMap(env)}))
		chain = nil
	}
	for _, c := range p.Containers(t, workflow) {
		if c.Pipeline != pipeline {
			flush()
			pipeline = c.Pipeline
		}
		repo := repository(c.Image)
		r, ok := Stages[repo]
		if !ok {
			r, ok = images[repo]
		}
		if !ok {
			t.Fatalf("%s: container %s: no stage for image %s", p.File, c.Name, c.Image)
		}
		chain = append(chain, withEnv{r, c.Env})
	}
	flush()
	return pods
}

// env is what Kratix sets in every container of the workflow's pod (docs/contract.md,
// Environment). In a promise workflow the object is the Promise itself.
func (p *Promise) env(t testing.TB, workflow, object string) map[string]string {
	t.Helper()
	env := map[string]string{
		"KRATIX_WORKFLOW_TYPE":    workflow,
		"KRATIX_WORKFLOW_ACTION":  "configure",
		"KRATIX_PROMISE_NAME":     p.Name,
		"KRATIX_OBJECT_KIND":      "Promise",
		"KRATIX_OBJECT_GROUP":     "platform.kratix.io",
		"KRATIX_OBJECT_VERSION":   "v1alpha1",
		"KRATIX_OBJECT_NAME":      p.Name,
		"KRATIX_OBJECT_NAMESPACE": "",
		"KRATIX_CRD_PLURAL":       "promises",
		"KRATIX_CLUSTER_SCOPED":   "true",
	}
	if workflow != "resource" {
		return env
	}
	obj, err := sdk.ParseObject([]byte(object), sdk.Env{})
	if err != nil {
		t.Fatal(err)
	}
	group, version, kind := obj.GVK()
	plural, err := p.root.GetString("spec.api.spec.names.plural")
	if err != nil {
		t.Fatal(err)
	}
	env["KRATIX_OBJECT_KIND"], env["KRATIX_OBJECT_GROUP"], env["KRATIX_OBJECT_VERSION"] = kind, group, version
	env["KRATIX_OBJECT_NAME"], env["KRATIX_OBJECT_NAMESPACE"] = obj.Name(), obj.Namespace()
	env["KRATIX_CRD_PLURAL"], env["KRATIX_CLUSTER_SCOPED"] = plural, "false"
	return env
}

// withEnv runs a stage with a container's env on top of the pod's.
type withEnv struct {
	r   stagetest.Runner
	env map[string]string
}

func (w withEnv) Execute(inv sdk.Invocation) sdk.Result {
	base := inv.Env
	inv.Env = func(k string) (string, bool) {
		if v, ok := w.env[k]; ok {
			return v, true
		}
		if base == nil {
			return "", false
		}
		return base(k)
	}
	return w.r.Execute(inv)
}

func repository(image string) string {
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		return image[:i]
	}
	return image
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Requests are the documents of a requests file, each as its own YAML text.
func Requests(t testing.TB, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := yamldoc.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Docs() {
		if !d.Empty() {
			out = append(out, string(d.Source()))
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no request", file)
	}
	return out
}
