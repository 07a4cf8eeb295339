// Package netpol is the default-network-policy stage of the platform-orchestrator example: the
// policy a platform team rolls out across every orchestrated request at once. Every namespace
// the pipeline deploys to gets a NetworkPolicy that admits traffic from the namespace itself and
// from the ingress controller's namespace only, so a team's database and cache are not reachable
// from the rest of the cluster.
//
// It reads the namespaces from the output: the namespaced objects outside COMPONENT_DIRS (those
// directories hold sub-requests for the platform cluster, not workloads). A namespace that
// already has a NetworkPolicy of that name in the output keeps it.
package netpol

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what the Promise sets on the container.
type Config struct {
	IngressNamespace string   `env:"INGRESS_NAMESPACE" default:"ingress-nginx" help:"namespace of the ingress controller, whose pods may reach every app"`
	PolicyName       string   `env:"POLICY_NAME" default:"default-ingress" help:"name of the NetworkPolicy written to each namespace"`
	ComponentDirs    []string `env:"COMPONENT_DIRS" help:"top-level output directories of sub-requests, not deployed to the namespaces: comma-separated"`

	skip map[string]bool // COMPONENT_DIRS as the work-writer reads them ("platform/" is platform), made by Check
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Check checks the settings (exit 2 on a problem, every one reported).
func (cfg *Config) Check(sdk.Env) error {
	var problems []error
	for _, v := range []struct{ name, value string }{{"INGRESS_NAMESPACE", cfg.IngressNamespace}, {"POLICY_NAME", cfg.PolicyName}} {
		if len(v.value) > 63 || !dnsLabel.MatchString(v.value) {
			problems = append(problems, sdk.SettingErrorf(v.name, "%q is not a DNS label (lower-case letters, digits and -, at most 63)", v.value))
		}
	}
	cfg.skip = map[string]bool{}
	for _, d := range cfg.ComponentDirs {
		dir, err := sdk.ComponentDirectory(d)
		if err != nil {
			problems = append(problems, sdk.SettingErrorf("COMPONENT_DIRS", "%v", err))
			continue
		}
		cfg.skip[dir] = true
	}
	return errors.Join(problems...)
}

// Stage is default-network-policy.
var Stage = sdk.Stage[Config]{
	Name:    "default-network-policy",
	Summary: "gives every namespace the output deploys to a NetworkPolicy admitting only its own pods and the ingress controller",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure},
	Run:     run,
}

func run(k *sdk.Kratix, cfg *Config) error {
	skip := cfg.skip

	namespaces := map[string]bool{}
	existing := map[string]bool{}
	err := k.Output.EachManifest(func(m *sdk.Manifest) error {
		top, _, nested := strings.Cut(m.File.Name, "/")
		if nested && skip[top] {
			return nil
		}
		ns := m.Namespace()
		if ns == "" {
			return nil
		}
		namespaces[ns] = true
		// A policy of that name written by another stage wins; one in this stage's own file is
		// a restarted container's leftover, rewritten.
		if m.Is("networking.k8s.io", "NetworkPolicy") && m.Name() == cfg.PolicyName && m.File.Name != fileOf(ns) {
			existing[ns] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	var written []string
	for _, ns := range sorted(namespaces) {
		if existing[ns] {
			k.Infof(sdk.Location{}, "namespace %s already has a NetworkPolicy %s in the output: kept", ns, cfg.PolicyName)
			continue
		}
		file := fileOf(ns)
		if err := k.Output.WriteObject(file, policy(cfg.PolicyName, ns, cfg.IngressNamespace)); err != nil {
			return err
		}
		k.Changef(sdk.Location{File: "output/" + file}, "NetworkPolicy %s/%s: ingress only from the namespace's own pods and from namespace %s", ns, cfg.PolicyName, cfg.IngressNamespace)
		written = append(written, ns)
	}
	if len(namespaces) == 0 {
		k.Infof(sdk.Location{}, "no namespaced object outside %v: no namespace to protect", cfg.ComponentDirs)
	}
	k.Summarize("default NetworkPolicy for %d namespaces (%s)", len(written), strings.Join(written, ", "))
	return nil
}

// policy admits ingress from the namespace's own pods and from the ingress controller's
// namespace, and denies the rest: once a pod is selected by a policy with policyType Ingress,
// only what a rule allows reaches it.
func policy(name, namespace, ingressNamespace string) map[string]any {
	return map[string]any{
		"apiVersion": "networking.k8s.io/v1",
		"kind":       "NetworkPolicy",
		"metadata":   map[string]any{"name": name, "namespace": namespace},
		"spec": map[string]any{
			"podSelector": map[string]any{},
			"policyTypes": []any{"Ingress"},
			"ingress": []any{
				map[string]any{"from": []any{map[string]any{"podSelector": map[string]any{}}}},
				map[string]any{"from": []any{map[string]any{"namespaceSelector": map[string]any{
					"matchLabels": map[string]any{"kubernetes.io/metadata.name": ingressNamespace},
				}}}},
			},
		},
	}
}

func fileOf(namespace string) string { return fmt.Sprintf("network-policy_%s.yaml", namespace) }

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
