package schema

import (
	"errors"

	"github.com/stagekit/stagekit/sdk"
)

// ValidateObject checks the input object's spec and returns every violation at once, each an
// error naming input/object.yaml, the field's line and its path, so a stage can return it
// as is:
//
//	s, err := schema.Load(promiseYAML, "")
//	if err != nil {
//		return err
//	}
//	if err := s.ValidateObject(obj); err != nil {
//		return err // one log line per violation, exit 1
//	}
func (s *Schema) ValidateObject(obj *sdk.Object) error {
	var spec any
	if sp := obj.Spec(); sp.Exists() {
		v, err := sp.Value()
		if err != nil {
			return err
		}
		spec = v
	}
	var errs []error
	for _, v := range s.ValidateSpec(spec) {
		line := obj.Line()
		if n, err := obj.Lookup(v.Path); err == nil {
			line = n.Line()
		} else if p, ok := closestParent(obj, v.Path); ok {
			line = p
		}
		errs = append(errs, sdk.Errorf(sdk.Location{File: sdk.ObjectFile, Line: line, Path: v.Path}, "%s", v.Message))
	}
	return errors.Join(errs...)
}

// closestParent is the line of the deepest existing parent of path (a missing required field
// is reported where its parent map is).
func closestParent(obj *sdk.Object, path string) (int, bool) {
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '.' || path[i] == '[' {
			if n, err := obj.Lookup(path[:i]); err == nil {
				return n.Line(), true
			}
		}
	}
	return 0, false
}
