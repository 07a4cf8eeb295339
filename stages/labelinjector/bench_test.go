package labelinjector

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkInject labels a large output tree: the marketplace's Helm renders repeated until the
// tree holds about 5,000 documents (about 15 MB, the most a Work holds).
func BenchmarkInject(b *testing.B) {
	renders := readTree(b, filepath.Join(fixturesDir(b), "kratix-marketplace", "rendered"))
	out := map[string]string{}
	var size int64
	for copyN := 0; size < 15<<20; copyN++ {
		for name, src := range renders {
			out[fmt.Sprintf("copy%02d/%s", copyN, name)] = src
			size += int64(len(src))
		}
	}
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
