package sdk

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Object is the input object: the resource request, or the Promise in a promise workflow, as
// the reader wrote it to input/object.yaml (the whole live object: spec with defaults, status,
// metadata). Read values with the embedded Node's typed getters:
//
//	size, err := obj.GetString("spec.size")        // "input/object.yaml:7: spec.size: want a string, got an integer"
//	replicas, err := obj.GetInt("spec.replicas")   // int64, never a float64 round trip
//	port, err := obj.GetIntOr("spec.port", 8080)   // optional: 8080 when missing or null
//	cfg, err := yamldoc.Decode[AppSpec](obj.Node, "spec")
//
// Required fields are read with the getters without a default: a missing field is an error
// wrapping yamldoc.ErrNotFound, on the line of its closest existing parent. Optional fields are
// read with GetStringOr, GetIntOr, GetBoolOr...: a missing or null field gives the default, as
// the API server reads an optional field (see package yamldoc, "Optional fields and null").
//
// To check the spec against the Promise's CRD, see package schema (schema.Load, then
// Schema.ValidateObject); it lives apart so stages that never validate do not pay for the JSON
// Schema library's start-up.
type Object struct {
	yamldoc.Node
	env Env
}

// Object reads and parses input/object.yaml once per run.
func (k *Kratix) Object() (*Object, error) {
	if k.loaded {
		return k.object, k.objErr
	}
	k.loaded = true
	k.object, k.objErr = ReadObject(k.FS.ReadFile, k.Env)
	return k.object, k.objErr
}

// ReadObject parses the input object with a file reader, for tools that have no Kratix.
func ReadObject(read func(string) ([]byte, error), env Env) (*Object, error) {
	data, err := read(ObjectFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, Errorf(Location{File: ObjectFile}, "not found: a stage reads its input from /kratix/input/object.yaml (outside Kratix, point --kratix-dir or KRATIX_DIR at a directory holding input/object.yaml)")
		}
		return nil, err
	}
	return ParseObject(data, env)
}

// ParseObject parses an object from YAML or JSON bytes.
func ParseObject(data []byte, env Env) (*Object, error) {
	f, err := yamldoc.Parse(ObjectFile, data)
	if err != nil {
		return nil, err
	}
	var root yamldoc.Node
	for _, d := range f.Docs() {
		if d.Empty() {
			continue
		}
		if root.Exists() {
			return nil, Errorf(Location{File: ObjectFile, Line: d.Line()}, "holds more than one document; the input is a single object")
		}
		root = d.Root()
	}
	if !root.Exists() {
		return nil, Errorf(Location{File: ObjectFile, Line: 1}, "is empty: no object to read")
	}
	if root.Kind() != yamldoc.MapKind {
		return nil, Errorf(Location{File: ObjectFile, Line: root.Line()}, "is not an object (a YAML map), it is %s", yamldoc.TypeName(root))
	}
	return &Object{Node: root, env: env}, nil
}

// AtPath is where a field of the object is, for messages: the line of its key when it exists,
// else the line of its closest parent that does, so an error about a missing spec.size points at
// the "spec:" line:
//
//	return sdk.Errorf(obj.AtPath("spec.size"), "required: the number of replicas")
func (o *Object) AtPath(path string) Location { return fieldAt(ObjectFile, o.Node, path) }

func (o *Object) str(path string) string {
	s, _ := o.GetString(path)
	return s
}

// Name is the object's name: KRATIX_OBJECT_NAME, else metadata.name.
func (o *Object) Name() string {
	if o.env.ObjectName != "" {
		return o.env.ObjectName
	}
	return o.str("metadata.name")
}

// Namespace is the object's namespace: KRATIX_OBJECT_NAMESPACE when not empty, else
// metadata.namespace ("" for cluster-scoped objects and Promises).
func (o *Object) Namespace() string {
	if o.env.ObjectNamespace != "" {
		return o.env.ObjectNamespace
	}
	return o.str("metadata.namespace")
}

// Kind is KRATIX_OBJECT_KIND, else the object's kind.
func (o *Object) Kind() string {
	if o.env.ObjectKind != "" {
		return o.env.ObjectKind
	}
	return o.str("kind")
}

// GVK is the object's group, version and kind, from KRATIX_OBJECT_GROUP/_VERSION/_KIND, else
// from its apiVersion and kind.
func (o *Object) GVK() (group, version, kind string) {
	group, version = o.env.ObjectGroup, o.env.ObjectVersion
	if version == "" {
		av := o.str("apiVersion")
		if i := strings.LastIndexByte(av, '/'); i >= 0 {
			group, version = av[:i], av[i+1:]
		} else {
			group, version = "", av
		}
	}
	return group, version, o.Kind()
}

// APIVersion is group/version (or version for the core group).
func (o *Object) APIVersion() string {
	g, v, _ := o.GVK()
	if g == "" {
		return v
	}
	return g + "/" + v
}

// IsPromise reports whether the input is a Kratix Promise (a promise workflow).
func (o *Object) IsPromise() bool {
	g, _, k := o.GVK()
	return k == "Promise" && g == "platform.kratix.io"
}

// Spec is the object's spec; it does not exist when the object has none.
func (o *Object) Spec() yamldoc.Node {
	s, _ := o.Lookup("spec")
	return s
}

// CRD is a Promise's API: the CustomResourceDefinition in spec.api.
func (o *Object) CRD() (yamldoc.Node, error) {
	if !o.IsPromise() {
		return yamldoc.Node{}, Errorf(Location{File: ObjectFile}, "the input is a %s, not a Promise: only a Promise has a CRD in spec.api", o.Kind())
	}
	api, err := o.Lookup("spec.api")
	if err != nil {
		return yamldoc.Node{}, err
	}
	return api, nil
}
