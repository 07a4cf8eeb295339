package hostile

import (
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// labelled checks that a label-injector output file carries the request's labels.
func labelled(name string) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return contains(name, "kratix.io/promise-name: app", "kratix.io/resource-name: todo", "app.kubernetes.io/managed-by: kratix")
}

// raised checks that a replica-migration output file now asks for 2 replicas.
func raised(name string) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return contains(name, "replicas: 2")
}

// noLoneLF fails when an edited CRLF file got a line ending in a bare "\n".
func noLoneLF(name string) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return func(t *testing.T, res *stagetest.Result, _ map[string]string) {
		t.Helper()
		got := file(t, res, name)
		if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
			t.Errorf("%s mixes line endings after the edit:\n%q", name, got)
		}
	}
}

// startsWithBOM fails when the byte-order mark was lost.
func startsWithBOM(name string) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return func(t *testing.T, res *stagetest.Result, _ map[string]string) {
		t.Helper()
		if got := file(t, res, name); !strings.HasPrefix(got, bom) || strings.Count(got, bom) != 1 {
			t.Errorf("%s does not start with exactly one BOM:\n%q", name, clip(got))
		}
	}
}

func TestYAMLBombs(t *testing.T) {
	bombDoc := func(head string) string { return head + "bomb:\n" + aliasBomb("  ") }
	runCases(t, []hcase{
		// Alias bombs: Kubernetes' reader (goyaml.v2) refuses a document whose aliases expand to
		// too many values, so kubectl and Flux apply nothing of it; a stage reads what Kubernetes
		// reads, so it fails closed on the bomb, naming file and line, without expanding it.
		{stage: LI, input: "alias-bomb", reason: "a ConfigMap carrying a billion-laughs bomb is refused as Kubernetes refuses it: exit 1 naming file and line, nothing written, memory small",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", bombDoc(configMap("bomb"))) },
			code:  1, errors: []string{`^output/hostile\.yaml:\d+: .*excessive aliasing`}, maxHeap: 64 << 20},
		{stage: SF, input: "alias-bomb", reason: "a Secret carrying a bomb fails closed without being expanded: exit 1 naming file and line, bounded memory",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", bombDoc(secret("bomb"))) },
			code:  1, errors: []string{`^output/hostile\.yaml:\d+: .*excessive aliasing`}, maxHeap: 64 << 20},
		{stage: SF, input: "alias-bomb-kind", reason: "a Secret whose kind and apiVersion are aliases, anchored in a bomb-carrying document, fails closed: exit 1 naming file and line",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", "x: &k Secret\ny: &v v1\n"+aliasBomb("")+"apiVersion: *v\nkind: *k\nmetadata:\n  name: aliased\n  namespace: team-a\nstringData:\n  a: *l8\n")
			},
			code: 1, errors: []string{`^output/hostile\.yaml:\d+: .*excessive aliasing`}, maxHeap: 64 << 20},
		{stage: RM, input: "alias-bomb", reason: "a Deployment with a bomb in its spec is refused as Kubernetes refuses it: exit 1 naming file and line, nothing raised",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", deployment("bomb", "1")+"  bomb:\n"+aliasBomb("    "))
			},
			code: 1, errors: []string{`^output/hostile\.yaml:\d+: .*excessive aliasing`}, maxHeap: 64 << 20},
		{stage: ET, input: "alias-bomb", reason: "a .tf.json file holding YAML anchors and aliases is not JSON (Terraform refuses it): exit 1 naming the file and the line of the first alias, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf.json", "{\"module\": {\"m\": {\"source\": \"x\",\n"+"\"tags\": {\"a\": \"b\"},\n\"bomb\": {\n"+strings.ReplaceAll(strings.ReplaceAll(aliasBomb(""), ": &", "\": &"), "\nl", ",\n\"l")+"}}}}\n")
			},
			code: 1, errors: []string{`^output/hostile\.tf\.json:4: not valid JSON`}, maxHeap: 64 << 20},
		{stage: ET, input: "alias-bomb-object", reason: "a request object carrying a bomb in its spec is not an object the API server could hold: exit 1 naming input/object.yaml and the line, bounded memory",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", objectWith("  bomb:\n"+aliasBomb("    ")))
			},
			code: 1, errors: []string{`^input/object\.yaml:\d+: .*excessive aliasing`}, maxHeap: 64 << 20},
		{stage: TG, input: "alias-bomb", reason: "a bomb in the request's spec (387 million values expanded) is refused as Kubernetes refuses it: exit 1 naming input/object.yaml and the line, nothing written, bounded memory",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", objectWith("  bomb:\n"+aliasBomb("    ")))
			},
			code: 1, errors: []string{`^input/object\.yaml:(9|1[0-8]): .*excessive aliasing`}, maxHeap: 64 << 20},
	})
}

func TestHugeDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("the 100 MB document takes seconds per stage")
	}
	// Memory: the file is 100 MB; a run holds the bytes it read, the parsed document (yaml.v3
	// keeps the scalar and its raw bytes), the bytes it writes and the in-memory file system's
	// copy. The sampler counts heap objects not yet swept too, which GOGC=100 lets reach twice
	// the live heap, so 10x the file here is about 5x live: bounded by the file, never by a
	// per-line or per-level cost. Measured: 5-10x (see the case logs).
	const heap = 10 * bigSize
	runCases(t, []hcase{
		{stage: LI, input: "100MB-document", reason: "a 100 MB ConfigMap is labelled: the labels are spliced into its metadata, the payload keeps its bytes, the live heap grows by a few times the file at most",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", configMap("big")+"  big: |\n"+big())
			},
			check: all(labelled("output/hostile.yaml"), sizeAbout("output/hostile.yaml", bigSize)), maxHeap: heap, slow: true},
		{stage: SF, input: "100MB-document", reason: "a 100 MB Secret is found (exit 1 naming file, line and Secret) and its value is never logged",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", secret("big")+"  big: |\n"+big())
			},
			code: 1, errors: []string{`^output/hostile\.yaml:1: Secret team-a/big`}, noLog: []string{`xxxxxxxxxx`, `hunter2`}, maxHeap: heap, slow: true},
		{stage: RM, input: "100MB-document", reason: "a Deployment with a 100 MB annotation is raised to 2 replicas, the rest keeps its bytes, the live heap grows by a few times the file at most",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", strings.Replace(deployment("big", "1"), "  namespace: team-a\n", "  namespace: team-a\n  annotations:\n    big: |\n"+strings.ReplaceAll(big(), "    x", "      x"), 1))
			},
			check: all(raised("output/hostile.yaml"), sizeAbout("output/hostile.yaml", bigSize)), maxHeap: heap, slow: true},
		{stage: ET, input: "100MB-document", reason: "a 100 MB .tf.json module call (one huge argument) is tagged: tags spliced, the argument keeps its bytes, bounded memory",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf.json", `{"module": {"big": {"source": "x", "tags": {}, "user_data": "`+bigLine()+`"}}}`+"\n")
			},
			check: all(contains("output/hostile.tf.json", `"kratix.io/request-name": "todo"`), sizeAbout("output/hostile.tf.json", bigSize)), maxHeap: heap, slow: true},
		{stage: TG, input: "100MB-document", reason: "a 100 MB request (one huge spec string) becomes a 100 MB module call: exit 0, the value carried over exactly, bounded memory",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", objectWith("  user_data: "+bigLine()+"\n"))
			},
			check: all(contains("output/app_team-a_todo.tf.json", `"user_data": "xxxxxxxx`), sizeAbout("output/app_team-a_todo.tf.json", bigSize)), maxHeap: heap, slow: true},
	})
}

// sizeBelow checks a file stays small (no quadratic indentation of deep values).
func sizeBelow(name string, limit int) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return func(t *testing.T, res *stagetest.Result, _ map[string]string) {
		t.Helper()
		if n := len(file(t, res, name)); n > limit {
			t.Errorf("%s is %d bytes, more than %d", name, n, limit)
		}
	}
}

// sizeAbout checks a file is its payload plus a little.
func sizeAbout(name string, size int) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return func(t *testing.T, res *stagetest.Result, _ map[string]string) {
		t.Helper()
		if n := len(file(t, res, name)); n < size || n > size+size/10 {
			t.Errorf("%s is %d bytes, want about %d", name, n, size)
		}
	}
}

func TestDeepNesting(t *testing.T) {
	// yaml.v3 (and so the apiserver's decoders) accept exactly 10,000 levels of flow nesting and
	// refuse 10,001: at 10,000 a stage must do its job (quickly: no per-level rescans), past it
	// it must fail with the file, the line and the limit.
	flowAt := func(head string) string { return head + "deep: " + deepFlow() + "\n" }
	blockAt := func(head string) string { return head + "deep:\n" + deepBlock() + "\n" }
	var cases []hcase
	for _, k := range []struct {
		input string
		doc   func(string) string
	}{{"deep-flow", flowAt}, {"deep-block", blockAt}} {
		cases = append(cases,
			hcase{stage: LI, input: k.input, reason: "a ConfigMap carrying 10,000 levels of nesting parses: it is labelled, the nesting keeps its bytes, exit 0",
				setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", k.doc(configMap("deep"))) },
				check: labelled("output/hostile.yaml")},
			hcase{stage: SF, input: k.input, reason: "a Secret carrying 10,000 levels of nesting is found: exit 1 naming file, line 1 and the Secret",
				setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", k.doc(secret("deep"))) },
				code:  1, errors: []string{`^output/hostile\.yaml:1: Secret team-a/deep`}},
			hcase{stage: RM, input: k.input, reason: "a Deployment carrying 10,000 levels of nesting is raised to 2, exit 0",
				setup: func(m *fsys.MemFS, _ map[string]string) {
					write(m, "output/hostile.yaml", k.doc(deployment("deep", "1")))
				},
				check: raised("output/hostile.yaml")},
			hcase{stage: TG, input: k.input, reason: map[string]string{
				"deep-flow":  "a spec argument nested 10,000 deep in flow style becomes a module argument nested as deep, fast and small (no quadratic indentation), exit 0",
				"deep-block": "10,000 block sequences under spec.deep are 10,002 indentation levels, past the parser's limit: exit 1 naming input/object.yaml, the line and the limit",
			}[k.input],
				setup: func(m *fsys.MemFS, _ map[string]string) {
					write(m, "input/object.yaml", objectWith(strings.ReplaceAll(k.doc("  "), "\n- ", "\n  - ")))
				},
				code:   map[string]int{"deep-flow": 0, "deep-block": 1}[k.input],
				errors: map[string][]string{"deep-block": {`^input/object\.yaml:(9|10): .*depth`}}[k.input],
				check:  all(contains("output/app_team-a_todo.tf.json", `"deep": [`, strings.Repeat("[", 1000)), sizeBelow("output/app_team-a_todo.tf.json", 1<<20))},
		)
	}
	over := "deep: " + strings.Repeat("[", depth+1) + "1" + strings.Repeat("]", depth+1) + "\n"
	cases = append(cases,
		hcase{stage: LI, input: "deep-10001", reason: "10,001 levels is past the parser's limit: exit 1 naming the file, line 8 and the depth limit, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", configMap("deep")+over) },
			code:  1, errors: []string{`^output/hostile\.yaml:8: .*depth`}},
		hcase{stage: SF, input: "deep-10001", reason: "a Secret file that cannot be parsed: fail closed, exit 1 naming file, line 8 and the depth limit",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", secret("deep")+over) },
			code:  1, errors: []string{`^output/hostile\.yaml:8: .*depth`}},
		hcase{stage: RM, input: "deep-10001", reason: "a workload file that cannot be parsed: exit 1 naming file, line 19 and the depth limit, nothing raised",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", deployment("deep", "1")+over)
			},
			code: 1, errors: []string{`^output/hostile\.yaml:19: .*depth`}},
		hcase{stage: TG, input: "deep-10001", reason: "a request past the parser's depth limit: exit 1 naming input/object.yaml, line 9 and the limit",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "input/object.yaml", objectWith("  "+over)) },
			code:  1, errors: []string{`^input/object\.yaml:9: .*depth`}},
		hcase{stage: ET, input: "deep-flow", reason: "a .tf.json argument nested 10,000 deep (Go's JSON decoder and Terraform accept 10,000) is tagged, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf.json", "{\"module\": {\"m\": {\"source\": \"x\", \"tags\": {},\n\"deep\": "+strings.Repeat("[", depth-4)+"1"+strings.Repeat("]", depth-4)+"}}}\n")
			},
			check: contains("output/hostile.tf.json", `"kratix.io/request-name": "todo"`)},
		hcase{stage: ET, input: "deep-block", reason: "an HCL module argument nested 10,000 deep over as many lines parses (HCL has no depth limit) and the module is tagged, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf", "module \"m\" {\n  source = \"x\"\n  deep = "+strings.Repeat("[\n", depth)+"1\n"+strings.Repeat("]\n", depth)+"}\n")
			},
			check: matches("output/hostile.tf", tagged)},
	)
	runCases(t, cases)
}

func TestEncodings(t *testing.T) {
	bad := "\xff\xfe"
	runCases(t, []hcase{
		// Invalid UTF-8 on line 7: YAML and HCL are Unicode; the byte is never shipped silently.
		{stage: LI, input: "invalid-utf8", reason: "a manifest with invalid UTF-8 on line 7 cannot be parsed: exit 1 naming the file, line 7 and the encoding, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", configMap("utf")+"  c: d"+bad+"\n")
			},
			code: 1, errors: []string{`^output/hostile\.yaml:8: .*(UTF-8|utf-8|invalid)`}},
		{stage: SF, input: "invalid-utf8", reason: "fail closed: a file that cannot be decoded may hide a Secret; exit 1 naming file, line and encoding",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", secret("utf")+"  c: d"+bad+"\n")
			},
			code: 1, errors: []string{`^output/hostile\.yaml:8: .*(UTF-8|utf-8|invalid)`}},
		{stage: RM, input: "invalid-utf8", reason: "a workload file with invalid UTF-8 is malformed: exit 1 naming file and line, nothing raised",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", strings.Replace(deployment("utf", "1"), "image: nginx", "image: nginx"+bad, 1))
			},
			code: 1, errors: []string{`^output/hostile\.yaml:18: .*(UTF-8|utf-8|invalid)`}},
		{stage: ET, input: "invalid-utf8", reason: "an HCL file with invalid UTF-8 on line 4: exit 1 naming file, line 4 and the encoding, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf", strings.Replace(baseTF, `Name = "todo"`, `Name = "todo`+bad+`"`, 1))
			},
			code: 1, errors: []string{`^output/hostile\.tf:4: .*(UTF-8|encoding)`}},
		{stage: ET, input: "invalid-utf8-json", reason: "a .tf.json file with invalid UTF-8 on line 6: exit 1 naming file, line 6 and the encoding",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf.json", strings.Replace(baseTFJSON, `"Name": "todo"`, `"Name": "todo`+bad+`"`, 1))
			},
			code: 1, errors: []string{`^output/hostile\.tf\.json:6: .*(UTF-8|utf-8|invalid)`}},
		{stage: TG, input: "invalid-utf8", reason: "a request with invalid UTF-8 on line 9: exit 1 naming input/object.yaml, line 9, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", objectWith("  image: nginx"+bad+"\n"))
			},
			code: 1, errors: []string{`^input/object\.yaml:9: .*(UTF-8|utf-8|invalid)`}},

		// A byte-order mark: allowed at the start of a YAML stream and of an HCL file.
		{stage: LI, input: "bom", reason: "a BOM-prefixed manifest is labelled and keeps its BOM (exactly one, still first)",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", bom+configMap("bom")) },
			check: all(labelled("output/hostile.yaml"), startsWithBOM("output/hostile.yaml"))},
		{stage: SF, input: "bom", reason: "a BOM does not hide a Secret: exit 1 naming file, line 1 and the Secret",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", bom+secret("bom")) },
			code:  1, errors: []string{`^output/hostile\.yaml:1: Secret team-a/bom`}},
		{stage: RM, input: "bom", reason: "a BOM-prefixed Deployment is raised and keeps its BOM",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", bom+deployment("bom", "1")) },
			check: all(raised("output/hostile.yaml"), startsWithBOM("output/hostile.yaml"))},
		{stage: ET, input: "bom", reason: "a BOM-prefixed .tf file (HCL ignores a leading BOM) is tagged and keeps its BOM",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.tf", bom+baseTF) },
			check: all(matches("output/hostile.tf", tagged), startsWithBOM("output/hostile.tf"))},
		{stage: TG, input: "bom", reason: "a BOM-prefixed request is read like any other: the module is written, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "input/object.yaml", bom+object) },
			check: contains("output/app_team-a_todo.tf.json", `"instance_type": "t3.micro"`)},

		// CRLF line endings: lines are counted the same, edits keep CRLF.
		{stage: LI, input: "crlf", reason: "a CRLF manifest is labelled and every line of it, new ones included, still ends in CRLF",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", crlf(configMap("crlf"))) },
			check: all(contains("output/hostile.yaml", "kratix.io/resource-name: todo\r\n"), noLoneLF("output/hostile.yaml"))},
		{stage: SF, input: "crlf", reason: "a CRLF file's second document is a Secret: exit 1 naming line 9 (CR does not shift line numbers)",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", crlf(configMap("first")+"---\n"+secret("crlf")))
			},
			code: 1, errors: []string{`^output/hostile\.yaml:9: Secret team-a/crlf \(document 2\)`}},
		{stage: RM, input: "crlf", reason: "a CRLF Deployment is raised and keeps CRLF on every line",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", crlf(deployment("crlf", "1")))
			},
			check: all(contains("output/hostile.yaml", "replicas: 2\r\n"), noLoneLF("output/hostile.yaml"))},
		{stage: ET, input: "crlf", reason: "a CRLF .tf file is tagged and keeps CRLF on every line",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.tf", crlf(baseTF)) },
			check: all(matches("output/hostile.tf", tagged), noLoneLF("output/hostile.tf"))},
		{stage: TG, input: "crlf", reason: "a CRLF request with a literal block value: the value reaches the module with \\n line breaks, no stray \\r",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", crlf(objectWith("  user_data: |\n    line1\n    line2\n")))
			},
			check: contains("output/app_team-a_todo.tf.json", `"user_data": "line1\nline2\n"`)},
	})
}

func TestTabs(t *testing.T) {
	runCases(t, []hcase{
		{stage: LI, input: "tab-indentation", reason: "YAML forbids tabs in indentation: exit 1 naming file, line 7 and the tab, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", strings.Replace(configMap("tab"), "\n  a: b", "\n\ta: b", 1))
			},
			code: 1, errors: []string{`^output/hostile\.yaml:7: .*tab`}},
		{stage: SF, input: "tab-indentation", reason: "fail closed on a Secret file that does not parse: exit 1 naming file, line and the tab",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", strings.Replace(secret("tab"), "\n  password", "\n\tpassword", 1))
			},
			code: 1, errors: []string{`^output/hostile\.yaml:7: .*tab`}},
		{stage: RM, input: "tab-indentation", reason: "a Deployment indented with a tab is malformed: exit 1 naming file, line and the tab, nothing raised",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", strings.Replace(deployment("tab", "1"), "\n  replicas", "\n\treplicas", 1))
			},
			code: 1, errors: []string{`^output/hostile\.yaml:7: .*tab`}},
		{stage: ET, input: "tab-indentation", reason: "HCL accepts tabs as indentation: the module is tagged, exit 0, the tab-indented lines keep their tabs",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf", strings.ReplaceAll(baseTF, "\n  ", "\n\t"))
			},
			check: all(contains("output/hostile.tf", "\n\tsource = "), matches("output/hostile.tf", tagged))},
		{stage: TG, input: "tab-indentation", reason: "a request indented with a tab: exit 1 naming input/object.yaml, line 10 and the tab, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", objectWith("  image: nginx\n\tsize: 1\n"))
			},
			code: 1, errors: []string{`^input/object\.yaml:10: .*tab`}},

		{stage: LI, input: "tab-in-value", reason: "tabs inside values (plain and quoted) are text: labelled, exit 0, the tabs keep their bytes",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", configMap("tab")+"  plain: a\tb\n  quoted: \"c\td\"\n")
			},
			check: all(labelled("output/hostile.yaml"), contains("output/hostile.yaml", "  plain: a\tb\n  quoted: \"c\td\"\n"))},
		{stage: SF, input: "tab-in-value", reason: "a tab between `kind:` and `Secret` does not hide it: exit 1 naming file, line and the Secret",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", strings.Replace(secret("tab"), "kind: Secret", "kind:\tSecret\t", 1))
			},
			code: 1, errors: []string{`^output/hostile\.yaml:1: Secret team-a/tab`}},
		{stage: RM, input: "tab-in-value", reason: "`replicas:\\t1` is the integer 1: raised to 2, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", strings.Replace(deployment("tab", "1"), "replicas: 1", "replicas:\t1", 1))
			},
			check: contains("output/hostile.yaml", "replicas:\t2")},
		{stage: ET, input: "tab-in-value", reason: "a tab inside an HCL tag value is kept: tagged, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf", strings.Replace(baseTF, `"todo"`, "\"to\tdo\"", 1))
			},
			check: all(matches("output/hostile.tf", "Name\\s*= \"to\tdo\""), matches("output/hostile.tf", tagged))},
		{stage: TG, input: "tab-in-value", reason: "a tab in a spec value reaches the module escaped as \\t (JSON), exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", objectWith("  motd: \"a\\tb\"\n  raw: c\td\n"))
			},
			check: contains("output/app_team-a_todo.tf.json", `"motd": "a\tb"`, `"raw": "c\td"`)},
	})
}

func TestDuplicateKeys(t *testing.T) {
	// YAML forbids duplicate keys in a mapping and kubectl refuses them ("mapping key already
	// defined"); an editor that sets one of two labels maps leaves the other to win. The right
	// answer is a clear error naming the second key's line.
	runCases(t, []hcase{
		{stage: LI, input: "duplicate-keys", reason: "two metadata.labels maps: exit 1 naming file, the line of the second labels key and that it is a duplicate, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  labels:\n    a: b\n  labels:\n    c: d\n")
			},
			code: 1, errors: []string{`^output/hostile\.yaml:7: .*(duplicate|already defined).*labels|labels.*(duplicate|already defined)`}},
		{stage: SF, input: "duplicate-keys", reason: "`kind: ConfigMap` then `kind: Secret`: whichever a consumer keeps, fail closed; exit 1 naming line 3 as a duplicate key",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", "apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: dup\nstringData:\n  a: b\n")
			},
			code: 1, errors: []string{`^output/hostile\.yaml:3: .*(duplicate|already defined)`}},
		{stage: RM, input: "duplicate-keys", reason: "`replicas: 1` twice: exit 1 naming the second line as a duplicate, nothing raised",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", strings.Replace(deployment("dup", "1"), "  replicas: 1\n", "  replicas: 1\n  replicas: 1\n", 1))
			},
			code: 1, errors: []string{`^output/hostile\.yaml:8: .*(duplicate|already defined)`}},
		{stage: ET, input: "duplicate-keys", reason: "a .tf.json module with two \"tags\" (Terraform: duplicate argument): exit 1 naming line 7, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf.json", strings.Replace(baseTFJSON, "      }\n", "      },\n      \"tags\": {}\n", 1))
			},
			code: 1, errors: []string{`^output/hostile\.tf\.json:8: .*(duplicate|already defined|redefined)`}},
		{stage: ET, input: "duplicate-keys-hcl", reason: "an HCL module with two tags arguments (Terraform: attribute redefined): exit 1 naming line 6, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf", strings.Replace(baseTF, "  }\n", "  }\n  tags = {}\n", 1))
			},
			code: 1, errors: []string{`^output/hostile\.tf:6: .*(duplicate|already defined|redefined)`}},
		{stage: TG, input: "duplicate-keys", reason: "a spec key given twice: exit 1 naming input/object.yaml, the second key's line, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", objectWith("  image: nginx\n  image: httpd\n"))
			},
			code: 1, errors: []string{`^input/object\.yaml:10: .*(duplicate|already defined)`}},
	})
}

func TestEmptyDocuments(t *testing.T) {
	comments := "# rendered by helm\n# nothing to see here\n"
	runCases(t, []hcase{
		{stage: LI, input: "only-comments", reason: "a file of comments holds no object: left byte for byte, exit 0, the other files labelled",
			setup:     func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", comments) },
			unchanged: []string{"output/hostile.yaml"}, check: labelled("output/base.yaml")},
		{stage: SF, input: "only-comments", reason: "a file of comments holds no Secret: exit 0",
			setup:     func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", comments) },
			unchanged: []string{"output/hostile.yaml"}},
		{stage: RM, input: "only-comments", reason: "a file of comments holds no workload: left as is, the base Deployment raised, exit 0",
			setup:     func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", comments) },
			unchanged: []string{"output/hostile.yaml"}, check: raised("output/base.yaml")},
		{stage: ET, input: "only-comments", reason: "a .tf file of comments holds no module: left as is, the base module tagged, exit 0",
			setup:     func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.tf", comments) },
			unchanged: []string{"output/hostile.tf"}, check: contains("output/base.tf.json", `"kratix.io/request-name": "todo"`)},
		{stage: ET, input: "only-comments-object", reason: "a request of comments only cannot give the default tags a name: exit 1 naming input/object.yaml:1 and that it is empty",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "input/object.yaml", comments) },
			code:  1, errors: []string{`^input/object\.yaml:1: .*empty`}},
		{stage: TG, input: "only-comments", reason: "a request of comments only: exit 1 naming input/object.yaml:1 and that it is empty, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "input/object.yaml", comments) },
			code:  1, errors: []string{`^input/object\.yaml:1: .*empty`}},
		{stage: LI, input: "only-comments-object", reason: "outside Kratix the Promise and request names come from the object; a comments-only object cannot tell them: exit 2 asking for KRATIX_PROMISE_NAME, naming the object as empty",
			setup: func(m *fsys.MemFS, env map[string]string) {
				write(m, "input/object.yaml", comments)
				delete(env, "KRATIX_PROMISE_NAME")
				delete(env, "KRATIX_OBJECT_NAME")
			},
			code: 2, errors: []string{`input/object\.yaml:1: .*empty`}},

		{stage: LI, input: "bare-document-marker", reason: "a `---` after the last document is an empty document: the object is labelled, the marker kept, exit 0; a file that is only `---` is left alone",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", configMap("marker")+"---\n")
				write(m, "output/only-marker.yaml", "---\n")
			},
			unchanged: []string{"output/only-marker.yaml"},
			check: all(labelled("output/hostile.yaml"), func(t *testing.T, res *stagetest.Result, _ map[string]string) {
				if got := file(t, res, "output/hostile.yaml"); !strings.HasSuffix(got, "\n---\n") {
					t.Errorf("the trailing --- was lost:\n%s", got)
				}
			})},
		{stage: SF, input: "bare-document-marker", reason: "an empty document before a Secret counts as document 1 (as kubectl counts): exit 1 naming line 2, document 2",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", "---\n---\n"+secret("marker")+"---\n")
			},
			code: 1, errors: []string{`^output/hostile\.yaml:3: Secret team-a/marker \(document 2\)`}},
		{stage: RM, input: "bare-document-marker", reason: "a Deployment followed by `---` is raised, the marker kept, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", deployment("marker", "1")+"---\n")
			},
			check: all(raised("output/hostile.yaml"), contains("output/hostile.yaml", "image: nginx\n---\n"))},
		{stage: ET, input: "bare-document-marker", reason: "a request that is only `---` has no name for the default tags: exit 1 naming input/object.yaml:1 as empty",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "input/object.yaml", "---\n") },
			code:  1, errors: []string{`^input/object\.yaml:1: .*empty`}},
		{stage: TG, input: "bare-document-marker", reason: "a request that is only `---`: exit 1 naming input/object.yaml:1 as empty",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "input/object.yaml", "---") },
			code:  1, errors: []string{`^input/object\.yaml:1: .*empty`}},
	})
}

func TestJSONArray(t *testing.T) {
	arr := `[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "in-array", "namespace": "team-a"}}]` + "\n"
	runCases(t, []hcase{
		{stage: LI, input: "json-array", reason: "a top-level JSON array is not a Kubernetes object (kubectl refuses it): left byte for byte with a warning naming file and line 1, exit 0",
			setup:     func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.json", arr) },
			unchanged: []string{"output/hostile.json"}, logs: []string{`WARN.*output/hostile\.json:1: `}, check: labelled("output/base.yaml")},
		{stage: SF, input: "json-array", reason: "a Secret inside a top-level JSON array is still plaintext in the state store: fail closed, exit 1 naming file, line and the Secret",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.json", `[{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "in-array", "namespace": "team-a"}, "stringData": {"a": "b"}}]`+"\n")
			},
			code: 1, errors: []string{`^output/hostile\.json:1: Secret team-a/in-array`}, noLog: []string{`"b"`}},
		{stage: RM, input: "json-array", reason: "a top-level JSON array is not a Kubernetes object: left byte for byte, the base Deployment raised, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.json", `[{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}, "spec": {"replicas": 1}}]`+"\n")
			},
			unchanged: []string{"output/hostile.json"}, check: raised("output/base.yaml")},
		{stage: ET, input: "json-array", reason: "HCL JSON allows a body to be an array of objects, so a root array of module blocks is real Terraform: its module is tagged like any other, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.tf.json", `[{"module": {"m": {"source": "x", "tags": {"Name": "m"}}}}]`+"\n")
			},
			check: contains("output/hostile.tf.json", `"kratix.io/request-name": "todo"`, `"Name": "m"`)},
		{stage: TG, input: "json-array", reason: "a request that is a JSON array is not an object: exit 1 naming input/object.yaml:1 and what it is",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "input/object.yaml", `[{"kind": "App"}]`) },
			code:  1, errors: []string{`^input/object\.yaml:1: .*not an object.*(list|sequence|array)`}},
	})
}
