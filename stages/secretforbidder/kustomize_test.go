package secretforbidder

import (
	"path"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	kusttypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/stagekit/stagekit/sdk/stagetest"
)

// build runs kustomize's own build (krusty, with no load restrictions, as Flux's
// kustomize-controller runs it) on the directory dir of an output tree, and returns the
// Secrets it makes as namespace/name.
func build(t *testing.T, files map[string]string, dir string) ([]string, error) {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	for name, data := range files {
		if err := fs.WriteFile("/output/"+name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	opts := krusty.MakeDefaultOptions()
	opts.LoadRestrictions = kusttypes.LoadRestrictionsNone
	m, err := krusty.MakeKustomizer(opts).Run(fs, path.Join("/output", dir))
	if err != nil {
		return nil, err
	}
	var secrets []string
	for _, r := range m.Resources() {
		if r.GetKind() == "Secret" {
			secrets = append(secrets, r.GetNamespace()+"/"+r.GetName())
		}
	}
	return secrets, nil
}

// kustomizationDirs lists the directories of an output tree that hold a kustomization.
func kustomizationDirs(files map[string]string) []string {
	var dirs []string
	for name := range files {
		if isKustomization(name) {
			dirs = append(dirs, path.Dir(name))
		}
	}
	return sorted(dirs)
}

// TestRemoveKeepsKustomizeBuilds judges MODE=remove with kustomize itself: for every golden
// case that removes Secrets and succeeds, every kustomization of the output builds before the
// run and still builds after it, and what it builds then holds no Secret but those ALLOW lets
// through. A file a kustomization lists that held only a Secret stays as an empty file; the
// files a removed secretGenerator entry read are gone when nothing else reads them.
func TestRemoveKeepsKustomizeBuilds(t *testing.T) {
	cases, err := filepath.Glob("testdata/golden/remove-*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range cases {
		fx := stagetest.LoadFixture(t, dir)
		dirs := kustomizationDirs(fx.Output)
		if len(dirs) == 0 {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			res := stagetest.Idempotent(t, Stage, fx)
			if res.ExitCode != 0 {
				return // a refused run writes nothing: there is nothing new to build
			}
			n++
			p, err := compile(&Config{ForbiddenKinds: []string{"Secret"}, Allow: splitList(fx.Env["ALLOW"])})
			if err != nil {
				t.Fatal(err)
			}
			after := res.Files("output")
			for _, d := range dirs {
				if _, err := build(t, fx.Output, d); err != nil {
					t.Fatalf("the golden case is wrong: output-before/%s does not build before the run: %v", d, err)
				}
				secrets, err := build(t, after, d)
				if err != nil {
					t.Errorf("output/%s no longer builds after MODE=remove: %v", d, err)
					continue
				}
				for _, s := range secrets {
					ns, name, _ := strings.Cut(s, "/")
					if !p.allowed(ns, name) {
						t.Errorf("output/%s still builds Secret %s", d, s)
					}
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("no golden case removes anything from a kustomization's directory")
	}
}

// TestRemovingAListedFileBreaksTheBuild is the check above shown able to fail: had the stage
// removed the file it emptied, the kustomization listing it would no longer build.
func TestRemovingAListedFileBreaksTheBuild(t *testing.T) {
	dir := "testdata/golden/remove-keeps-kustomize-builds-working"
	res := stagetest.Run(t, Stage, stagetest.LoadFixture(t, dir))
	after := res.Files("output")
	if got, ok := after["app/credentials.yaml"]; !ok || got != "" {
		t.Fatalf("app/credentials.yaml should be left empty, got present=%v %q", ok, got)
	}
	if _, err := build(t, after, "app"); err != nil {
		t.Fatalf("the output the stage left does not build: %v", err)
	}
	delete(after, "app/credentials.yaml")
	if _, err := build(t, after, "app"); err == nil {
		t.Fatal("kustomize builds a directory whose kustomization lists a missing file: this test proves nothing")
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
