package replicamigration

import (
	"errors"
	"fmt"
	"sort"

	"github.com/stagekit/stagekit/sdk"
)

// apply is the second pass: it makes the planned edits, saved through the run's transaction
// (nothing reaches the output unless the whole run succeeds, status included). Only edited
// documents are rewritten (the SDK splices them, keeping comments and quoting); every other byte
// stays.
func apply(k *sdk.Kratix, p *plan) error {
	// Only the files with an edit are read again, in name order, one document at a time.
	var errs []error
	for _, real := range sortedKeys(p.editedFiles()) {
		err := k.Output.EachDocumentOf(p.names[real], func(d *sdk.Document) error {
			var errs []error
			for _, m := range d.Manifests() {
				e, ok := p.edits[posOf(real, m)]
				if !ok {
					continue
				}
				if err := e.apply(k, m); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (p *plan) editedFiles() map[string]bool {
	out := map[string]bool{}
	for at := range p.edits {
		out[at.file] = true
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (e edit) apply(k *sdk.Kratix, m *sdk.Manifest) error {
	at := m.AtPath(e.field)
	if err := m.Set(e.field, e.to); err != nil {
		return err
	}
	from := fmt.Sprint(e.from)
	if !e.fromSet {
		from = "unset (1)"
	}
	if e.field == "spec.replicas" {
		k.Changef(at, "%s: replicas %s -> %d (%s)", kindName(m), from, e.to, e.reason)
		return nil
	}
	msg := fmt.Sprintf("%s: minReplicas %s -> %d", kindName(m), from, e.to)
	if e.maxTo != e.maxFrom {
		if err := m.Set("spec.maxReplicas", e.maxTo); err != nil {
			return err
		}
		msg += fmt.Sprintf(", maxReplicas %d -> %d", e.maxFrom, e.maxTo)
	}
	k.Changef(at, "%s (%s)", msg, e.reason)
	return nil
}
