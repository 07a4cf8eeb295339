package secretforbidder

import (
	"fmt"
	"testing"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkLargeOutput checks an output tree of about 15 MB, the most a Work holds: every
// marketplace render copied 15 times, thousands of documents, in MODE=fail (every Secret listed).
func BenchmarkLargeOutput(b *testing.B) {
	all := renders(b)
	out := map[string]string{}
	var size int64
	for i := 0; i < 15; i++ {
		for name, src := range all {
			out[fmt.Sprintf("copy-%02d/%s", i, name)] = src
			size += int64(len(src))
		}
	}
	m := stagetest.Fixture{Output: out}.FS()
	env := sdk.MapEnv(map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure"})
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := Stage.Execute(sdk.Invocation{Env: env, FS: m})
		if res.ExitCode != sdk.ExitRuleBroken {
			b.Fatalf("exit %d", res.ExitCode)
		}
	}
}
