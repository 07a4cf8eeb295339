package labelinjector

import (
	"io"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkInject labels the largest output a Work can carry (fixtures.LargeOutput: 14.7 MB,
// 5,100 documents in 195 files).
func BenchmarkInject(b *testing.B) {
	out, size := fixtures.LargeOutput(b, 15)
	fx := stagetest.Fixture{Env: resourceEnv, Output: out}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		fs := fx.FS()
		b.StartTimer()
		res := Stage.Execute(sdk.Invocation{Env: sdk.MapEnv(fx.Env), FS: fs, Stderr: io.Discard})
		if res.ExitCode != 0 {
			b.Fatalf("exit %d", res.ExitCode)
		}
	}
}
