package secretforbidder

import (
	"fmt"
	"path"
	"strings"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// generator is one entry of a kustomization's secretGenerator or configMapGenerator, with the
// files it reads: a secretGenerator's files and env files are the Secret's plaintext.
type generator struct {
	at      sdk.Location // the entry, in its kustomization
	field   string       // secretGenerator or configMapGenerator
	index   int
	secret  string   // for a removed entry, what the log calls it: Secret ns/name
	reads   []string // the files it reads, symlink-free names in the kratix dir (output/db.env)
	removed bool
}

func (g generator) String() string {
	return fmt.Sprintf("%s entry %d of %s", g.field, g.index+1, g.at)
}

// generators lists the generator entries of a kustomization's documents. dirs are the
// directories the file is reached by (a kustomization reads files relative to where it is
// loaded from); removed says which secretGenerator entries this run removes.
func generators(k *sdk.Kratix, f *sdk.ManifestFile, docs []*yamldoc.Doc, dirs []string, removed map[[2]int]finding) []generator {
	var out []generator
	for _, doc := range docs {
		if doc.Empty() || doc.Root().Kind() != yamldoc.MapKind {
			continue
		}
		for _, fieldName := range []string{"secretGenerator", "configMapGenerator"} {
			list, ok := field(doc.Root(), fieldName)
			if !ok || list.Kind() != yamldoc.SeqKind {
				continue
			}
			for i := 0; i < list.Len(); i++ {
				e := list.Item(i)
				g := generator{at: sdk.Location{File: f.Path, Line: e.Line()}, field: fieldName, index: i}
				if fd, ok := removed[[2]int{doc.Index(), i}]; ok && fieldName == "secretGenerator" {
					g.removed, g.secret = true, fd.what()
				}
				for _, dir := range dirs {
					g.reads = append(g.reads, sourcesOf(k, e, dir)...)
				}
				out = append(out, g)
			}
		}
	}
	return out
}

// sourcesOf is the files a generator entry reads, as kustomize reads its fields: files
// ("path" or "key=path"), envs (a list) and env (one path), each relative to the
// kustomization's directory dir ("output/base"). Files outside the output, which kustomize
// refuses by default and this stage may not touch, are left out.
func sourcesOf(k *sdk.Kratix, entry yamldoc.Node, dir string) []string {
	var names []string
	if files, ok := field(entry, "files"); ok && files.Kind() == yamldoc.SeqKind {
		for i := 0; i < files.Len(); i++ {
			if s, ok := scalarString(files.Item(i)); ok {
				names = append(names, fileSourcePath(s))
			}
		}
	}
	if envs, ok := field(entry, "envs"); ok && envs.Kind() == yamldoc.SeqKind {
		for i := 0; i < envs.Len(); i++ {
			if s, ok := scalarString(envs.Item(i)); ok {
				names = append(names, s)
			}
		}
	}
	if env, ok := str(entry, "env"); ok {
		names = append(names, env)
	}
	var out []string
	for _, n := range names {
		if n == "" || path.IsAbs(n) {
			continue
		}
		full := path.Join(dir, n)
		if !strings.HasPrefix(full, "output/") {
			continue
		}
		if real, err := fsys.Resolve(k.FS, "output", full); err == nil {
			out = append(out, real)
		}
	}
	return out
}

// fileSourcePath is the path of a files entry: "tls.key" or "key=tls.key" (kustomize's
// parseFileSource; an entry with more than one "=" is refused by kustomize, and read whole here,
// which matches no file).
func fileSourcePath(s string) string {
	if strings.Count(s, "=") == 1 {
		_, p, _ := strings.Cut(s, "=")
		return p
	}
	return s
}

// scalarString reads a list item as a string, never quoting it anywhere.
func scalarString(n yamldoc.Node) (string, bool) {
	if n.Kind() != yamldoc.ScalarKind {
		return "", false
	}
	s, err := n.GetString("")
	return s, err == nil
}

// removeSources removes the files that removed secretGenerator entries read, when no entry that
// stays (of either generator, in any kustomization of the output) reads them too: they are the
// Secret's plaintext. names are every name (relative to the output) a file is reached by: its
// symlinks go with it, so none is left dangling. A file kept because another entry reads it is logged too. It returns
// how many files it removed.
func removeSources(k *sdk.Kratix, gens []generator, names map[string][]string) (int, error) {
	keptBy := map[string]generator{}
	for _, g := range gens {
		for _, r := range g.reads {
			if _, ok := keptBy[r]; !ok && !g.removed {
				keptBy[r] = g
			}
		}
	}
	done := map[string]bool{}
	n := 0
	for _, g := range gens {
		if !g.removed {
			continue
		}
		for _, r := range g.reads {
			if done[r] || len(names[r]) == 0 {
				continue // handled, or not a file of the output (missing, a directory)
			}
			done[r] = true
			if other, ok := keptBy[r]; ok {
				k.Changef(sdk.Location{File: r}, "kept: read by the removed %s (%s), but also by %s", g, g.secret, other)
				continue
			}
			for _, name := range names[r] {
				if err := k.Output.Remove(name); err != nil {
					return n, err
				}
			}
			if err := k.Output.Remove(strings.TrimPrefix(r, "output/")); err != nil {
				return n, err
			}
			n++
			k.Change(sdk.Diagnostic{Severity: sdk.Warning, Location: sdk.Location{File: r},
				Message: "removed: the plaintext of " + g.secret + ", read by the removed " + g.String() + " and by no other generator" + alsoReachedBy(r, names[r])})
		}
	}
	return n, nil
}

// alsoReachedBy names the symlinks removed with a file (names are relative to the output).
func alsoReachedBy(real string, names []string) string {
	var links []string
	for _, n := range names {
		if "output/"+n != real {
			links = append(links, "output/"+n)
		}
	}
	if len(links) == 0 {
		return ""
	}
	return " (with the " + count(len(links), "symlink") + " to it: " + strings.Join(links, ", ") + ")"
}
