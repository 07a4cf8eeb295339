package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// label is one label every labeller of the peers table sets.
type label struct{ Key, Value string }

// benchLabels are the labels label-injector sets on a resource request of Promise app named
// my-app (its default set), and so what every peer is asked to set.
var benchLabels = []label{
	{"kratix.io/promise-name", "app"},
	{"kratix.io/resource-name", "my-app"},
	{"app.kubernetes.io/managed-by", "kratix"},
}

// podTemplatePaths are, by API group and kind, the pod templates label-injector labels with
// INCLUDE_TEMPLATES=true (its default): the check asks every peer to have labelled them too.
// CronJob's spec.jobTemplate.metadata is labelled by the stage but is not a pod template, and
// kustomize labels it as well; the check keeps to pod templates.
var podTemplatePaths = map[[2]string][]string{
	{"apps", "Deployment"}:        {"spec", "template"},
	{"extensions", "Deployment"}:  {"spec", "template"},
	{"apps", "StatefulSet"}:       {"spec", "template"},
	{"apps", "DaemonSet"}:         {"spec", "template"},
	{"extensions", "DaemonSet"}:   {"spec", "template"},
	{"apps", "ReplicaSet"}:        {"spec", "template"},
	{"extensions", "ReplicaSet"}:  {"spec", "template"},
	{"", "ReplicationController"}: {"spec", "template"},
	{"batch", "Job"}:              {"spec", "template"},
	{"batch", "CronJob"}:          {"spec", "jobTemplate", "spec", "template"},
}

// object is one Kubernetes object of a manifest file as apimachinery's YAMLOrJSONDecoder (what
// kubectl uses) reads it: the independent reader the labelling check trusts, rather than the
// SDK's parser or any peer's.
type object struct {
	File string // slash path relative to the tree
	Doc  int    // 0-based index among the file's decoded values
	Obj  map[string]any
}

// ID is apiVersion, kind, namespace and name, how kustomize and kubectl tell objects apart:
// "apps/v1 Deployment ns/web", "v1 Namespace ns".
func (o object) ID() string {
	md, _ := o.Obj["metadata"].(map[string]any)
	name := fmt.Sprint(md["name"])
	if ns, _ := md["namespace"].(string); ns != "" {
		name = ns + "/" + name
	}
	return fmt.Sprintf("%v %v %s", o.Obj["apiVersion"], o.Obj["kind"], name)
}

// decodeObjects reads every object of a manifest file: each value of the YAML or JSON stream
// that is a map with a kind, and the items of a *List (recursively), as kubectl does. Values that
// are not objects (empty documents, comments, maps without kind) are not counted.
func decodeObjects(rel string, data []byte) ([]object, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []object
	var add func(doc int, v any)
	add = func(doc int, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		kind, _ := m["kind"].(string)
		if kind == "" {
			return
		}
		if items, ok := m["items"].([]any); ok && strings.HasSuffix(kind, "List") {
			for _, it := range items {
				add(doc, it)
			}
			return
		}
		out = append(out, object{File: rel, Doc: doc, Obj: m})
	}
	for doc := 0; ; doc++ {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("%s: value %d: %w", rel, doc+1, err)
		}
		add(doc, v)
	}
}

// readObjects decodes every manifest file (.yaml, .yml, .json; not .tf.json) under dir.
func readObjects(dir string) ([]object, error) {
	files, err := manifestFilesAll(dir)
	if err != nil {
		return nil, err
	}
	var out []object
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, f)
		objs, err := decodeObjects(filepath.ToSlash(rel), b)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

// manifestFilesAll lists the files label-injector reads under dir: .yaml, .yml and .json, but
// not Terraform's .tf.json, sorted.
func manifestFilesAll(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir(), strings.HasSuffix(p, ".tf.json"):
		case strings.HasSuffix(p, ".yaml"), strings.HasSuffix(p, ".yml"), strings.HasSuffix(p, ".json"):
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// labelVerdict is what the check found in one labeller's output.
type labelVerdict struct {
	Objects   int      // objects read from the output
	Templates int      // pod templates among them
	Missing   int      // objects or pod templates lacking a label of the set (or with another value)
	Lost      int      // objects of the input with no object of the same ID in the output
	Added     int      // objects of the output with no object of the same ID in the input
	Examples  []string // the first few problems, for the error message
	// Unreadable is why the output could not be read at all (a labeller that writes a file
	// kubectl cannot read is as wrong as one that misses a label).
	Unreadable string
}

// OK is true when every object of the input is in the output and it and its pod template carry
// every label.
func (v labelVerdict) OK() bool {
	return v.Unreadable == "" && v.Missing == 0 && v.Lost == 0 && v.Added == 0 && v.Objects > 0
}

func (v labelVerdict) String() string {
	if v.OK() {
		return fmt.Sprintf("all %s objects and %s pod templates labelled", thousands(int64(v.Objects)), thousands(int64(v.Templates)))
	}
	if v.Unreadable != "" {
		return "output unreadable: " + v.Unreadable
	}
	var parts []string
	if v.Objects == 0 {
		parts = append(parts, "no object in the output")
	}
	if v.Missing > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d objects and pod templates lack a label", v.Missing, v.Objects+v.Templates))
	}
	if v.Lost > 0 {
		parts = append(parts, fmt.Sprintf("%d objects of the input missing from the output", v.Lost))
	}
	if v.Added > 0 {
		parts = append(parts, fmt.Sprintf("%d objects in the output that the input does not have", v.Added))
	}
	s := strings.Join(parts, ", ")
	if len(v.Examples) > 0 {
		s += " (e.g. " + strings.Join(v.Examples, "; ") + ")"
	}
	return s
}

// checkLabelled compares the objects a labeller was given with those it wrote: the same objects
// (by ID, as a multiset), each carrying every label of want in metadata.labels and, for the
// workloads of podTemplatePaths whose template is a map, in the template's metadata.labels.
func checkLabelled(before, after []object, want []label) labelVerdict {
	var v labelVerdict
	example := func(format string, a ...any) {
		if len(v.Examples) < 3 {
			v.Examples = append(v.Examples, fmt.Sprintf(format, a...))
		}
	}
	count := map[string]int{}
	for _, o := range before {
		count[o.ID()]++
	}
	for _, o := range after {
		v.Objects++
		if count[o.ID()] > 0 {
			count[o.ID()]--
		} else {
			v.Added++
			example("%s: %s is not in the input", o.File, o.ID())
		}
		if miss := lacks(o.Obj, want); miss != "" {
			v.Missing++
			example("%s: %s: metadata.labels lacks %s", o.File, o.ID(), miss)
		}
		api, _ := o.Obj["apiVersion"].(string)
		kind, _ := o.Obj["kind"].(string)
		group, _, found := strings.Cut(api, "/")
		if !found {
			group = ""
		}
		if path, ok := podTemplatePaths[[2]string{group, kind}]; ok {
			if tmpl, ok := lookup(o.Obj, path...).(map[string]any); ok {
				v.Templates++
				if miss := lacks(tmpl, want); miss != "" {
					v.Missing++
					example("%s: %s: %s.metadata.labels lacks %s", o.File, o.ID(), strings.Join(path, "."), miss)
				}
			}
		}
	}
	ids := make([]string, 0, len(count))
	for id, n := range count {
		if n > 0 {
			v.Lost += n
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		example("%s is missing from the output", id)
	}
	return v
}

// lacks names the first label of want that obj's metadata.labels does not carry with its value.
func lacks(obj map[string]any, want []label) string {
	labels, _ := lookup(obj, "metadata", "labels").(map[string]any)
	for _, l := range want {
		got, ok := labels[l.Key]
		if !ok {
			return l.Key
		}
		if s, _ := got.(string); s != l.Value {
			return fmt.Sprintf("%s=%s (has %v)", l.Key, l.Value, got)
		}
	}
	return ""
}

func lookup(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
