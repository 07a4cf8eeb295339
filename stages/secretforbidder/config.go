package secretforbidder

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what a Promise sets on the container.
type Config struct {
	ForbiddenKinds []string `env:"FORBIDDEN_KINDS" default:"Secret" help:"kinds that must not be output: Kind for the core group (Secret) or group/Kind (bitnami.com/SealedSecret)"`
	Allow          []string `env:"ALLOW" help:"namespace/name globs of objects that are allowed, comma-separated (argocd/argocd-secret,monitoring/*)"`
	AllowEmpty     bool     `env:"ALLOW_EMPTY" default:"false" help:"allow Secrets with no data and no stringData (the placeholders Helm charts ship)"`
	Mode           string   `env:"MODE" default:"fail" enum:"fail,remove" help:"fail: list every violation and exit 1; remove: delete the offending documents and exit 0"`

	policy *policy // compiled by Check, which sdk.Stage calls before Run
}

// Check checks every setting and reports every problem at once (exit 2), keeping the compiled
// policy for Run.
func (cfg *Config) Check(sdk.Env) error {
	p, err := compile(cfg)
	cfg.policy = p
	return err
}

// policy is the Config checked and compiled once, before any file is read.
type policy struct {
	kinds      []groupKind
	allow      []string
	allowEmpty bool
	remove     bool
	// secretForbidden says core Secrets are forbidden, so kustomize secretGenerators are too.
	secretForbidden bool
}

// groupKind is a FORBIDDEN_KINDS item; group "" is the core group.
type groupKind struct{ group, kind string }

func (g groupKind) String() string {
	if g.group == "" {
		return g.kind
	}
	return g.group + "/" + g.kind
}

var (
	kindRe    = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	groupRe   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)
	versionRe = regexp.MustCompile(`^v[0-9]+((alpha|beta)[0-9]+)?$`)
)

// compile checks every setting and reports every problem at once (exit 2).
func compile(cfg *Config) (*policy, error) {
	p := &policy{allowEmpty: cfg.AllowEmpty, remove: cfg.Mode == "remove"}
	var errs []error
	for _, item := range cfg.ForbiddenKinds {
		gk, err := parseKind(item)
		if err != nil {
			errs = append(errs, sdk.SettingErrorf("FORBIDDEN_KINDS", "%v", err))
			continue
		}
		p.kinds = append(p.kinds, gk)
		if gk == (groupKind{"", "Secret"}) {
			p.secretForbidden = true
		}
	}
	if len(cfg.ForbiddenKinds) == 0 {
		errs = append(errs, sdk.SettingErrorf("FORBIDDEN_KINDS", "is empty: name at least one kind (the default is Secret)"))
	}
	for _, g := range cfg.Allow {
		ns, name, ok := strings.Cut(g, "/")
		if !ok || strings.Contains(name, "/") {
			errs = append(errs, sdk.SettingErrorf("ALLOW", "%q is not a namespace/name glob (like argocd/argocd-secret or monitoring/*)", g))
			continue
		}
		if _, err := path.Match(g, ns+"/"+name); err != nil {
			errs = append(errs, sdk.SettingErrorf("ALLOW", "%q is not a valid glob: %v", g, err))
			continue
		}
		p.allow = append(p.allow, g)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func parseKind(item string) (groupKind, error) {
	group, kind, hasGroup := strings.Cut(item, "/")
	if !hasGroup {
		group, kind = "", item
	}
	switch {
	case strings.Contains(kind, "/"):
		return groupKind{}, fmt.Errorf("%q has more than one /: write Kind or group/Kind, without a version", item)
	case hasGroup && versionRe.MatchString(group):
		return groupKind{}, fmt.Errorf("%q names a version, not a group: write %s for the core group", item, kind)
	case hasGroup && !groupRe.MatchString(group):
		return groupKind{}, fmt.Errorf("%q: %q is not an API group", item, group)
	case !kindRe.MatchString(kind):
		return groupKind{}, fmt.Errorf("%q: %q is not a kind: kinds are CamelCase and case-sensitive (like Secret)", item, kind)
	}
	return groupKind{group, kind}, nil
}

// forbidden returns the forbidden kind an object's apiVersion and kind match, if any. The
// version is ignored: a group's kind is forbidden in every version of it.
func (p *policy) forbidden(apiVersion, kind string) (groupKind, bool) {
	group := ""
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		group = apiVersion[:i]
	}
	for _, gk := range p.kinds {
		if gk.kind == kind && gk.group == group {
			return gk, true
		}
	}
	return groupKind{}, false
}

// allowed reports whether ALLOW lets the object through.
func (p *policy) allowed(namespace, name string) bool {
	id := namespace + "/" + name
	for _, g := range p.allow {
		if ok, _ := path.Match(g, id); ok {
			return true
		}
	}
	return false
}
