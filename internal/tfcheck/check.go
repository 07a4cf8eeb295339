package tfcheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Diagnostic is one error Terraform reported, located in the configuration's own files.
type Diagnostic struct {
	File    string // slash path in the configuration; a generated module's file for its variables
	Line    int
	Summary string
	Detail  string
}

func (d Diagnostic) String() string {
	at := d.File
	if d.Line > 0 {
		at += ":" + strconv.Itoa(d.Line)
	}
	msg := at + ": " + d.Summary
	if d.Detail != "" {
		msg += ": " + strings.Join(strings.Fields(d.Detail), " ")
	}
	return msg
}

// Result is what Terraform said of one configuration.
type Result struct {
	Name        string
	Errors      []Diagnostic // from terraform init and validate
	Unformatted []string     // .tf files terraform fmt -check would change
	// Unsupported says why Terraform did not check the configuration (it needs a provider or a
	// backend); empty when it did.
	Unsupported string
}

// Valid reports whether Terraform checked the configuration and found nothing wrong.
func (r Result) Valid() bool {
	return r.Unsupported == "" && len(r.Errors) == 0 && len(r.Unformatted) == 0
}

// Problems lists the errors and the unformatted files, one line each.
func (r Result) Problems() []string {
	var out []string
	for _, d := range r.Errors {
		out = append(out, d.String())
	}
	for _, f := range r.Unformatted {
		out = append(out, f+": terraform fmt -check: not in canonical format")
	}
	return out
}

// Check runs Terraform over every configuration, in as few runs as it can, and returns one
// Result per configuration, in order. vars gives the variables.tf of every module called.
func (tf *Terraform) Check(t testing.TB, cfgs []Config, vars Variables) []Result {
	t.Helper()
	return tf.check(t, &workspace{root: t.TempDir()}, cfgs, vars)
}

// workspace is a directory Terraform checks configurations in. Kept from one check to the next
// (a fuzzing worker checks one input at a time), it skips terraform init while the module
// calls to install stay the same.
type workspace struct {
	root      string
	installed string // the module calls of the last successful init
}

func (tf *Terraform) check(t testing.TB, ws *workspace, cfgs []Config, vars Variables) []Result {
	t.Helper()
	home, work, fmtDir := filepath.Join(ws.root, "home"), filepath.Join(ws.root, "work"), filepath.Join(ws.root, "fmt")
	for _, d := range []string{work, fmtDir} {
		if err := os.RemoveAll(d); err != nil { // the last check's files
			t.Fatal(err)
		}
	}
	for _, d := range []string{home, work, fmtDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var installs strings.Builder
	results := make([]Result, len(cfgs))
	// calls are the root files, one per module directory of a configuration.
	calls := map[int][]string{}
	for i, cfg := range cfgs {
		results[i].Name = cfg.Name
		for name := range cfg.Files {
			if !fs.ValidPath(name) {
				t.Fatalf("%s: file %q: want a slash path inside the configuration", cfg.Name, name)
			}
		}
		p := prepare(cfg, vars)
		if p.unsupported != "" && !cfg.FormatOnly {
			results[i].Unsupported = p.unsupported
			continue
		}
		for _, f := range p.hclFiles {
			if _, d := hclsyntax.ParseConfig([]byte(cfg.Files[f]), f, hcl.InitialPos); d.HasErrors() {
				continue // validate reports it
			}
			write(t, filepath.Join(fmtDir, strconv.Itoa(i), filepath.FromSlash(f)), []byte(cfg.Files[f]))
		}
		if cfg.FormatOnly {
			continue
		}
		base := filepath.Join(work, "cases", strconv.Itoa(i))
		for name, data := range p.files {
			write(t, filepath.Join(base, filepath.FromSlash(name)), data)
		}
		for dir, varsTF := range p.modules {
			write(t, filepath.Join(base, filepath.FromSlash(dir), "variables.tf"), []byte(varsTF))
		}
		dirs := make([]string, 0, len(p.dirs))
		for d := range p.dirs {
			dirs = append(dirs, d)
		}
		sort.Strings(dirs)
		for j, dir := range dirs {
			file := fmt.Sprintf("c%d_%d.tf", i, j)
			call := rootCall(i, j, dir, p.dirs[dir])
			write(t, filepath.Join(work, file), call)
			calls[i] = append(calls[i], file)
			fmt.Fprintf(&installs, "%s\x00%s\x00", file, call)
		}
		fmt.Fprintf(&installs, "%d\x00%s\x00", i, strings.Join(p.installs, "\x00"))
	}
	tf.validate(t, home, work, calls, results, ws.installed == installs.String())
	ws.installed = installs.String()
	tf.format(t, home, fmtDir, results)
	return results
}

// rootCall is the root module's call of one module directory of configuration i: every variable
// it declares is fed an unknown value, as terraform validate does for a root module's.
func rootCall(i, j int, dir string, variables []string) []byte {
	var b strings.Builder
	seen := map[string]bool{}
	var args []string
	for _, v := range variables {
		if seen[v] || reserved[v] || !hclsyntax.ValidIdentifier(v) {
			continue // a name a module block cannot pass: Terraform reports the variable
		}
		seen[v] = true
		rv := fmt.Sprintf("c%d_%d_%s", i, j, v)
		fmt.Fprintf(&b, "variable %q {}\n", rv)
		args = append(args, fmt.Sprintf("  %s = var.%s\n", v, rv))
	}
	src := "./" + path.Join("cases", strconv.Itoa(i), dir)
	fmt.Fprintf(&b, "module \"c%d_%d\" {\n  source = %q\n%s}\n", i, j, src, strings.Join(args, ""))
	return []byte(b.String())
}

// validate runs terraform init and validate until a run finds no new broken configuration:
// an error that stops Terraform before evaluation hides the evaluation errors of the others.
// installed: the modules were installed by an earlier check (if some are not, a run finds them
// not installed and init runs).
func (tf *Terraform) validate(t testing.TB, home, work string, calls map[int][]string, results []Result, installed bool) {
	t.Helper()
	active := map[int]bool{}
	for i := range calls {
		active[i] = true
	}
	needInit := !installed
	for wave := 0; len(active) > 0; wave++ {
		if wave > len(results)+2 {
			t.Fatalf("terraform validate: still finding new errors after %d runs", wave)
		}
		justInit := needInit
		if needInit {
			if _, stderr, _, err := tf.run(home, work, "init", "-backend=false", "-input=false", "-no-color"); err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
		}
		failed, pending := map[int]bool{}, map[int][]Diagnostic{}
		for _, d := range tf.diagnostics(t, home, work) {
			i, file, ok := locate(d.File, calls)
			if !ok {
				t.Fatalf("terraform validate: an error in %s, which is no configuration's: %s", d.File, d)
			}
			d.File = file
			if d.Summary == "Module not installed" {
				// Another configuration's error may have stopped init before this module:
				// it is an error of this one only if a second init does not install it.
				pending[i] = append(pending[i], d)
				continue
			}
			results[i].Errors = append(results[i].Errors, d)
			failed[i] = true
		}
		for i, ds := range pending {
			if failed[i] {
				delete(pending, i)
			} else if wave > 0 && justInit {
				results[i].Errors = append(results[i].Errors, ds...)
				failed[i] = true
				delete(pending, i)
			}
		}
		if len(failed) == 0 && len(pending) == 0 {
			return
		}
		for i := range failed {
			delete(active, i)
			for _, f := range calls[i] {
				if err := os.Remove(filepath.Join(work, f)); err != nil {
					t.Fatal(err)
				}
			}
		}
		needInit = len(pending) > 0
	}
}

// diagnostics runs terraform validate -json and returns its errors, File holding the name
// Terraform gave.
func (tf *Terraform) diagnostics(t testing.TB, home, work string) []Diagnostic {
	t.Helper()
	stdout, stderr, _, err := tf.run(home, work, "validate", "-json", "-no-color")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var out struct {
		Diagnostics []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Detail   string `json:"detail"`
			Range    *struct {
				Filename string `json:"filename"`
				Start    struct {
					Line int `json:"line"`
				} `json:"start"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(stdout, &out); err != nil {
		t.Fatalf("terraform validate -json printed what is not JSON (%v):\n%s\n%s", err, stdout, stderr)
	}
	var diags []Diagnostic
	for _, d := range out.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		if d.Range == nil {
			t.Fatalf("terraform validate: an error about no file: %s: %s", d.Summary, d.Detail)
		}
		diags = append(diags, Diagnostic{File: d.Range.Filename, Line: d.Range.Start.Line, Summary: d.Summary, Detail: d.Detail})
	}
	return diags
}

// locate maps a file name in a diagnostic to its configuration and the file's path in it.
func locate(name string, calls map[int][]string) (int, string, bool) {
	name = filepath.ToSlash(name)
	if rest, ok := strings.CutPrefix(name, "cases/"); ok {
		id, file, ok := strings.Cut(rest, "/")
		i, err := strconv.Atoi(id)
		return i, file, ok && err == nil
	}
	for i, files := range calls {
		for _, f := range files {
			if f == name {
				return i, "(the test's call of this module)", true
			}
		}
	}
	return 0, "", false
}

// format runs terraform fmt -check once over every HCL file that parses, as written.
func (tf *Terraform) format(t testing.TB, home, dir string, results []Result) {
	t.Helper()
	stdout, stderr, exit, err := tf.run(home, dir, "fmt", "-check", "-list=true", "-recursive", "-no-color")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if exit != 0 && exit != 3 {
		t.Fatalf("terraform fmt -check: exit %d:\n%s%s", exit, stdout, stderr)
	}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	for sc.Scan() {
		line := filepath.ToSlash(strings.TrimSpace(sc.Text()))
		if line == "" {
			continue
		}
		id, file, ok := strings.Cut(line, "/")
		i, err := strconv.Atoi(id)
		if !ok || err != nil || i < 0 || i >= len(results) {
			t.Fatalf("terraform fmt -check listed %q, which is no configuration's file", line)
		}
		results[i].Unformatted = append(results[i].Unformatted, file)
	}
}

func write(t testing.TB, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Address is a module block's source and version (empty: no version argument).
type Address struct{ Source, Version string }

// ParseAddresses asks Terraform what it makes of each address, without installing anything:
// terraform validate before init reads every module block's source and version and reports
// those it cannot parse. It returns, per address, Terraform's error, or nil when the only
// complaint is that the module is not installed yet.
func (tf *Terraform) ParseAddresses(t testing.TB, addrs []Address) []*Diagnostic {
	t.Helper()
	root := t.TempDir()
	home, work := filepath.Join(root, "home"), filepath.Join(root, "work")
	for i, a := range addrs {
		f := hclwrite.NewEmptyFile()
		body := f.Body().AppendNewBlock("module", []string{fmt.Sprintf("a%d", i)}).Body()
		body.SetAttributeValue("source", cty.StringVal(a.Source))
		if a.Version != "" {
			body.SetAttributeValue("version", cty.StringVal(a.Version))
		}
		write(t, filepath.Join(work, fmt.Sprintf("a%d.tf", i)), f.Bytes())
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	out := make([]*Diagnostic, len(addrs))
	for _, d := range tf.diagnostics(t, home, work) {
		var i int
		if _, err := fmt.Sscanf(d.File, "a%d.tf", &i); err != nil || i < 0 || i >= len(addrs) {
			t.Fatalf("terraform validate: an error in %s, which is no address's: %s", d.File, d)
		}
		if d.Summary == "Module not installed" || out[i] != nil {
			continue
		}
		d := d
		out[i] = &d
	}
	return out
}
