package sdk

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

const requestYAML = `apiVersion: marketplace.kratix.io/v1alpha1
kind: App
metadata:
  name: todo
  namespace: team-a
spec:
  image: ghcr.io/example/todo:1.4.2
  replicas: 9007199254740993
  ratio: 0.25
  public: true
  ports: [80, 443]
  labels:
    team: a
    tier: web
  size: 3
status:
  message: Pending
  kratix:
    workflows:
      pipelines:
        - name: other
          attempts: 7
        - name: instance-configure
          attempts: 2
`

const promiseYAML = `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: app
spec:
  api:
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: apps.marketplace.kratix.io
`

func TestObjectIdentity(t *testing.T) {
	type ident struct {
		Name, Namespace, Kind, Group, Version, APIVersion string
		Promise                                           bool
	}
	tests := []struct {
		reason string
		object string
		env    map[string]string
		want   ident
	}{
		{
			reason: "outside Kratix everything comes from the file",
			object: requestYAML,
			want:   ident{"todo", "team-a", "App", "marketplace.kratix.io", "v1alpha1", "marketplace.kratix.io/v1alpha1", false},
		},
		{
			reason: "the KRATIX_OBJECT_* variables win over the file",
			object: requestYAML,
			env: map[string]string{"KRATIX_OBJECT_NAME": "env-name", "KRATIX_OBJECT_NAMESPACE": "env-ns", "KRATIX_OBJECT_KIND": "EnvKind",
				"KRATIX_OBJECT_GROUP": "env.group", "KRATIX_OBJECT_VERSION": "v9"},
			want: ident{"env-name", "env-ns", "EnvKind", "env.group", "v9", "env.group/v9", false},
		},
		{
			reason: "a core-group object has no group",
			object: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
			want:   ident{"cm", "", "ConfigMap", "", "v1", "v1", false},
		},
		{
			reason: "a Promise: set-but-empty KRATIX_OBJECT_NAMESPACE falls back to the file's (none)",
			object: promiseYAML,
			env: map[string]string{"KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_OBJECT_NAMESPACE": "",
				"KRATIX_OBJECT_KIND": "Promise", "KRATIX_OBJECT_GROUP": "platform.kratix.io", "KRATIX_OBJECT_VERSION": "v1alpha1", "KRATIX_OBJECT_NAME": "app"},
			want: ident{"app", "", "Promise", "platform.kratix.io", "v1alpha1", "platform.kratix.io/v1alpha1", true},
		},
		{
			reason: "a core-group object named by the environment (KRATIX_OBJECT_GROUP empty) has no group either",
			object: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
			env:    map[string]string{"KRATIX_OBJECT_GROUP": "", "KRATIX_OBJECT_VERSION": "v1", "KRATIX_OBJECT_KIND": "ConfigMap"},
			want:   ident{"cm", "", "ConfigMap", "", "v1", "v1", false},
		},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			k := kratixOn(t, pod(t, map[string]string{ObjectFile: tc.object}), tc.env)
			o, err := k.Object()
			if err != nil {
				t.Fatal(err)
			}
			g, v, kind := o.GVK()
			got := ident{o.Name(), o.Namespace(), o.Kind(), g, v, o.APIVersion(), o.IsPromise()}
			if kind != got.Kind {
				t.Errorf("GVK kind %q != Kind() %q", kind, got.Kind)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestObjectGetters(t *testing.T) {
	o, err := ParseObject([]byte(requestYAML), Env{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		reason  string
		get     func() (any, error)
		want    any
		wantErr string
	}{
		{"a string", func() (any, error) { return o.GetString("spec.image") }, "ghcr.io/example/todo:1.4.2", ""},
		{"an integer beyond 2^53 stays exact as int64", func() (any, error) { return o.GetInt("spec.replicas") }, int64(9007199254740993), ""},
		{"a float", func() (any, error) { return o.GetFloat("spec.ratio") }, 0.25, ""},
		{"a bool", func() (any, error) { return o.GetBool("spec.public") }, true, ""},
		{"a list keeps integers as int64", func() (any, error) { return o.GetList("spec.ports") }, []any{int64(80), int64(443)}, ""},
		{"a map of strings", func() (any, error) { return o.GetStringMap("spec.labels") }, map[string]string{"team": "a", "tier": "web"}, ""},
		{"a map", func() (any, error) { return o.GetMap("spec.labels") }, map[string]any{"team": "a", "tier": "web"}, ""},
		{"an indexed path", func() (any, error) { return o.GetInt("status.kratix.workflows.pipelines[1].attempts") }, int64(2), ""},
		{"a missing field names the path and the line of the nearest parent", func() (any, error) { return o.GetString("spec.missing") }, "",
			"input/object.yaml:6: spec.missing: not found"},
		{"an integer read as a string names path, expected type and line", func() (any, error) { return o.GetString("spec.size") }, "",
			"input/object.yaml:15: spec.size: want a string, got an integer"},
		{"a string read as an integer", func() (any, error) { return o.GetInt("spec.image") }, int64(0),
			`input/object.yaml:7: spec.image: want an integer, got a string`},
		{"a float read as an integer", func() (any, error) { return o.GetInt("spec.ratio") }, int64(0),
			`input/object.yaml:9: spec.ratio: want an integer, got a float`},
		{"a map read as a list, named on its key's line", func() (any, error) { return o.GetList("spec.labels") }, []any(nil),
			`input/object.yaml:12: spec.labels: want a list, got a map`},
		{"a list read as a map", func() (any, error) { return o.GetMap("spec.ports") }, map[string]any(nil),
			`input/object.yaml:11: spec.ports: want a map, got a list`},
		{"a string read as a bool", func() (any, error) { return o.GetBool("spec.image") }, false,
			`input/object.yaml:7: spec.image: want a boolean, got a string`},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			got, err := tc.get()
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestObjectDecode(t *testing.T) {
	type spec struct {
		Image    string            `json:"image"`
		Replicas int64             `json:"replicas"`
		Ports    []int             `json:"ports"`
		Labels   map[string]string `json:"labels"`
	}
	o, err := ParseObject([]byte(requestYAML), Env{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := yamldoc.Decode[spec](o.Node, "spec")
	if err != nil {
		t.Fatal(err)
	}
	want := spec{Image: "ghcr.io/example/todo:1.4.2", Replicas: 9007199254740993, Ports: []int{80, 443}, Labels: map[string]string{"team": "a", "tier": "web"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	type bad struct {
		Image int `json:"image"`
	}
	if _, err := yamldoc.Decode[bad](o.Node, "spec"); err == nil {
		t.Errorf("decoding a string into an int: no error")
	} else {
		t.Logf("decode error: %v", err)
	}
}

func TestObjectCRD(t *testing.T) {
	p, err := ParseObject([]byte(promiseYAML), Env{})
	if err != nil {
		t.Fatal(err)
	}
	crd, err := p.CRD()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := crd.GetString("metadata.name"); got != "apps.marketplace.kratix.io" {
		t.Errorf("CRD name = %q", got)
	}
	r, err := ParseObject([]byte(requestYAML), Env{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.CRD()
	want := "input/object.yaml: the input is a App, not a Promise: only a Promise has a CRD in spec.api"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("CRD of a request: -want +got:\n%s", diff)
	}
	noAPI, _ := ParseObject([]byte("apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata:\n  name: x\nspec: {}\n"), Env{})
	if _, err := noAPI.CRD(); err == nil {
		t.Errorf("a Promise without spec.api: no error")
	} else {
		t.Logf("no spec.api: %v", err)
	}
}

func TestObjectBadFiles(t *testing.T) {
	tests := []struct {
		reason string
		files  map[string]string
		want   string
	}{
		{"a missing object.yaml says where the input is expected", nil,
			"input/object.yaml: not found: a stage reads its input from /kratix/input/object.yaml (outside Kratix, point --kratix-dir or KRATIX_DIR at a directory holding input/object.yaml)"},
		{"an empty object.yaml", map[string]string{ObjectFile: ""}, "input/object.yaml:1: is empty: no object to read"},
		{"a comment-only object.yaml is empty", map[string]string{ObjectFile: "# nothing\n"}, "input/object.yaml:1: is empty: no object to read"},
		{"malformed YAML names file and line", map[string]string{ObjectFile: "apiVersion: v1\nkind: App\n  metadata: {}\n"}, "input/object.yaml:3: mapping values are not allowed in this context"},
		{"an unclosed quote names file and line", map[string]string{ObjectFile: "apiVersion: v1\nkind: \"App\nmetadata: {}\n"}, "input/object.yaml:2: found unexpected end of stream"},
		{"a list is not an object", map[string]string{ObjectFile: "- a\n- b\n"}, "input/object.yaml:1: is not an object (a YAML map), it is a list"},
		{"two documents", map[string]string{ObjectFile: "kind: A\n---\nkind: B\n"}, "input/object.yaml:3: holds more than one document; the input is a single object"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			m := pod(t, tc.files)
			k := kratixOn(t, m, nil)
			_, err := k.Object()
			got := errText(err)
			if len(got) > len(tc.want) && tc.want[len(tc.want)-2:] == ": " {
				got = got[:len(tc.want)]
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s\n(full: %v)", diff, err)
			}
			if _, err2 := k.Object(); errText(err2) != errText(err) {
				t.Errorf("second call: %v, first %v", err2, err)
			}
		})
	}
}
