package hostile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// manyDocs is a stream of n ConfigMaps (about 100 bytes each) with extra documents put in at
// the given document indexes (from 0), and the line each document starts on.
func manyDocs(n int, extra map[int]string) (src string, lines map[int]int) {
	var b strings.Builder
	lines = map[int]int{}
	line := 1
	for i := 0; i < n; i++ {
		doc := configMap(fmt.Sprintf("cm-%d", i))
		if e, ok := extra[i]; ok {
			doc = e
		}
		if i > 0 {
			b.WriteString("---\n")
			line++
		}
		lines[i] = line
		b.WriteString(doc)
		line += strings.Count(doc, "\n")
	}
	return b.String(), lines
}

// TestManyDocuments: a file of 45,000 documents (4.6 MB) is larger than the 4 MiB above which
// secret-forbidder streams a file one document at a time, and is read exactly as a small one:
// every spelling of a Secret found on its line, a malformed document anywhere fails the file
// (even one that is not a Secret), no value printed, and MODE=remove cuts the Secrets out.
func TestManyDocuments(t *testing.T) {
	const n = 45000
	odd := map[int]string{
		7:     secret("plain"),
		20000: "apiVersion: v1\nkind: \"\\x53ecret\"\nmetadata: {name: escaped, namespace: team-a}\nstringData: {password: hunter2}\n",
		33000: "k: &k Secret\napiVersion: v1\nkind: *k\nmetadata: {name: aliased, namespace: team-a}\nstringData: {password: hunter2}\n",
		n - 1: "apiVersion: v1\nkind: !!binary U2VjcmV0\nmetadata: {name: binary, namespace: team-a}\nstringData: {password: hunter2}\n",
	}
	oddSrc, oddLines := manyDocs(n, odd)
	malformed := map[int]string{7: secret("plain"), n - 2: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\n"}
	badSrc, badLines := manyDocs(n, malformed)
	if len(oddSrc) <= 4<<20 {
		t.Fatalf("the file is %d bytes: too small to be streamed", len(oddSrc))
	}
	want := func(doc int, name string) string {
		return fmt.Sprintf(`^output/many\.yaml:%d: Secret team-a/%s \(document %d\)$`, oddLines[doc], name, doc+1)
	}
	runCases(t, []hcase{
		{stage: SF, input: "many-documents-odd-spellings", reason: "45,000 documents, Secrets spelled plainly, with an escape, an alias and !!binary: each found on its line, exit 1, no value printed",
			setup:  func(m *fsys.MemFS, _ map[string]string) { write(m, "output/many.yaml", oddSrc) },
			code:   1,
			errors: []string{want(7, "plain"), want(20000, "escaped"), want(33000, "aliased"), want(n-1, "binary")},
			noLog:  []string{`hunter2`}, slow: true},
		{stage: SF, input: "many-documents-malformed-configmap", reason: "a malformed ConfigMap near the end of 45,000 documents fails the file, as it does in a small file: exit 1 naming its line, no value printed",
			setup:  func(m *fsys.MemFS, _ map[string]string) { write(m, "output/many.yaml", badSrc) },
			code:   1,
			errors: []string{fmt.Sprintf(`^output/many\.yaml:%d: `, badLines[n-2]+2)},
			noLog:  []string{`hunter2`, `Secret team-a/plain`}, slow: true},
		{stage: SF, input: "many-documents-remove", reason: "MODE=remove on 45,000 documents removes the four Secrets and keeps every ConfigMap's bytes",
			setup: func(m *fsys.MemFS, env map[string]string) {
				env["MODE"] = "remove"
				write(m, "output/many.yaml", oddSrc)
			},
			check: func(t *testing.T, res *stagetest.Result, _ map[string]string) {
				got := file(t, res, "output/many.yaml")
				keep, _ := manyDocs(n, nil)
				for i := range odd {
					keep = strings.Replace(keep, configMap(fmt.Sprintf("cm-%d", i)), "", 1)
				}
				if strings.Contains(got, "hunter2") || strings.Count(got, "kind: ConfigMap") != n-len(odd) {
					t.Errorf("the Secrets are still there, or ConfigMaps went: %d ConfigMaps", strings.Count(got, "kind: ConfigMap"))
				}
				if strings.ReplaceAll(got, "---\n", "") != strings.ReplaceAll(keep, "---\n", "") {
					t.Errorf("the ConfigMaps did not keep their bytes")
				}
			},
			noLog: []string{`hunter2`}, slow: true},
	})
}
