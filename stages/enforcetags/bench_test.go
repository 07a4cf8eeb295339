package enforcetags

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// BenchmarkLargeOutput runs the stage over a large output: 1,000 Terraform files (the EC2
// module call, half JSON and half HCL, built from the example-vm golden input) beside 2,000
// YAML documents of Helm renders it must list but not parse.
func BenchmarkLargeOutput(b *testing.B) {
	jsonSrc, err := os.ReadFile(filepath.Join("testdata", "golden", "json-default-tags-merged-into-request-tags", "output-before", "vm_team-a_web-1.tf.json"))
	if err != nil {
		b.Fatal(err)
	}
	hclSrc, err := os.ReadFile(filepath.Join("testdata", "golden", "hcl-literal-tags-keep-comments-and-layout", "output-before", "main.tf"))
	if err != nil {
		b.Fatal(err)
	}
	out := map[string]string{}
	var size int64
	for i := range 500 {
		name := fmt.Sprintf("vm_team-a_web-%d", i)
		j := strings.ReplaceAll(string(jsonSrc), "vm_team-a_web-1", name)
		h := strings.ReplaceAll(string(hclSrc), "vm_team-a_web-1", name)
		out[fmt.Sprintf("json/%s.tf.json", name)] = j
		out[fmt.Sprintf("hcl/%s.tf", name)] = h
		size += int64(len(j) + len(h))
	}
	renders := fixtures.Glob(b, "kratix-marketplace/rendered/*")
	for i := 0; i < 2000 && len(renders) > 0; i++ {
		if b2, err := os.ReadFile(renders[i%len(renders)]); err == nil {
			out[fmt.Sprintf("helm/%d.yaml", i)] = string(b2)
		}
	}
	fx := stagetest.Fixture{Object: "apiVersion: example.com/v1\nkind: VM\nmetadata:\n  name: web-1\n  namespace: team-a\n",
		Env: map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_PROMISE_NAME": "vm"}, Output: out}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		fs := fx.FS()
		b.StartTimer()
		res := stagetest.RunOn(b, Stage, fs, fx.Env, nil)
		if res.ExitCode != 0 {
			b.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
		}
	}
}
