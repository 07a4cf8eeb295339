package yamldoc

import "strings"

// kubeSeeds are the inputs on which yamldoc was found to read less than Kubernetes, or
// otherwise: the differential fuzz target starts from them, and the table tests pin each.
var kubeSeeds = []string{
	// Two concatenated JSON objects: kubectl reads both.
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"b\"},\"stringData\":{\"password\":\"hunter2\"}}\n",
	"{\"kind\":\"A\"}{\"kind\":\"B\"}",
	"{\n  \"kind\": \"A\",\n  \"metadata\": {\n    \"name\": \"a\"\n  }\n}\n{\"kind\":\"B\"}\n{\n\"kind\": \"C\"}\n",
	"{\"a\":1} {\"b\":2}\n[1,2]\n\"x\"\n3 true null\n",
	"{\"a\":1}\nb: 2\n---\nc: 3\n",
	"{\"a\":1} x: 1\n---\ny: 2\n",
	"{\"a\":1}\n---\nb: 2\n",
	"{\"a\":1}xyz",
	"{\"a\":1}\nxyz",
	"{a: 1}\n",
	"  {\"a\": 1,\n b: 2}\n",
	"\u00a0{\"a\": 1}\n",
	"{\"a\":1}{\"b\":2}x",
	"{\"a\":01}",
	"{\"a\":1}\n01",
	// A byte order mark: JSON then goes the YAML way.
	"\ufeff{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n",
	"\ufeff{\"apiVersion\":\"apps\\/v1\"}\n",
	"\ufeffapiVersion: v1\nkind: ConfigMap\n---\n\ufeffa: 1\n",
	// Every JSON escape.
	"{\"apiVersion\":\"apps\\/v1\",\"kind\":\"Deployment\"}",
	"{\"s\":\"\\uD83D\\uDE00 \\ud800 \\udc00x \\u00e9 \\b\\f\\n\\r\\t\\\"\\\\\\/\"}",
	"{\"s\":\"\xff\xfe bad utf-8\"}",
	"{\"n\":[0,-0,1.5e300,1E-7,123456789012345678901234567890,1e400,-0.0]}",
	"{\"a\":1,\"a\":2}",
	// YAML 1.1 scalars.
	"a: yes\nb: on\nc: off\nd: y\ne: N\nf: 0x1F\ng: 0o17\nh: 0755\ni: 1_000\nj: 08\nk: 0b101\nl: 2001-12-14\nm: 1e3\nn: 99999999999999999999\no: +12\np: .5\nq: ~\nr: Null\n",
	"on: push\nyes: 1\n1: a\n1.5: b\ntrue: c\n0x10: d\n",
	"a: 1\n'1': 2\n",
	"1: a\n\"1\": b\n",
	"a: .inf\n",
	"a: [.nan]\n",
	".inf: a\n",
	"a: !!binary aGVsbG8=\n",
	"a: !!int \"12\"\nb: !!float 1\nc: !!str 1\nd: !Ref x\ne: !!bool yes\n",
	"a: !!int x\n",
	// Aliases and merge keys at every level.
	"metadata:\n  labels: &l\n    app: web\nspec:\n  selector:\n    matchLabels: *l\n  template:\n    metadata:\n      labels: *l\n",
	"metadata:\n  name: a\n  annotations: &ann\n    team: x\nspec:\n  template:\n    metadata:\n      annotations: *ann\n",
	"metadata: {<<: {labels: {team: payments}}, name: cm}\n",
	"base: &b\n  metadata:\n    name: from-merge\n<<: *b\nkind: ConfigMap\n",
	"spec: {<<: {replicas: 5}}\n",
	"a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n",
	"a: {x: 1, <<: {x: 2}}\n",
	"a: {<<: {x: 2}, x: 1}\n",
	"a: &a {x: 1}\nb: {<<: [*a, {x: 3}]}\n",
	"a: {<<: [{x: 3}, {x: 4}]}\n",
	"<<: {a: 1}\n<<: {b: 2}\n",
	"a: &s [1]\nb: {<<: *s}\n",
	"a: {<<: 1}\n",
	"a: {'<<': {x: 1}}\n",
	"a: !!merge <<\n",
	"a: &a 1\nb: {*a : 2}\n",
	"stringData:\n  password: *S3cr3t-Pa55\n",
	// goyaml.v2's alias-ratio limit, on both sides: 199 aliases of a 200-item list are read,
	// 200 are "excessive aliasing" (aliasBoundary).
	aliasBoundary(199),
	aliasBoundary(200),
	// Document boundaries.
	"a: 1\n...\nb: 2\n",
	"a: 1\n...\n# only a comment\n",
	"--- a\n",
	"---a\n",
	"---#c\na: 1\n---#d\nb: 2\n",
	"# head\n---\na: 1\n",
	"---\n---\na: 1\n---\n",
	"a: 1\n---\n",
	"a: |\n  x",
	"a: 1\r\n---\r\nb: |\r\n  x\r\n",
	"a: 1\r---\rb: 2\r",
	"%YAML 1.1\n---\na: 1\n",
	"a: 'x\n---\ny'\n",
	"",
	"\n",
	"# c\n",
	"~\n",
	"- 1\n- 2\n",
	"x\n",
}

// aliasBoundary is a document whose list b holds m aliases of the 200-item list a: goyaml.v2
// reads it for m up to 199 and refuses it as excessive aliasing from 200 on, where more than
// 99% of what it decodes comes through aliases.
func aliasBoundary(m int) string {
	return "a: &a [" + strings.TrimSuffix(strings.Repeat("1,", 200), ",") + "]\nb: [" + strings.TrimSuffix(strings.Repeat("*a,", m), ",") + "]\n"
}
