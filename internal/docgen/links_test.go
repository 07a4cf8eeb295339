package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

var (
	mdLink   = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	heading  = regexp.MustCompile("(?m)^#{1,6} +(.+?) *$")
	fence    = regexp.MustCompile("(?ms)^```.*?^```")
	citation = regexp.MustCompile(`docs/(?:contract|design)\.md#[A-Za-z0-9_-]+`)
)

// anchor is the id GitHub gives a Markdown heading.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors are the heading ids of a Markdown document (a repeated heading gets -1, -2, ...).
func anchors(doc string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, m := range heading.FindAllStringSubmatch(fence.ReplaceAllString(doc, ""), -1) {
		a := anchor(m[1])
		if n := seen[a]; n > 0 {
			out[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			out[a] = true
		}
		seen[a]++
	}
	return out
}

// TestDocumentLinksResolve checks every relative link of every Markdown file (the file exists,
// the heading it points at exists) and every docs/contract.md#... or docs/design.md#... cited
// in code, scripts and the Makefile.
func TestDocumentLinksResolve(t *testing.T) {
	r := root(t)
	docs := map[string]string{} // Markdown files by slash path relative to r
	var others []string         // files that may cite the docs
	err := filepath.WalkDir(r, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != r && skipDir(d.Name()) && d.Name() != ".ci" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(r, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(p, ".md"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			docs[rel] = string(b)
		case strings.HasSuffix(p, ".go"), strings.HasSuffix(p, ".sh"), rel == "Makefile", rel == ".ci/run", rel == "Dockerfile.stage":
			others = append(others, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// testdata/README.md is documentation too, although the walk leaves testdata/ out.
	b, err := os.ReadFile(filepath.Join(r, "testdata", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	docs["testdata/README.md"] = string(b)
	for _, need := range []string{"README.md", "docs/contract.md", "docs/design.md"} {
		if _, ok := docs[need]; !ok {
			t.Fatalf("%s not found", need)
		}
	}
	resolve := func(from, target string) error {
		path, frag, _ := strings.Cut(target, "#")
		to := from
		if path != "" {
			to = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(from), path)))
			if _, err := os.Stat(filepath.Join(r, filepath.FromSlash(to))); err != nil {
				return fmt.Errorf("%s does not exist", to)
			}
		}
		if frag == "" || !strings.HasSuffix(to, ".md") {
			return nil
		}
		doc, ok := docs[to]
		if !ok {
			return fmt.Errorf("%s is not a document of the repository", to)
		}
		if !anchors(doc)[frag] {
			return fmt.Errorf("%s has no heading #%s", to, frag)
		}
		return nil
	}
	links := 0
	for from, doc := range docs {
		for _, m := range mdLink.FindAllStringSubmatch(fence.ReplaceAllString(doc, ""), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			links++
			if err := resolve(from, target); err != nil {
				t.Errorf("%s: link (%s): %v", from, target, err)
			}
		}
	}
	for _, name := range others {
		b, err := os.ReadFile(filepath.Join(r, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range citation.FindAllString(string(b), -1) {
			links++
			if err := resolve("", c); err != nil {
				t.Errorf("%s cites %s: %v", name, c, err)
			}
		}
	}
	if links == 0 {
		t.Fatal("no link found: the extraction is broken")
	}
}

func TestAnchor(t *testing.T) {
	for title, want := range map[string]string{
		"Workflow-control rules":                "workflow-control-rules",
		"Fleet preview: the `stagekit` command": "fleet-preview-the-stagekit-command",
		"Use the SDK in your own module":        "use-the-sdk-in-your-own-module",
		"Selectors (`INCLUDE_SELECTORS=true`)":  "selectors-include_selectorstrue",
	} {
		if got := anchor(title); got != want {
			t.Errorf("anchor(%q) = %q, want %q", title, got, want)
		}
	}
}
