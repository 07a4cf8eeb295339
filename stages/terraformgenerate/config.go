// Package terraformgenerate is the terraform-generate stage: it turns a resource request into a
// Terraform module call, one argument per top-level spec key, written as <name>.tf.json or
// <name>.tf for a later stage (enforce-tags, terraform apply) to consume.
//
// A request
//
//	kind: VM
//	metadata: {name: example-vm, namespace: default}
//	spec: {instance_type: t3.micro}
//
// with MODULE_SOURCE=https://github.com/terraform-aws-modules/terraform-aws-ec2-instance and
// MODULE_VERSION=v6.0.2 gives vm_default_example-vm.tf.json:
//
//	{
//	  "module": {
//	    "vm_default_example-vm": {
//	      "source": "git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance?ref=v6.0.2",
//	      "instance_type": "t3.micro"
//	    }
//	  }
//	}
package terraformgenerate

import (
	"errors"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what a Promise sets on the container.
type Config struct {
	ModuleSource          string   `env:"MODULE_SOURCE" required:"true" help:"the module: a registry address (ns/name/provider), a git URL, a go-getter source (git::, s3::, ...) or a local path"`
	ModuleVersion         string   `env:"MODULE_VERSION" help:"git ref (tag, branch, commit) added as ?ref= to a git source"`
	ModulePath            string   `env:"MODULE_PATH" help:"subdirectory of the source holding the module, added as //<path>"`
	ModuleRegistryVersion string   `env:"MODULE_REGISTRY_VERSION" help:"version constraint of a registry module, written as the version argument"`
	ModuleOutputNames     []string `env:"MODULE_OUTPUT_NAMES" help:"module outputs to re-export, comma-separated: each becomes output <module>_<name>"`
	OutputFormat          string   `env:"OUTPUT_FORMAT" default:"json" enum:"json,hcl" help:"json writes <name>.tf.json, hcl writes <name>.tf"`
	ModuleVariables       string   `env:"MODULE_VARIABLES" help:"a .tf file, or a directory of them, declaring the module's variables: arguments are checked and converted against them"`

	// What Check makes of the settings, for Run.
	source    moduleSource
	outputs   []string
	variables variables // nil without MODULE_VARIABLES
}

// Check checks every setting and reports all the problems at once (exit 2): the module source
// as Terraform reads it, the output names, and the module's variables, read from
// MODULE_VARIABLES.
func (cfg *Config) Check(sdk.Env) error {
	var srcErr, outErr, varErr error
	cfg.source, srcErr = resolveSource(cfg)
	cfg.outputs, outErr = outputNames(cfg.ModuleOutputNames)
	if p := strings.TrimSpace(cfg.ModuleVariables); p != "" {
		cfg.variables, varErr = loadVariables(p)
	}
	return errors.Join(srcErr, outErr, varErr)
}

// Stage is the terraform-generate stage.
var Stage = sdk.Stage[Config]{
	Name:    "terraform-generate",
	Summary: "turns a resource request into a Terraform module call (<kind>_<namespace>_<name>.tf.json or .tf)",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure},
	Run:     run,
}
