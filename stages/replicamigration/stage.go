// Package replicamigration is the replica-migration stage: it raises every workload that a
// pipeline wrote to /kratix/output to at least a fleet-wide replica count, raising the
// HorizontalPodAutoscaler instead when one scales the workload, and reports the guaranteed
// minimum in the request's status.
package replicamigration

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what a Promise sets on the container.
type Config struct {
	Kinds           []string `env:"KINDS" default:"Deployment" enum:"Deployment,StatefulSet,ReplicaSet" help:"apps/v1 workload kinds to raise, comma-separated"`
	MinReplicas     int      `env:"MIN_REPLICAS" default:"2" help:"lowest replica count a workload may have (the stagekit.dev/min-replicas annotation overrides it per workload)"`
	StatusField     string   `env:"STATUS_FIELD" default:"replicas" empty:"allowed" help:"top-level status key that receives the smallest final replica count; empty disables it"`
	RequireWorkload bool     `env:"REQUIRE_WORKLOAD" default:"false" help:"fail (exit 1) when the output holds no workload of KINDS"`
}

// Stage is the replica-migration stage.
var Stage = sdk.Stage[Config]{
	Name:    "replica-migration",
	Summary: "raises workloads (or their HPAs) in the output to a minimum replica count and reports it in status",
	// A promise workflow can output operators: they get the same floor.
	Acts: []sdk.Workflow{sdk.ResourceConfigure, sdk.PromiseConfigure},
	Run:  run,
}

// statusReserved are status keys a replica count must not land in: Kratix owns kratix, and
// types message and conditions as a string and a list.
var statusReserved = map[string]bool{"kratix": true, "message": true, "conditions": true}

func run(k *sdk.Kratix, cfg *Config) error {
	facts, err := scan(k, cfg)
	if err != nil {
		return err
	}
	p := facts.plan()
	if p.errs != nil {
		return p.errs
	}
	if len(p.workloads) == 0 {
		msg := fmt.Sprintf("no %s in the output: nothing to raise", kindList(cfg.Kinds))
		if cfg.RequireWorkload {
			return sdk.Errorf(sdk.Location{File: "output"}, "%s (REQUIRE_WORKLOAD=true)", msg)
		}
		k.Log.Info(msg)
		k.Summarize("no workload found")
		return nil
	}
	if err := apply(k, p); err != nil {
		return err
	}
	floor := p.floor()
	statusNote := writeStatus(k, cfg, floor)
	if err := statusNote.err; err != nil {
		return err
	}
	k.Summarize("raised %d of %s and %s%s", p.raisedWorkloads, count(len(p.workloads), "workload"), count(p.raisedHPAs, "autoscaler"), statusNote.text)
	return nil
}

type statusResult struct {
	text string
	err  error
}

func writeStatus(k *sdk.Kratix, cfg *Config, floor int64) statusResult {
	switch {
	case cfg.StatusField == "":
		return statusResult{text: "; status not written (STATUS_FIELD is empty)"}
	case k.Env.IsPromise():
		// Kratix keeps only status.message for a Promise: a replica count would be dropped.
		return statusResult{text: "; status not written (promise workflow)"}
	}
	if err := k.Status.Set(cfg.StatusField, floor); err != nil {
		return statusResult{err: err}
	}
	return statusResult{text: fmt.Sprintf("; status.%s=%d", cfg.StatusField, floor)}
}

// Check checks the settings together; sdk.Stage calls it before Run (exit 2 on a problem).
func (cfg *Config) Check(sdk.Env) error {
	cfg.StatusField = strings.TrimSpace(cfg.StatusField)
	var problems []error
	if cfg.MinReplicas < 1 {
		problems = append(problems, sdk.SettingErrorf("MIN_REPLICAS", "%d is below 1; a minimum of 0 would raise nothing", cfg.MinReplicas))
	}
	if len(cfg.Kinds) == 0 {
		problems = append(problems, sdk.SettingErrorf("KINDS", "no kind given; set Deployment, StatefulSet and/or ReplicaSet"))
	}
	if statusReserved[cfg.StatusField] {
		problems = append(problems, sdk.SettingErrorf("STATUS_FIELD", "%q cannot hold a replica count (Kratix owns kratix and types message and conditions); pick another key or leave it empty", cfg.StatusField))
	}
	return errors.Join(problems...)
}

func kindList(kinds []string) string {
	if len(kinds) == 1 {
		return kinds[0]
	}
	return strings.Join(kinds[:len(kinds)-1], ", ") + " or " + kinds[len(kinds)-1]
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
