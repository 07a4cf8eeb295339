package terraformgenerate

import (
	"errors"
	"net/url"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/stagekit/stagekit/sdk"
)

// sourceKind is how a module source string is written, which decides what //<path>, ?ref= and a
// version argument mean for it.
type sourceKind int

const (
	kindLocal     sourceKind = iota // ./mod, ../mod: a directory next to the configuration
	kindRegistry                    // [host/]namespace/name/system[//subdir]
	kindGetter                      // a forced getter: git::..., s3::..., hg::...
	kindURL                         // scheme://... without a forced getter
	kindShorthand                   // github.com/org/repo, git@host:org/repo, bitbucket.org/...
)

var archiveSuffix = []string{".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz"}

// classify tells how s is written, as Terraform reads it; err is Terraform's reason when it
// cannot read it at all.
func classify(s string) (sourceKind, moduleAddr, error) {
	addr, err := parseModuleAddr(s, false)
	if err != nil {
		return 0, addr, err
	}
	switch {
	case addr.kind == addrLocal:
		return kindLocal, addr, nil
	case addr.kind == addrRegistry:
		return kindRegistry, addr, nil
	case addr.forced:
		return kindGetter, addr, nil
	case addr.shorthand:
		return kindShorthand, addr, nil
	}
	return kindURL, addr, nil
}

// cutSubdir splits a go-getter source into the package address, its //subdir and its ?query,
// as go-getter's SourceDirSubdir does (the // of scheme:// is not a subdir).
func cutSubdir(s string) (base, subdir, query string) {
	base, query, _ = strings.Cut(s, "?")
	start := 0
	if i := strings.Index(base, "://"); i >= 0 {
		start = i + 3
	}
	if i := strings.Index(base[start:], "//"); i >= 0 {
		base, subdir = base[:start+i], base[start+i+2:]
	}
	return base, subdir, query
}

// moduleSource is the resolved source string and the registry version, if any.
type moduleSource struct {
	Source  string
	Version string // the module's version argument: registry sources only
}

// resolveSource builds the source string from the settings. A Promise written for the original
// stage (a bare URL plus MODULE_VERSION) keeps getting git::<url>[//<path>]?ref=<version>; other
// sources are used as given, with //<path> and ?ref= added where Terraform gives them a meaning.
// Every setting that means nothing for the source is a configuration error, all reported at once.
func resolveSource(cfg *Config) (moduleSource, error) {
	src := strings.TrimSpace(cfg.ModuleSource)
	ver := strings.TrimSpace(cfg.ModuleVersion)
	regVer := strings.TrimSpace(cfg.ModuleRegistryVersion)
	if src == "" {
		return moduleSource{}, sdk.SettingErrorf("MODULE_SOURCE", "is empty: set it to the module's address, e.g. terraform-aws-modules/ec2-instance/aws or git::https://github.com/org/repo.git")
	}
	sub, err := cleanPath(cfg.ModulePath)
	if err != nil {
		return moduleSource{}, err
	}
	kind, addr, err := classify(src)
	if regVer != "" {
		// With a version argument Terraform reads the source as a registry address only.
		if _, rerr := parseModuleAddr(src, true); rerr != nil {
			if err != nil {
				return moduleSource{}, terraformRefuses("MODULE_SOURCE", src, rerr)
			}
			return moduleSource{}, sdk.SettingErrorf("MODULE_REGISTRY_VERSION", "is only valid for Terraform registry sources (namespace/name/provider); MODULE_SOURCE=%q is not one (Terraform refuses it with a version: %s: %s): for a git source set MODULE_VERSION (or put ?ref= in MODULE_SOURCE) instead",
				src, rerr.summary, oneLine(rerr.detail))
		}
	}
	if err != nil {
		return moduleSource{}, terraformRefuses("MODULE_SOURCE", src, err)
	}
	var errs []error
	if ver != "" {
		switch {
		case kind == kindRegistry:
			errs = append(errs, sdk.SettingErrorf("MODULE_VERSION", "is a git ref, and MODULE_SOURCE=%q is a registry address: set MODULE_REGISTRY_VERSION=%s instead", src, ver))
		case kind == kindLocal:
			errs = append(errs, sdk.SettingErrorf("MODULE_VERSION", "%q means nothing for the local path MODULE_SOURCE=%q: unset it", ver, src))
		case !isGit(kind, addr, src):
			errs = append(errs, sdk.SettingErrorf("MODULE_VERSION", "is a git ref, and MODULE_SOURCE=%q is not a git source: put the version in MODULE_SOURCE itself", src))
		}
	}
	if regVer != "" {
		if _, err := version.NewConstraint(regVer); err != nil {
			// Terraform's own words: go-version's error says less.
			errs = append(errs, terraformRefuses("MODULE_REGISTRY_VERSION", regVer, &addrError{"Invalid version constraint", "This string does not use correct version constraint syntax."}))
		}
	}
	if len(errs) > 0 {
		return moduleSource{}, errors.Join(errs...)
	}
	out := moduleSource{Version: regVer}
	switch kind {
	case kindLocal:
		if sub != "" {
			src = strings.TrimSuffix(src, "/") + "/" + sub
		}
		out.Source = src
		return out, nil
	case kindURL:
		if !isArchive(src) {
			// The original stage read MODULE_SOURCE as a git repository URL; Terraform would
			// otherwise fetch it over plain HTTP, which fails for every git host.
			src = "git::" + src
		}
	}
	base, oldSub, query := cutSubdir(src)
	if sub != "" {
		if oldSub != "" {
			return moduleSource{}, sdk.SettingErrorf("MODULE_SOURCE", "%q already names the subdirectory //%s: set MODULE_PATH=%q or put it in MODULE_SOURCE, not both", src, oldSub, sub)
		}
		oldSub = sub
	}
	if ver != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return moduleSource{}, sdk.SettingErrorf("MODULE_SOURCE", "%q: query %q: %v", src, query, err)
		}
		switch old := q.Get("ref"); {
		case old == "":
			if query != "" {
				query += "&"
			}
			query += "ref=" + url.QueryEscape(ver)
		case old != ver:
			return moduleSource{}, sdk.SettingErrorf("MODULE_SOURCE", "%q already pins ref=%s, and MODULE_VERSION=%s: set one of them", src, old, ver)
		}
	}
	out.Source = base
	if oldSub != "" {
		out.Source += "//" + oldSub
	}
	if query != "" {
		out.Source += "?" + query
	}
	final, ferr := parseModuleAddr(out.Source, out.Version != "")
	if ferr != nil {
		return moduleSource{}, sdk.SettingErrorf("MODULE_SOURCE", "with MODULE_PATH and MODULE_VERSION it makes the source %q: Terraform refuses it: %s", out.Source, refusal(ferr))
	}
	if final.kind == addrRemote && !getters[strings.ToLower(final.getter)] {
		return moduleSource{}, sdk.SettingErrorf("MODULE_SOURCE", "%q: Terraform has no getter %q (download not supported for scheme %q at terraform init): it installs modules with git, hg, s3, gcs, http, https and file", src, final.getter, final.getter)
	}
	return out, nil
}

// terraformRefuses is the configuration error for a setting Terraform would refuse, with
// Terraform's reason.
func terraformRefuses(setting, value string, err error) error {
	return sdk.SettingErrorf(setting, "%q: Terraform refuses it: %s", value, refusal(err))
}

// refusal is Terraform's reason for refusing a source: its summary and detail, on one line.
func refusal(err error) string {
	var ae *addrError
	if errors.As(err, &ae) {
		return ae.summary + ": " + oneLine(ae.detail)
	}
	return err.Error()
}

// isGit reports whether ?ref= selects a git ref for the source.
func isGit(kind sourceKind, addr moduleAddr, src string) bool {
	if kind == kindURL {
		return !isArchive(src) // it is written git::<url> below
	}
	return addr.kind == addrRemote && strings.EqualFold(addr.getter, "git")
}

func isArchive(src string) bool {
	base, _, query := cutSubdir(src)
	if strings.Contains(query, "archive=") {
		return true
	}
	base = strings.ToLower(base)
	for _, s := range archiveSuffix {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return false
}

// cleanPath normalises MODULE_PATH: no leading or trailing slash, and no way out of the module.
func cleanPath(p string) (string, error) {
	p = strings.Trim(strings.TrimSpace(p), "/")
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return "", sdk.SettingErrorf("MODULE_PATH", "%q leaves the module source (..): give a subdirectory inside it", p)
		}
	}
	return p, nil
}

// oneLine joins Terraform's multi-paragraph details into one log line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
