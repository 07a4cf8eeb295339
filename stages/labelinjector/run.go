package labelinjector

import (
	"errors"
	"fmt"

	"github.com/stagekit/stagekit/sdk"
)

func run(k *sdk.Kratix, cfg *Config) error {
	dirs := cfg.dirs
	o, err := resolveOwner(k)
	if err != nil {
		return err
	}
	sets := buildLabels(o, cfg)
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
	// One document at a time: memory is bounded by the largest document, not the file.
	files, err := k.Output.ManifestFiles()
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, f := range files {
		if err := inj.file(f); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err // nothing is committed, so there is nothing to summarize
	}
	k.Summarize("labelled %s in %s (%s overwritten)", plural(inj.objects, "object"), plural(inj.files, "file"), plural(inj.overrides, "label"))
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
