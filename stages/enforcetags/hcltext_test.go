package enforcetags

import (
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// Tags HCL cannot write back as given would make every run change the file again; they are a
// configuration error, named, before any file is touched.
func TestTagsHCLCannotRoundTripAreRefused(t *testing.T) {
	tf := "module \"m\" {\n  source = \"x\"\n}\n"
	for _, tc := range []struct {
		reason, tags, want string
	}{
		{"a key starting with a combining mark fuses with its quote (found by FuzzEditHCL)", "\u0300=0", "combining mark"},
		{"a value in decomposed form is normalised to NFC by Terraform", "team=cafe\u0301", "is not in Unicode NFC"},
		{"a combining mark right after a quote", "k=a\"\u0301", "combining mark"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			res := stagetest.Run(t, Stage, stagetest.Fixture{
				Env:    map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_PROMISE_NAME": "vm", "TAGS": tc.tags},
				Output: map[string]string{"main.tf": tf},
			})
			if res.ExitCode != sdk.ExitMisconfigured || !strings.Contains(strings.Join(res.Errors(), "\n"), tc.want) {
				t.Errorf("exit %d, errors %q: want exit 2 naming %q", res.ExitCode, res.Errors(), tc.want)
			}
			if got := res.Output("main.tf"); got != tf {
				t.Errorf("main.tf changed:\n%s", got)
			}
		})
	}
}
