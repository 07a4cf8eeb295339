package terraformgenerate

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// The rules below are Terraform's for the source argument of a module block (v1.x: local paths,
// registry addresses, and go-getter addresses with the shorthands Terraform still detects). The
// stage applies them to what it writes so that a source Terraform would refuse is a
// configuration error with Terraform's own reason, not a failed `terraform init` on every
// request of the fleet.

// addrKind is how Terraform reads a module source string.
type addrKind int

const (
	addrLocal    addrKind = iota // ./mod, ../mod: a directory of the caller's package
	addrRegistry                 // [host/]namespace/name/system[//subdir]
	addrRemote                   // a package fetched by a getter: git, hg, s3, gcs, http(s), file
)

// moduleAddr is a module source address as Terraform reads it.
type moduleAddr struct {
	kind addrKind
	// getter fetches a remote package: the forced one (git::...), else the URL's scheme, else
	// the one a shorthand stands for (github.com/... is git).
	getter string
	// forced: the getter was named with getter::, so no shorthand or scheme decided it.
	forced bool
	// shorthand: a schemeless address Terraform rewrites (github.com/org/repo is git).
	shorthand bool
}

// addrError is Terraform's diagnostic for a source address it refuses.
type addrError struct {
	summary, detail string
}

func (e *addrError) Error() string { return e.summary + ": " + e.detail }

// getters are the getters Terraform installs modules with; an address naming another parses
// but fails at terraform init ("download not supported for scheme").
var getters = map[string]bool{"git": true, "hg": true, "s3": true, "gcs": true, "http": true, "https": true, "file": true}

// parseModuleAddr reads src the way Terraform reads a module block's source. withVersion: the
// block also sets version, so Terraform reads src as a registry address only.
func parseModuleAddr(src string, withVersion bool) (moduleAddr, *addrError) {
	if withVersion {
		if err := parseRegistryAddr(src); err != nil {
			return moduleAddr{}, &addrError{"Invalid registry module source address", fmt.Sprintf(
				"Failed to parse module registry address: %s.\n\nTerraform assumed that you intended a module registry source address because you also set the argument \"version\", which applies only to registry modules.", err)}
		}
		return moduleAddr{kind: addrRegistry}, nil
	}
	if isLocalAddr(src) {
		// Any relative path is fine: Terraform cleans it.
		return moduleAddr{kind: addrLocal}, nil
	}
	// What parses as a registry address is one; anything else is a remote address.
	if parseRegistryAddr(src) == nil {
		return moduleAddr{kind: addrRegistry}, nil
	}
	getter, forced, shorthand, err := parseRemoteAddr(src)
	if err != nil {
		return moduleAddr{}, err
	}
	return moduleAddr{kind: addrRemote, getter: getter, forced: forced, shorthand: shorthand}, nil
}

func isLocalAddr(s string) bool {
	for _, p := range []string{"./", "../", `.\`, `..\`} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// lazyRegexp compiles its expression on first use: most runs check no module address, and
// compiling four expressions at start-up was a tenth of the stage's start-up CPU.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

var (
	registryName   = lazyRegexp(`^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$`)
	registrySystem = lazyRegexp(`^[0-9a-z]{1,64}$`)
	getterPrefix   = lazyRegexp(`^([A-Za-z0-9]+)::(.+)$`)
	scpLike        = lazyRegexp(`^(?:([^@]+)@)?([^:]+):/?(.+)$`)
)

// parseRegistryAddr checks a registry address: [host/]namespace/name/system, an optional
// //subdir inside the package, no query.
func parseRegistryAddr(src string) error {
	if isLocalAddr(src) {
		return fmt.Errorf("can't use local directory %q as a module registry address", src)
	}
	pkg, sub := splitSubdir(src)
	if strings.HasPrefix(sub, "../") {
		return fmt.Errorf("subdirectory path %q leads outside of the module package", sub)
	}
	parts := strings.Split(pkg, "/")
	if len(parts) != 3 && len(parts) != 4 {
		return fmt.Errorf("a module registry source address must have either three or four slash-separated components")
	}
	if len(parts) == 4 {
		host, err := registryHost(parts[0])
		if err != nil {
			return err
		}
		if host == "github.com" || host == "bitbucket.org" {
			return fmt.Errorf("can't use %q as a module registry host, because it's reserved for installing directly from version control repositories", host)
		}
		parts = parts[1:]
	}
	const nameRule = "must be between one and 64 characters, including ASCII letters, digits, dashes, and underscores, where dashes and underscores may not be the prefix or suffix"
	switch {
	case !registryName().MatchString(parts[0]) && strings.Contains(parts[0], "."):
		return fmt.Errorf("source address must have three more components after the hostname: the namespace, the name, and the target system")
	case !registryName().MatchString(parts[0]):
		return fmt.Errorf("invalid namespace %q: %s", parts[0], nameRule)
	case !registryName().MatchString(parts[1]):
		return fmt.Errorf("invalid module name %q: %s", parts[1], nameRule)
	case !registrySystem().MatchString(parts[2]) && strings.Contains(parts[2], "?"):
		return fmt.Errorf("module registry addresses may not include a query string portion")
	case !registrySystem().MatchString(parts[2]):
		return fmt.Errorf("invalid target system %q: must be between one and 64 ASCII letters or digits", parts[2])
	}
	return nil
}

// registryHost checks a registry hostname with an optional :port and returns it lowercased. It
// follows Terraform's rules for hostnames written in ASCII (IDNA lookup: letters, digits and
// inner hyphens per label, no punycode given directly); other scripts are accepted letter by
// letter, a looser check than IDNA's.
func registryHost(given string) (string, error) {
	host, port, hasPort := strings.Cut(given, ":")
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n > 65535 {
			return "", fmt.Errorf("invalid module registry hostname %q", given)
		}
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return "", fmt.Errorf("invalid module registry hostname %q", given)
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" {
			return "", fmt.Errorf("invalid module registry hostname %q", given)
		}
		if strings.HasPrefix(label, "xn--") || len(label) >= 4 && label[2:4] == "--" {
			return "", fmt.Errorf("invalid module registry hostname %q; internationalized domain names must be given as direct unicode characters, not in punycode", given)
		}
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "", fmt.Errorf("invalid module registry hostname %q", given)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r))) {
				return "", fmt.Errorf("invalid module registry hostname %q", given)
			}
		}
	}
	if !strings.Contains(host, ".") {
		return "", fmt.Errorf("invalid module registry hostname: must contain at least one dot")
	}
	return host, nil
}

// splitSubdir splits a package address from its //subdir (cleaned), keeping a query on the
// package: the // of scheme:// and anything after ? are not a subdir separator.
func splitSubdir(src string) (pkg, sub string) {
	stop := len(src)
	if i := strings.Index(src, "?"); i >= 0 {
		stop = i
	}
	from := 0
	if i := strings.Index(src[:stop], "://"); i >= 0 {
		from = i + 3
	}
	i := strings.Index(src[from:stop], "//")
	if i < 0 {
		return src, ""
	}
	i += from
	pkg, sub = src[:i], src[i+2:]
	if q := strings.Index(sub, "?"); q >= 0 {
		pkg += sub[q:]
		sub = sub[:q]
	}
	return pkg, path.Clean(sub)
}

// parseRemoteAddr reads an address for a getter: getter::address, a URL with a scheme, or one of
// the shorthands Terraform recognises (github.com/..., git@host:..., bitbucket.org/..., GCS and
// S3 hosts, an absolute path).
func parseRemoteAddr(src string) (getter string, forced, shorthand bool, err *addrError) {
	invalid := func(reason string) *addrError {
		return &addrError{"Invalid module source address", fmt.Sprintf("Failed to parse module source address: %s.", reason)}
	}
	pkg, sub := splitSubdir(src)
	if strings.HasPrefix(sub, "../") {
		return "", false, false, invalid(fmt.Sprintf("subdirectory path %q leads outside of the module package", sub))
	}
	rest := pkg
	if m := getterPrefix().FindStringSubmatch(pkg); m != nil {
		getter, forced, rest = m[1], true, m[2]
	}
	rest, _ = splitSubdir(rest)
	if u, perr := url.Parse(rest); perr == nil && u.Scheme != "" {
		if getter == "" {
			getter = u.Scheme
		}
		return getter, forced, false, nil
	}
	detected, reason := detectShorthand(rest)
	switch {
	case reason == "empty":
		return "", false, false, invalid("invalid source address: " + pkg)
	case reason == "relative":
		return "", false, false, &addrError{"Invalid module source address", fmt.Sprintf(
			"Terraform failed to determine your intended installation method for remote module package %q.\n\nIf you intended this as a path relative to the current module, use \"./%s\" instead. The \"./\" prefix indicates that the address is a relative filesystem path.", rest, rest)}
	case reason != "":
		return "", false, false, invalid(reason)
	}
	if getter == "" {
		getter = detected
	}
	return getter, forced, true, nil
}

// detectShorthand tells which getter a schemeless address stands for, or why Terraform cannot
// read it ("relative" for what may be a local path without ./, "empty" for nothing).
func detectShorthand(s string) (getter, reason string) {
	switch {
	case s == "":
		return "", "empty"
	case strings.HasPrefix(s, "github.com/"):
		repo, _, _ := strings.Cut(s, "?")
		if len(strings.Split(repo, "/")) < 3 {
			return "", "GitHub URLs should be github.com/username/repo"
		}
		return "git", ""
	}
	if m := scpLike().FindStringSubmatch(s); m != nil {
		p := m[3]
		if _, q, ok := strings.Cut(p, "?"); ok {
			if _, err := url.ParseQuery(q); err != nil {
				return "", "error parsing Git SSH URL: " + err.Error()
			}
		}
		if m[1] == "git" {
			return "git", ""
		}
	}
	switch {
	case strings.HasPrefix(s, "bitbucket.org/"):
		if _, err := url.Parse("https://" + s); err != nil {
			return "", "error parsing BitBucket URL: " + err.Error()
		}
		return "git", ""
	case strings.Contains(s, "googleapis.com/"):
		if len(strings.Split(s, "/")) < 5 {
			return "", "URL is not a valid GCS URL"
		}
		return "gcs", ""
	case strings.Contains(s, ".amazonaws.com/"):
		parts := strings.Split(s, "/")
		host := strings.Split(parts[0], ".")
		if len(host) != 3 && len(host) != 4 && !(len(host) == 5 && host[1] == "s3") {
			return "", "URL is not a valid S3 URL"
		}
		return "s3", ""
	case filepath.IsAbs(s):
		return "file", ""
	}
	return "", "relative"
}
