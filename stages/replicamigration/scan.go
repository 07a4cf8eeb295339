package replicamigration

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// MinReplicasAnnotation on a workload overrides MIN_REPLICAS for it ("1" opts a singleton out).
const MinReplicasAnnotation = "stagekit.dev/min-replicas"

var annotationPath = fieldpath.Path{fieldpath.Key("metadata"), fieldpath.Key("annotations"), fieldpath.Key(MinReplicasAnnotation)}

// pos identifies an object across the two passes over the output: the file it was read
// through, its document and where it sits in nested *Lists ("" for a whole document).
type pos struct {
	file  string
	doc   int
	items string
}

func posOf(file string, m *sdk.Manifest) pos {
	p := pos{file: file, doc: m.Document()}
	if m.ListItem() >= 0 { // most objects are whole documents: no string to make and keep
		p.items = fmt.Sprint(m.ListItems())
	}
	return p
}

// ref is how an autoscaler names its target.
type ref struct {
	kind, namespace, name string
}

// workload is what the first pass keeps of a Deployment, StatefulSet or ReplicaSet: a few
// numbers and copied names, never the document, so memory stays bounded by the largest document.
type workload struct {
	pos
	ref
	line        int   // of the object, for messages
	replicas    int64 // as written; 1 when absent (the Kubernetes default)
	replicasSet bool
	min         int64 // MIN_REPLICAS or the annotation
	annotated   bool  // min comes from the annotation
}

// autoscaler is what the first pass keeps of a HorizontalPodAutoscaler.
type autoscaler struct {
	pos
	ref                // its own kind, namespace and name, for logs
	line        int    // of the object, for messages
	target      ref    // scaleTargetRef, in the autoscaler's namespace
	targetGroup string // API group of scaleTargetRef.apiVersion; "" when it has none
	hasGroup    bool
	min, max    int64
	minSet      bool
	// boundsErr is a malformed minReplicas or maxReplicas: reported only when the autoscaler
	// targets a workload this stage raises, since others are not its business.
	boundsErr error
}

type facts struct {
	workloads   []workload
	autoscalers []autoscaler
	names       map[string]string // a file's real path → its name under output/, to reopen it
}

// scan is the first pass: it reads every manifest, keeps the facts the plan needs and reports
// every malformed value at once. It edits nothing.
func scan(k *sdk.Kratix, cfg *Config) (*facts, error) {
	kinds := map[string]bool{}
	for _, kd := range cfg.Kinds {
		kinds[kd] = true
	}
	fs := &facts{names: map[string]string{}}
	var problems []error
	// One document at a time, keeping copied facts only: memory is bounded by the largest
	// document, not the file nor the output.
	err := k.Output.ReadDocuments(func(d *sdk.Document) error {
		if _, ok := fs.names[d.File.Real]; !ok {
			fs.names[d.File.Real] = d.File.Name
		}
		for _, m := range d.Manifests() {
			p := posOf(d.File.Real, m)
			switch {
			case m.Group() == "apps" && kinds[m.Kind()]:
				w, err := readWorkload(m, int64(cfg.MinReplicas))
				if err != nil {
					problems = append(problems, err)
					continue
				}
				w.pos, w.line = p, m.Line()
				fs.workloads = append(fs.workloads, w)
			case m.Group() == "autoscaling" && m.Kind() == "HorizontalPodAutoscaler":
				// The HPA's own fields are checked only if it targets a workload of KINDS.
				a := readAutoscaler(m)
				a.pos, a.line = p, m.Line()
				fs.autoscalers = append(fs.autoscalers, a)
			}
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err)
	}
	return fs, errors.Join(problems...)
}

func readWorkload(m *sdk.Manifest, fleetMin int64) (workload, error) {
	w := workload{ref: refOf(m), min: fleetMin}
	var errs []error
	replicas, ok, err := optionalCount(m, "spec.replicas")
	switch {
	case err != nil:
		errs = append(errs, err)
	case ok:
		w.replicas, w.replicasSet = replicas, true
	default:
		w.replicas = 1
	}
	if min, ok, err := annotationMin(m); err != nil {
		errs = append(errs, err)
	} else if ok {
		w.min, w.annotated = min, true
	}
	return w, errors.Join(errs...)
}

// optionalCount reads a replica count: absent or null is (0, false); anything but a
// non-negative integer is an error naming file, line and value. A quoted "2" or a Helm
// leftover like {{ .Values.replicas }} is refused rather than guessed at.
func optionalCount(m *sdk.Manifest, path string) (int64, bool, error) {
	n, err := m.Lookup(path)
	if errors.Is(err, yamldoc.ErrNotFound) || (err == nil && n.Tag() == "!!null") {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	v, err := n.GetInt("")
	if err != nil {
		return 0, false, sdk.Errorf(m.AtPath(path), "%s%s (%s); write a plain number of replicas — the stage does not guess", fieldMessage(err), templateHint(n), kindName(m))
	}
	if v < 0 {
		return 0, false, sdk.Errorf(m.AtPath(path), "%d is negative (%s); Kubernetes refuses it", v, kindName(m))
	}
	return v, true, nil
}

// annotationMin reads the stagekit.dev/min-replicas annotation: a quoted positive integer.
func annotationMin(m *sdk.Manifest) (int64, bool, error) {
	n, err := m.LookupPath(annotationPath)
	if errors.Is(err, yamldoc.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if n.Kind() != yamldoc.ScalarKind || n.Tag() != "!!str" {
		return 0, false, sdk.Errorf(m.AtPath(annotationPath.String()), "is %s%s; annotation values must be strings: write a quoted positive integer like \"1\"", yamldoc.TypeName(n), templateHint(n))
	}
	s, _ := n.GetString("")
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 1 || !isDigits(s) {
		return 0, false, sdk.Errorf(m.AtPath(annotationPath.String()), "%q is not a positive integer; write the workload's minimum replica count, like \"1\" to opt a singleton out", s)
	}
	return v, true, nil
}

// refOf is an object's kind, namespace and name, copied: a string read from a document points
// into the document's bytes, which the facts must not keep alive.
func refOf(m *sdk.Manifest) ref {
	return ref{kind: strings.Clone(m.Kind()), namespace: strings.Clone(m.Namespace()), name: strings.Clone(m.Name())}
}

func readAutoscaler(m *sdk.Manifest) autoscaler {
	a := autoscaler{ref: refOf(m)}
	a.min, a.minSet, a.max, a.boundsErr = readBounds(m)
	a.target.namespace = a.namespace
	kind, _ := m.GetString("spec.scaleTargetRef.kind")
	name, _ := m.GetString("spec.scaleTargetRef.name")
	a.target.kind, a.target.name = strings.Clone(kind), strings.Clone(name)
	if av, err := m.GetString("spec.scaleTargetRef.apiVersion"); err == nil && av != "" {
		a.hasGroup = true
		a.targetGroup = strings.Clone(groupOf(av))
	}
	return a
}

// readBounds reads an HPA's minReplicas (absent means 1) and maxReplicas (required).
func readBounds(m *sdk.Manifest) (min int64, minSet bool, max int64, err error) {
	var errs []error
	min, minSet, err = optionalCount(m, "spec.minReplicas")
	if err != nil {
		errs = append(errs, err)
	} else if !minSet {
		min = 1
	}
	max, ok, err := optionalCount(m, "spec.maxReplicas")
	if err != nil {
		errs = append(errs, err)
	} else if !ok {
		errs = append(errs, sdk.Errorf(m.AtPath("spec.maxReplicas"), "missing (%s); Kubernetes requires it, so the stage cannot tell how far the autoscaler may go", kindName(m)))
	}
	return min, minSet, max, errors.Join(errs...)
}

func groupOf(apiVersion string) string {
	for i := len(apiVersion) - 1; i >= 0; i-- {
		if apiVersion[i] == '/' {
			return apiVersion[:i]
		}
	}
	return ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// kindName is "Deployment default/web" for messages.
func kindName(m *sdk.Manifest) string { return refName(m.Kind(), m.Namespace(), m.Name()) }

func refName(kind, namespace, name string) string {
	if namespace == "" {
		return kind + " " + name
	}
	return fmt.Sprintf("%s %s/%s", kind, namespace, name)
}

// fieldMessage is what a getter's error says about the value ("want an integer, got a string"),
// without the file, line and path the stage's own message gives.
func fieldMessage(err error) string {
	var fe *yamldoc.FieldError
	if errors.As(err, &fe) {
		return fe.Msg
	}
	return err.Error()
}

// templateHint guesses why a map stands where a number belongs: an unquoted Helm expression
// such as {{ .Values.replicas }} reads as a map.
func templateHint(n yamldoc.Node) string {
	if n.Kind() == yamldoc.MapKind {
		return " (an unrendered template?)"
	}
	return ""
}
