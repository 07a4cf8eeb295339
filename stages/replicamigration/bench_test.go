package replicamigration

import (
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkLargeOutput runs the stage on the largest output a Work can carry
// (fixtures.LargeOutput: 14.7 MB, 5,100 documents in 195 files).
func BenchmarkLargeOutput(b *testing.B) {
	output, size := fixtures.LargeOutput(b, 15)
	stagetest.Benchmark(b, Stage, stagetest.Fixture{Env: resourceConfigure, Output: output}, size, 0)
}
