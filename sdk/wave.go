package sdk

import (
	"errors"
	"fmt"

	"github.com/stagekit/stagekit/sdk/internal/settings"
	"github.com/stagekit/stagekit/sdk/rollout"
)

// parseWave reads ROLLOUT_SELECTOR and ROLLOUT_PERCENT (package rollout), each problem worded
// as SettingErrorf words a stage's own: they are checked with the Config's Check.
func parseWave(c settings.Common) (rollout.Wave, error) {
	w, err := rollout.Parse(c.RolloutSelector, c.RolloutPercent)
	if err == nil {
		return w, nil
	}
	var problems []error
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		if se, ok := e.(*rollout.SettingError); ok {
			e = &settingError{env: se.Setting, err: se.Err}
		}
		problems = append(problems, e)
	}
	return w, errors.Join(problems...)
}

// outsideWave applies the rollout wave before the stage acts. A request outside the wave leaves
// the stage doing nothing, with one log line saying why, so the pipeline's output for it stays
// byte for byte what it was without this stage. It returns the result to end the run with, and
// whether to end it now.
func (s Stage[C]) outsideWave(k *Kratix, w rollout.Wave) (Result, bool) {
	if w.All() {
		return Result{}, false
	}
	obj, err := k.Object()
	var lbls map[string]string
	if err == nil && obj.Has("metadata.labels") {
		lbls, err = obj.GetStringMap("metadata.labels")
	}
	if err != nil {
		k.ReportError(err)
		res := Result{ExitCode: ExitRuleBroken, Diagnostics: k.Diagnostics()}
		s.summarize(k, res.Diagnostics)
		return res, true
	}
	if in, why := w.Includes(obj.Namespace(), obj.Name(), lbls); !in {
		k.Log.Info("skipped: outside the rollout wave: " + why)
		return Result{ExitCode: ExitOK}, true
	}
	k.Log.Info("in the rollout wave: " + describeWave(w))
	return Result{}, false
}

func describeWave(w rollout.Wave) string {
	switch {
	case w.Selector.Empty():
		return fmt.Sprintf("ROLLOUT_PERCENT=%d", w.Percent)
	case w.Percent == 100:
		return "ROLLOUT_SELECTOR " + w.Selector.String()
	}
	return fmt.Sprintf("ROLLOUT_SELECTOR %s, ROLLOUT_PERCENT=%d", w.Selector, w.Percent)
}
