package sdk

import (
	"fmt"
	"time"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Control is /kratix/metadata/workflow-control.yaml: suspending the workflow or retrying this
// pipeline later (docs/contract.md#workflow-control). Kratix honours it only in promise and resource workflows.
//
//	suspend: true        # a real boolean
//	retryAfter: 5m       # a Go duration
//	message: why         # shown in the pipeline's status
type Control struct{ k *Kratix }

// ControlState is what the file holds.
type ControlState struct {
	Suspend    bool
	RetryAfter time.Duration
	Message    string
}

// Read returns the file's state, validated: suspend must be a boolean (a quoted "true" is an
// error) and retryAfter a Go duration ("1d" and bare numbers are errors).
func (c *Control) Read() (ControlState, error) {
	m, err := c.k.readMeta(ControlFile)
	if err != nil {
		return ControlState{}, err
	}
	_, root := m.first()
	return parseControl(root)
}

func parseControl(root yamldoc.Node) (ControlState, error) {
	var st ControlState
	if !root.Exists() {
		return st, nil
	}
	if root.Kind() != yamldoc.MapKind {
		return st, Errorf(Location{File: ControlFile, Line: root.Line()}, "is a %s; Kratix needs a map", root.Kind())
	}
	if root.Has("suspend") {
		b, err := root.GetBool("suspend")
		if err != nil {
			return st, err
		}
		st.Suspend = b
	}
	if root.Has("retryAfter") {
		n, _ := root.Lookup("retryAfter")
		s, err := root.GetString("retryAfter")
		if err != nil {
			// A bare number (retryAfter: 5) deserves the duration message, not a type error.
			if n.Kind() != yamldoc.ScalarKind {
				return st, err
			}
			v, verr := n.Value()
			if verr != nil {
				return st, err
			}
			s = fmt.Sprint(v)
		}
		d, err := ParseRetryAfter(s)
		if err != nil {
			return st, Errorf(Location{File: ControlFile, Line: n.Line(), Path: "retryAfter"}, "%v", err)
		}
		st.RetryAfter = d
	}
	if root.Has("message") {
		s, err := root.GetString("message")
		if err != nil {
			return st, err
		}
		st.Message = s
	}
	return st, nil
}

// ParseRetryAfter checks a retry delay the way Kratix reads it: a positive Go duration with a
// unit (ns, us, ms, s, m, h).
func ParseRetryAfter(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Go duration (use units ns, us, ms, s, m, h, like 5m or 1h30m; days are not supported)", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive", s)
	}
	return d, nil
}

// Suspend suspends the workflow: no Work is written for this run and later pipelines do not run
// until the object is unsuspended. The message is shown in the pipeline's status.
func (c *Control) Suspend(message string) error {
	return c.write(map[string]any{"suspend": true, "message": message})
}

// RetryAfter re-runs this pipeline after d. Kratix retries forever: read Attempts to give up.
func (c *Control) RetryAfter(d time.Duration, message string) error {
	if d <= 0 {
		return Errorf(Location{File: ControlFile, Path: "retryAfter"}, "must be positive, got %s", d)
	}
	return c.write(map[string]any{"retryAfter": d.String(), "message": message})
}

func (c *Control) write(values map[string]any) error {
	if !c.k.Env.IsResource() && !c.k.Env.IsPromise() {
		c.k.Warnf(Location{File: ControlFile}, "workflow type %q: Kratix honours workflow control only in promise and resource workflows", c.k.Env.WorkflowType)
	}
	m, err := c.k.readMeta(ControlFile)
	if err != nil {
		return err
	}
	doc, root := m.first()
	if _, err := parseControl(root); err != nil {
		return err
	}
	for _, k := range sortedKeys(values) {
		if err := doc.Root().Set(k, values[k]); err != nil {
			return err
		}
	}
	return m.save()
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
