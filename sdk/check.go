package sdk

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/stagekit/stagekit/sdk/internal/settings"
)

// ConfigChecker is a stage's Config that checks its settings beyond what their tags say: a
// value's syntax, two settings that contradict each other, a setting that means nothing in the
// workflow at hand. Stage.Execute calls Check once the settings are parsed and the KRATIX_*
// environment is read, before anything else (a workflow the stage skips, a rollout wave, Run),
// so a misconfigured stage fails the same way in every workflow, as a setting that does not parse
// does. Every error Check returns is a setting's problem: each is logged on its own line, the run
// exits 2 and Run is not called. Report every problem at once (errors.Join), each made with
// SettingErrorf:
//
//	type Config struct {
//		MinReplicas int `env:"MIN_REPLICAS" default:"2" help:"lowest replica count a workload may have"`
//	}
//
//	func (cfg *Config) Check(env sdk.Env) error {
//		var problems []error
//		if cfg.MinReplicas < 1 {
//			problems = append(problems, sdk.SettingErrorf("MIN_REPLICAS", "%d is below 1", cfg.MinReplicas))
//		}
//		return errors.Join(problems...)
//	}
//
// logs "ERROR stage: MIN_REPLICAS (--min-replicas): 0 is below 1". Check may keep what it
// derives from the settings (a compiled pattern, a parsed list) in unexported fields of the
// Config, which settings ignore, for Run to use: Run is only ever called after Check passed.
type ConfigChecker interface {
	Check(env Env) error
}

// SettingErrorf is a problem with the value of one of the stage's settings, named by its
// environment variable: it reads "ENV (--flag): message", as the settings parser words its own
// problems, and makes the run exit 2 wherever it is returned (from Check, or from Run). For a
// problem that is not one setting's (a KRATIX_* variable Kratix did not set), use Misconfigured.
func SettingErrorf(env string, format string, args ...any) error {
	return &settingError{env: env, err: fmt.Errorf(format, args...)}
}

// settingError is SettingErrorf's error. flag is filled by Stage.Execute from the Config's tags;
// until then it is the flag the settings derive from the variable.
type settingError struct {
	env, flag string
	err       error
}

func (e *settingError) Error() string {
	flag := e.flag
	if flag == "" {
		flag = settings.FlagName(e.env)
	}
	return fmt.Sprintf("%s (--%s): %v", e.env, flag, e.err)
}

func (e *settingError) Unwrap() error { return e.err }

// checkConfig runs the Config's Check, if it has one, and reports its problems with those of
// the common settings (common). A problem ends the run misconfigured (exit 2); a panic in Check
// is a bug in the stage (exit 1), as one in Run is.
func (s Stage[C]) checkConfig(log *slog.Logger, cfg *C, env Env, common error) (res Result, done bool) {
	var err, bug error
	if c, ok := any(cfg).(ConfigChecker); ok {
		err, bug = s.runCheck(log, c, env)
	}
	err = errors.Join(err, common)
	if bug != nil {
		d := Diagnostic{Severity: Error, Message: bug.Error()}
		log.Error(d.Message)
		log.Error("failed: 1 error; nothing read, nothing written")
		return Result{ExitCode: ExitRuleBroken, Diagnostics: []Diagnostic{d}}, true
	}
	if err == nil {
		return Result{}, false
	}
	return s.misconfigured(log, s.nameFlags(err), true), true
}

func (s Stage[C]) runCheck(log *slog.Logger, c ConfigChecker, env Env) (err, bug error) {
	defer func() {
		if r := recover(); r != nil {
			log.Debug("panic stack", "stack", string(debug.Stack()))
			bug = fmt.Errorf("internal error while checking the settings: %v (this is a bug in %s; please report it with the settings that caused it)", r, s.Name)
			err = nil
		}
	}()
	return c.Check(env), nil
}

// nameFlags fills the flag of every setting error err holds from the Config's tags, which may
// name a flag of their own.
func (s Stage[C]) nameFlags(err error) error {
	flags := map[string]string{}
	for _, st := range settings.Listed(new(C)) {
		flags[st.Env] = st.Flag
	}
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *settingError:
			if f, ok := flags[e.env]; ok {
				e.flag = f
			}
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return err
}

// isSettingError reports whether err (or any error it joins) is a setting's problem.
func isSettingError(err error) bool {
	var se *settingError
	return errors.As(err, &se)
}
