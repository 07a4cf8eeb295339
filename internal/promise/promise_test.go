package promise

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
)

func TestLoadTheVMPromise(t *testing.T) {
	p, err := Load(filepath.Join("..", "..", "examples", "vm-fleet", "promise-v2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(API{Group: "example.com", Kind: "VM", Plural: "vms", Versions: []string{"v1"}}, p.API); diff != "" {
		t.Errorf("API (-want +got):\n%s", diff)
	}
	pipes := p.Workflows[sdk.ResourceConfigure]
	if p.Name != "vm" || len(pipes) != 1 || pipes[0].Name != "instance-configure" {
		t.Fatalf("name %q, pipelines %+v", p.Name, pipes)
	}
	var names []string
	for _, c := range pipes[0].Containers {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"terraform-generate", "enforce-tags", "terraform-apply"}, names); diff != "" {
		t.Errorf("containers in order (-want +got):\n%s", diff)
	}
	apply := pipes[0].Containers[2]
	if diff := cmp.Diff([]string{"secretRef aws-creds"}, apply.EnvFrom); diff != "" || len(apply.Command) != 3 || apply.Command[0] != "/bin/sh" {
		t.Errorf("terraform-apply: envFrom %v, command %q", apply.EnvFrom, apply.Command)
	}
	if !strings.HasPrefix(p.Digest, "sha256:") || len(p.Digest) != 71 {
		t.Errorf("digest %q", p.Digest)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ reason, text, want string }{
		{"not a Promise", "kind: Deployment\nmetadata: {name: x}\n", `p.yaml:1: kind is "Deployment", want Promise`},
		{"two documents", "kind: Promise\nmetadata: {name: x}\n---\nkind: Promise\n", "p.yaml:4: a second document"},
		{"a container without an image", `kind: Promise
metadata: {name: x}
spec:
  workflows:
    resource:
      configure:
        - metadata: {name: p}
          spec:
            containers:
              - name: c
`, "p.yaml:10: spec.workflows.resource.configure[0].spec.containers[0]: a container needs a name and an image"},
		{"workflows that are not a list", "kind: Promise\nmetadata: {name: x}\nspec:\n  workflows:\n    promise:\n      configure: {}\n",
			"spec.workflows.promise.configure: want a list of Pipelines"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			if _, err := Parse("p.yaml", []byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	for _, s := range []string{"resource.configure", "promise.delete"} {
		if w, err := ParseWorkflow(s); err != nil || FlagName(w) != s {
			t.Errorf("ParseWorkflow(%q) = %v, %v", s, w, err)
		}
	}
}
