package secretforbidder

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

const secretDoc = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\nstringData:\n  k: symlinked-value\n"

// TestSymlinks: a link out of /kratix/output fails closed; a link to a file inside is checked
// once; emptying that file in MODE=remove leaves the link valid.
func TestSymlinks(t *testing.T) {
	cases := []struct {
		name, target, mode string
		wantCode           int
		wantErrs           []string
		wantFiles          []string
		reason             string
	}{
		{"outside", "/etc/passwd", "fail", 1, []string{"output/real/secret.yaml:1: Secret ns/s (document 1)", "output/link.yaml: symlink resolves to /etc/passwd, outside /kratix/output"}, []string{"link.yaml", "real/secret.yaml"},
			"a link leaving /kratix/output could hide anything: an error naming the link"},
		{"inside-fail", "real/secret.yaml", "fail", 1, []string{"output/link.yaml:1: Secret ns/s (document 1)"}, []string{"link.yaml", "real/secret.yaml"},
			"the linked file is reported once, under the first name it is reached by"},
		{"inside-remove", "real/secret.yaml", "remove", 0, nil, []string{"link.yaml", "real/secret.yaml"},
			"the emptied file stays as an empty file (a kustomization may list it), so the link to it stays valid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := stagetest.Fixture{Env: map[string]string{"MODE": c.mode}, Output: map[string]string{"real/secret.yaml": secretDoc}}
			m := fx.FS()
			if err := m.Symlink(c.target, "output/link.yaml"); err != nil {
				t.Fatal(err)
			}
			res := stagetest.RunOn(t, Stage, m, fx.Env, nil)
			if res.ExitCode != c.wantCode {
				t.Errorf("%s: exit %d, want %d\n%s", c.reason, res.ExitCode, c.wantCode, res.Logs)
			}
			if diff := cmp.Diff(c.wantErrs, res.Errors()); diff != "" {
				t.Errorf("%s: errors -want +got:\n%s", c.reason, diff)
			}
			var files []string
			for name := range res.FS.Files() {
				if rest, ok := strings.CutPrefix(name, "output/"); ok {
					files = append(files, rest)
				}
			}
			if _, err := res.FS.Lstat("output/link.yaml"); err == nil && !contains(files, "link.yaml") {
				files = append(files, "link.yaml")
			}
			if diff := cmp.Diff(c.wantFiles, sorted(files)); diff != "" {
				t.Errorf("%s: files left -want +got:\n%s", c.reason, diff)
			}
			if c.mode == "remove" {
				if got := res.Output("link.yaml"); got != "" {
					t.Errorf("%s: the file left is not empty:\n%s", c.reason, got)
				}
				again := stagetest.RunOn(t, Stage, res.FS, fx.Env, nil)
				if again.ExitCode != 0 {
					t.Errorf("second run: exit %d\n%s", again.ExitCode, again.Logs)
				}
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestGeneratorFileBehindSymlink: a file a removed secretGenerator entry reads through a
// symlink is removed where it is stored, and every link to it goes too, so none is left
// dangling (the work-writer fails on one); the change log names them.
func TestGeneratorFileBehindSymlink(t *testing.T) {
	fx := stagetest.Fixture{Env: map[string]string{"MODE": "remove"}, Output: map[string]string{
		"kustomization.yaml": "secretGenerator:\n- name: tls\n  files: [tls.key=keys/tls.key]\n",
		"certs/server.key":   "key-behind-link-not-printed\n",
	}}
	m := fx.FS()
	for link, target := range map[string]string{"output/keys/tls.key": "../certs/server.key", "output/other.key": "certs/server.key"} {
		if err := m.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	res := stagetest.RunOn(t, Stage, m, fx.Env, nil)
	if res.ExitCode != 0 {
		t.Fatalf("exit %d\n%s", res.ExitCode, res.Logs)
	}
	for _, name := range []string{"output/certs/server.key", "output/keys/tls.key", "output/other.key"} {
		if _, err := res.FS.Lstat(name); err == nil {
			t.Errorf("%s is still there", name)
		}
	}
	want := "WARN secret-forbidder: output/certs/server.key: removed: the plaintext of Secret tls, read by the removed secretGenerator entry 1 of output/kustomization.yaml:2 and by no other generator (with the 2 symlinks to it: output/keys/tls.key, output/other.key)"
	if !strings.Contains(res.Logs, want) {
		t.Errorf("the log lacks %q:\n%s", want, res.Logs)
	}
}
