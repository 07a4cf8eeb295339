package replicamigration

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkLargeOutput runs the stage on about 12 MB of Helm renders (the marketplace's
// rendered/ directory repeated 12 times, each copy in its own directory): the size of the
// largest output a Work can hold.
func BenchmarkLargeOutput(b *testing.B) {
	renders := readDir(b, filepath.Join(fixturesDir(b), "kratix-marketplace", "rendered"))
	output := map[string]string{}
	var size int64
	for i := range 12 {
		for name, src := range renders {
			output[fmt.Sprintf("copy-%02d/%s", i, name)] = src
			size += int64(len(src))
		}
	}
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
