package namespacer_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/examples/helm-service/namespacer"
	"github.com/stagekit/stagekit/examples/helm-service/render"
	"github.com/stagekit/stagekit/examples/internal/pipelinetest"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

var resourceName = regexp.MustCompile(`kratix.io/resource-name: \S+`)

var images = map[string]stagetest.Runner{
	"ghcr.io/stagekit/examples-helm-render": render.Stage,
	"ghcr.io/stagekit/examples-namespacer":  namespacer.Stage,
}

// The story's lesson on the example's own Promises: v1 ships the operator and its CRDs with
// every request; v2 ships them once, from the Promise's workflow. (That each request then loses
// the operator's file and nothing else is pinned by the fleet diff golden the README shows.)
func TestOperatorAndCRDsBelongToThePromisesWorkflow(t *testing.T) {
	v1, v2 := pipelinetest.Load(t, "../promise.yaml"), pipelinetest.Load(t, "../promise-v2.yaml")
	requests := pipelinetest.Requests(t, "../requests.yaml")

	// v1: every request's output carries the same CRDs and cluster-wide objects, each copy
	// labelled as that request's: the requests' Works claim the same objects.
	var first string
	for _, req := range requests {
		pods := v1.Pod(t, "resource", req, images)
		if pods[0].ExitCode != 0 {
			t.Fatalf("v1: exit %d:\n%s", pods[0].ExitCode, pods[0].Logs)
		}
		out := pods[0].Output("cloudnative-pg.yaml")
		if strings.Count(out, "kind: CustomResourceDefinition") != 3 {
			t.Fatalf("v1: the request's output lacks the CRDs:\n%s", out)
		}
		// 13 objects and the Deployment's pod template.
		owner := resourceName.FindAllString(out, -1)
		if len(owner) != 14 || owner[0] != owner[13] {
			t.Fatalf("v1: want the operator's 13 objects and its pod template labelled as the request's, got %v", owner)
		}
		unlabelled := resourceName.ReplaceAllString(out, "")
		if first == "" {
			first = unlabelled
		} else if unlabelled != first {
			t.Errorf("v1: two requests ship different copies of the operator, beyond the request label")
		}
	}
	if len(v1.Containers(t, "promise")) != 0 {
		t.Errorf("v1 has a promise workflow: the story starts without one")
	}

	// v2: the Promise's workflow ships them once, namespaced to cnpg-system, labelled as the
	// Promise's.
	pods := v2.Pod(t, "promise", "", images)
	if len(pods) != 1 || pods[0].ExitCode != 0 {
		t.Fatalf("v2 promise workflow: %d pods:\n%s", len(pods), pods[0].Logs)
	}
	deps := pods[0].Output("cloudnative-pg.yaml")
	for _, want := range []string{"kind: CustomResourceDefinition", "kratix.io/promise-name: postgres", "namespace: cnpg-system"} {
		if !strings.Contains(deps, want) {
			t.Errorf("v2 promise workflow output lacks %q", want)
		}
	}
	if strings.Contains(deps, "licensing.example.com") {
		t.Errorf("v2 promise workflow output keeps the licence annotation")
	}

	// Without the CRDs in its output, the request's workflow takes the custom kinds as
	// namespaced, and says so.
	for _, req := range requests[:1] {
		res := v2.Pod(t, "resource", req, images)[0]
		for _, kind := range []string{"postgresql.cnpg.io/Cluster", "postgresql.cnpg.io/Pooler"} {
			if !strings.Contains(res.Logs, kind+" is not a built-in kind and no CRD in the output defines it: taken as namespaced") {
				t.Errorf("v2 request log does not say how %s was taken:\n%s", kind, res.Logs)
			}
		}
	}
}
