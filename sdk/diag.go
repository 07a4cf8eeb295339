package sdk

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Severity of a Diagnostic.
type Severity int

// Severities: an Error fails the run (exit 1), a Warning is only logged.
const (
	Warning Severity = iota + 1
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Location points at a place in the kratix directory: a file (as the pod sees it relative to
// /kratix, e.g. output/app.yaml), a line and a field path. Any part may be empty.
type Location struct {
	File string
	Line int
	Path string
}

func (l Location) String() string {
	var b strings.Builder
	if l.File != "" {
		b.WriteString(l.File)
		if l.Line > 0 {
			b.WriteString(":" + strconv.Itoa(l.Line))
		}
	}
	if l.Path != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(l.Path)
	}
	return b.String()
}

// Diagnostic is one problem a stage found, with where it is.
type Diagnostic struct {
	Severity Severity
	Location
	Message string
}

func (d Diagnostic) String() string {
	if l := d.Location.String(); l != "" {
		return l + ": " + d.Message
	}
	return d.Message
}

// Problem is an error that knows where it happened. Errors of the SDK (and of yamldoc and fsys)
// carry their location; Locate finds it.
type Problem struct {
	Location
	Msg string
	Err error
}

func (p *Problem) Error() string {
	if l := p.Location.String(); l != "" {
		return l + ": " + p.Msg
	}
	return p.Msg
}

func (p *Problem) Unwrap() error { return p.Err }

// Errorf returns an error with a location, as fmt.Errorf returns one: it records nothing.
// Run returns it (joined with others by errors.Join, each is reported on its own line), or
// passes it to Kratix.ReportError to record it and carry on; Kratix.ReportErrorf records one
// directly.
func Errorf(at Location, format string, args ...any) error {
	return &Problem{Location: at, Msg: fmt.Sprintf(format, args...)}
}

// misconfigured marks an error as a configuration problem (exit 2).
type misconfigured struct{ err error }

func (m misconfigured) Error() string { return m.err.Error() }
func (m misconfigured) Unwrap() error { return m.err }

// Misconfigured returns an error that makes the stage exit 2: a setting is missing or wrong,
// as opposed to the input breaking a rule (exit 1).
func Misconfigured(format string, args ...any) error {
	return misconfigured{fmt.Errorf(format, args...)}
}

// IsMisconfigured reports whether err (or any error it joins) is a configuration problem: made
// by Misconfigured or SettingErrorf.
func IsMisconfigured(err error) bool {
	var m misconfigured
	return errors.As(err, &m) || isSettingError(err)
}

// diagnose turns an error into diagnostics, one per joined error, with the location split out
// so logs can print it first.
func diagnose(err error) []Diagnostic {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []Diagnostic
		for _, e := range j.Unwrap() {
			out = append(out, diagnose(e)...)
		}
		return out
	}
	if m, ok := err.(misconfigured); ok {
		return diagnose(m.err)
	}
	if se, ok := err.(*settingError); ok {
		// Its message names the setting; a location it wraps (a file it names) is not the pod's.
		return []Diagnostic{{Severity: Error, Message: se.Error()}}
	}
	d := Diagnostic{Severity: Error, Message: err.Error()}
	var p *Problem
	var fe *yamldoc.FieldError
	var se *yamldoc.SyntaxError
	var fserr *fsys.Error
	var esc *fsys.EscapeError
	var pe *fs.PathError
	switch {
	case errors.As(err, &p):
		d.Location, d.Message = p.Location, p.Msg
		if p.Err != nil && p.Msg == "" {
			d.Message = p.Err.Error()
		}
	case errors.As(err, &fe):
		d.Location = Location{File: fe.File, Line: fe.Line, Path: fe.Path}
		d.Message = fe.Msg
	case errors.As(err, &se):
		d.Location = Location{File: se.File, Line: se.Line}
		d.Message = se.Msg
	case errors.As(err, &esc):
		d.Location = Location{File: esc.Name}
		d.Message = strings.TrimPrefix(esc.Error(), esc.Name+": ")
	case errors.As(err, &fserr):
		d.Location = Location{File: fserr.Name}
		d.Message = fserr.Err.Error()
	case errors.As(err, &pe):
		d.Location = Location{File: pe.Path}
		d.Message = pe.Op + ": " + pe.Err.Error()
	}
	// Keep any context the caller wrapped around the located error.
	if full := err.Error(); d.Location.File != "" && !strings.Contains(full, d.Message) {
		d.Message = full
	}
	return []Diagnostic{d}
}
