package sdk

import (
	"strings"
	"testing"
)

func FuzzManifests(f *testing.F) {
	for _, s := range []string{
		multiDoc,
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: 3\n",
		"apiVersion: v1\nkind: A\nmetadata: {labels: {a: b}}\n---\n---\n# c\n",
		"apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: A}, 3]\n",
		"{\"apiVersion\": \"v1\", \"kind\": \"A\", \"metadata\": {\"name\": \"x\"}}",
		"apiVersion: v1\nkind: A\nmetadata: &m {name: a}\nspec: *m\n",
		"apiVersion: v1\nkind: [x\n",
		"",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "output/f.yaml"
		if asJSON {
			name = "output/f.json"
		}
		mem := pod(t, map[string]string{name: string(data)})
		k := kratixOn(t, mem, nil)
		labelErr := false
		err := k.Output.EachManifest(func(m *Manifest) error {
			if err := m.SetLabel("fuzz", "yes"); err != nil {
				labelErr = true
				return err
			}
			return nil
		})
		if err != nil {
			if rerr := k.Rollback(); rerr != nil {
				t.Fatal(rerr)
			}
		} else {
			commit(t, k)
		}
		after := mem.Files()[name]
		if err != nil {
			if !labelErr && string(after) != string(data) {
				t.Fatalf("a file that failed to parse was changed:\n%q\n->\n%q", data, after)
			}
			return
		}
		// The saved file parses again, every object carrying the label.
		k2 := kratixOn(t, mem, nil)
		err = k2.Output.EachManifest(func(m *Manifest) error {
			if v, _ := m.GetString("metadata.labels.fuzz"); v != "yes" {
				t.Errorf("%s: object %d/%d has fuzz=%q after save:\n%s", m.At(), m.Document(), m.ListItem(), v, after)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("the saved file does not parse: %v\nbefore:\n%q\nafter:\n%q", err, data, after)
		}
	})
}

func FuzzOutputName(f *testing.F) {
	for _, s := range []string{"a.yaml", "../x", "/etc/passwd", "a/../../b", "./a", "a//b", "", ".", "..", "link/x", "in/object.yaml",
		"a\\..\\..\\x", "a/./b", ".a.yaml.stagekit-tmp", "a\x00b", "output/../../x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		mem := pod(t, map[string]string{ObjectFile: "kind: A\n", "metadata/status.yaml": "a: 1\n"})
		_ = mem.Symlink("../input", "output/in")
		_ = mem.Symlink("/etc", "output/link")
		_ = mem.Symlink("sub", "output/ok")
		k := kratixOn(t, mem, nil)
		err := k.Output.Write(name, []byte("x"))
		if err == nil {
			commit(t, k)
		}
		for n, data := range mem.Files() {
			switch {
			case n == ObjectFile && string(data) == "kind: A\n":
			case n == "metadata/status.yaml" && string(data) == "a: 1\n":
			case strings.HasPrefix(n, "output/"):
			default:
				t.Fatalf("Write(%q) (err %v) wrote %s", name, err, n)
			}
		}
		if err != nil && !strings.HasPrefix(err.Error(), "output/") {
			t.Errorf("Write(%q): the error does not name the file: %v", name, err)
		}
	})
}
