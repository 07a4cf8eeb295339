package replicamigration

import (
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkLargeOutput runs the stage on the largest output a Work can carry
// (fixtures.LargeOutput: 14.7 MB, 5,100 documents in 195 files).
func BenchmarkLargeOutput(b *testing.B) {
	output, size := fixtures.LargeOutput(b, 15)
	fx := stagetest.Fixture{Env: resourceConfigure, Output: output}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		files := fx.FS()
		b.StartTimer()
		res := Stage.Execute(sdk.Invocation{Env: sdk.MapEnv(fx.Env), FS: files})
		if res.ExitCode != 0 {
			b.Fatalf("exit %d: %v", res.ExitCode, res.Diagnostics)
		}
	}
}
