package labelinjector

import (
	"fmt"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

func run(k *sdk.Kratix, cfg *Config) error {
	dirs, err := componentDirs(cfg.ComponentDirs)
	if err != nil {
		return err
	}
	if cfg.IncludeSelectors && !cfg.IncludeTemplates {
		return sdk.Misconfigured("INCLUDE_SELECTORS=true needs INCLUDE_TEMPLATES=true: selectors carrying labels the pod templates lack match no pod, and the API server refuses such workloads")
	}
	o, err := resolveOwner(k)
	if err != nil {
		return err
	}
	sets, err := buildLabels(o, cfg)
	if err != nil {
		return err
	}
	// Every bad value is reported before any file is read.
	if bad := invalidValues(sets, len(dirs) > 0); len(bad) > 0 {
		for _, b := range bad {
			k.ReportErrorf(sdk.Location{}, "%s", b)
		}
		return nil
	}
	// The run is one transaction: a malformed file anywhere fails it and leaves the output as it
	// was, so no separate validation pass is needed.
	if cfg.IncludeSelectors {
		k.ReportWarningf(sdk.Location{}, "INCLUDE_SELECTORS=true: selectors of existing Deployments, ReplicaSets, DaemonSets, StatefulSets and Jobs are immutable; adding labels to them makes the next apply of a workload that already exists fail")
	}
	inj := &injector{k: k, cfg: cfg, sets: sets, dirs: dirs}
	if err := k.Output.EachManifestFile(inj.file); err != nil {
		return err // nothing is committed, so there is nothing to summarize
	}
	k.Summarize("labelled %s in %s (%s overwritten)", plural(inj.objects, "object"), plural(inj.files, "file"), plural(inj.overrides, "label"))
	return nil
}

// componentDirs normalises COMPONENT_DIRS the way the work-writer reads a selector directory:
// one path segment, "platform", "platform/" and "./platform" being the same.
func componentDirs(in []string) (map[string]bool, error) {
	out := map[string]bool{}
	var bad []string
	for _, d := range in {
		clean := strings.TrimSuffix(strings.TrimPrefix(d, "./"), "/")
		if clean == "" || clean == "." || clean == ".." || strings.ContainsAny(clean, "/\\") {
			bad = append(bad, fmt.Sprintf("%q is not a top-level directory of the output (one path segment, like platform)", d))
			continue
		}
		out[clean] = true
	}
	if len(bad) > 0 {
		return nil, sdk.Misconfigured("COMPONENT_DIRS: %s", strings.Join(bad, "; "))
	}
	return out, nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
