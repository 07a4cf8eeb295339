// Package render is the helm-render stage of the helm-service example: it stands for
// `helm template` in the Promise's pipelines, with the charts rendered beforehand and baked into
// the binary (nothing is downloaded in a pipeline pod). CHARTS picks what it writes:
//
//   - cloudnative-pg: the CloudNativePG operator chart (CRDs, RBAC, webhooks, the operator's
//     Deployment, a ClusterImageCatalog), once for the platform: cloudnative-pg.yaml;
//   - cluster: the cluster chart, one PostgreSQL database per request, rendered with the
//     request's name as release name and its spec.instances: cluster_<namespace>_<name>.yaml.
//
// Like most charts, they leave metadata.namespace to `helm install -n`, and stamp a licence
// annotation on every object: the namespacer stage that follows deals with both.
package render

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strings"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// chart holds `helm template` renders, written for this example in the shape of the
// cloudnative-pg and cluster charts' output (see the example's README).
//
//go:embed chart/*.yaml
var chart embed.FS

// releasePlaceholder is the release name the cluster chart was rendered with.
const releasePlaceholder = "RELEASE-NAME"

// Config is what the Promise sets on the container.
type Config struct {
	Charts []string `env:"CHARTS" required:"true" enum:"cloudnative-pg,cluster" help:"the charts to render: cloudnative-pg (the operator and its CRDs), cluster (the request's database)"`
}

// Check refuses a chart the workflow cannot render (exit 2).
func (cfg *Config) Check(env sdk.Env) error {
	if slices.Contains(cfg.Charts, "cluster") && !env.IsResource() {
		return sdk.SettingErrorf("CHARTS", "cluster renders one request's database: it needs a resource workflow, this is a %s workflow", env.Workflow())
	}
	return nil
}

// Stage is helm-render.
var Stage = sdk.Stage[Config]{
	Name:    "helm-render",
	Summary: "writes the pre-rendered cloudnative-pg operator chart and the request's cluster chart to /kratix/output",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure, sdk.PromiseConfigure},
	Run:     run,
}

func run(k *sdk.Kratix, cfg *Config) error {
	var written []string
	for _, c := range cfg.Charts {
		switch c {
		case "cloudnative-pg":
			data, err := chart.ReadFile("chart/cloudnative-pg.yaml")
			if err != nil {
				return err
			}
			if err := k.Output.Write("cloudnative-pg.yaml", data); err != nil {
				return err
			}
			written = append(written, "cloudnative-pg.yaml")
		case "cluster":
			name, err := renderCluster(k)
			if err != nil {
				return err
			}
			written = append(written, name)
		}
	}
	k.Summarize("rendered %s", strings.Join(written, ", "))
	return nil
}

// renderCluster renders the cluster chart for the request: its name as release name, as `helm
// template <name> cluster` does, and --set instances=<spec.instances> when the request sets it.
func renderCluster(k *sdk.Kratix) (string, error) {
	obj, err := k.Object()
	if err != nil {
		return "", err
	}
	data, err := chart.ReadFile("chart/cluster.yaml")
	if err != nil {
		return "", err
	}
	data = bytes.ReplaceAll(data, []byte(releasePlaceholder), []byte(obj.Name()))
	name := fmt.Sprintf("cluster_%s_%s.yaml", obj.Namespace(), obj.Name())
	if obj.Has("spec.instances") {
		instances, err := obj.GetInt("spec.instances")
		if err != nil {
			return "", err
		}
		f, err := yamldoc.Parse("output/"+name, data)
		if err != nil {
			return "", err
		}
		for _, d := range f.Docs() {
			if kind, _ := d.Root().GetString("kind"); kind == "Cluster" {
				if err := d.Root().Set("spec.instances", instances); err != nil {
					return "", err
				}
			}
		}
		if data, err = f.Bytes(); err != nil {
			return "", err
		}
	}
	return name, k.Output.Write(name, data)
}
