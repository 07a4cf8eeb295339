package terraformgenerate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
	"sigs.k8s.io/yaml"
)

// BenchmarkLargeRequest runs the stage on a request whose spec holds thousands of documents: the
// Helm renders of fixtures/kratix-marketplace/rendered, repeated, as one list argument per file.
func BenchmarkLargeRequest(b *testing.B) {
	dir := filepath.Join(fixtureDir, "kratix-marketplace", "rendered")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		b.Fatalf("%s not found", dir)
	}
	spec := map[string]any{}
	docs := 0
	for rep := 0; rep < 3; rep++ {
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			var list []any
			for _, d := range strings.Split(string(data), "\n---") {
				var v any
				if yaml.Unmarshal([]byte(d), &v) == nil && v != nil {
					list = append(list, v)
				}
			}
			docs += len(list)
			key := strings.NewReplacer(".", "_", "-", "_").Replace(strings.TrimSuffix(filepath.Base(f), ".yaml"))
			spec["r"+string(rune('0'+rep))+"_"+key] = list
		}
	}
	object, err := yaml.Marshal(map[string]any{"apiVersion": "example.com/v1", "kind": "Bundle",
		"metadata": map[string]any{"name": "big", "namespace": "default"}, "spec": spec})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d documents, %d MB of YAML input", docs, len(object)>>20)
	for _, format := range []string{"json", "hcl"} {
		b.Run(format, func(b *testing.B) {
			fx := stagetest.Fixture{Object: string(object), Env: map[string]string{"MODULE_SOURCE": "./bundle", "OUTPUT_FORMAT": format}}
			b.SetBytes(int64(len(object)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				res := stagetest.Run(b, Stage, fx)
				if res.ExitCode != 0 {
					b.Fatalf("exit %d: %s", res.ExitCode, res.Logs)
				}
			}
		})
	}
}
