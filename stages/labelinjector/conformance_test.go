package labelinjector

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// fixturesDir is the repository's testdata/; a test fails when it is missing.
func fixturesDir(t testing.TB) string { return fixtures.Require(t) }

// readTree reads every regular file under dir, by slash path relative to it.
func readTree(t testing.TB, dir string) map[string]string { return fixtures.ReadTree(t, dir) }

var resourceEnv = map[string]string{
	"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure",
	"KRATIX_PROMISE_NAME": "app", "KRATIX_OBJECT_NAME": "todo", "KRATIX_OBJECT_NAMESPACE": "team-a",
}

var wantLabels = map[string]string{LabelPromise: "app", LabelResource: "todo", LabelManagedBy: "kratix"}

// The fields that must never change by default: selectors and volume claim templates.
var frozenPaths = []string{"spec.selector", "spec.podSelector", "spec.jobTemplate.spec.selector", "spec.volumeClaimTemplates", "spec.ingress", "spec.egress"}

// TestConformanceHelmRenders labels every Helm render of the marketplace: every object gets the
// labels, the pod templates too, and no selector, claim template or non-manifest file changes.
func TestConformanceHelmRenders(t *testing.T) {
	dir := filepath.Join(fixturesDir(t), "kratix-marketplace", "rendered")
	renders := readTree(t, dir)
	if len(renders) == 0 {
		t.Fatalf("no renders in %s", dir)
	}
	for name, src := range renders {
		t.Run(name, func(t *testing.T) {
			fx := stagetest.Fixture{Env: resourceEnv, Output: map[string]string{
				"chart/" + name:  src,
				"chart/NOTES.md": "kind: Deployment\napiVersion: apps/v1\n",
				"main.tf":        "resource \"x\" \"y\" {}\n",
			}}
			res := stagetest.Idempotent(t, Stage, fx)
			if res.ExitCode != 0 {
				t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
			}
			for _, other := range []string{"chart/NOTES.md", "main.tf"} {
				if got := res.Output(other); got != fx.Output[other] {
					t.Errorf("%s changed: -want +got:\n%s", other, cmp.Diff(fx.Output[other], got))
				}
			}
			checkLabelled(t, "chart/"+name, src, res.Output("chart/"+name))
		})
	}
}

// checkLabelled compares a file before and after: each object carries the labels, workloads'
// pod templates too, frozen fields are unchanged, and non-objects keep their bytes.
func checkLabelled(t *testing.T, name, before, after string) {
	t.Helper()
	bf, err := yamldoc.Parse(name, []byte(before))
	if err != nil {
		t.Fatalf("before: %v", err)
	}
	af, err := yamldoc.Parse(name, []byte(after))
	if err != nil {
		t.Fatalf("after: %v", err)
	}
	bdocs, adocs := bf.Docs(), af.Docs()
	if len(bdocs) != len(adocs) {
		t.Fatalf("%d documents before, %d after", len(bdocs), len(adocs))
	}
	objects := 0
	for i := range bdocs {
		b, a := bdocs[i], adocs[i]
		if b.Empty() || !isObjectNode(b.Root()) {
			if string(b.Source()) != string(a.Source()) {
				t.Errorf("document %d (not an object) changed", i)
			}
			continue
		}
		for _, pair := range objectPairs(b.Root(), a.Root()) {
			objects++
			bo, ao := pair[0], pair[1]
			at := name + ":" + strconv.Itoa(ao.Line())
			labels, _ := ao.GetStringMap("metadata.labels")
			for k, v := range wantLabels {
				if labels[k] != v {
					t.Errorf("%s: metadata.labels[%s] = %q, want %q", at, k, labels[k], v)
				}
			}
			if kindOf(ao).isWorkload() && ao.Has("spec.template") {
				tl, _ := ao.GetStringMap("spec.template.metadata.labels")
				if tl[LabelResource] != "todo" {
					t.Errorf("%s: pod template not labelled: %v", at, tl)
				}
			}
			for _, p := range frozenPaths {
				bv, _ := bo.Get(p)
				av, _ := ao.Get(p)
				if diff := cmp.Diff(bv, av); diff != "" {
					t.Errorf("%s: %s changed: -want +got:\n%s", at, p, diff)
				}
			}
		}
	}
	if objects == 0 {
		t.Errorf("%s: no object found", name)
	}
}

func isObjectNode(n yamldoc.Node) bool {
	av, _ := n.GetString("apiVersion")
	k, _ := n.GetString("kind")
	return n.Kind() == yamldoc.MapKind && av != "" && k != ""
}

// objectPairs pairs the objects of a document before and after: the document, or its *List items.
func objectPairs(b, a yamldoc.Node) [][2]yamldoc.Node {
	kind, _ := b.GetString("kind")
	if !strings.HasSuffix(kind, "List") || !b.Has("items") {
		return [][2]yamldoc.Node{{b, a}}
	}
	bi, _ := b.Lookup("items")
	ai, _ := a.Lookup("items")
	var out [][2]yamldoc.Node
	for i := 0; i < bi.Len(); i++ {
		out = append(out, [2]yamldoc.Node{bi.Item(i), ai.Item(i)})
	}
	return out
}

func kindOf(n yamldoc.Node) kindKey {
	av, _ := n.GetString("apiVersion")
	k, _ := n.GetString("kind")
	g := ""
	if i := strings.LastIndexByte(av, '/'); i >= 0 {
		g = av[:i]
	}
	return kindKey{g, k}
}

func (k kindKey) isWorkload() bool { _, ok := templateTargets[k]; return ok }

// TestConformanceWorkCreatorSample labels the work-creator's complete sample (a comment before
// the first "---", nested directories, a selector directory), keeping destination selectors.
func TestConformanceWorkCreatorSample(t *testing.T) {
	root := filepath.Join(fixturesDir(t), "kratix", "work-creator-sample-complete", "output-and-metadata")
	fx := stagetest.Fixture{Env: resourceEnv, Output: readTree(t, filepath.Join(root, "input")), Metadata: readTree(t, filepath.Join(root, "metadata"))}
	res := stagetest.Idempotent(t, Stage, fx)
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	for name, before := range fx.Output {
		checkLabelled(t, name, before, res.Output(name))
	}
	if diff := cmp.Diff(fx.Metadata, res.Files("metadata")); diff != "" {
		t.Errorf("metadata changed: -want +got:\n%s", diff)
	}
}

// TestConformanceCompoundChild runs on the workshop-app pipeline's real output: the child
// postgresql request under platform/ gets parent labels, not kratix.io/promise-name.
func TestConformanceCompoundChild(t *testing.T) {
	root := filepath.Join(fixturesDir(t), "kratix-marketplace", "pipeline-run-workshop-app")
	env := map[string]string{
		"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure",
		"KRATIX_PROMISE_NAME": "workshop-app", "KRATIX_OBJECT_NAME": "my-app", "KRATIX_OBJECT_NAMESPACE": "default",
		"COMPONENT_DIRS": "platform",
	}
	fx := stagetest.Fixture{Env: env, Output: readTree(t, filepath.Join(root, "output")), Metadata: readTree(t, filepath.Join(root, "metadata"))}
	res := stagetest.Idempotent(t, Stage, fx)
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	k := sdk.New(context.Background(), res.FS, sdk.Env{}, nil)
	got := map[string]map[string]string{}
	err := k.Output.EachManifest(func(m *sdk.Manifest) error {
		got[m.File.Name+" "+m.Kind()] = m.Labels()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	child := got["platform/postgresql.yaml postgresql"]
	want := map[string]string{LabelParentPromise: "workshop-app", LabelParentResource: "my-app", LabelParentNamespace: "default", LabelManagedBy: "kratix"}
	if diff := cmp.Diff(want, child); diff != "" {
		t.Errorf("child request labels: -want +got:\n%s", diff)
	}
	if got["deployment.yaml Deployment"][LabelPromise] != "workshop-app" {
		t.Errorf("deployment.yaml: labels %v lack %s", got["deployment.yaml Deployment"], LabelPromise)
	}
}
