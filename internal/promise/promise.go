// Package promise reads what the stagekit CLI needs from a Kratix Promise: its name, the API it
// offers (the CRD in spec.api), its destination selectors, and its workflows — every Pipeline
// of resource.configure, resource.delete, promise.configure and promise.delete, in order, with
// every container in order and the fields a Promise may set on it (docs/contract.md, The pod).
package promise

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Promise is one Promise file.
type Promise struct {
	File   string         // as given on the command line
	Digest string         // sha256 of the file's bytes, so merged reports can tell Promises apart
	Name   string         // metadata.name
	API    API            // spec.api; zero when the Promise offers no API
	Object map[string]any // the whole Promise, the input of its promise workflows
	// DestinationSelectors are the matchLabels of spec.destinationSelectors.
	DestinationSelectors []map[string]string
	Workflows            map[sdk.Workflow][]Pipeline
}

// API is the resource the Promise offers.
type API struct {
	Group, Kind, Plural string
	Versions            []string
	ClusterScoped       bool
}

// Pipeline is one Pipeline of a workflow.
type Pipeline struct {
	Name       string
	Containers []Container
}

// Container is one container of a Pipeline, as written.
type Container struct {
	Name, Image   string
	Command, Args []string
	Env           []EnvVar
	// EnvFrom and VolumeMounts describe what a local run cannot provide (secretRef aws-creds,
	// /config); a container that has them runs only when skipped or given an engine and mounts.
	EnvFrom      []string
	VolumeMounts []string
	Line         int // where the container starts in the Promise file
}

// EnvVar is one env entry: a plain value, or a valueFrom (From describes it).
type EnvVar struct {
	Name, Value string
	From        string // "secretKeyRef aws-creds/key", ... ; "" for a plain value
}

// Workflows lists the four workflows a Promise may declare, in the order the flag accepts them.
var Workflows = []sdk.Workflow{sdk.ResourceConfigure, sdk.ResourceDelete, sdk.PromiseConfigure, sdk.PromiseDelete}

// FlagName is a workflow as the CLI spells it: resource.configure.
func FlagName(w sdk.Workflow) string { return w.Type + "." + w.Action }

// ParseWorkflow reads resource.configure, resource.delete, promise.configure or promise.delete.
func ParseWorkflow(s string) (sdk.Workflow, error) {
	for _, w := range Workflows {
		if FlagName(w) == s {
			return w, nil
		}
	}
	names := make([]string, len(Workflows))
	for i, w := range Workflows {
		names[i] = FlagName(w)
	}
	return sdk.Workflow{}, fmt.Errorf("unknown workflow %q: want one of %s", s, strings.Join(names, ", "))
}

// Load reads a Promise file.
func Load(file string) (*Promise, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

// Parse reads a Promise from its bytes; name is used in errors. Every problem found is reported,
// each with its line and path.
func Parse(name string, data []byte) (*Promise, error) {
	f, err := yamldoc.Parse(name, data)
	if err != nil {
		return nil, err
	}
	var root yamldoc.Node
	for _, d := range f.Docs() {
		if d.Empty() {
			continue
		}
		if root.Exists() {
			return nil, fmt.Errorf("%s:%d: a second document: a Promise file holds one Promise", name, d.Line())
		}
		root = d.Root()
	}
	if !root.Exists() {
		return nil, fmt.Errorf("%s: empty: want a Promise", name)
	}
	sum := sha256.Sum256(data)
	p := &Promise{File: name, Digest: "sha256:" + hex.EncodeToString(sum[:]), Workflows: map[sdk.Workflow][]Pipeline{}}
	var errs []error
	fail := func(err error) { errs = append(errs, err) }
	if kind, _ := root.GetString("kind"); kind != "Promise" {
		fail(fmt.Errorf("%s:%d: kind is %q, want Promise", name, root.Line(), kind))
	}
	if p.Name, err = root.GetString("metadata.name"); err != nil {
		fail(err)
	}
	obj, err := root.GetMap("")
	if err != nil {
		return nil, err
	}
	p.Object = obj
	if root.Has("spec.api") {
		p.API, err = readAPI(root)
		if err != nil {
			fail(err)
		}
	}
	if sels, err := root.Lookup("spec.destinationSelectors"); err == nil {
		for i := 0; i < sels.Len(); i++ {
			ml, err := sels.Item(i).GetMap("matchLabels")
			if err != nil {
				fail(err)
				continue
			}
			m := make(map[string]string, len(ml))
			for k, v := range ml {
				m[k] = scalar(v)
			}
			p.DestinationSelectors = append(p.DestinationSelectors, m)
		}
	}
	for _, w := range Workflows {
		path := "spec.workflows." + w.Type + "." + w.Action
		list, err := root.Lookup(path)
		if err != nil || !list.Exists() {
			continue
		}
		if list.Kind() != yamldoc.SeqKind {
			fail(fmt.Errorf("%s:%d: %s: want a list of Pipelines", name, list.Line(), path))
			continue
		}
		for i := 0; i < list.Len(); i++ {
			pl, err := readPipeline(name, list.Item(i))
			if err != nil {
				fail(err)
				continue
			}
			p.Workflows[w] = append(p.Workflows[w], pl)
		}
	}
	return p, errors.Join(errs...)
}

func readAPI(root yamldoc.Node) (API, error) {
	var a API
	var errs []error
	get := func(path string) string {
		s, err := root.GetString(path)
		if err != nil {
			errs = append(errs, err)
		}
		return s
	}
	a.Group = get("spec.api.spec.group")
	a.Kind = get("spec.api.spec.names.kind")
	a.Plural = get("spec.api.spec.names.plural")
	if scope, err := root.GetString("spec.api.spec.scope"); err == nil {
		a.ClusterScoped = scope == "Cluster"
	}
	if vs, err := root.Lookup("spec.api.spec.versions"); err == nil {
		for i := 0; i < vs.Len(); i++ {
			if v, err := vs.Item(i).GetString("name"); err == nil {
				a.Versions = append(a.Versions, v)
			}
		}
	}
	return a, errors.Join(errs...)
}

// container is the part of a Kubernetes container a Promise may set that a local run reads.
type container struct {
	Name    string   `json:"name"`
	Image   string   `json:"image"`
	Command []string `json:"command"`
	Args    []string `json:"args"`
	Env     []struct {
		Name      string         `json:"name"`
		Value     string         `json:"value"`
		ValueFrom map[string]any `json:"valueFrom"`
	} `json:"env"`
	EnvFrom      []map[string]any `json:"envFrom"`
	VolumeMounts []struct {
		MountPath string `json:"mountPath"`
	} `json:"volumeMounts"`
}

func readPipeline(file string, n yamldoc.Node) (Pipeline, error) {
	var p Pipeline
	var err error
	if p.Name, err = n.GetString("metadata.name"); err != nil {
		return p, err
	}
	list, err := n.Lookup("spec.containers")
	if err != nil {
		return p, err
	}
	var errs []error
	for i := 0; i < list.Len(); i++ {
		item := list.Item(i)
		c, err := yamldoc.Decode[container](item, "")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		at := fmt.Sprintf("%s:%d: %s", file, item.Line(), item.Path())
		if c.Name == "" || c.Image == "" {
			errs = append(errs, fmt.Errorf("%s: a container needs a name and an image", at))
			continue
		}
		out := Container{Name: c.Name, Image: c.Image, Command: c.Command, Args: c.Args, Line: item.Line()}
		for _, e := range c.Env {
			ev := EnvVar{Name: e.Name, Value: e.Value}
			if e.ValueFrom != nil {
				ev.From = describeSource(e.ValueFrom)
			}
			out.Env = append(out.Env, ev)
		}
		for _, ef := range c.EnvFrom {
			out.EnvFrom = append(out.EnvFrom, describeSource(ef))
		}
		for _, vm := range c.VolumeMounts {
			out.VolumeMounts = append(out.VolumeMounts, vm.MountPath)
		}
		p.Containers = append(p.Containers, out)
	}
	return p, errors.Join(errs...)
}

// describeSource names where a valueFrom or envFrom reads: "secretKeyRef aws-creds/password".
func describeSource(m map[string]any) string {
	var parts []string
	for _, kind := range []string{"secretKeyRef", "configMapKeyRef", "secretRef", "configMapRef", "fieldRef", "resourceFieldRef"} {
		ref, ok := m[kind].(map[string]any)
		if !ok {
			continue
		}
		what := scalar(ref["name"])
		if k := scalar(ref["key"]); k != "" {
			what += "/" + k
		}
		if fp := scalar(ref["fieldPath"]); fp != "" {
			what = fp
		}
		if r := scalar(ref["resource"]); r != "" {
			what = r
		}
		parts = append(parts, kind+" "+what)
	}
	if len(parts) == 0 {
		return "an unknown source"
	}
	return strings.Join(parts, ", ")
}

func scalar(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// Serves reports whether an object is a request of the Promise's API: its group and kind.
func (p *Promise) Serves(obj map[string]any) bool {
	av, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	group, _, _ := strings.Cut(av, "/")
	return p.API.Kind != "" && kind == p.API.Kind && group == p.API.Group && strings.Contains(av, "/")
}
