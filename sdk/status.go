package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Status is /kratix/metadata/status.yaml, which the status-writer merges into the object's
// .status when the pipeline ends (docs/contract.md#status). Every change reads the file, merges and writes
// it back at once: what earlier stages wrote is kept, only the first document is touched (the
// only one Kratix reads), and the rules Kratix enforces are checked here, on the call that
// breaks them, instead of failing the pipeline later.
type Status struct {
	k      *Kratix
	warned bool
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
// which is in the input object). A missing or empty file reads as an empty map.
func (s *Status) Read() (map[string]any, error) {
	m, err := s.k.readMeta(StatusFile)
	if err != nil {
		return nil, err
	}
	_, root := m.first()
	if !root.Exists() {
		return map[string]any{}, nil
	}
	if root.Kind() != yamldoc.MapKind {
		return nil, Errorf(Location{File: StatusFile, Line: root.Line()}, "the first document is a %s; Kratix needs a map", root.Kind())
	}
	return root.GetMap("")
}

// Get reads one value of the status written so far.
func (s *Status) Get(path string) (any, error) {
	m, err := s.k.readMeta(StatusFile)
	if err != nil {
		return nil, err
	}
	_, root := m.first()
	if !root.Exists() {
		return nil, Errorf(Location{File: StatusFile, Path: path}, "not found")
	}
	return root.Get(path)
}

// Set merges one top-level key.
func (s *Status) Set(key string, value any) error { return s.Merge(map[string]any{key: value}) }

// SetMessage sets status.message, which Kratix shows for the request.
func (s *Status) SetMessage(msg string) error { return s.Set("message", msg) }

// SetCondition adds or replaces (by type) a condition.
func (s *Status) SetCondition(c Condition) error {
	return s.Merge(map[string]any{"conditions": []Condition{c}})
}

// Merge merges top-level keys the way Kratix does: each key replaces its old value wholesale,
// except conditions, merged by type. The "kratix" key and wrongly typed known fields (message a
// string; observedGeneration, workflows, workflowsSucceeded, workflowsFailed integers; conditions
// a list of objects with string fields) are refused, naming the field.
func (s *Status) Merge(values map[string]any) error {
	gen := make(map[string]any, len(values))
	var errs []error
	for _, k := range sortedKeys(values) {
		v, err := generic(values[k])
		if err != nil {
			errs = append(errs, Errorf(Location{File: StatusFile, Path: k}, "cannot encode: %v", err))
			continue
		}
		if err := checkStatusField(k, v); err != nil {
			errs = append(errs, err)
			continue
		}
		gen[k] = v
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if s.k.Env.IsPromise() {
		for k := range gen {
			if k != "message" {
				s.k.Warnf(Location{File: StatusFile, Path: k}, "Kratix keeps only status.message in promise workflows; %s will be dropped", k)
			}
		}
	}
	m, err := s.k.readMeta(StatusFile)
	if err != nil {
		return err
	}
	doc, root := m.first()
	if root.Exists() && root.Kind() != yamldoc.MapKind {
		return Errorf(Location{File: StatusFile, Line: root.Line()}, "the first document is a %s; Kratix needs a map (fix the stage that wrote it)", root.Kind())
	}
	if len(m.file.Docs()) > 1 && !s.warned {
		s.warned = true
		s.k.Warnf(Location{File: StatusFile, Line: m.file.Docs()[1].Line()}, "has %d documents; Kratix reads only the first, so the others are ignored (a stage appended to the file instead of merging)", len(m.file.Docs()))
	}
	for _, k := range sortedKeys(gen) {
		if k == "conditions" {
			if err := mergeConditions(doc, gen[k].([]any)); err != nil {
				return err
			}
			continue
		}
		if err := doc.Root().SetPath(fieldpath.Path{fieldpath.Key(k)}, gen[k]); err != nil {
			return err
		}
	}
	return m.save()
}

func mergeConditions(doc *yamldoc.Doc, conds []any) error {
	root := doc.Root()
	existing, _ := root.Lookup("conditions")
	if existing.Exists() && existing.Kind() != yamldoc.SeqKind {
		return root.Set("conditions", conds)
	}
	n := existing.Len()
	for _, c := range conds {
		cm := c.(map[string]any)
		idx := n
		for i := 0; i < existing.Len(); i++ {
			if t, err := existing.Item(i).GetString("type"); err == nil && t == cm["type"] {
				idx = i
				// A condition whose status did not change keeps its transition time.
				if cm["lastTransitionTime"] == nil {
					if st, _ := existing.Item(i).GetString("status"); st == cm["status"] {
						if lt, err := existing.Item(i).GetString("lastTransitionTime"); err == nil {
							cm["lastTransitionTime"] = lt
						}
					}
				}
				break
			}
		}
		if idx == n {
			n++
		}
		if err := root.SetPath(fieldpath.Path{fieldpath.Key("conditions"), fieldpath.Index(idx)}, cm); err != nil {
			return err
		}
		existing, _ = root.Lookup("conditions")
	}
	return nil
}

var statusIntegers = map[string]bool{"observedGeneration": true, "workflows": true, "workflowsSucceeded": true, "workflowsFailed": true}

func checkStatusField(key string, v any) error {
	at := Location{File: StatusFile, Path: fieldpath.Path{fieldpath.Key(key)}.String()}
	switch {
	case key == "kratix":
		return Errorf(at, "the kratix key belongs to Kratix: the status-writer fails the pipeline if a stage sets it")
	case key == "message":
		if _, ok := v.(string); !ok {
			return Errorf(at, "must be a string, got %s", jsonType(v))
		}
	case statusIntegers[key]:
		if !isInteger(v) {
			return Errorf(at, "must be an integer, got %s", jsonType(v))
		}
	case key == "conditions":
		list, ok := v.([]any)
		if !ok {
			return Errorf(at, "must be a list of conditions, got %s", jsonType(v))
		}
		var errs []error
		for i, c := range list {
			cat := Location{File: StatusFile, Path: fmt.Sprintf("conditions[%d]", i)}
			cm, ok := c.(map[string]any)
			if !ok {
				errs = append(errs, Errorf(cat, "must be an object, got %s", jsonType(c)))
				continue
			}
			for _, f := range []string{"type", "status", "reason", "message", "lastTransitionTime"} {
				if fv, ok := cm[f]; ok && fv != nil {
					if _, isStr := fv.(string); !isStr {
						errs = append(errs, Errorf(Location{File: StatusFile, Path: cat.Path + "." + f}, "must be a string, got %s", jsonType(fv)))
					}
				}
			}
			if t, _ := cm["type"].(string); t == "" {
				errs = append(errs, Errorf(Location{File: StatusFile, Path: cat.Path + ".type"}, "is required: conditions are merged by type"))
			}
		}
		return errors.Join(errs...)
	}
	return nil
}

func isInteger(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	_, ok = new(big.Int).SetString(string(n), 10)
	return ok
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		if isInteger(x) {
			return "an integer"
		}
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CheckStatus applies the status rules to values without writing them (see Merge) and returns
// them as JSON-shaped Go values. Package publish uses it so a status sent to the API obeys the
// same rules as status.yaml.
func CheckStatus(values map[string]any) (map[string]any, error) {
	gen := make(map[string]any, len(values))
	var errs []error
	for _, k := range sortedKeys(values) {
		v, err := generic(values[k])
		if err == nil {
			err = checkStatusField(k, v)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		gen[k] = v
	}
	return gen, errors.Join(errs...)
}
