package hostile

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// matches checks a file against a regexp (for HCL, whose alignment depends on the layout).
func matches(name, re string) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return func(t *testing.T, res *stagetest.Result, _ map[string]string) {
		t.Helper()
		if got := file(t, res, name); !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("%s does not match %q:\n%s", name, re, clip(got))
		}
	}
}

const tagged = `"kratix\.io/request-name"\s*=\s*"todo"`

func TestFileSystem(t *testing.T) {
	// What every stage must refuse the same way: the file named, the reason, nothing written.
	var cases []hcase
	for _, st := range []struct{ stage, ext string }{{LI, ".yaml"}, {SF, ".yaml"}, {RM, ".yaml"}, {ET, ".tf"}} {
		ext := st.ext
		cases = append(cases,
			hcase{stage: st.stage, input: "symlink-loop", reason: "two output files linking to each other never reach a file: exit 1 naming the link and the loop, nothing written",
				setup: func(m *fsys.MemFS, _ map[string]string) {
					link(m, "loop-b"+ext, "output/loop-a"+ext)
					link(m, "loop-a"+ext, "output/loop-b"+ext)
				},
				code: 1, errors: []string{`^output/loop-a` + regexp.QuoteMeta(ext) + `: .*symlink loop`}},
			hcase{stage: st.stage, input: "symlink-dir-loop", reason: "a directory linking to its parent would be walked forever: exit 1 naming the link as a loop, nothing written",
				setup: func(m *fsys.MemFS, _ map[string]string) { link(m, "..", "output/sub/up") },
				code:  1, errors: []string{`^output/sub/up: .*(loop|contains itself)`}},
			hcase{stage: st.stage, input: "symlink-etc-passwd", reason: "an output file linking to /etc/passwd is outside /kratix/output: exit 1 naming the link and its target, the host file never read or logged, nothing written",
				setup: func(m *fsys.MemFS, _ map[string]string) { link(m, "/etc/passwd", "output/passwd"+ext) },
				code:  1, errors: []string{`^output/passwd` + regexp.QuoteMeta(ext) + `: .*/etc/passwd.*outside /kratix/output`}, noLog: []string{`root:`}},
			hcase{stage: st.stage, input: "unreadable", reason: "an output file the stage cannot read might hold anything: exit 1 naming it and permission denied, nothing written",
				setup: func(m *fsys.MemFS, _ map[string]string) {
					write(m, "output/locked"+ext, "# cannot be read\n")
					unreadable(m, "output/locked"+ext)
				},
				code: 1, errors: []string{`^output/locked` + regexp.QuoteMeta(ext) + `: .*permission denied`}},
		)
	}
	for _, stage := range []string{ET, TG} {
		cases = append(cases,
			hcase{stage: stage, input: "symlink-loop-object", reason: "input/object.yaml in a symlink loop: exit 1 naming input/object.yaml and the loop, nothing written",
				setup: func(m *fsys.MemFS, _ map[string]string) {
					remove(m, "input/object.yaml")
					link(m, "other.yaml", "input/object.yaml")
					link(m, "object.yaml", "input/other.yaml")
				},
				code: 1, errors: []string{`^input/object\.yaml: .*symlink loop`}},
			hcase{stage: stage, input: "symlink-etc-passwd-object", reason: "input/object.yaml linking to /etc/passwd: exit 1 naming it and the target outside /kratix, never read",
				setup: func(m *fsys.MemFS, _ map[string]string) {
					remove(m, "input/object.yaml")
					link(m, "/etc/passwd", "input/object.yaml")
				},
				code: 1, errors: []string{`^input/object\.yaml: .*/etc/passwd.*outside /kratix`}, noLog: []string{`root:`}},
			hcase{stage: stage, input: "unreadable-object", reason: "an input object the stage cannot read: exit 1 naming input/object.yaml and permission denied",
				setup: func(m *fsys.MemFS, _ map[string]string) { unreadable(m, "input/object.yaml") },
				code:  1, errors: []string{`^input/object\.yaml: .*permission denied`}},
		)
	}
	cases = append(cases,
		hcase{stage: TG, input: "symlink-etc-passwd-output", reason: "the module file to write is a symlink to /etc/passwd: the write is refused, exit 1 naming the file and the target, /etc/passwd never touched",
			setup: func(m *fsys.MemFS, _ map[string]string) { link(m, "/etc/passwd", "output/app_team-a_todo.tf.json") },
			code:  1, errors: []string{`^output/app_team-a_todo\.tf\.json: .*/etc/passwd.*outside /kratix/output`}},
		hcase{stage: TG, input: "symlink-loop-output", reason: "the module file to write is a symlink loop: exit 1 naming it and the loop, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				link(m, "x.tf.json", "output/app_team-a_todo.tf.json")
				link(m, "app_team-a_todo.tf.json", "output/x.tf.json")
			},
			code: 1, errors: []string{`^output/app_team-a_todo\.tf\.json: .*symlink loop`}},
		hcase{stage: SF, input: "symlink-etc-passwd-remove", reason: "MODE=remove must not act on a tree with an escaping link either: exit 1 naming the link, the Secret beside it not removed (nothing written)",
			setup: func(m *fsys.MemFS, env map[string]string) {
				env["MODE"] = "remove"
				write(m, "output/secret.yaml", secret("s"))
				link(m, "/etc/passwd", "output/passwd.yaml")
			},
			code: 1, errors: []string{`^output/passwd\.yaml: .*/etc/passwd`}},
	)
	runCases(t, cases)
}

func TestNames(t *testing.T) {
	runCases(t, []hcase{
		{stage: LI, input: "name-253", reason: "a 253-character request name is a valid object name but an invalid label value (at most 63): exit 1 naming kratix.io/resource-name and the limit, nothing written",
			setup: func(m *fsys.MemFS, env map[string]string) { env["KRATIX_OBJECT_NAME"] = name253 },
			code:  1, errors: []string{`kratix\.io/resource-name.*63`}},
		{stage: SF, input: "name-253", reason: "a Secret with a 253-character name is found and named in full: exit 1 naming file, line and team-a/<name>",
			setup: func(m *fsys.MemFS, _ map[string]string) { write(m, "output/hostile.yaml", secret(name253)) },
			code:  1, errors: []string{`^output/hostile\.yaml:1: Secret team-a/` + regexp.QuoteMeta(name253) + ` `}},
		{stage: RM, input: "name-253", reason: "the request's name plays no part in raising replicas: a 253-character name changes nothing, exit 0",
			setup: func(m *fsys.MemFS, env map[string]string) {
				env["KRATIX_OBJECT_NAME"] = name253
				write(m, "output/hostile.yaml", deployment(name253, "1"))
			},
			check: raised("output/hostile.yaml")},
		{stage: ET, input: "name-253", reason: "a 253-character name fits an AWS tag value (256): the request-name tag carries it in full, exit 0",
			setup: func(m *fsys.MemFS, env map[string]string) {
				env["KRATIX_OBJECT_NAME"] = name253
				write(m, "input/object.yaml", strings.Replace(object, "name: todo", "name: "+name253, 1))
			},
			check: contains("output/base.tf.json", `"kratix.io/request-name": "`+name253+`"`)},
		{stage: ET, input: "name-253-gcp", reason: "with TAG_RULES=gcp (values at most 63) the same name breaks the rules: exit 1 naming the tag and the limit, nothing written",
			setup: func(m *fsys.MemFS, env map[string]string) {
				env["TAG_RULES"] = "gcp"
				write(m, "input/object.yaml", strings.Replace(object, "name: todo", "name: "+name253, 1))
			},
			code: 1, errors: []string{`TAGS: tag "kratix\.io/request-name".*gcp`}},
		{stage: TG, input: "name-253", reason: "a 253-character name makes app_team-a_<name>.tf.json, 276 bytes, longer than a file name may be (255) on every Linux file system: exit 1 naming input/object.yaml, metadata.name and the limit, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", strings.Replace(object, "name: todo", "name: "+name253, 1))
			},
			code: 1, errors: []string{`^input/object\.yaml:4: metadata\.name: .*255`}},

		{stage: LI, input: "namespace-dots", reason: "a namespace with dots (invalid for Kubernetes, but a valid label value) labels component objects with it as is: exit 0",
			setup: func(m *fsys.MemFS, env map[string]string) {
				env["KRATIX_OBJECT_NAMESPACE"] = "team.a.b"
				env["COMPONENT_DIRS"] = "platform"
				write(m, "output/platform/child.yaml", configMap("child"))
			},
			check: contains("output/platform/child.yaml", "kratix.io/parent-resource-namespace: team.a.b")},
		{stage: SF, input: "namespace-dots", reason: "an ALLOW glob with a dotted namespace matches the dots literally: team.a/* allows team.a/s but not teamxa/s (exit 1 naming only that one)",
			setup: func(m *fsys.MemFS, env map[string]string) {
				env["ALLOW"] = "team.a/*"
				write(m, "output/dotted.yaml", strings.Replace(secret("s"), "team-a", "team.a", 1))
				write(m, "output/lookalike.yaml", strings.Replace(secret("s"), "team-a", "teamxa", 1))
			},
			code: 1, errors: []string{`^output/lookalike\.yaml:1: Secret teamxa/s`}, logs: []string{`output/dotted\.yaml:1: .*allowed by ALLOW`}},
		{stage: RM, input: "namespace-dots", reason: "an HPA matches a workload in a dotted namespace literally: the HPA in team.a is raised, the Deployment left to it, exit 0",
			setup: func(m *fsys.MemFS, env map[string]string) {
				env["KRATIX_OBJECT_NAMESPACE"] = "team.a"
				remove(m, "output/base.yaml")
				write(m, "output/hostile.yaml", strings.Replace(deployment("web", "1"), "team-a", "team.a", 1)+
					"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: team.a\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 1\n  maxReplicas: 1\n")
			},
			check: contains("output/hostile.yaml", "replicas: 1\n", "minReplicas: 2", "maxReplicas: 2")},
		{stage: ET, input: "namespace-dots", reason: "a dotted namespace is a valid AWS tag value: kratix.io/request-namespace carries it, exit 0",
			setup: func(m *fsys.MemFS, env map[string]string) {
				write(m, "input/object.yaml", strings.Replace(object, "namespace: team-a", "namespace: team.a", 1))
			},
			check: contains("output/base.tf.json", `"kratix.io/request-namespace": "team.a"`)},
		{stage: TG, input: "namespace-dots", reason: "dots are not allowed in a Terraform name: the module and its file become app_team_a_todo (logged), exit 0",
			setup: func(m *fsys.MemFS, env map[string]string) {
				write(m, "input/object.yaml", strings.Replace(object, "namespace: team-a", "namespace: team.a", 1))
			},
			logs: []string{`app_team_a_todo`}, check: contains("output/app_team_a_todo.tf.json", `"app_team_a_todo": {`)},

		{stage: LI, input: "spec-string", reason: "a Deployment whose spec is a string has no pod template: its metadata is labelled, the spec left as is, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: s\nspec: \"replicas: 3\"\n")
			},
			check: all(labelled("output/hostile.yaml"), contains("output/hostile.yaml", "spec: \"replicas: 3\"\n"))},
		{stage: SF, input: "spec-string", reason: "secret-forbidder never reads the request: a request whose spec is a string changes nothing, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", objectWith("")+"spec: hello\n")
			}},
		{stage: RM, input: "spec-string", reason: "a Deployment whose spec is a string has no replicas to raise and is malformed: exit 1 naming file, line 5 and spec, nothing written",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "output/hostile.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: s\nspec: \"replicas: 3\"\n")
			},
			code: 1, errors: []string{`^output/hostile\.yaml:5: spec`}},
		{stage: ET, input: "spec-string", reason: "enforce-tags reads only the request's name and namespace: a string spec changes nothing, exit 0",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", strings.Replace(object, "spec:\n  image: nginx\n  instance_type: t3.micro\n", "spec: hello\n", 1))
			},
			check: contains("output/base.tf.json", `"kratix.io/request-name": "todo"`)},
		{stage: TG, input: "spec-string", reason: "a request whose spec is a string cannot become module arguments: exit 1 naming input/object.yaml:8, spec and that it is not a map",
			setup: func(m *fsys.MemFS, _ map[string]string) {
				write(m, "input/object.yaml", strings.Replace(object, "spec:\n  image: nginx\n  instance_type: t3.micro\n", "spec: hello\n", 1))
			},
			code: 1, errors: []string{`^input/object\.yaml:8: spec.*map`}},
	})
}
