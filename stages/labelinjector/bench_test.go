package labelinjector

import (
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkInject labels the largest output a Work can carry (fixtures.LargeOutput: 14.7 MB,
// 5,100 documents in 195 files).
func BenchmarkInject(b *testing.B) {
	out, size := fixtures.LargeOutput(b, 15)
	stagetest.Benchmark(b, Stage, stagetest.Fixture{Env: resourceEnv, Output: out}, size, 0)
}

// BenchmarkInjectOnDisk is BenchmarkInject on a real directory: the figures include the system
// calls of reading, staging and committing every file.
func BenchmarkInjectOnDisk(b *testing.B) {
	out, size := fixtures.LargeOutput(b, 15)
	stagetest.BenchmarkOnDisk(b, Stage, stagetest.Fixture{Env: resourceEnv, Output: out}, size, 0)
}
