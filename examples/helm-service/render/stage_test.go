package render_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/examples/helm-service/render"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

const request = "apiVersion: databases.example.com/v1\nkind: Postgres\nmetadata:\n  name: orders-db\n  namespace: orders\nspec:\n  instances: 3\n"

func names(files map[string]string) []string {
	var out []string
	for n := range files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestRendersTheChartsThePromiseAsksFor(t *testing.T) {
	for _, tc := range []struct {
		charts, workflow string
		want             []string
		reason           string
	}{
		{"cloudnative-pg,cluster", "resource", []string{"cloudnative-pg.yaml", "cluster_orders_orders-db.yaml"}, "v1: everything in every request"},
		{"cluster", "resource", []string{"cluster_orders_orders-db.yaml"}, "v2's request: its database only"},
		{"cloudnative-pg", "promise", []string{"cloudnative-pg.yaml"}, "v2's promise workflow: the operator once"},
	} {
		res := stagetest.Idempotent(t, render.Stage, stagetest.Fixture{
			Object: request,
			Env:    map[string]string{"CHARTS": tc.charts, "KRATIX_WORKFLOW_TYPE": tc.workflow, "KRATIX_WORKFLOW_ACTION": "configure"},
		})
		if res.ExitCode != 0 {
			t.Fatalf("%s: exit %d:\n%s", tc.charts, res.ExitCode, res.Logs)
		}
		want := append([]string(nil), tc.want...)
		sort.Strings(want)
		if diff := cmp.Diff(want, names(res.Files("output"))); diff != "" {
			t.Errorf("CHARTS=%s in a %s workflow (%s): -want +got:\n%s", tc.charts, tc.workflow, tc.reason, diff)
		}
	}
}

func TestTheClusterChartIsRenderedForTheRequest(t *testing.T) {
	res := stagetest.Run(t, render.Stage, stagetest.Fixture{Object: request, Env: map[string]string{"CHARTS": "cluster"}})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	out := res.Output("cluster_orders_orders-db.yaml")
	for _, want := range []string{"  name: orders-db\n", "  name: orders-db-rw\n", "    name: orders-db\n", "  instances: 3\n", "# Source: cluster/templates/cluster.yaml\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("the render lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "RELEASE-NAME") {
		t.Errorf("the release name placeholder is left:\n%s", out)
	}
	// The pooler keeps its own instance count: only the Cluster's is the request's.
	if strings.Count(out, "  instances: 3\n") != 1 {
		t.Errorf("instances set on more than the Cluster:\n%s", out)
	}
}

func TestWithoutInstancesTheChartDefaultStays(t *testing.T) {
	obj := "apiVersion: databases.example.com/v1\nkind: Postgres\nmetadata:\n  name: reviews-db\n  namespace: reviews\nspec: {}\n"
	res := stagetest.Run(t, render.Stage, stagetest.Fixture{Object: obj, Env: map[string]string{"CHARTS": "cluster"}})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	if out := res.Output("cluster_reviews_reviews-db.yaml"); strings.Count(out, "  instances: 1\n") != 2 {
		t.Errorf("want the chart's instances: 1 on the Cluster and the Pooler:\n%s", out)
	}
}

func TestMisconfigured(t *testing.T) {
	for _, tc := range []struct {
		env    map[string]string
		want   string
		reason string
	}{
		{map[string]string{"CHARTS": "cluster", "KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_PROMISE_NAME": "postgres"},
			"CHARTS (--charts): cluster renders one request's database: it needs a resource workflow, this is a promise configure workflow",
			"a promise workflow has no request to render a database for"},
		{map[string]string{"CHARTS": "redis"}, "CHARTS", "only the charts baked in can be rendered"},
		{map[string]string{}, "CHARTS", "nothing to render is a Promise mistake"},
	} {
		res := stagetest.Run(t, render.Stage, stagetest.Fixture{Object: request, Env: tc.env})
		if res.ExitCode != sdk.ExitMisconfigured || !strings.Contains(res.Logs, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q (%s):\n%s", tc.env, res.ExitCode, tc.want, tc.reason, res.Logs)
		}
		if len(res.Files("output")) != 0 {
			t.Errorf("%v: wrote output when misconfigured", tc.env)
		}
	}
}
