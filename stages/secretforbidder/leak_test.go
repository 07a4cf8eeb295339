package secretforbidder

import (
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
	yaml2 "sigs.k8s.io/yaml/goyaml.v2"
)

// secretValues collects every data and stringData value of the Secrets of a stream, decoded and
// as written, and the identities the stage may print (names, namespaces).
func secretValues(t *testing.T, src string) (values, printable []string) {
	t.Helper()
	dec := yaml2.NewDecoder(strings.NewReader(src))
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			break // the malformed fixture: its values are listed by hand
		}
		if doc["kind"] != "Secret" {
			continue
		}
		meta := asMap(doc["metadata"])
		for _, k := range []string{"name", "namespace"} {
			if s, ok := meta[k].(string); ok {
				printable = append(printable, s)
			}
		}
		for _, v := range asMap(doc["stringData"]) {
			s, _ := v.(string)
			values = append(values, s, base64.StdEncoding.EncodeToString([]byte(s)))
		}
		for _, v := range asMap(doc["data"]) {
			s, _ := v.(string)
			values = append(values, s)
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				values = append(values, string(b))
			}
		}
	}
	return values, printable
}

// TestNeverPrintsSecretValues runs every mode at LOG_LEVEL=debug, in text and JSON, on the
// kubeflow render (minio123), the workshop minio Secret, a malformed Secret and a kustomization,
// and checks no data or stringData value, decoded or not, reaches the logs or diagnostics.
func TestNeverPrintsSecretValues(t *testing.T) {
	kubeflow := readFixture(t, "kratix-marketplace/rendered/kubeflow-pipelines-manifest.yaml")
	minio := readFixture(t, "kratix-marketplace/secrets/workshop-app-minio-secret.yaml")
	broken := "apiVersion: v1\nkind: Secret\nmetadata: {name: broken}\nstringData:\n  password: broken-hunter2\n  token: [unclosed-hunter3\n"
	kust := "secretGenerator:\n- name: gen\n  literals: [password=kustomize-hunter4]\n"
	output := map[string]string{"kubeflow.yaml": kubeflow, "minio.yaml": minio, "kustomization.yaml": kust}

	var values, printable []string
	for _, src := range []string{kubeflow, minio} {
		v, p := secretValues(t, src)
		values, printable = append(values, v...), append(printable, p...)
	}
	values = append(values, "broken-hunter2", "unclosed-hunter3", "kustomize-hunter4", "password=kustomize-hunter4")
	if !contains(values, "minio123") || !contains(values, "minioadmin") {
		t.Fatalf("the fixtures lost their values: %v", values)
	}
	// A value that is also part of a name the stage must print ("minio" in
	// mlpipeline-minio-artifact) or too short to mean anything cannot be checked.
	var checked []string
	for _, v := range values {
		if len(v) < 4 || containsPart(printable, v) {
			continue
		}
		checked = append(checked, v)
	}

	envs := []map[string]string{
		{"MODE": "fail"},
		{"MODE": "fail", "ALLOW_EMPTY": "true", "ALLOW": "TBDNAMESPACE/*"},
		{"MODE": "remove"},
		{"MODE": "remove", "ALLOW": "default/*"},
	}
	for _, withBroken := range []bool{false, true} {
		for _, env := range envs {
			for _, format := range []string{"text", "json"} {
				e := map[string]string{"LOG_LEVEL": "debug", "LOG_FORMAT": format}
				for k, v := range env {
					e[k] = v
				}
				out := map[string]string{}
				for k, v := range output {
					out[k] = v
				}
				if withBroken {
					out["broken.yaml"] = broken
				}
				res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: e, Output: out})
				var diags strings.Builder
				for _, d := range res.Diagnostics {
					diags.WriteString(d.String() + "\n")
				}
				for _, v := range checked {
					if strings.Contains(res.Logs, v) || strings.Contains(diags.String(), v) {
						t.Errorf("env %v, broken file %v: a Secret value (%d bytes) was printed:\n%s", e, withBroken, len(v), res.Logs)
					}
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsPart(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
