package enforcetags

import "strings"

// Enforcement is what to stamp on module calls and where. Both editors take it.
type Enforcement struct {
	Tags      []Tag
	Attribute string   // the module argument holding tags (TAGS_ATTRIBUTE)
	EnforceIn []string // other arguments to stamp; nil: every other map argument ending in _tags
	Module    string   // only this module ("" for all)
}

// extra reports whether an argument other than the tags one gets the enforced keys, and
// whether it was named explicitly (then a value that is not a map is an error, not a skip).
func (e Enforcement) extra(name string) (stamp, explicit bool) {
	if name == e.Attribute {
		return false, false
	}
	if e.EnforceIn == nil {
		return strings.HasSuffix(name, "_tags"), false
	}
	for _, n := range e.EnforceIn {
		if n == name {
			return true, true
		}
	}
	return false, false
}

// Change is one key an editor set, or one argument it wrapped.
type Change struct {
	Module string
	Attr   string
	Key    string // empty for a whole-argument change
	Old    string // the previous value as written, when the key was overridden
	New    string
	Line   int
	What   changeKind
}

type changeKind int

const (
	added changeKind = iota
	overridden
	wrapped // a non-literal value wrapped in merge(..., {enforced})
)

// Module is a module call found in a file.
type Module struct {
	Name string
	Line int
}

// Edit is what an editor did to one file. Out is nil when nothing changed.
type Edit struct {
	Modules []Module
	Changes []Change
	Skipped []Change // arguments ending in _tags left alone (not maps), for warnings
	Out     []byte
}
