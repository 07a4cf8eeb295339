package yamldoc

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const deploymentOneAnchor = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &l
    app: web # the app
spec:
  selector:
    matchLabels: *l
  template:
    metadata:
      labels: *l
`

const annotationsAlias = `metadata:
  name: a
  annotations: &ann
    team: x
    owner: yy
spec:
  template:
    metadata:
      annotations: *ann
`

// TestEditsThroughAliasesAndMergeKeys pins how edits reach values through aliases and "<<"
// merge keys: the saved document reads (as Kubernetes reads it, through apimachinery's
// decoder) as the previous value with exactly that change, with nothing expanded or dropped
// where the stage did not edit; or the save is refused with the lines involved.
func TestEditsThroughAliasesAndMergeKeys(t *testing.T) {
	cases := []struct {
		name, reason string
		src          string
		ops          []op
		want         string // the saved file; "" when only the reading is checked
		wantJSON     string // what Kubernetes reads from the saved file
		wantErr      string // the error of Bytes
	}{
		{
			name:     "delete through an alias",
			reason:   "the alias is replaced by an explicit copy without the key; the anchor and its other use stay",
			src:      annotationsAlias,
			ops:      []op{del("spec.template.metadata.annotations.team")},
			want:     "metadata:\n  name: a\n  annotations: &ann\n    team: x\n    owner: yy\nspec:\n  template:\n    metadata:\n      annotations:\n        owner: yy\n",
			wantJSON: `{"metadata":{"name":"a","annotations":{"team":"x","owner":"yy"}},"spec":{"template":{"metadata":{"annotations":{"owner":"yy"}}}}}`,
		},
		{
			name:    "delete at an anchor another place uses",
			reason:  "removing the key at the anchor would remove it from the alias's place too: refused, naming both lines",
			src:     annotationsAlias,
			ops:     []op{del("metadata.annotations.team")},
			wantErr: "f.yaml:3: the anchored value on this line is edited, but its alias at line 9 is not",
		},
		{
			name:     "delete at an anchor and at its alias",
			reason:   "every use ends up the same: the anchor is edited in place, the alias stays",
			src:      annotationsAlias,
			ops:      []op{del("metadata.annotations.team"), del("spec.template.metadata.annotations.team")},
			want:     "metadata:\n  name: a\n  annotations: &ann\n    owner: yy\nspec:\n  template:\n    metadata:\n      annotations: *ann\n",
			wantJSON: `{"metadata":{"name":"a","annotations":{"owner":"yy"}},"spec":{"template":{"metadata":{"annotations":{"owner":"yy"}}}}}`,
		},
		{
			name:    "labels and template, not the selector",
			reason:  "labelling the anchor would label the immutable selector: refused, naming the anchor and the selector's alias",
			src:     deploymentOneAnchor,
			ops:     []op{set("metadata.labels.team", "payments"), set("spec.template.metadata.labels.team", "payments")},
			wantErr: "f.yaml:5: the anchored value on this line is edited, but its alias at line 9 is not",
		},
		{
			name:     "labels, selector and template",
			reason:   "all three uses get the same labels: spliced at the anchor, aliases and comment kept",
			src:      deploymentOneAnchor,
			ops:      []op{set("metadata.labels.team", "payments"), set("spec.selector.matchLabels.team", "payments"), set("spec.template.metadata.labels.team", "payments")},
			want:     strings.Replace(deploymentOneAnchor, "    app: web # the app\n", "    app: web # the app\n    team: payments\n", 1),
			wantJSON: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web","team":"payments"}},"spec":{"selector":{"matchLabels":{"app":"web","team":"payments"}},"template":{"metadata":{"labels":{"app":"web","team":"payments"}}}}}`,
		},
		{
			name:     "template only",
			reason:   "the template's alias becomes an explicit copy with the label; the anchor and the selector are untouched",
			src:      deploymentOneAnchor,
			ops:      []op{set("spec.template.metadata.labels.team", "payments")},
			want:     strings.Replace(deploymentOneAnchor, "      labels: *l\n", "      labels:\n        app: web\n        team: payments\n", 1),
			wantJSON: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web","team":"payments"}}}}}`,
		},
		{
			name:     "same value through an alias",
			reason:   "setting what the alias already reads changes nothing",
			src:      deploymentOneAnchor,
			ops:      []op{set("spec.template.metadata.labels.app", "web")},
			want:     deploymentOneAnchor,
			wantJSON: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}}}}}`,
		},
		{
			name:     "label next to merged labels",
			reason:   "labels only a << supplies become an explicit key after it, holding the merged labels plus the new one",
			src:      "metadata: {<<: {labels: {team: payments}}, name: cm}\n",
			ops:      []op{set("metadata.labels.app", "x")},
			want:     "metadata: {<<: {labels: {team: payments}}, name: cm, labels: {team: payments, app: x}}\n",
			wantJSON: `{"metadata":{"labels":{"team":"payments","app":"x"},"name":"cm"}}`,
		},
		{
			name:     "new key in a map a top-level << supplies",
			reason:   "metadata, which the << supplies, becomes explicit with its merged name and the new label",
			src:      "base: &b\n  metadata:\n    name: from-merge\n<<: *b\nkind: ConfigMap\n",
			ops:      []op{set("metadata.labels.x", "yy")},
			want:     "base: &b\n  metadata:\n    name: from-merge\n<<: *b\nkind: ConfigMap\nmetadata:\n  name: from-merge\n  labels:\n    x: yy\n",
			wantJSON: `{"base":{"metadata":{"name":"from-merge"}},"kind":"ConfigMap","metadata":{"name":"from-merge","labels":{"x":"yy"}}}`,
		},
		{
			name:     "set a merged scalar",
			reason:   "replicas that a << supplies is overridden by an explicit key after it",
			src:      "spec: {<<: {replicas: 5}}\n",
			ops:      []op{set("spec.replicas", 2)},
			want:     "spec: {<<: {replicas: 5}, replicas: 2}\n",
			wantJSON: `{"spec":{"replicas":2}}`,
		},
		{
			name:     "delete a key an inline << supplies",
			reason:   "the key is removed from the merged map, which no other place uses",
			src:      "metadata: {<<: {labels: {a: b}, name: x}, namespace: ns1}\n",
			ops:      []op{del("metadata.name")},
			want:     "metadata: {<<: {labels: {a: b}}, namespace: ns1}\n",
			wantJSON: `{"metadata":{"labels":{"a":"b"},"namespace":"ns1"}}`,
		},
		{
			name:     "delete a key a merged alias supplies",
			reason:   "the merged alias becomes an explicit copy without the key; the anchor stays",
			src:      "base: &b {name: x, team: t}\nmetadata: {<<: *b, ns: ns1}\n",
			ops:      []op{del("metadata.team")},
			want:     "base: &b {name: x, team: t}\nmetadata: {<<: {name: x}, ns: ns1}\n",
			wantJSON: `{"base":{"name":"x","team":"t"},"metadata":{"name":"x","ns":"ns1"}}`,
		},
		{
			name:     "delete an explicit key a << also supplies",
			reason:   "deleting the explicit key would let the merged one show: both go",
			src:      "metadata:\n  <<: {team: a}\n  team: b\n  name: nn\n",
			ops:      []op{del("metadata.team")},
			wantJSON: `{"metadata":{"name":"nn"}}`,
		},
		{
			name:    "key written before an overriding <<",
			reason:  "goyaml.v2 lets a later << override an earlier key: editing the earlier key would change nothing",
			src:     "a: {x: 1, <<: {x: 2}}\n",
			ops:     []op{set("a.x", 3)},
			wantErr: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("f.yaml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			root := f.Docs()[0].Root()
			var opErr error
			for _, o := range tc.ops {
				if o.del {
					had, err := root.Delete(o.path)
					if err != nil {
						opErr = err
						break
					}
					if !had {
						t.Fatalf("%s: Delete(%s) found nothing", tc.reason, o.path)
					}
				} else if err := root.Set(o.path, o.value); err != nil {
					opErr = err
					break
				}
			}
			var out []byte
			if opErr == nil {
				out, opErr = f.Bytes()
			}
			if tc.wantErr != "" || tc.wantJSON == "" {
				if opErr == nil || !strings.HasPrefix(opErr.Error(), tc.wantErr) {
					t.Fatalf("%s: error = %v, want %q", tc.reason, opErr, tc.wantErr)
				}
				return
			}
			if opErr != nil {
				t.Fatalf("%s: %v", tc.reason, opErr)
			}
			if tc.want != "" {
				if diff := cmp.Diff(tc.want, string(out)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
				}
			}
			docs, err := kubeDocs(out)
			if err != nil || len(docs) != 1 {
				t.Fatalf("%s: the decoder reads %v, %v", tc.reason, docs, err)
			}
			want, _ := genericJSON([]byte(tc.wantJSON))
			if !sameJSON(docs[0], want) {
				got, _ := json.Marshal(docs[0])
				t.Errorf("%s: Kubernetes reads\n %s\nwant\n %s", tc.reason, got, tc.wantJSON)
			}
		})
	}
}
