package secretforbidder

import (
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkLargeOutput checks the largest output a Work can carry (fixtures.LargeOutput: 14.7 MB,
// 5,100 documents in 195 files) in MODE=fail (every Secret listed).
func BenchmarkLargeOutput(b *testing.B) {
	out, size := fixtures.LargeOutput(b, 15)
	env := map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure"}
	stagetest.Benchmark(b, Stage, stagetest.Fixture{Env: env, Output: out}, size, sdk.ExitRuleBroken)
}
