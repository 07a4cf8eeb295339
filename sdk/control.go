package sdk

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Control is /kratix/metadata/workflow-control.yaml: suspending the workflow or retrying this
// pipeline later (docs/contract.md#workflow-control). Kratix honours it only in promise and
// resource workflows.
//
//	suspend: true        # a YAML boolean (yes and on are booleans too; "true" is not)
//	retryAfter: 5m       # a Go duration
//	message: why         # shown in the pipeline's status
type Control struct {
	k      *Kratix
	warned map[string]bool
}

// ControlState is what the file holds, as Kratix reads it.
type ControlState struct {
	Suspend bool
	// Retry is whether retryAfter is set: Kratix then re-runs the pipeline after RetryAfter,
	// which may be zero or negative (at once).
	Retry      bool
	RetryAfter time.Duration
	Message    string
}

// kratixControl is the file as Kratix's workflow-control reader decodes it.
type kratixControl struct {
	Suspend    bool   `json:"suspend"`
	Message    string `json:"message"`
	RetryAfter string `json:"retryAfter"`
}

// readControlYAML reads the file as Kratix does: sigs.k8s.io/yaml into its type, so suspend is a
// YAML 1.1 boolean and message and retryAfter any scalar, turned into a string.
func readControlYAML(data []byte) (any, error) {
	var c kratixControl
	err := sigsyaml.Unmarshal(data, &c)
	return c, err
}

// Read returns the file's state, as Kratix reads it and checked as Kratix checks it: suspend must
// be a boolean (a quoted "true" or 1 is an error), retryAfter a Go duration ("1d" and bare
// numbers are errors), message any scalar.
func (c *Control) Read() (ControlState, error) {
	m, err := c.k.readMeta(ControlFile)
	if err != nil {
		return ControlState{}, err
	}
	_, st, err := c.current(m)
	return st, err
}

func (c *Control) current(m *metaFile) (kratixControl, ControlState, error) {
	if c.warned == nil {
		c.warned = map[string]bool{}
	}
	v, err := m.read(readControlYAML, func(doc any) error { return explainControl(m, doc) })
	if err != nil {
		return kratixControl{}, ControlState{}, err
	}
	m.warnLaterDocuments(c.warned)
	kc := v.(kratixControl)
	st := ControlState{Suspend: kc.Suspend, Retry: kc.RetryAfter != "", Message: kc.Message}
	if st.Retry {
		d, err := ParseRetryAfter(kc.RetryAfter)
		if err != nil {
			return kratixControl{}, ControlState{}, Errorf(m.at(fieldpath.Path{fieldpath.Key("retryAfter")}), "%v", err)
		}
		st.RetryAfter = d
	}
	return kc, st, nil
}

// explainControl says which field made Kratix's decoding fail.
func explainControl(m *metaFile, doc any) error {
	fields, ok := doc.(map[string]any)
	if !ok {
		if doc == nil {
			return nil
		}
		return Errorf(Location{File: m.name, Line: m.line(nil)}, "is %s; Kratix needs a map", yamldoc.TypeName(doc))
	}
	var errs []error
	for _, k := range sortedKeys(fields) {
		v, at := fields[k], m.at(fieldpath.Path{fieldpath.Key(k)})
		_, isBool := v.(bool)
		switch {
		case strings.EqualFold(k, "suspend") && !isBool && v != nil:
			errs = append(errs, Errorf(at, "want a boolean, got %s", yamldoc.TypeName(v)))
		case strings.EqualFold(k, "message") && isCollection(v):
			errs = append(errs, Errorf(at, "want a message (any scalar), got %s", yamldoc.TypeName(v)))
		case strings.EqualFold(k, "retryAfter") && isCollection(v):
			errs = append(errs, Errorf(at, "want a Go duration like 5m, got %s", yamldoc.TypeName(v)))
		}
	}
	return errors.Join(errs...)
}

// ParseRetryAfter reads a retry delay the way Kratix does: a Go duration with a unit (ns, us,
// ms, s, m, h). Zero and negative delays are valid: Kratix retries at once.
func ParseRetryAfter(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Go duration (use units ns, us, ms, s, m, h, like 5m or 1h30m; days are not supported)", s)
	}
	return d, nil
}

// Suspend suspends the workflow: no Work is written for this run and later pipelines do not run
// until the object is unsuspended. The message is shown in the pipeline's status.
func (c *Control) Suspend(message string) error {
	return c.write(func(kc *kratixControl) { kc.Suspend, kc.Message = true, message })
}

// RetryAfter re-runs this pipeline after d (zero or negative: at once). Kratix retries forever:
// read Attempts to give up.
func (c *Control) RetryAfter(d time.Duration, message string) error {
	return c.write(func(kc *kratixControl) { kc.RetryAfter, kc.Message = d.String(), message })
}

// write applies change to the file as Kratix reads it, checking first what earlier stages wrote,
// and sets only the keys whose value changes: a "suspend: yes" a shell stage wrote stays.
func (c *Control) write(change func(*kratixControl)) error {
	if !c.k.Env.IsResource() && !c.k.Env.IsPromise() {
		c.k.ReportWarningf(Location{File: ControlFile}, "workflow type %q: Kratix honours workflow control only in promise and resource workflows", c.k.Env.WorkflowType)
	}
	m, err := c.k.readMeta(ControlFile)
	if err != nil {
		return err
	}
	cur, _, err := c.current(m)
	if err != nil {
		return err
	}
	want := cur
	change(&want)
	if reflect.DeepEqual(cur, want) {
		return nil
	}
	values := map[string]any{}
	if want.Suspend != cur.Suspend {
		values["suspend"] = want.Suspend
	}
	if want.Message != cur.Message {
		values["message"] = want.Message
	}
	if want.RetryAfter != cur.RetryAfter {
		values["retryAfter"] = want.RetryAfter
	}
	set := func(root yamldoc.Node) error {
		if !root.Exists() || root.Kind() == yamldoc.ScalarKind && root.Tag() == "!!null" {
			return root.Set("", values)
		}
		for _, k := range sortedKeys(values) {
			if err := root.Set(k, values[k]); err != nil {
				return err
			}
		}
		return nil
	}
	return m.write(want, readControlYAML, set)
}

// Attempts is how many times Kratix has already run this pipeline for a retry, read from the
// input object's status.kratix.workflows.pipelines entry named KRATIX_PIPELINE_NAME (0 when
// there is none).
func (c *Control) Attempts() (int, error) {
	if c.k.Env.PipelineName == "" {
		return 0, Errorf(Location{}, "KRATIX_PIPELINE_NAME is not set: cannot tell which pipeline's attempts to read")
	}
	obj, err := c.k.Object()
	if err != nil {
		return 0, err
	}
	pipes, err := obj.Lookup("status.kratix.workflows.pipelines")
	if err != nil {
		return 0, nil
	}
	for i := 0; i < pipes.Len(); i++ {
		p := pipes.Item(i)
		if name, _ := p.GetString("name"); name != c.k.Env.PipelineName {
			continue
		}
		if !p.Has("attempts") {
			return 0, nil
		}
		n, err := p.GetInt("attempts")
		return int(n), err
	}
	return 0, nil
}
