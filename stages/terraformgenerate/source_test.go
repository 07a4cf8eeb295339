package terraformgenerate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
)

func TestResolveSource(t *testing.T) {
	cases := []struct {
		reason string
		cfg    Config
		want   moduleSource
	}{
		{"a bare URL with a version is a git ref, as the original stage wrote it",
			Config{ModuleSource: "https://github.com/terraform-aws-modules/terraform-aws-ec2-instance", ModuleVersion: "v6.0.2"},
			moduleSource{Source: "git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance?ref=v6.0.2"}},
		{"a bare URL with a path puts it before the query, as the original did",
			Config{ModuleSource: "https://github.com/org/mods", ModulePath: "vm", ModuleVersion: "v1"},
			moduleSource{Source: "git::https://github.com/org/mods//vm?ref=v1"}},
		{"a bare URL without a version is still read as git, tracking the default branch",
			Config{ModuleSource: "https://github.com/org/mods"},
			moduleSource{Source: "git::https://github.com/org/mods"}},
		{"an archive URL is for Terraform's HTTP getter: used as given",
			Config{ModuleSource: "https://example.com/mod.zip", ModulePath: "vm"},
			moduleSource{Source: "https://example.com/mod.zip//vm"}},
		{"a forced git getter with ?ref= is used as given",
			Config{ModuleSource: "git::https://github.com/org/repo.git?ref=v6.0.2"},
			moduleSource{Source: "git::https://github.com/org/repo.git?ref=v6.0.2"}},
		{"a forced git getter gets //path before its query and ref after it",
			Config{ModuleSource: "git::https://github.com/org/repo.git?depth=1", ModulePath: "/a/b/", ModuleVersion: "v2"},
			moduleSource{Source: "git::https://github.com/org/repo.git//a/b?depth=1&ref=v2"}},
		{"the same ref twice is not a conflict",
			Config{ModuleSource: "git::ssh://git@github.com/org/repo.git?ref=v2", ModuleVersion: "v2"},
			moduleSource{Source: "git::ssh://git@github.com/org/repo.git?ref=v2"}},
		{"an s3 source is used as given with its subdirectory",
			Config{ModuleSource: "s3::https://s3-eu-west-1.amazonaws.com/bucket/vpc.zip", ModulePath: "vpc"},
			moduleSource{Source: "s3::https://s3-eu-west-1.amazonaws.com/bucket/vpc.zip//vpc"}},
		{"a registry address gets the version argument",
			Config{ModuleSource: "terraform-aws-modules/ec2-instance/aws", ModuleRegistryVersion: "6.0.2"},
			moduleSource{Source: "terraform-aws-modules/ec2-instance/aws", Version: "6.0.2"}},
		{"a private registry address with a submodule path",
			Config{ModuleSource: "app.terraform.io/acme/vpc/aws", ModulePath: "modules/subnet", ModuleRegistryVersion: "~> 1.0"},
			moduleSource{Source: "app.terraform.io/acme/vpc/aws//modules/subnet", Version: "~> 1.0"}},
		{"a github shorthand is git: ref is meaningful",
			Config{ModuleSource: "github.com/org/repo", ModuleVersion: "v1"},
			moduleSource{Source: "github.com/org/repo?ref=v1"}},
		{"an scp-style git address is git too",
			Config{ModuleSource: "git@github.com:org/repo.git", ModulePath: "vm", ModuleVersion: "v1"},
			moduleSource{Source: "git@github.com:org/repo.git//vm?ref=v1"}},
		{"a local path is joined with the subdirectory",
			Config{ModuleSource: "./modules/", ModulePath: "vm"},
			moduleSource{Source: "./modules/vm"}},
		{"surrounding spaces (a YAML block scalar) are trimmed",
			Config{ModuleSource: " terraform-aws-modules/ec2-instance/aws\n"},
			moduleSource{Source: "terraform-aws-modules/ec2-instance/aws"}},
	}
	for _, c := range cases {
		got, err := resolveSource(&c.cfg)
		if err != nil {
			t.Errorf("%s: unexpected error %v", c.reason, err)
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: -want +got:\n%s", c.reason, diff)
		}
	}
}

func TestResolveSourceMisconfigured(t *testing.T) {
	cases := []struct {
		reason string
		cfg    Config
		want   string
	}{
		{"a registry version means nothing for git", Config{ModuleSource: "git::https://x/y.git", ModuleRegistryVersion: "1.0"}, "MODULE_REGISTRY_VERSION (--module-registry-version): is only valid"},
		{"a registry version means nothing for a local path", Config{ModuleSource: "./mod", ModuleRegistryVersion: "1.0"}, "MODULE_REGISTRY_VERSION (--module-registry-version): is only valid"},
		{"a git ref on a registry address points at MODULE_REGISTRY_VERSION", Config{ModuleSource: "hashicorp/consul/aws", ModuleVersion: "v1"}, "set MODULE_REGISTRY_VERSION=v1"},
		{"a git ref on a local path", Config{ModuleSource: "../mod", ModuleVersion: "v1"}, "means nothing for the local path"},
		{"a git ref on an s3 source", Config{ModuleSource: "s3::https://bucket/mod.zip", ModuleVersion: "v1"}, "is not a git source"},
		{"a second ref", Config{ModuleSource: "git::https://x/y.git?ref=v1", ModuleVersion: "v2"}, "already pins ref=v1"},
		{"a second subdirectory", Config{ModuleSource: "git::https://x/y.git//a", ModulePath: "b"}, "already names the subdirectory //a"},
		{"a path leaving the module", Config{ModuleSource: "git::https://x/y.git", ModulePath: "a/../../b"}, "leaves the module source"},
		{"an empty source", Config{ModuleSource: "  "}, "MODULE_SOURCE (--module-source): is empty"},
	}
	for _, c := range cases {
		_, err := resolveSource(&c.cfg)
		if err == nil || !sdk.IsMisconfigured(err) || !contains(err.Error(), c.want) {
			t.Errorf("%s: want a configuration error containing %q, got %v", c.reason, c.want, err)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		reason string
		src    string
		want   sourceKind
	}{
		{"public registry", "hashicorp/consul/aws", kindRegistry},
		{"registry with submodule", "hashicorp/consul/aws//modules/x", kindRegistry},
		{"private registry host", "app.terraform.io/acme/vpc/aws", kindRegistry},
		{"github.com is never a registry host", "github.com/hashicorp/example", kindShorthand},
		{"four parts on github.com are not a registry either", "github.com/a/b/c", kindShorthand},
		{"forced getter", "git::https://x", kindGetter},
		{"scheme URL", "https://x/y", kindURL},
		{"local", "./x", kindLocal},
		{"parent local", "../x", kindLocal},
	}
	for _, c := range cases {
		got, _, err := classify(c.src)
		if err != nil {
			t.Errorf("%s: classify(%q): %v", c.reason, c.src, err)
		} else if got != c.want {
			t.Errorf("%s: classify(%q) = %d, want %d", c.reason, c.src, got, c.want)
		}
	}
}

func TestIdentifier(t *testing.T) {
	cases := []struct{ reason, in, want string }{
		{"hyphens are valid in Terraform identifiers and kept", "vm_team-a_edge-case", "vm_team-a_edge-case"},
		{"dots of Kubernetes names become underscores", "app_team.a_web.v2", "app_team_a_web_v2"},
		{"a leading digit gets an underscore", "1x", "_1x"},
		{"a leading hyphen gets an underscore", "-x", "_-x"},
		{"non-ASCII becomes one underscore per character", "vm_ns_café", "vm_ns_caf_"},
		{"empty stays an identifier", "", "_"},
	}
	for _, c := range cases {
		if got := identifier(c.in); got != c.want {
			t.Errorf("%s: identifier(%q) = %q, want %q", c.reason, c.in, got, c.want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
