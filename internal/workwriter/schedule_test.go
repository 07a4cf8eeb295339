package workwriter

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
)

func TestPlan(t *testing.T) {
	exists := func(dirs ...string) func(string) bool {
		return func(d string) bool {
			for _, x := range dirs {
				if x == d {
					return true
				}
			}
			return false
		}
	}
	for _, tc := range []struct {
		reason  string
		files   []string
		dirs    func(string) bool
		sels    []sdk.Selector
		promise []map[string]string
		want    string
		wantErr string
	}{
		{"no selectors: one default group, any destination", []string{"b.yaml", "a.yaml"}, exists(), nil, nil,
			"default: any destination [a.yaml b.yaml]\n", ""},
		{"the Promise's selectors schedule the default group", []string{"a.yaml"}, exists(), nil, []map[string]string{{"env": "prod"}},
			"default: env=prod [a.yaml]\n", ""},
		{"pipeline labels add to the Promise's, which win a shared key",
			[]string{"a.yaml"}, exists(), []sdk.Selector{{MatchLabels: map[string]string{"env": "dev", "team": "a"}}},
			[]map[string]string{{"env": "prod"}, {"zone": "1"}},
			"default: env=prod,team=a,zone=1 [a.yaml] overridden [env]\n", ""},
		{"a directory's files go with its selector, which ignores the Promise's",
			[]string{"a.yaml", "platform/crd.yaml", "platform/sub/x.yaml", "platformx.yaml"}, exists("platform"),
			[]sdk.Selector{{Directory: "platform", MatchLabels: map[string]string{"tier": "platform"}}},
			[]map[string]string{{"env": "prod"}},
			"default: env=prod [a.yaml platformx.yaml]\ndirectory platform/: tier=platform [platform/crd.yaml platform/sub/x.yaml]\n", ""},
		{"no default group without files outside the directories", []string{"platform/crd.yaml"}, exists("platform"),
			[]sdk.Selector{{Directory: "platform", MatchLabels: map[string]string{"a": "b"}}}, nil,
			"directory platform/: a=b [platform/crd.yaml]\n", ""},
		{"a selector's directory must exist", []string{"a.yaml"}, exists(),
			[]sdk.Selector{{Directory: "zeta", MatchLabels: map[string]string{"a": "b"}}, {Directory: "alpha", MatchLabels: map[string]string{"a": "b"}}}, nil,
			"", `names "alpha", "zeta", but /kratix/output has no such directory`},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			s, err := Plan(tc.files, tc.dirs, tc.sels, tc.promise)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Plan = %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, g := range s.Groups {
				b.WriteString(g.Name() + ": " + g.Labels() + " [" + strings.Join(g.Files, " ") + "]")
				if len(g.Overridden) > 0 {
					b.WriteString(" overridden [" + strings.Join(g.Overridden, " ") + "]")
				}
				b.WriteString("\n")
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}
