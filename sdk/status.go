package sdk

import (
	"errors"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Status is /kratix/metadata/status.yaml, which the status-writer merges into the object's
// .status when the pipeline ends (docs/contract.md#status). Every change reads the file, merges
// and writes it back at once: what earlier stages wrote is kept, only the first document is
// touched (the only one Kratix reads), and what Kratix or the API server would refuse is refused
// here, naming file, line and field, instead of failing the pipeline later.
type Status struct {
	k      *Kratix
	warned map[string]bool
}

// Condition is one entry of status.conditions; Kratix merges conditions by Type.
type Condition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	Reason             string `json:"reason,omitempty"`
	Message            string `json:"message,omitempty"`
	LastTransitionTime string `json:"lastTransitionTime,omitempty"`
}

// Read returns the status written so far in this pipeline (not the object's current status,
// which is in the input object), as Kratix will read it: YAML 1.1 (an unquoted yes is true), a
// duplicate key's last value, numbers as the API server will hold them (int64 for an integer,
// float64 otherwise). A missing or empty file, or a null document, reads as an empty map. What
// the status-writer or the API server would refuse is an error naming file, line and field.
func (s *Status) Read() (map[string]any, error) {
	m, err := s.k.readMeta(StatusFile)
	if err != nil {
		return nil, err
	}
	return s.current(m)
}

// Get reads one value of the status written so far (see Read).
func (s *Status) Get(path string) (any, error) {
	p, err := fieldpath.Parse(path)
	if err != nil {
		return nil, Errorf(Location{File: StatusFile, Path: path}, "%v", err)
	}
	st, err := s.Read()
	if err != nil {
		return nil, err
	}
	var v any = st
	for _, e := range p {
		var ok bool
		switch x := v.(type) {
		case map[string]any:
			v, ok = x[e.Key]
			ok = ok && !e.IsIndex
		case []any:
			ok = e.IsIndex && e.Index < len(x)
			if ok {
				v = x[e.Index]
			}
		}
		if !ok {
			return nil, Errorf(Location{File: StatusFile, Path: path}, "not found")
		}
	}
	return v, nil
}

// Set merges one top-level key.
func (s *Status) Set(key string, value any) error { return s.Merge(map[string]any{key: value}) }

// SetMessage sets status.message, which Kratix shows for the request.
func (s *Status) SetMessage(msg string) error { return s.Set("message", msg) }

// SetCondition adds or replaces (by type) a condition, creating the list when there is none.
func (s *Status) SetCondition(c Condition) error {
	return s.Merge(map[string]any{"conditions": []Condition{c}})
}

// Merge merges top-level keys the way Kratix does (see MergeStatus). What the status-writer or
// the API server would refuse is refused, every problem at once, naming the field, and nothing
// is written: the kratix key; message not a string; observedGeneration, workflows,
// workflowsSucceeded or workflowsFailed not an integer in int64 range as Kratix reads it (a
// 64-bit float); conditions not a list of objects with string type, status, reason and message
// and an RFC 3339 lastTransitionTime. A condition needs a type: it is what they merge by.
func (s *Status) Merge(values map[string]any) error {
	add, err := statusValues(values, false)
	if err != nil {
		return err
	}
	if s.k.Env.IsPromise() {
		for _, k := range sortedKeys(add) {
			if k != "message" {
				s.k.ReportWarningf(Location{File: StatusFile, Path: k}, "Kratix keeps only status.message in promise workflows; %s will be dropped", k)
			}
		}
	}
	m, err := s.k.readMeta(StatusFile)
	if err != nil {
		return err
	}
	cur, err := s.current(m)
	if err != nil {
		return err
	}
	want := MergeStatus(cur, add)
	if reflect.DeepEqual(cur, want) {
		return nil
	}
	return m.write(want, readStatusYAML, statusEdit(cur, want, true), statusEdit(cur, want, false))
}

// CheckStatus applies the status rules to values a stage sends to the API itself (package
// publish) and returns them as the API server will hold them: JSON-shaped, integers as int64.
// Numbers are taken as written, since no status.yaml and no float64 reading is in between.
func CheckStatus(values map[string]any) (map[string]any, error) {
	return statusValues(values, true)
}

// MergeStatus merges values into status the way Kratix's status-writer does: each top-level key
// replaces its old value wholesale, except conditions, merged by type when both are lists: a
// condition replaces the one of the same type in place, or is appended. A condition whose status
// did not change keeps its lastTransitionTime when the new one gives none. Neither map is
// changed. status.yaml (Status.Merge) and the API (package publish) merge with this one rule.
func MergeStatus(status, values map[string]any) map[string]any {
	out := make(map[string]any, len(status)+len(values))
	for k, v := range status {
		out[k] = v
	}
	for k, v := range values {
		old, oldIsList := out[k].([]any)
		add, addIsList := v.([]any)
		if k == "conditions" && oldIsList && addIsList {
			v = mergeConditions(old, add)
		}
		out[k] = v
	}
	return out
}

func mergeConditions(old, add []any) []any {
	merged := append([]any(nil), old...)
	for _, c := range add {
		cm, isMap := c.(map[string]any)
		t, typed := cm["type"].(string)
		at := -1
		for i, e := range merged {
			if em, ok := e.(map[string]any); ok && isMap && typed && em["type"] == t {
				at = i
				break
			}
		}
		if at < 0 {
			merged = append(merged, c)
			continue
		}
		em := merged[at].(map[string]any)
		if lt, had := em["lastTransitionTime"]; had && cm["lastTransitionTime"] == nil && reflect.DeepEqual(em["status"], cm["status"]) {
			keep := make(map[string]any, len(cm)+1)
			for k, v := range cm {
				keep[k] = v
			}
			keep["lastTransitionTime"] = lt
			cm = keep
		}
		merged[at] = cm
	}
	return merged
}

// current is the file's status, checked; problems of a file an earlier stage wrote name its line.
func (s *Status) current(m *metaFile) (map[string]any, error) {
	if s.warned == nil {
		s.warned = map[string]bool{}
	}
	v, err := m.read(readStatusYAML, func(doc any) error {
		if _, isMap := doc.(map[string]any); doc != nil && !isMap {
			return Errorf(Location{File: m.name, Line: m.line(nil)}, "the first document is %s; Kratix needs a map (fix the stage that wrote it)", yamldoc.TypeName(doc))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.warnLaterDocuments(s.warned)
	st := v.(map[string]any)
	errs, warns := checkStatus(st, m.at, false)
	for _, w := range warns {
		if key := w.String(); !s.warned[key] {
			s.warned[key] = true
			s.k.Report(w)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return st, nil
}

// readStatusYAML reads status.yaml as the status-writer does (sigs.k8s.io/yaml into a
// map[string]any, so every number a float64), with numbers as the API server then holds them.
func readStatusYAML(data []byte) (any, error) {
	var st map[string]any
	if err := sigsyaml.Unmarshal(data, &st); err != nil {
		return nil, err
	}
	return apiNumbers(st, false)
}

// statusValues turns a stage's values into what the API server will hold and checks them.
func statusValues(values map[string]any, exact bool) (map[string]any, error) {
	out := make(map[string]any, len(values))
	var errs []error
	for _, k := range sortedKeys(values) {
		g, err := generic(values[k])
		if err == nil {
			g, err = apiNumbers(g, exact)
		}
		if err != nil {
			errs = append(errs, Errorf(Location{File: StatusFile, Path: k}, "cannot encode: %v", err))
			continue
		}
		out[k] = g
	}
	at := func(p fieldpath.Path) Location { return Location{File: StatusFile, Path: p.String()} }
	checkErrs, _ := checkStatus(out, at, true)
	return out, errors.Join(append(errs, checkErrs...)...)
}

var statusIntegers = map[string]bool{"observedGeneration": true, "workflows": true, "workflowsSucceeded": true, "workflowsFailed": true}

// checkStatus applies the status-writer's rule (no kratix key) and the status schema Kratix puts
// on every request CRD, which the API server enforces (docs/contract.md#status). fromStage is
// true for values a stage passes: a condition without a type is then an error, since conditions
// merge by type; in a file it is only a warning, as Kratix accepts it (and drops it when the
// object already has conditions).
func checkStatus(st map[string]any, at func(fieldpath.Path) Location, fromStage bool) (errs []error, warns []Diagnostic) {
	for _, k := range sortedKeys(st) {
		v, p := st[k], fieldpath.Path{fieldpath.Key(k)}
		switch {
		case k == "kratix":
			errs = append(errs, Errorf(at(p), "the kratix key belongs to Kratix: the status-writer fails the pipeline if a stage sets it"))
		case k == "message":
			if _, ok := v.(string); !ok {
				errs = append(errs, Errorf(at(p), "must be a string, got %s%s", yamldoc.TypeName(v), booleanHint(v)))
			}
		case statusIntegers[k]:
			if msg := notInt64(v); msg != "" {
				errs = append(errs, Errorf(at(p), "%s", msg))
			}
		case k == "conditions":
			list, ok := v.([]any)
			if !ok {
				errs = append(errs, Errorf(at(p), "must be a list of conditions, got %s", yamldoc.TypeName(v)))
				continue
			}
			for i, c := range list {
				e, w := checkCondition(c, p.Child(fieldpath.Index(i)), at, fromStage)
				errs, warns = append(errs, e...), append(warns, w...)
			}
		}
	}
	return errs, warns
}

func checkCondition(c any, p fieldpath.Path, at func(fieldpath.Path) Location, fromStage bool) (errs []error, warns []Diagnostic) {
	cm, ok := c.(map[string]any)
	if !ok {
		return []error{Errorf(at(p), "must be an object, got %s", yamldoc.TypeName(c))}, nil
	}
	for _, f := range []string{"lastTransitionTime", "message", "reason", "status", "type"} {
		v, ok := cm[f]
		if !ok {
			continue
		}
		fp := p.Child(fieldpath.Key(f))
		s, isString := v.(string)
		switch {
		case !isString:
			errs = append(errs, Errorf(at(fp), "must be a string, got %s%s", yamldoc.TypeName(v), booleanHint(v)))
		case f == "lastTransitionTime" && !apiDateTime(s):
			errs = append(errs, Errorf(at(fp), "must be an RFC 3339 date-time like %s, got %q", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).Format(time.RFC3339), s))
		}
	}
	t, has := cm["type"]
	switch {
	case fromStage && (!has || t == ""):
		errs = append(errs, Errorf(at(p.Child(fieldpath.Key("type"))), "is required: conditions are merged by type"))
	case !has:
		warns = append(warns, Diagnostic{Severity: Warning, Location: at(p), Message: "has no type: Kratix drops such a condition when the object already has conditions"})
	}
	return errs, warns
}

// booleanHint explains where a boolean came from: YAML 1.1 reads True, yes and on as booleans.
func booleanHint(v any) string {
	if _, ok := v.(bool); ok {
		return ` (an unquoted True, yes or on is a YAML boolean: quote it, like "True")`
	}
	return ""
}

// notInt64 says why v is not a value the API server accepts for an integer field with format
// int64, or "" when it is one.
func notInt64(v any) string {
	if _, ok := v.(int64); ok {
		return ""
	}
	if f, ok := v.(float64); ok && !math.IsInf(f, 0) && f == math.Trunc(f) {
		// apiNumbers keeps an integral float64 only beyond the int64 range.
		return "must be an integer within int64 range as Kratix reads it (a 64-bit float), got " + strconv.FormatFloat(f, 'f', -1, 64)
	}
	return "must be an integer, got " + yamldoc.TypeName(v)
}

// apiDateTime reports whether s passes the API server's check of format "datetime" (kube-openapi's
// strfmt): case is ignored; the text up to the first "t" is a calendar date (YYYY-MM-DD); the
// text between the first and any second "t" is hh:mm:ss, optionally one character and a run of
// digits (the fraction), then "z" or an offset ±hh:mm, with the hour at most 23 and minutes and
// seconds at most 59.
func apiDateTime(s string) bool {
	if len(s) < 4 {
		return false
	}
	parts := strings.Split(strings.ToLower(s), "t")
	if len(parts) < 2 {
		return false
	}
	if _, err := time.Parse(time.DateOnly, parts[0]); err != nil {
		return false
	}
	t := parts[1]
	if len(t) < 8 || !digits(t[0:2]) || t[2] != ':' || !digits(t[3:5]) || t[5] != ':' || !digits(t[6:8]) {
		return false
	}
	if t[0:2] > "23" || t[3:5] > "59" || t[6:8] > "59" {
		return false
	}
	zone := t[8:]
	if isZone(zone) {
		return true
	}
	// A fraction: any one character (a rune, not a newline), then at least one digit.
	r := []rune(zone)
	if len(r) < 2 || r[0] == '\n' {
		return false
	}
	rest := string(r[1:])
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	return n > 0 && isZone(rest[n:])
}

func isZone(z string) bool {
	if z == "z" {
		return true
	}
	return len(z) == 6 && (z[0] == '+' || z[0] == '-') && digits(z[1:3]) && z[3] == ':' && digits(z[4:6])
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// statusEdit updates the keys that changed; itemwise, a list that only grew or had items
// replaced (conditions) is edited item by item, so the others keep their bytes.
func statusEdit(cur, want map[string]any, itemwise bool) edit {
	return func(root yamldoc.Node) error {
		if !root.Exists() || root.Kind() == yamldoc.ScalarKind && root.Tag() == "!!null" {
			return root.Set("", want)
		}
		for _, k := range sortedKeys(want) {
			old, had := cur[k]
			if had && reflect.DeepEqual(old, want[k]) {
				continue
			}
			key := fieldpath.Path{fieldpath.Key(k)}
			oldList, wasList := old.([]any)
			newList, isList := want[k].([]any)
			if itemwise && had && wasList && isList && len(newList) >= len(oldList) {
				for i := range newList {
					if i < len(oldList) && reflect.DeepEqual(oldList[i], newList[i]) {
						continue
					}
					if err := root.SetPath(key.Child(fieldpath.Index(i)), newList[i]); err != nil {
						return err
					}
				}
				continue
			}
			if err := root.SetPath(key, want[k]); err != nil {
				return err
			}
		}
		return nil
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
