package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc/comment"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// snippet is a code block of the documentation: a ```go block of a Markdown file, or a code
// block of a Go doc comment.
type snippet struct {
	file string // relative to the repository root
	line int    // of the snippet's first line in file
	code string
}

func (s snippet) String() string { return fmt.Sprintf("%s:%d", s.file, s.line) }

// skipDir reports the directories whose files are not documentation: fixtures, caches, VCS.
func skipDir(name string) bool {
	return name == "testdata" || strings.HasPrefix(name, ".")
}

// markdownSnippets are the ```go blocks of every Markdown file of the repository.
func markdownSnippets(root string) ([]snippet, error) {
	var out []snippet
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".md") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		var cur *snippet
		for i, line := range strings.Split(string(b), "\n") {
			switch {
			case cur == nil && strings.TrimSpace(line) == "```go":
				cur = &snippet{file: filepath.ToSlash(rel), line: i + 2}
			case cur != nil && strings.TrimSpace(line) == "```":
				out = append(out, *cur)
				cur = nil
			case cur != nil:
				cur.code += line + "\n"
			}
		}
		if cur != nil {
			return fmt.Errorf("%s: unterminated ```go block", cur)
		}
		return nil
	})
	return out, err
}

// docSnippets are the code blocks of the doc comments of every non-test Go file: the package
// docs, and the docs of declarations and fields.
func docSnippets(root string) ([]snippet, error) {
	var out []snippet
	var p comment.Parser
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		docs := []*ast.CommentGroup{f.Doc}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				docs = append(docs, n.Doc)
			case *ast.FuncDecl:
				docs = append(docs, n.Doc)
			case *ast.TypeSpec:
				docs = append(docs, n.Doc)
			case *ast.ValueSpec:
				docs = append(docs, n.Doc)
			case *ast.Field:
				docs = append(docs, n.Doc)
			}
			return true
		})
		for _, g := range docs {
			if g == nil {
				continue
			}
			text := g.Text()
			lines := strings.Split(text, "\n")
			for _, b := range p.Parse(text).Content {
				code, ok := b.(*comment.Code)
				if !ok {
					continue
				}
				first := strings.SplitN(code.Text, "\n", 2)[0]
				line := fset.Position(g.Pos()).Line
				for i, l := range lines {
					if strings.TrimSpace(l) == strings.TrimSpace(first) {
						line += i
						break
					}
				}
				out = append(out, snippet{file: filepath.ToSlash(rel), line: line, code: code.Text})
			}
		}
		return nil
	})
	return out, err
}

// snippetKind is how a snippet is compiled.
type snippetKind int

const (
	notGo        snippetKind = iota // YAML, shell, paths, logs: not checked
	goFile                          // starts with a package clause: compiled as it is
	declarations                    // top-level declarations: compiled in a package
	statements                      // statements: compiled as a function's body
)

// looksLikeGo catches a Go snippet that does not even parse (it would otherwise pass as "not
// Go"): the tokens below appear in no YAML, shell line or path table of the docs.
var looksLikeGo = regexp.MustCompile(`:=|\bfunc[ (]|^package |\breturn\b|err != nil`)

func classify(code string) snippetKind {
	switch {
	case strings.HasPrefix(strings.TrimSpace(code), "package "):
		return goFile
	case parses("package p\n" + code):
		return declarations
	case parses("package p\nfunc _() {\n" + code + "\n}\n"):
		return statements
	}
	return notGo
}

func parses(src string) bool {
	_, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	return err == nil
}

// snippetImports are the packages a snippet may use without importing them.
var snippetImports = []string{
	"context", "errors", "fmt", "io", "os", "strings", "testing", "time",
	"github.com/stagekit/stagekit/sdk",
	"github.com/stagekit/stagekit/sdk/fieldpath",
	"github.com/stagekit/stagekit/sdk/fsys",
	"github.com/stagekit/stagekit/sdk/publish",
	"github.com/stagekit/stagekit/sdk/schema",
	"github.com/stagekit/stagekit/sdk/stagetest",
	"github.com/stagekit/stagekit/sdk/yamldoc",
	"github.com/stagekit/stagekit/stages/labelinjector",
}

// snippetPrelude are the names a snippet may use without declaring them, as the surrounding
// text of the docs introduces them. A snippet that declares one of these names itself uses its
// own.
var snippetPrelude = []struct{ name, decl string }{
	{"Config", "type Config struct{}"},                                       // a stage's settings
	{"AppSpec", "type AppSpec struct {\n\tImage string `json:\"image\"`\n}"}, // a request's spec
	{"stage", "var stage sdk.Stage[Config]"},                                 // the stage being written
	{"k", "var k *sdk.Kratix"},                                               // what Run receives
	{"obj", "var obj *sdk.Object"},                                           // k.Object()
	{"t", "var t *testing.T"},                                                // a test
	{"deployment", "var deployment any"},                                     // objects a stage built
	{"service", "var service any"},
	{"promiseYAML", "var promiseYAML []byte"}, // a Promise read from a file
	{"request", "var request string"},         // a resource request, as YAML
}

// source is the Go file a snippet is compiled as, and the line of that file where the snippet
// starts.
func source(s snippet, kind snippetKind) (string, int) {
	if kind == goFile {
		return s.code, 1
	}
	declared := map[string]bool{}
	if kind == declarations {
		f, _ := parser.ParseFile(token.NewFileSet(), "", "package p\n"+s.code, parser.SkipObjectResolution)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				declared[d.Name.Name] = true
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						declared[spec.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range spec.Names {
							declared[n.Name] = true
						}
					}
				}
			}
		}
	}
	var b strings.Builder
	b.WriteString("package snippet\n\nimport (\n")
	for _, imp := range snippetImports {
		fmt.Fprintf(&b, "\t%q\n", imp)
	}
	b.WriteString(")\n\n")
	for _, p := range snippetPrelude {
		if !declared[p.name] {
			b.WriteString(p.decl + "\n")
		}
	}
	if kind == statements {
		b.WriteString("\nfunc _() error {\n")
	}
	start := strings.Count(b.String(), "\n") + 1
	b.WriteString(s.code)
	if kind == statements {
		b.WriteString("\nreturn nil\n}\n")
	}
	return b.String(), start
}

// checker type-checks snippets from source, against the repository's packages.
type checker struct {
	root string
	fset *token.FileSet
	imp  types.Importer
}

var (
	sharedChecker     *checker
	sharedCheckerOnce sync.Once
)

// newChecker returns the checker of the package's tests: one, since its importer type-checks the
// SDK from source once and remembers it.
func newChecker(root string) *checker {
	sharedCheckerOnce.Do(func() {
		// Without cgo the standard library's packages need no C toolchain.
		build.Default.CgoEnabled = false
		fset := token.NewFileSet()
		sharedChecker = &checker{root: root, fset: fset, imp: importer.ForCompiler(fset, "source", nil)}
	})
	return sharedChecker
}

// check compiles one snippet and returns its errors with their lines in the snippet's file.
// Fragments (declarations, statements) may leave variables and imports unused: they show a
// call, not a program.
func (c *checker) check(s snippet, kind snippetKind) []error {
	src, start := source(s, kind)
	// The file name puts the snippet in the repository, where the importer finds the module.
	name := filepath.Join(c.root, fmt.Sprintf("snippet_%s_%d.go", strings.NewReplacer("/", "_", ".", "_").Replace(s.file), s.line))
	f, err := parser.ParseFile(c.fset, name, src, parser.ParseComments)
	if err != nil {
		return []error{fmt.Errorf("%s: %v", s, err)}
	}
	var errs []error
	conf := types.Config{
		Importer: c.imp,
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				if te.Soft && kind != goFile {
					return
				}
				line := c.fset.Position(te.Pos).Line - start + s.line
				errs = append(errs, fmt.Errorf("%s:%d: %s", s.file, line, te.Msg))
				return
			}
			errs = append(errs, fmt.Errorf("%s: %v", s, err))
		},
	}
	_, _ = conf.Check("snippet", c.fset, []*ast.File{f}, nil)
	return errs
}

// TestSnippetsCompile compiles every Go snippet of the READMEs, the docs and the package docs.
func TestSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the SDK from source")
	}
	r := root(t)
	md, err := markdownSnippets(r)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := docSnippets(r)
	if err != nil {
		t.Fatal(err)
	}
	c := newChecker(r)
	checked := 0
	for _, s := range append(md, docs...) {
		kind := classify(s.code)
		if kind == notGo {
			if looksLikeGo.MatchString(s.code) || strings.HasSuffix(s.file, ".md") {
				t.Errorf("%s: a Go snippet that does not parse:\n%s", s, s.code)
			}
			continue
		}
		checked++
		for _, err := range c.check(s, kind) {
			t.Errorf("%v\nsnippet:\n%s", err, s.code)
		}
	}
	if len(md) == 0 || checked < len(md) {
		t.Errorf("checked %d Go snippets, of which the Markdown files hold %d: the extraction is broken", checked, len(md))
	}
	t.Logf("compiled %d Go snippets (%d from Markdown)", checked, len(md))
}

// TestSnippetCheckerFails proves the checker rejects what does not compile.
func TestSnippetCheckerFails(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the SDK from source")
	}
	c := newChecker(root(t))
	tests := []struct {
		name, reason, code string
		kind               snippetKind
	}{
		{"wrong arity", "schema.Load takes the data and a version", "s, err := schema.Load(promiseYAML)\n", statements},
		{"unused expression", "a field alone is not a statement", "res := stagetest.Run(t, stage, stagetest.Fixture{})\nres.ExitCode\n", statements},
		{"undefined", "a snippet may only use the prelude's names", "x := undefinedThing()\n", statements},
		{"file", "a complete file must compile on its own, unused imports included", "package main\n\nimport \"fmt\"\n\nfunc main() {}\n", goFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.code); got != tt.kind {
				t.Fatalf("classify = %v, want %v", got, tt.kind)
			}
			if errs := c.check(snippet{file: "x.md", line: 1, code: tt.code}, tt.kind); len(errs) == 0 {
				t.Errorf("%s: the checker accepted\n%s", tt.reason, tt.code)
			}
		})
	}
}
