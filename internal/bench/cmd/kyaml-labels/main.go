// Command kyaml-labels is the kyaml peer of `make bench`: a sigs.k8s.io/kustomize/kyaml kio
// pipeline, the library kpt's set-labels function is written with, that reads every .yaml/.yml
// file under DIR, sets the labels on every object and on the pod templates of workloads (no
// selectors), and writes the files back in place. The reader and writer are configured as kpt
// configures them (sequence indentation preserved, bare sequences wrapped). Bench-only: no stage
// imports it.
//
//	kyaml-labels DIR key=value...
//	kyaml-labels --version
package main

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/stagekit/stagekit/internal/bench/peerversion"
)

// podTemplates are the label maps of pod templates (and CronJob's job template) that get the
// labels too, by API group and kind: the ones label-injector stamps with INCLUDE_TEMPLATES=true.
var podTemplates = map[[2]string][][]string{
	{"apps", "Deployment"}:        {{"spec", "template"}},
	{"extensions", "Deployment"}:  {{"spec", "template"}},
	{"apps", "StatefulSet"}:       {{"spec", "template"}},
	{"apps", "DaemonSet"}:         {{"spec", "template"}},
	{"extensions", "DaemonSet"}:   {{"spec", "template"}},
	{"apps", "ReplicaSet"}:        {{"spec", "template"}},
	{"extensions", "ReplicaSet"}:  {{"spec", "template"}},
	{"", "ReplicationController"}: {{"spec", "template"}},
	{"batch", "Job"}:              {{"spec", "template"}},
	{"batch", "CronJob"}:          {{"spec", "jobTemplate"}, {"spec", "jobTemplate", "spec", "template"}},
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(peerversion.Of("sigs.k8s.io/kustomize/kyaml"))
		return
	}
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: kyaml-labels DIR key=value...")
		os.Exit(2)
	}
	type label struct{ key, value string }
	var labels []label
	for _, kv := range os.Args[2:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "kyaml-labels: %q is not key=value\n", kv)
			os.Exit(2)
		}
		labels = append(labels, label{k, v})
	}
	set := yaml.FilterFunc(func(obj *yaml.RNode) (*yaml.RNode, error) {
		targets := []*yaml.RNode{obj}
		group, _, _ := strings.Cut(obj.GetApiVersion(), "/")
		if !strings.Contains(obj.GetApiVersion(), "/") {
			group = ""
		}
		for _, path := range podTemplates[[2]string{group, obj.GetKind()}] {
			t, err := obj.Pipe(yaml.Lookup(path...))
			if err != nil {
				return nil, err
			}
			if t != nil && t.YNode().Kind == yaml.MappingNode {
				targets = append(targets, t)
			}
		}
		for _, t := range targets {
			for _, l := range labels {
				if err := t.PipeE(yaml.SetLabel(l.key, l.value)); err != nil {
					return nil, err
				}
			}
		}
		return obj, nil
	})
	rw := &kio.LocalPackageReadWriter{PackagePath: os.Args[1], PreserveSeqIndent: true, WrapBareSeqNode: true}
	err := kio.Pipeline{
		Inputs:  []kio.Reader{rw},
		Filters: []kio.Filter{kio.FilterAll(set)},
		Outputs: []kio.Writer{rw},
	}.Execute()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kyaml-labels:", err)
		os.Exit(1)
	}
}
