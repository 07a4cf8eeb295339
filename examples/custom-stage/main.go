// Command custom-stage is a complete Kratix stage built on stagekit's SDK: it reads an app
// request, writes a Deployment and a Service, sets a status message and a destination selector.
package main

import (
	"fmt"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what a Promise can set on the container.
type Config struct {
	Environment string `env:"ENVIRONMENT" default:"dev" help:"destination label the app is scheduled to"`
	Port        int    `env:"PORT" default:"8080" help:"container port the Service targets"`
}

// Check checks what the tags cannot say; the SDK calls it before run (exit 2 on a problem).
func (cfg *Config) Check(sdk.Env) error {
	if cfg.Port < 1 || cfg.Port > 65535 {
		return sdk.SettingErrorf("PORT", "%d is not a port (1-65535)", cfg.Port)
	}
	return nil
}

var stage = sdk.Stage[Config]{
	Name:    "custom-stage",
	Summary: "turns an app request into a Deployment and a Service",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure},
	Run:     run,
}

func main() { stage.Main() }

func run(k *sdk.Kratix, cfg *Config) error {
	obj, err := k.Object()
	if err != nil {
		return err
	}
	image, err := obj.GetString("spec.image")
	if err != nil {
		return err
	}
	name, labels := obj.Name(), map[string]string{"app": obj.Name()}
	meta := map[string]any{"name": name, "namespace": obj.Namespace(), "labels": labels}
	deployment := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
		"spec": map[string]any{"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "app", "image": image,
					"ports": []any{map[string]any{"containerPort": cfg.Port}}}}}}}}
	service := map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": meta,
		"spec": map[string]any{"selector": labels, "ports": []any{map[string]any{"port": 80, "targetPort": cfg.Port}}}}
	if err := k.Output.WriteObject(name+".yaml", deployment, service); err != nil {
		return err
	}
	if err := k.Status.SetMessage(fmt.Sprintf("%s deployed to %s", image, cfg.Environment)); err != nil {
		return err
	}
	k.Summarize("wrote %s.yaml", name)
	return k.Selectors.Add(sdk.Selector{MatchLabels: map[string]string{"environment": cfg.Environment}})
}
