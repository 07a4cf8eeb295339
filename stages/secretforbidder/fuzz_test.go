package secretforbidder

import (
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// FuzzDetect feeds any bytes to the whole stage, as a YAML, a JSON and a kustomization file, in
// both modes: no input may crash or hang it, and a second run must agree with the first.
func FuzzDetect(f *testing.F) {
	seeds := []string{
		secretDoc,
		"kind: Secret\napiVersion: v1\n---\n{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Secret\"}]}\n",
		"apiVersion: v1\nkind: SecretList\nitems:\n- metadata: {name: a}\n- {}\n- 3\n",
		"b: &b {apiVersion: v1, kind: Secret}\n<<: [*b, *b]\nmetadata: {<<: *b}\n",
		"apiVersion: v1\nkind: !!binary U2VjcmV0\n",
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: [{apiVersion: v1, kind: Secret}]\n",
		"secretGenerator:\n- name: x\n  literals: [a=b]\n- 7\n",
		"secretGenerator: nope\n",
		"---\n---\n# only comments\n...\n",
		"stringData: [unclosed\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, mode := range []string{"fail", "remove"} {
			fx := stagetest.Fixture{Env: map[string]string{"MODE": mode, "FORBIDDEN_KINDS": "Secret,bitnami.com/SealedSecret"},
				Output: map[string]string{"a.yaml": src, "b.json": src, "kustomization.yaml": src}}
			res := stagetest.Idempotent(t, Stage, fx)
			for _, d := range res.Diagnostics {
				if strings.Contains(d.Message, "this is a bug in secret-forbidder") {
					t.Fatalf("panic: %s", d)
				}
			}
			if res.ExitCode != sdk.ExitOK && res.ExitCode != sdk.ExitRuleBroken {
				t.Fatalf("exit %d", res.ExitCode)
			}
		}
	})
}
