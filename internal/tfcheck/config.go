package tfcheck

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// Config is one configuration to check: files by slash path. Each directory holding .tf or
// .tf.json files is one Terraform module; other files are ignored.
type Config struct {
	Name  string // for messages; unique in a batch
	Files map[string]string
	// Variables, when set, replaces the batch's Variables for this configuration's calls.
	Variables Variables
	// FormatOnly: only terraform fmt -check looks at the configuration.
	FormatOnly bool
}

// ModuleCall is a module block of a configuration, as a Variables function sees it.
type ModuleCall struct {
	File   string   // the file holding it (slash path in the configuration)
	Name   string   // its label
	Source string   // its source as Terraform reads it ("" when not a plain string)
	Args   []string // its arguments, less the names Terraform reserves in a module block
}

// Variables returns the variables.tf of the module a call names.
type Variables func(ModuleCall) string

// Declare is the Variables function for modules known only through their calls: it declares
// every argument of the call, of any type. Names that cannot be declared (not identifiers) are
// left out, so Terraform reports them.
func Declare(call ModuleCall) string {
	var b strings.Builder
	for _, a := range call.Args {
		if hclsyntax.ValidIdentifier(a) {
			fmt.Fprintf(&b, "variable %q {\n  type = any\n}\n", a)
		}
	}
	return b.String()
}

// reserved are the names Terraform gives a meaning in a module block (internal/configs,
// module_call.go): they are not module inputs.
var reserved = map[string]bool{"source": true, "version": true, "count": true, "for_each": true,
	"depends_on": true, "providers": true, "lifecycle": true, "locals": true, "provider": true, "_": true}

// offline are the top-level block types Terraform can validate without a provider or a backend.
var offline = map[string]bool{"module": true, "variable": true, "output": true, "locals": true}

// topLevel lists every top-level block type of Terraform with its labels, to find in a JSON
// file the ones that need more than this package offers.
var topLevel = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "ephemeral", LabelNames: []string{"type", "name"}},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "terraform"},
	{Type: "moved"},
	{Type: "import"},
	{Type: "removed"},
	{Type: "check", LabelNames: []string{"name"}},
}}

// prepared is a configuration laid out for the batch.
type prepared struct {
	files       map[string][]byte   // rewritten files, by slash path
	modules     map[string]string   // generated module directory -> its variables.tf
	dirs        map[string][]string // module directory of the configuration -> its variable names
	hclFiles    []string            // the .tf files, for terraform fmt
	unsupported string              // why Terraform cannot check it offline, or ""
	// installs lists the module calls terraform init installs (directory, label, module
	// directory): while it stays the same, a directory initialised once needs no new init.
	installs []string
}

// splice is one byte range of a file replaced by new text.
type splice struct {
	from, to int
	text     string
}

func apply(src []byte, edits []splice) []byte {
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var out []byte
	at := 0
	for _, e := range edits {
		if e.from < at {
			continue // overlapping: keep the first
		}
		out = append(out, src[at:e.from]...)
		out = append(out, e.text...)
		at = e.to
	}
	return append(out, src[at:]...)
}

// prepare rewrites every module call of cfg to a local module and lists the module directories
// and their variables. A file that does not parse is kept as it is: Terraform reports it.
func prepare(cfg Config, vars Variables) prepared {
	if cfg.Variables != nil {
		vars = cfg.Variables
	}
	p := prepared{files: map[string][]byte{}, modules: map[string]string{}, dirs: map[string][]string{}}
	names := make([]string, 0, len(cfg.Files))
	for n := range cfg.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	infos := map[string]fileInfo{}
	refs := map[string]map[string][]string{} // directory -> module label -> outputs referred to
	for _, name := range names {
		src := []byte(cfg.Files[name])
		dir := path.Dir(name)
		var f fileInfo
		switch {
		case strings.HasSuffix(name, ".tf.json"):
			f = readJSON(name, src)
		case strings.HasSuffix(name, ".tf"):
			f = readHCL(name, src)
			p.hclFiles = append(p.hclFiles, name)
		default:
			continue
		}
		infos[name] = f
		p.dirs[dir] = append(p.dirs[dir], f.variables...)
		for _, b := range f.blocks {
			if !offline[b] && p.unsupported == "" {
				p.unsupported = fmt.Sprintf("%s: a %q block needs a provider or a backend, which an offline check cannot install", name, b)
			}
		}
		for label, outs := range f.outputs {
			if refs[dir] == nil {
				refs[dir] = map[string][]string{}
			}
			refs[dir][label] = append(refs[dir][label], outs...)
		}
	}
	calls := map[string]int{} // per directory, to name the generated modules
	for _, name := range names {
		f, ok := infos[name]
		if !ok {
			continue
		}
		src := []byte(cfg.Files[name])
		dir := path.Dir(name)
		var edits []splice
		for _, c := range f.calls {
			calls[dir]++
			local := fmt.Sprintf("tfcheck-module-%d", calls[dir])
			c.call.File = name
			p.modules[path.Join(dir, local)] = vars(c.call) + outputs(refs[dir][c.call.Name])
			p.installs = append(p.installs, dir+"\x00"+c.call.Name+"\x00"+local)
			if c.source != nil {
				edits = append(edits, splice{c.source.Start.Byte, c.source.End.Byte, `"./` + local + `"`})
			}
			if c.version != nil {
				edits = append(edits, c.dropVersion(src))
			}
		}
		p.files[name] = apply(src, edits)
	}
	return p
}

// outputs declares the outputs the configuration reads from a module (module.<label>.<name>),
// which a module known only by its variables does not declare.
func outputs(names []string) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] && hclsyntax.ValidIdentifier(n) {
			seen[n] = true
			fmt.Fprintf(&b, "output %q {\n  value = null\n}\n", n)
		}
	}
	return b.String()
}

// moduleOutputs adds to refs every module output an expression reads.
func moduleOutputs(expr hcl.Expression, refs map[string][]string) {
	for _, tr := range expr.Variables() {
		if len(tr) < 3 || tr.RootName() != "module" {
			continue
		}
		label, ok1 := tr[1].(hcl.TraverseAttr)
		out, ok2 := tr[2].(hcl.TraverseAttr)
		if ok1 && ok2 {
			refs[label.Name] = append(refs[label.Name], out.Name)
		}
	}
}

// fileInfo is what a file declares that the batch needs.
type fileInfo struct {
	blocks    []string // top-level block types
	variables []string
	calls     []callSite
	outputs   map[string][]string // module label -> outputs the file reads from it
}

type callSite struct {
	call    ModuleCall
	source  *hcl.Range // the source expression
	version *hcl.Range // the version attribute (HCL) or its name (JSON)
	json    bool
}

// dropVersion takes the version argument out of play without moving any line: a local module
// takes no version. In HCL the argument becomes a comment (its lines kept); in JSON its name
// becomes "//", which Terraform ignores in a block body.
func (c callSite) dropVersion(src []byte) splice {
	r := *c.version
	if c.json {
		return splice{r.Start.Byte, r.End.Byte, `"//"`}
	}
	text := "# version: set aside for a local module" + strings.Repeat("\n", strings.Count(string(src[r.Start.Byte:r.End.Byte]), "\n"))
	return splice{r.Start.Byte, r.End.Byte, text}
}

func readHCL(name string, src []byte) fileInfo {
	var f fileInfo
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return f
	}
	f.outputs = map[string][]string{}
	_ = hclsyntax.VisitAll(file.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
		if a, ok := n.(*hclsyntax.Attribute); ok {
			moduleOutputs(a.Expr, f.outputs)
		}
		return nil
	})
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		f.blocks = append(f.blocks, b.Type)
		switch {
		case b.Type == "variable" && len(b.Labels) == 1:
			f.variables = append(f.variables, b.Labels[0])
		case b.Type == "module" && len(b.Labels) == 1:
			c := callSite{call: ModuleCall{Name: b.Labels[0]}}
			for n, a := range b.Body.Attributes {
				switch n {
				case "source":
					r := a.Expr.Range()
					c.source = &r
					if v, d := a.Expr.Value(nil); !d.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.String {
						c.call.Source = v.AsString()
					}
				case "version":
					r := a.SrcRange
					c.version = &r
				}
				if !reserved[n] {
					c.call.Args = append(c.call.Args, n)
				}
			}
			sort.Strings(c.call.Args)
			f.calls = append(f.calls, c)
		}
	}
	return f
}

func readJSON(name string, src []byte) fileInfo {
	var f fileInfo
	file, diags := hcljson.Parse(src, name)
	if diags.HasErrors() {
		return f
	}
	content, _, _ := file.Body.PartialContent(topLevel)
	f.outputs = map[string][]string{}
	for _, b := range content.Blocks {
		f.blocks = append(f.blocks, b.Type)
		if attrs, _ := b.Body.JustAttributes(); b.Type == "output" || b.Type == "locals" || b.Type == "module" {
			for _, a := range attrs {
				moduleOutputs(a.Expr, f.outputs)
			}
		}
		if b.Type == "variable" {
			f.variables = append(f.variables, b.Labels[0])
		}
		if b.Type != "module" {
			continue
		}
		c := callSite{call: ModuleCall{Name: b.Labels[0]}, json: true}
		attrs, _ := b.Body.JustAttributes()
		for n, a := range attrs {
			switch n {
			case "source":
				r := a.Expr.Range()
				c.source = &r
				// Terraform reads the source of a JSON module block verbatim, not as a template.
				if v, d := a.Expr.Value(nil); !d.HasErrors() && !v.IsNull() && v.Type() == cty.String {
					c.call.Source = v.AsString()
				}
			case "version":
				r := a.NameRange
				c.version = &r
			}
			if !reserved[n] {
				c.call.Args = append(c.call.Args, n)
			}
		}
		sort.Strings(c.call.Args)
		f.calls = append(f.calls, c)
	}
	return f
}

// CertainlyInvalid names a reason Terraform refuses cfg whatever else it holds, or returns "":
// a file that does not parse, a module block whose label is not an identifier or that has no
// source. Checking such a configuration teaches nothing: the first errors stop Terraform
// before it looks at the rest, and fuzz corpora are full of them.
func CertainlyInvalid(cfg Config) string {
	for name, data := range cfg.Files {
		var f fileInfo
		switch {
		case strings.HasSuffix(name, ".tf.json"):
			if _, d := hcljson.Parse([]byte(data), name); d.HasErrors() {
				return name + ": does not parse"
			}
			f = readJSON(name, []byte(data))
		case strings.HasSuffix(name, ".tf"):
			if _, d := hclsyntax.ParseConfig([]byte(data), name, hcl.InitialPos); d.HasErrors() {
				return name + ": does not parse"
			}
			f = readHCL(name, []byte(data))
		default:
			continue
		}
		for _, c := range f.calls {
			switch {
			case !hclsyntax.ValidIdentifier(c.call.Name):
				return fmt.Sprintf("%s: module %q: not an identifier", name, c.call.Name)
			case c.source == nil:
				return fmt.Sprintf("%s: module %q: no source", name, c.call.Name)
			}
		}
	}
	return ""
}
