// Package orchestrator is the platform-orchestrator stage of the platform-orchestrator
// example: a compound Promise's stage. From one TeamPlatform request it renders the requests of
// the Promises the platform is made of, into a component directory that goes to the platform
// cluster, where Kratix turns each into a request of its own Promise:
//
//   - a TeamNamespace (the team's namespace, with a quota sized by environment),
//   - a Postgres (the helm-service example's Promise: one instance in dev, three in prod),
//   - a Redis cache, when the request asks for one (replicas as the database's instances),
//
// and what goes to the team's own cluster directly: an Ingress for its host, and an
// ExternalSecret that pulls the app's secrets from the platform's secret store, never a Secret.
// Every namespaced object names its namespace: the request's.
package orchestrator

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what the Promise sets on the container.
type Config struct {
	ComponentDir  string `env:"COMPONENT_DIR" default:"platform" help:"top-level output directory of the sub-requests, sent to the platform cluster"`
	PlatformLabel string `env:"PLATFORM_DESTINATION" default:"environment=platform" help:"label=value of the destination that runs the sub-requests"`
	SecretStore   string `env:"SECRET_STORE" default:"platform-vault" help:"the ClusterSecretStore the apps' ExternalSecrets read from"`

	// What Check makes of the settings, for Run.
	componentDir                 string // COMPONENT_DIR as the work-writer reads it: "platform/" is platform
	platformLabel, platformValue string
}

// Check checks the settings (exit 2 on a problem, every one reported).
func (cfg *Config) Check(sdk.Env) error {
	var problems []error
	var ok bool
	cfg.platformLabel, cfg.platformValue, ok = strings.Cut(cfg.PlatformLabel, "=")
	if !ok || cfg.platformLabel == "" || cfg.platformValue == "" {
		problems = append(problems, sdk.SettingErrorf("PLATFORM_DESTINATION", "%q is not label=value", cfg.PlatformLabel))
	}
	dir, err := sdk.ComponentDirectory(cfg.ComponentDir)
	if err != nil {
		problems = append(problems, sdk.SettingErrorf("COMPONENT_DIR", "%v", err))
	}
	cfg.componentDir = dir
	return errors.Join(problems...)
}

// Stage is platform-orchestrator.
var Stage = sdk.Stage[Config]{
	Name:    "platform-orchestrator",
	Summary: "renders a team platform's sub-requests (namespace, database, cache) and its ingress and ExternalSecret",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure},
	Run:     run,
}

// request is a TeamPlatform's spec.
type request struct {
	Environment string `json:"environment"`
	Cache       struct {
		Enabled bool `json:"enabled"`
	} `json:"cache"`
	Ingress struct {
		Host string `json:"host"`
	} `json:"ingress"`
}

// sizes are what an environment gets.
var sizes = map[string]struct {
	instances   int
	cpu, memory string
}{
	"dev":  {1, "4", "8Gi"},
	"prod": {3, "16", "64Gi"},
}

func run(k *sdk.Kratix, cfg *Config) error {
	componentDir, label, value := cfg.componentDir, cfg.platformLabel, cfg.platformValue
	obj, err := k.Object()
	if err != nil {
		return err
	}
	var spec request
	if err := obj.Decode("spec", &spec); err != nil {
		return err
	}
	size, ok := sizes[spec.Environment]
	if !ok {
		return sdk.Errorf(obj.AtPath("spec.environment"), "%q is not an environment: dev or prod", spec.Environment)
	}
	name, ns := obj.Name(), obj.Namespace()
	meta := func(n string) map[string]any { return map[string]any{"name": n, "namespace": ns} }

	sub := []any{
		map[string]any{"apiVersion": "platform.example.com/v1alpha1", "kind": "TeamNamespace", "metadata": meta(name),
			"spec": map[string]any{"environment": spec.Environment, "quota": map[string]any{"cpu": size.cpu, "memory": size.memory}}},
		map[string]any{"apiVersion": "databases.example.com/v1", "kind": "Postgres", "metadata": meta(name + "-db"),
			"spec": map[string]any{"instances": size.instances}},
	}
	kinds := []string{"TeamNamespace", "Postgres"}
	if spec.Cache.Enabled {
		sub = append(sub, map[string]any{"apiVersion": "platform.example.com/v1alpha1", "kind": "Redis", "metadata": meta(name + "-cache"),
			"spec": map[string]any{"replicas": size.instances}})
		kinds = append(kinds, "Redis")
	}
	subFile := fmt.Sprintf("%s/%s_%s.yaml", componentDir, ns, name)
	if err := k.Output.WriteObject(subFile, sub...); err != nil {
		return err
	}

	var app []any
	if spec.Ingress.Host != "" {
		app = append(app, ingress(name, ns, spec.Ingress.Host))
	}
	app = append(app, externalSecret(name, ns, cfg.SecretStore))
	appFile := fmt.Sprintf("%s_%s.yaml", ns, name)
	if err := k.Output.WriteObject(appFile, app...); err != nil {
		return err
	}

	k.Infof(sdk.Location{File: "output/" + subFile}, "%d sub-requests for the platform: %s", len(sub), strings.Join(kinds, ", "))
	if err := k.Selectors.Add(sdk.Selector{Directory: componentDir, MatchLabels: map[string]string{label: value}}); err != nil {
		return err
	}
	if err := k.Selectors.Add(sdk.Selector{MatchLabels: map[string]string{"environment": spec.Environment}}); err != nil {
		return err
	}
	if err := k.Status.SetMessage(fmt.Sprintf("team platform %s/%s (%s): %s", ns, name, spec.Environment, strings.Join(kinds, ", "))); err != nil {
		return err
	}
	k.Summarize("%d sub-requests in %s/, %d objects for the team's cluster", len(sub), componentDir, len(app))
	return nil
}

func ingress(name, namespace, host string) map[string]any {
	return map[string]any{
		"apiVersion": "networking.k8s.io/v1",
		"kind":       "Ingress",
		"metadata":   map[string]any{"name": name, "namespace": namespace},
		"spec": map[string]any{
			"ingressClassName": "nginx",
			"rules": []any{map[string]any{"host": host, "http": map[string]any{"paths": []any{map[string]any{
				"path": "/", "pathType": "Prefix",
				"backend": map[string]any{"service": map[string]any{"name": name, "port": map[string]any{"name": "http"}}},
			}}}}},
		},
	}
}

// externalSecret makes the External Secrets Operator create the app's Secret on the team's
// cluster from the platform's store: the pipeline never holds the secret itself.
func externalSecret(name, namespace, store string) map[string]any {
	return map[string]any{
		"apiVersion": "external-secrets.io/v1beta1",
		"kind":       "ExternalSecret",
		"metadata":   map[string]any{"name": name + "-app", "namespace": namespace},
		"spec": map[string]any{
			"refreshInterval": "1h",
			"secretStoreRef":  map[string]any{"kind": "ClusterSecretStore", "name": store},
			"target":          map[string]any{"name": name + "-app", "creationPolicy": "Owner"},
			"dataFrom":        []any{map[string]any{"extract": map[string]any{"key": fmt.Sprintf("teams/%s/%s", namespace, name)}}},
		},
	}
}
