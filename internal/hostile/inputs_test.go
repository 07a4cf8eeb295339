package hostile

import (
	"strings"
	"sync"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/stages/enforcetags"
	"github.com/stagekit/stagekit/stages/labelinjector"
	"github.com/stagekit/stagekit/stages/replicamigration"
	"github.com/stagekit/stagekit/stages/secretforbidder"
	"github.com/stagekit/stagekit/stages/terraformgenerate"
)

// The stages by binary name.
const (
	LI = "label-injector"
	SF = "secret-forbidder"
	RM = "replica-migration"
	ET = "enforce-tags"
	TG = "terraform-generate"
)

func init() {
	runners[LI] = labelinjector.Stage
	runners[SF] = secretforbidder.Stage
	runners[RM] = replicamigration.Stage
	runners[ET] = enforcetags.Stage
	runners[TG] = terraformgenerate.Stage

	baseFixtures[LI] = func() (*fsys.MemFS, map[string]string) {
		m := pod(object)
		write(m, "output/base.yaml", configMap("base"))
		return m, resourceEnv(map[string]string{"KRATIX_PROMISE_NAME": "app", "KRATIX_OBJECT_NAME": "todo", "KRATIX_OBJECT_NAMESPACE": "team-a"})
	}
	baseFixtures[SF] = func() (*fsys.MemFS, map[string]string) {
		m := pod(object)
		write(m, "output/base.yaml", configMap("base"))
		return m, resourceEnv(nil)
	}
	baseFixtures[RM] = func() (*fsys.MemFS, map[string]string) {
		m := pod(object)
		write(m, "output/base.yaml", deployment("base", "1"))
		return m, resourceEnv(nil)
	}
	baseFixtures[ET] = func() (*fsys.MemFS, map[string]string) {
		m := pod(object)
		write(m, "output/base.tf.json", baseTFJSON)
		return m, resourceEnv(map[string]string{"KRATIX_PROMISE_NAME": "app"})
	}
	baseFixtures[TG] = func() (*fsys.MemFS, map[string]string) {
		return pod(object), resourceEnv(map[string]string{"MODULE_SOURCE": "terraform-aws-modules/ec2-instance/aws"})
	}
}

func pod(obj string) *fsys.MemFS {
	m := fsys.NewMem()
	for _, d := range []string{"input", "output", "metadata"} {
		if err := m.MkdirAll(d); err != nil {
			panic(err)
		}
	}
	write(m, "input/object.yaml", obj)
	return m
}

func resourceEnv(extra map[string]string) map[string]string {
	env := map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure"}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// object is the request every stage starts from.
const object = `apiVersion: example.com/v1
kind: App
metadata:
  name: todo
  namespace: team-a
  labels:
    kratix.io/promise-name: app
spec:
  image: nginx
  instance_type: t3.micro
`

// objectWith is the request with its spec replaced by the given lines (indented two spaces).
func objectWith(spec string) string {
	return strings.Replace(object, "  image: nginx\n  instance_type: t3.micro\n", spec, 1)
}

func configMap(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: team-a\ndata:\n  a: b\n"
}

func secret(name string) string {
	return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  namespace: team-a\nstringData:\n  password: hunter2\n"
}

func deployment(name, replicas string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: team-a\nspec:\n  replicas: " + replicas +
		"\n  selector:\n    matchLabels:\n      app: " + name + "\n  template:\n    metadata:\n      labels:\n        app: " + name +
		"\n    spec:\n      containers:\n        - name: c\n          image: nginx\n"
}

const baseTFJSON = `{
  "module": {
    "app_team-a_todo": {
      "source": "terraform-aws-modules/ec2-instance/aws",
      "tags": {
        "Name": "todo"
      }
    }
  }
}
`

const baseTF = `module "app_team-a_todo" {
  source = "terraform-aws-modules/ec2-instance/aws"
  tags = {
    Name = "todo"
  }
}
`

// aliasBomb is "billion laughs": nine levels of nine aliases each, 9^9 (387 million) strings
// when expanded, in under 1 KB. indent is the indentation of its keys.
func aliasBomb(indent string) string {
	var b strings.Builder
	b.WriteString(indent + `l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i <= 8; i++ {
		prev := "*l" + string(rune('0'+i-1))
		b.WriteString(indent + "l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" + strings.Repeat(prev+",", 8) + prev + "]\n")
	}
	return b.String()
}

// depth is how deep the nesting cases go.
const depth = 10000

func deepFlow() string  { return strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth) }
func deepBlock() string { return strings.Repeat("- ", depth) + "1" }

// big is the 100 MB payload, a block scalar of 1 M lines, built once and shared.
var big = sync.OnceValue(func() string {
	line := strings.Repeat("x", 95) + "\n"
	var b strings.Builder
	b.Grow(100<<20 + 200)
	for b.Len() < 100<<20 {
		b.WriteString("    ")
		b.WriteString(line)
	}
	return b.String()
})

// bigLine is the 100 MB payload as one string without newlines (for JSON and HCL).
var bigLine = sync.OnceValue(func() string { return strings.Repeat("x", 100<<20) })

const bigSize = 100 << 20

const bom = "\xef\xbb\xbf"

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// name253 is a request name at the longest a Kubernetes object name may be (a DNS subdomain).
var name253 = strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61)
