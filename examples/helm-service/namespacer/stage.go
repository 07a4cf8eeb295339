// Package namespacer is the namespacer stage of the helm-service example: the two `yq` lines
// pipelines run after `helm template`, as a stage.
//
//   - It gives metadata.namespace to every namespaced object that has none, and leaves
//     cluster-scoped objects alone: Kubernetes' built-in cluster-scoped kinds (ClusterRole,
//     CustomResourceDefinition, webhook configurations, Namespace, PriorityClass, StorageClass,
//     ...) and the kinds whose CustomResourceDefinition in the same output says scope: Cluster
//     (sdk.Scopes). A kind that is neither built in nor defined in the output is taken as
//     namespaced, as kustomize's namespace field does, and said so once in the log;
//     CLUSTER_SCOPED_KINDS names the exceptions.
//   - It drops the annotations DROP_ANNOTATIONS names (a chart's licence annotation), and an
//     annotations map left empty.
//   - With MODE=require it changes no namespace but fails on every namespaced object without
//     one: the house rule of platforms whose pipelines must say where everything goes.
//
// Objects that name a namespace keep it. Files are edited in place (comments, order and the
// other documents keep their bytes), all or nothing.
package namespacer

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what the Promise sets on the container.
type Config struct {
	Namespace          string   `env:"NAMESPACE" default:"$(KRATIX_OBJECT_NAMESPACE)" help:"namespace given to namespaced objects that have none (default: the request's)"`
	Mode               string   `env:"MODE" default:"default" enum:"default,require" help:"default: set the namespace where it is missing; require: change nothing, fail on every namespaced object without one"`
	DropAnnotations    []string `env:"DROP_ANNOTATIONS" help:"annotation keys removed from every object, comma-separated"`
	ClusterScopedKinds []string `env:"CLUSTER_SCOPED_KINDS" help:"custom kinds to leave without a namespace although no CRD in the output defines them: Kind or group/Kind, comma-separated"`

	declared []groupKind // CLUSTER_SCOPED_KINDS, made by Check
}

type groupKind struct{ group, kind string }

// Check checks the settings (exit 2 on a problem, every one reported).
func (cfg *Config) Check(sdk.Env) error {
	var problems []error
	if cfg.Mode != "require" && (len(cfg.Namespace) > 63 || !dnsLabel.MatchString(cfg.Namespace)) {
		problems = append(problems, sdk.SettingErrorf("NAMESPACE", "%q is not a namespace name (a DNS label: lower-case letters, digits and -, at most 63); a promise workflow has no request namespace, so set it there", cfg.Namespace))
	}
	cfg.declared = nil
	for _, item := range cfg.ClusterScopedKinds {
		g, kd, hasGroup := strings.Cut(item, "/")
		if !hasGroup {
			g, kd = "", item
		}
		if !kind.MatchString(kd) || (hasGroup && !group.MatchString(g)) {
			problems = append(problems, sdk.SettingErrorf("CLUSTER_SCOPED_KINDS", "%q is not Kind or group/Kind (postgresql.cnpg.io/ClusterImageCatalog)", item))
			continue
		}
		cfg.declared = append(cfg.declared, groupKind{g, kd})
	}
	return errors.Join(problems...)
}

// Stage is namespacer.
var Stage = sdk.Stage[Config]{
	Name:    "namespacer",
	Summary: "gives namespaced objects in /kratix/output a namespace (cluster-scoped ones left alone) and drops listed annotations",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure, sdk.PromiseConfigure},
	Run:     run,
}

var (
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	group    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$`)
	kind     = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
)

func run(k *sdk.Kratix, cfg *Config) error {
	require := cfg.Mode == "require"
	scopes, err := k.Output.Scopes()
	if err != nil {
		return err
	}
	for _, d := range cfg.declared {
		if err := scopes.Define(d.group, d.kind, sdk.ClusterScoped, sdk.Location{Path: "CLUSTER_SCOPED_KINDS"}); err != nil {
			return err
		}
	}

	var namespaced, clusterScoped, dropped, files int
	assumed := map[string]bool{}
	err = k.Output.EachManifestFile(func(f *sdk.ManifestFile) error {
		var errs []error
		var set, gone int
		for _, m := range f.Manifests() {
			scope := m.Scope(scopes)
			if scope == sdk.ScopeUnknown {
				name := m.Kind()
				if m.Group() != "" {
					name = m.Group() + "/" + name
				}
				if !assumed[name] {
					assumed[name] = true
					k.Infof(m.At(), "%s is not a built-in kind and no CRD in the output defines it: taken as namespaced (name it in CLUSTER_SCOPED_KINDS if it is cluster-scoped)", name)
				}
			}
			n, err := dropAnnotations(m, cfg.DropAnnotations)
			if err != nil {
				errs = append(errs, err)
			}
			gone += n
			if scope == sdk.ClusterScoped {
				clusterScoped++
				continue
			}
			namespaced++
			if m.Namespace() != "" {
				continue
			}
			if require {
				errs = append(errs, sdk.Errorf(m.AtPath("metadata.namespace"), "%s %s is namespaced but names no namespace: every namespaced object must say where it goes", m.Kind(), m.Name()))
				continue
			}
			if err := m.Set("metadata.namespace", cfg.Namespace); err != nil {
				errs = append(errs, err)
				continue
			}
			set++
		}
		if set > 0 || gone > 0 {
			files++
			k.Changef(sdk.Location{File: f.Path}, "%s", change(set, cfg.Namespace, gone))
		}
		dropped += gone
		return errors.Join(errs...)
	})
	if err != nil {
		return err
	}
	if require {
		k.Summarize("%d namespaced objects name their namespace, %d cluster-scoped objects need none; %d annotations dropped", namespaced, clusterScoped, dropped)
	} else {
		k.Summarize("%d namespaced and %d cluster-scoped objects seen; %d annotations dropped; %s changed", namespaced, clusterScoped, dropped, plural(files, "file"))
	}
	return nil
}

func change(set int, namespace string, dropped int) string {
	var parts []string
	if set > 0 {
		parts = append(parts, fmt.Sprintf("metadata.namespace %s set on %s", namespace, plural(set, "object")))
	}
	if dropped > 0 {
		parts = append(parts, fmt.Sprintf("%s dropped", plural(dropped, "annotation")))
	}
	return strings.Join(parts, "; ")
}

// dropAnnotations removes the keys from metadata.annotations, and the map when it is left
// empty. It reports how many it removed.
func dropAnnotations(m *sdk.Manifest, keys []string) (int, error) {
	n := 0
	for _, key := range keys {
		had, err := m.DeleteAnnotation(key)
		if err != nil {
			return n, err
		}
		if had {
			n++
		}
	}
	if a, err := m.Lookup("metadata.annotations"); n > 0 && err == nil && a.Len() == 0 {
		if _, err := m.Delete("metadata.annotations"); err != nil {
			return n, err
		}
	}
	return n, nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
