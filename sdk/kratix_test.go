package sdk

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk/internal/logfmt"
)

// TestReportingFamily pins what each method of a Kratix records and logs: the Report... methods
// record a problem and log it at once, Infof only logs, sdk.Errorf records nothing.
func TestReportingFamily(t *testing.T) {
	at := Location{File: "output/a.yaml", Line: 3, Path: "spec.x"}
	cases := []struct {
		reason string
		call   func(k *Kratix)
		diags  []Diagnostic
		failed bool
		log    []string
	}{
		{"ReportErrorf records one error at its location and fails the run", func(k *Kratix) {
			k.ReportErrorf(at, "bad %s", "value")
		}, []Diagnostic{{Severity: Error, Location: at, Message: "bad value"}}, true,
			[]string{"ERROR s: output/a.yaml:3: spec.x: bad value"}},
		{"ReportWarningf records a warning, which does not fail the run", func(k *Kratix) {
			k.ReportWarningf(at, "odd")
		}, []Diagnostic{{Severity: Warning, Location: at, Message: "odd"}}, false,
			[]string{"WARN s: output/a.yaml:3: spec.x: odd"}},
		{"ReportError records every error a joined error holds, each with its own location", func(k *Kratix) {
			k.ReportError(errors.Join(Errorf(at, "first"), Errorf(Location{File: "output/b.yaml"}, "second")))
		}, []Diagnostic{
			{Severity: Error, Location: at, Message: "first"},
			{Severity: Error, Location: Location{File: "output/b.yaml"}, Message: "second"},
		}, true, []string{"ERROR s: output/a.yaml:3: spec.x: first", "ERROR s: output/b.yaml: second"}},
		{"ReportError of an error without a location records its message", func(k *Kratix) {
			k.ReportError(errors.New("plain"))
		}, []Diagnostic{{Severity: Error, Message: "plain"}}, true, []string{"ERROR s: plain"}},
		{"ReportError(nil) records nothing", func(k *Kratix) { k.ReportError(nil) }, nil, false, nil},
		{"Report records diagnostics as given", func(k *Kratix) {
			k.Report(Diagnostic{Severity: Warning, Message: "w"}, Diagnostic{Severity: Error, Location: at, Message: "e"})
		}, []Diagnostic{{Severity: Warning, Message: "w"}, {Severity: Error, Location: at, Message: "e"}}, true,
			[]string{"WARN s: w", "ERROR s: output/a.yaml:3: spec.x: e"}},
		{"Infof only logs: nothing is recorded, the run does not fail", func(k *Kratix) {
			k.Infof(at, "fyi")
		}, nil, false, []string{"INFO s: output/a.yaml:3: spec.x: fyi"}},
		{"sdk.Errorf returns an error and records nothing, like fmt.Errorf", func(k *Kratix) {
			_ = Errorf(at, "returned, not reported")
		}, nil, false, nil},
		{"Changef records a change, logged only when the run commits", func(k *Kratix) {
			k.Changef(at, "replicas 1 -> 2")
		}, nil, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			var logs strings.Builder
			k := New(t.Context(), nil, Env{}, logfmt.New(&logs, "s", logfmt.FormatText, nil))
			tc.call(k)
			if diff := cmp.Diff(tc.diags, k.Diagnostics()); diff != "" {
				t.Errorf("%s: diagnostics -want +got:\n%s", tc.reason, diff)
			}
			if k.Failed() != tc.failed {
				t.Errorf("%s: Failed() = %v, want %v", tc.reason, k.Failed(), tc.failed)
			}
			var lines []string
			if s := strings.TrimRight(logs.String(), "\n"); s != "" {
				lines = strings.Split(s, "\n")
			}
			if diff := cmp.Diff(tc.log, lines); diff != "" {
				t.Errorf("%s: log -want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
