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
		errs = append(errs, sdk.Errorf(obj.AtPath(v.Path), "%s", v.Message))
	}
	return errors.Join(errs...)
}
