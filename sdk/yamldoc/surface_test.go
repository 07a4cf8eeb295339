package yamldoc_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestExportedSurface pins what godoc shows of this package: the names a stage author uses.
// The parser, splicer and renderer are unexported (see docs/design.md#one-package-for-yamldoc),
// so adding an exported name is a decision to record in testdata/surface.txt, not an accident.
func TestExportedSurface(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, "github.com/stagekit/stagekit/sdk/yamldoc")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(surface(p), "\n") + "\n"
	golden := filepath.Join("testdata", "surface.txt")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 writes it)", err)
	}
	if got != string(want) {
		t.Errorf("the exported surface of yamldoc changed; if that is meant, UPDATE_GOLDEN=1 go test ./sdk/yamldoc -run TestExportedSurface\ngot:\n%s\nwant:\n%s", got, want)
	}
}

func surface(d *doc.Package) []string {
	var out []string
	values := func(vs []*doc.Value, what string) {
		for _, v := range vs {
			for _, n := range v.Names {
				if ast.IsExported(n) {
					out = append(out, what+" "+n)
				}
			}
		}
	}
	values(d.Consts, "const")
	values(d.Vars, "var")
	for _, f := range d.Funcs {
		out = append(out, "func "+f.Name)
	}
	for _, ty := range d.Types {
		out = append(out, "type "+ty.Name)
		if st, ok := ty.Decl.Specs[0].(*ast.TypeSpec).Type.(*ast.StructType); ok {
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					if ast.IsExported(n.Name) {
						out = append(out, "field "+ty.Name+"."+n.Name)
					}
				}
			}
		}
		values(ty.Consts, "const")
		values(ty.Vars, "var")
		for _, f := range ty.Funcs {
			out = append(out, "func "+f.Name)
		}
		for _, m := range ty.Methods {
			out = append(out, "method "+ty.Name+"."+m.Name)
		}
	}
	sort.Strings(out)
	return out
}
