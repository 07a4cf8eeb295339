package terraformgenerate

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// sourceKind is how Terraform reads a module source string, which decides what //<path>,
// ?ref= and a version argument mean for it.
type sourceKind int

const (
	kindLocal     sourceKind = iota // ./mod, ../mod: a directory next to the configuration
	kindRegistry                    // [host/]namespace/name/provider[//subdir]
	kindGetter                      // a forced go-getter: git::..., s3::..., hg::...
	kindURL                         // scheme://... without a forced getter
	kindShorthand                   // github.com/org/repo, git@host:org/repo, bitbucket.org/...
)

var (
	forcedGetter = regexp.MustCompile(`^([A-Za-z0-9]+)::(.+)$`)
	hasScheme    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)
	// Terraform's registry address grammar (internal/addrs/module_source.go, regsrc).
	registryAddr = regexp.MustCompile(`^(?:([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]+)?|localhost(?::[0-9]+)?)/)?` +
		`([0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?)/([0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?)/([0-9a-z]{1,64})$`)
	archiveSuffix = []string{".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz"}
)

// classify tells what kind of module source s is, the way Terraform does.
func classify(s string) sourceKind {
	switch {
	case strings.HasPrefix(s, "./"), strings.HasPrefix(s, "../"), s == ".", s == "..":
		return kindLocal
	case forcedGetter.MatchString(s):
		return kindGetter
	case hasScheme.MatchString(s):
		return kindURL
	}
	base, _, _ := cutSubdir(s)
	if m := registryAddr.FindStringSubmatch(base); m != nil && !strings.Contains(s, "?") {
		// github.com and bitbucket.org are go-getter shorthands, never registries.
		if h := strings.ToLower(m[1]); h != "github.com" && h != "bitbucket.org" {
			return kindRegistry
		}
	}
	return kindShorthand
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
		return moduleSource{}, sdk.Misconfigured("MODULE_SOURCE (--module-source) is empty: set it to the module's address, e.g. terraform-aws-modules/ec2-instance/aws or git::https://github.com/org/repo.git")
	}
	sub, err := cleanPath(cfg.ModulePath)
	if err != nil {
		return moduleSource{}, err
	}
	kind := classify(src)
	var errs []error
	if regVer != "" && kind != kindRegistry {
		errs = append(errs, sdk.Misconfigured("MODULE_REGISTRY_VERSION is only valid for Terraform registry sources (namespace/name/provider); MODULE_SOURCE=%q is not one: for a git source set MODULE_VERSION (or put ?ref= in MODULE_SOURCE) instead", src))
	}
	if ver != "" {
		switch {
		case kind == kindRegistry:
			errs = append(errs, sdk.Misconfigured("MODULE_VERSION is a git ref, and MODULE_SOURCE=%q is a registry address: set MODULE_REGISTRY_VERSION=%s instead", src, ver))
		case kind == kindLocal:
			errs = append(errs, sdk.Misconfigured("MODULE_VERSION=%q means nothing for the local path MODULE_SOURCE=%q: unset it", ver, src))
		case !isGit(kind, src):
			errs = append(errs, sdk.Misconfigured("MODULE_VERSION is a git ref, and MODULE_SOURCE=%q is not a git source: put the version in MODULE_SOURCE itself", src))
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
			return moduleSource{}, sdk.Misconfigured("MODULE_SOURCE=%q already names the subdirectory //%s: set MODULE_PATH=%q or put it in MODULE_SOURCE, not both", src, oldSub, sub)
		}
		oldSub = sub
	}
	if ver != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return moduleSource{}, sdk.Misconfigured("MODULE_SOURCE=%q: query %q: %v", src, query, err)
		}
		switch old := q.Get("ref"); {
		case old == "":
			if query != "" {
				query += "&"
			}
			query += "ref=" + url.QueryEscape(ver)
		case old != ver:
			return moduleSource{}, sdk.Misconfigured("MODULE_SOURCE=%q already pins ref=%s, and MODULE_VERSION=%s: set one of them", src, old, ver)
		}
	}
	out.Source = base
	if oldSub != "" {
		out.Source += "//" + oldSub
	}
	if query != "" {
		out.Source += "?" + query
	}
	return out, nil
}

// isGit reports whether ?ref= selects a git ref for the source.
func isGit(kind sourceKind, src string) bool {
	switch kind {
	case kindURL:
		return !isArchive(src)
	case kindGetter:
		return strings.EqualFold(forcedGetter.FindStringSubmatch(src)[1], "git")
	case kindShorthand:
		host := strings.ToLower(src)
		return strings.HasPrefix(host, "github.com/") || strings.HasPrefix(host, "bitbucket.org/") ||
			strings.HasPrefix(host, "gitlab.com/") || strings.Contains(strings.SplitN(host, "/", 2)[0], "@") ||
			strings.HasSuffix(strings.SplitN(host, "?", 2)[0], ".git")
	}
	return false
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
			return "", sdk.Misconfigured("MODULE_PATH=%q leaves the module source (..): give a subdirectory inside it", p)
		}
	}
	return p, nil
}
