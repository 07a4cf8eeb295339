package sdk

import (
	"context"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk/fsys"
)

// The SDK's hot paths on the largest output a Work can carry (the Helm renders × 15: 14.7 MB,
// 5,100 documents, 195 files): listing and parsing every manifest, and the full
// iterate → edit → save cycle a labelling stage does.
func BenchmarkEachManifest(b *testing.B) {
	out, size := fixtures.LargeOutput(b, 15)
	for _, bc := range []struct {
		name string
		edit bool
	}{{"iterate", false}, {"label-and-save", true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				m := fsys.NewMem()
				for name, data := range out {
					_ = m.WriteFile("output/"+name, []byte(data))
				}
				k := New(context.Background(), m, Env{}, nil)
				b.StartTimer()
				objects := 0
				err := k.Output.EachManifest(func(mf *Manifest) error {
					objects++
					if !bc.edit {
						return nil
					}
					err := mf.SetLabel("kratix.io/promise-name", "app")
					return err
				})
				if err != nil || objects < 5000 {
					b.Fatalf("%d objects, %v", objects, err)
				}
			}
		})
	}
}
