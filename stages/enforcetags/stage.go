// Package enforcetags is the enforce-tags stage: it stamps mandatory tags on every Terraform
// module call an earlier stage (terraform-generate) wrote to /kratix/output, in Terraform JSON
// (*.tf.json) and HCL (*.tf) files, merging into the tags the request set, so a Promise change
// re-tags the whole fleet.
package enforcetags

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stagekit/stagekit/sdk"
)

// Config is what a Promise sets on the container.
type Config struct {
	Tags          string `env:"TAGS" help:"tags to enforce: a JSON object or key=value,... (values may use $(KRATIX_...)); empty: managed-by=kratix, kratix.io/promise, kratix.io/request-namespace, kratix.io/request-name"`
	TagsAttribute string `env:"TAGS_ATTRIBUTE" default:"tags" help:"module argument that holds the tags (labels for Google modules)"`
	EnforceIn     string `env:"ENFORCE_IN" help:"other map arguments that get the enforced keys too (comma-separated); empty: every other map argument ending in _tags; none: no other"`
	TagRules      string `env:"TAG_RULES" default:"aws" enum:"aws,gcp,none" help:"provider rules the enforced tags must follow"`
	ModuleName    string `env:"MODULE_NAME" help:"only stamp the module call with this name (default: every module)"`
	RequireModule bool   `env:"REQUIRE_MODULE" default:"true" help:"fail when no module call is found (run terraform-generate first)"`

	enforcement Enforcement // what Check makes of the settings; Tags only when TAGS is set
}

// Check reads the settings into what the editors do, reporting every problem at once (exit 2):
// TAGS_ATTRIBUTE and ENFORCE_IN must be Terraform argument names, and TAGS must parse, hold
// text Terraform can write, and refer to no $(KRATIX_...) variable that is not set. The tag
// rules (TAG_RULES) are checked by Run, on the tags it enforces: without TAGS they come from
// the request.
func (cfg *Config) Check(sdk.Env) error {
	e := Enforcement{Attribute: strings.TrimSpace(cfg.TagsAttribute), Module: strings.TrimSpace(cfg.ModuleName)}
	var problems []error
	if !hclsyntax.ValidIdentifier(e.Attribute) {
		problems = append(problems, sdk.SettingErrorf("TAGS_ATTRIBUTE", "%q: want a Terraform argument name such as tags or labels", cfg.TagsAttribute))
	}
	switch in := strings.TrimSpace(cfg.EnforceIn); in {
	case "":
	case "none":
		e.EnforceIn = []string{}
	default:
		for _, n := range strings.Split(in, ",") {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			if !hclsyntax.ValidIdentifier(n) {
				problems = append(problems, sdk.SettingErrorf("ENFORCE_IN", "%q is not a Terraform argument name (give names separated by commas, or none)", n))
				continue
			}
			e.EnforceIn = append(e.EnforceIn, n)
		}
	}
	if strings.TrimSpace(cfg.Tags) != "" {
		tags, err := parseTags(cfg.Tags)
		if err != nil {
			problems = append(problems, sdk.SettingErrorf("TAGS", "%v", err))
		}
		for _, t := range tags {
			if err := hclText(t.Key); err != nil {
				problems = append(problems, sdk.SettingErrorf("TAGS", "tag key %q %v", t.Key, err))
			}
			if err := hclText(t.Value); err != nil {
				problems = append(problems, sdk.SettingErrorf("TAGS", "the value of tag %q %v", t.Key, err))
			}
			if i := strings.Index(t.Value, "$(KRATIX_"); i >= 0 {
				ref, _, _ := strings.Cut(t.Value[i+2:], ")")
				problems = append(problems, sdk.SettingErrorf("TAGS", "tag %q refers to $(%s), which is not set", t.Key, ref))
			}
		}
		e.Tags = tags
	}
	cfg.enforcement = e
	return errors.Join(problems...)
}

// Stage is the enforce-tags stage.
var Stage = sdk.Stage[Config]{
	Name:    "enforce-tags",
	Summary: "stamps mandatory tags on every Terraform module call in the output (.tf.json and .tf)",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure},
	Run:     run,
}

func run(k *sdk.Kratix, cfg *Config) error {
	e, err := enforcement(k, cfg)
	if err != nil {
		return err
	}
	var bad []error
	for _, t := range e.Tags {
		if err := checkTag(cfg.TagRules, t); err != nil {
			bad = append(bad, sdk.Errorf(sdk.Location{Path: "TAGS"}, "tag %q=%q breaks the %s tag rules: %v (set TAG_RULES=none to skip the check)", t.Key, t.Value, cfg.TagRules, err))
		}
	}
	if len(bad) > 0 {
		return errors.Join(bad...)
	}
	return tag(k, cfg, e)
}

// enforcement is what Check made of the settings, with the default tags when TAGS is not set:
// they name the request, so an unreadable input object fails the run (exit 1).
func enforcement(k *sdk.Kratix, cfg *Config) (Enforcement, error) {
	e := cfg.enforcement
	if strings.TrimSpace(cfg.Tags) != "" {
		return e, nil
	}
	obj, err := k.Object()
	if err != nil {
		return e, err
	}
	ns := obj.Namespace()
	if ns == "" {
		ns = "default"
	}
	promise := k.Env.PromiseName
	if promise == "" {
		promise = strings.ToLower(obj.Kind())
		k.Log.Info(fmt.Sprintf("KRATIX_PROMISE_NAME is not set: assuming promise %q (the object's kind, lowercased) for the kratix.io/promise tag", promise))
	}
	if obj.Name() == "" {
		return e, sdk.Errorf(sdk.Location{File: sdk.ObjectFile, Path: "metadata.name"}, "not found: the default tags need the request's name (or set TAGS)")
	}
	e.Tags = defaultTags(promise, ns, obj.Name())
	return e, nil
}

// fileEdit is one Terraform file and what the editor made of it.
type fileEdit struct {
	sdk.OutputFile
	*Edit
}

// tag edits every Terraform file, one at a time, writing each through the run's transaction: an
// error anywhere (every file's is reported) fails the run, and then no file is changed, so a
// failure never leaves some modules tagged and others not.
func tag(k *sdk.Kratix, cfg *Config, e Enforcement) error {
	files, err := terraformFiles(k)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	modules, changedFiles, changedModules := 0, 0, 0
	for _, f := range files {
		edit := editorFor(f.Name)
		data, err := k.FS.ReadFile(f.Real)
		if err != nil {
			errs = append(errs, sdk.Errorf(sdk.Location{File: f.Path}, "cannot read: %v", err))
			continue
		}
		ed, err := edit(f.Path, data, e)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fe := fileEdit{f, ed}
		modules += len(fe.Modules)
		if len(errs) > 0 {
			continue // the run fails: only the other files' errors matter now
		}
		changed, err := write(k, fe)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		changedModules += changed
		if fe.Out != nil {
			changedFiles++
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if modules == 0 {
		what := "no Terraform module call found in output/ (*.tf.json, *.tf)"
		if e.Module != "" {
			what = fmt.Sprintf("no Terraform module call named %q found in output/ (*.tf.json, *.tf)", e.Module)
		}
		if cfg.RequireModule {
			return sdk.Errorf(sdk.Location{}, "%s: run terraform-generate before enforce-tags, or set REQUIRE_MODULE=false", what)
		}
		k.Summarize("%s; nothing to tag (REQUIRE_MODULE=false)", what)
		return nil
	}
	k.Summarize("enforced %d tags on %d of %d module calls, in %d of %d Terraform files", len(e.Tags), changedModules, modules, changedFiles, len(files))
	return nil
}

// terraformFiles lists the Terraform files of the output, each once however many symlinks lead
// to it. Only they are kept for the run: the output's other files (Helm renders beside the
// modules) would hold memory for nothing while the stage edits one file after another.
func terraformFiles(k *sdk.Kratix) ([]sdk.OutputFile, error) {
	all, err := k.Output.Files()
	n := 0
	for _, f := range all {
		if editorFor(f.Name) != nil {
			n++
		}
	}
	files := make([]sdk.OutputFile, 0, n)
	seen := make(map[string]struct{}, n)
	for _, f := range all {
		if editorFor(f.Name) == nil {
			continue
		}
		if _, dup := seen[f.Real]; dup {
			continue
		}
		seen[f.Real] = struct{}{}
		files = append(files, f)
	}
	return files, err
}

func editorFor(name string) func(string, []byte, Enforcement) (*Edit, error) {
	switch n := strings.ToLower(name); {
	case strings.HasSuffix(n, ".tf.json"):
		return editJSON
	case strings.HasSuffix(n, ".tf"):
		return editHCL
	}
	return nil
}

// write warns about what the file's editor skipped, reports its changes (logged at commit) and
// writes it if it changed. It returns how many module calls changed.
func write(k *sdk.Kratix, f fileEdit) (int, error) {
	for _, s := range f.Skipped {
		k.ReportWarningf(sdk.Location{File: f.Path, Line: s.Line, Path: modulePath(s.Module, s.Attr)}, "not stamped: it is a Terraform expression (a JSON string), not an object; a request could override an enforced tag there (set ENFORCE_IN to the map arguments to stamp)")
	}
	changed := 0
	for _, m := range f.Modules {
		if logModule(k, f, m.Name) {
			changed++
		}
	}
	if f.Out == nil {
		return changed, nil
	}
	return changed, k.Output.Write(strings.TrimPrefix(f.Real, "output/"), f.Out)
}

// logModule reports what changed in one module: a line per overridden key and per wrapped
// argument, and one line counting the added keys per argument.
func logModule(k *sdk.Kratix, f fileEdit, module string) bool {
	addedIn := map[string]int{}
	var attrs []string
	any := false
	for _, c := range f.Changes {
		if c.Module != module {
			continue
		}
		any = true
		at := sdk.Location{File: f.Path, Line: c.Line, Path: modulePath(c.Module, c.Attr)}
		switch c.What {
		case overridden:
			k.Changef(at, "enforced tag %q overrides the request's value: %q → %q", c.Key, c.Old, c.New)
		case wrapped:
			k.Changef(at, "not a literal map: wrapped in merge(..., {enforced tags}) so the enforced tags win")
		case added:
			if addedIn[c.Attr] == 0 {
				attrs = append(attrs, c.Attr)
			}
			addedIn[c.Attr]++
		}
	}
	if len(attrs) > 0 {
		sort.Strings(attrs)
		parts := make([]string, len(attrs))
		for i, a := range attrs {
			parts[i] = fmt.Sprintf("%d in %s", addedIn[a], a)
		}
		k.Changef(sdk.Location{File: f.Path}, "module %q: added enforced tags: %s", module, strings.Join(parts, ", "))
	}
	return any
}
