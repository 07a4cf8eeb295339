package terraformgenerate

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
	"github.com/zclconf/go-cty/cty"
)

// metaArguments are the names Terraform reserves in a module block: a spec key with one of them
// would not be passed to the module but change what Terraform does with it (the original stage
// let a request replace the module's source this way).
var metaArguments = map[string]bool{
	"source": true, "version": true, "count": true, "for_each": true,
	"providers": true, "depends_on": true, "lifecycle": true,
}

// argument is one module argument: a top-level spec key and its value.
type argument struct {
	Name  string
	Value cty.Value
	Node  yamldoc.Node // where it is in the input, for messages
}

// arguments turns every top-level spec key into a module argument, sorted by name. Top-level
// nulls are dropped (the module's default applies); empty lists and maps are kept, since they are
// what the request says. Every key that cannot be an argument is reported at once.
func arguments(obj *sdk.Object) ([]argument, error) {
	spec := obj.Spec()
	if !spec.Exists() || spec.Tag() == "!!null" {
		return nil, nil
	}
	if spec.Kind() != yamldoc.MapKind {
		return nil, sdk.Errorf(sdk.Location{File: sdk.ObjectFile, Line: spec.Line(), Path: "spec"}, "is a %s, not a map: every spec key becomes a module argument", spec.Kind())
	}
	var args []argument
	var errs []error
	for _, key := range spec.Keys() {
		p := fieldpath.Path{fieldpath.Key(key)}
		node, err := spec.LookupPath(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		at := sdk.Location{File: sdk.ObjectFile, Line: node.Line(), Path: node.Path().String()}
		switch {
		case metaArguments[key]:
			errs = append(errs, sdk.Errorf(at, "%q is a Terraform meta-argument of module blocks, not a module input: rename the field in the Promise's API", key))
			continue
		case !utf8.ValidString(key) || !hclsyntax.ValidIdentifier(key):
			errs = append(errs, sdk.Errorf(at, "%q is not a valid Terraform argument name (letters, digits, _ and -, not starting with a digit or -): rename the field in the Promise's API", key))
			continue
		}
		raw, err := node.Value()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if raw == nil {
			continue
		}
		val, verr := toCty(raw, node.Path())
		if verr != nil {
			errs = append(errs, sdk.Errorf(sdk.Location{File: sdk.ObjectFile, Line: lineOf(spec, verr.path, node.Line()), Path: verr.path.String()}, "%s", verr.msg))
			continue
		}
		args = append(args, argument{Name: key, Value: val, Node: node})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(args, func(i, j int) bool { return args[i].Name < args[j].Name })
	return args, nil
}

type valueError struct {
	path fieldpath.Path
	msg  string
}

// toCty converts a value read from YAML to cty: maps to objects (any key is allowed inside a
// value), lists to tuples (items may differ in type), numbers exactly (integers beyond int64
// included). NaN and infinities have no Terraform spelling and are refused.
func toCty(v any, at fieldpath.Path) (cty.Value, *valueError) {
	return toCtyAt(v, &pathNode{root: at})
}

// pathNode is a field path built one element per level and turned into a fieldpath.Path only
// when an error needs it: copying the path at every level made a value nested 10,000 deep take
// seconds (50 million element copies).
type pathNode struct {
	root   fieldpath.Path
	parent *pathNode
	elem   fieldpath.Elem
}

func (n *pathNode) child(e fieldpath.Elem) *pathNode { return &pathNode{parent: n, elem: e} }

func (n *pathNode) path() fieldpath.Path {
	var elems []fieldpath.Elem
	for ; n.parent != nil; n = n.parent {
		elems = append(elems, n.elem)
	}
	out := append(fieldpath.Path(nil), n.root...)
	for i := len(elems) - 1; i >= 0; i-- {
		out = append(out, elems[i])
	}
	return out
}

func toCtyAt(v any, at *pathNode) (cty.Value, *valueError) {
	switch x := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType), nil
	case bool:
		return cty.BoolVal(x), nil
	case int64:
		return cty.NumberIntVal(x), nil
	case *big.Int:
		return cty.NumberVal(new(big.Float).SetInt(x)), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return cty.NilVal, &valueError{at.path(), fmt.Sprintf("%v is not a number Terraform can represent", x)}
		}
		return cty.NumberFloatVal(x), nil
	case string:
		if !utf8.ValidString(x) {
			return cty.NilVal, &valueError{at.path(), "is not valid UTF-8"}
		}
		return cty.StringVal(x), nil
	case []any:
		if len(x) == 0 {
			return cty.EmptyTupleVal, nil
		}
		items := make([]cty.Value, len(x))
		for i, item := range x {
			val, err := toCtyAt(item, at.child(fieldpath.Index(i)))
			if err != nil {
				return cty.NilVal, err
			}
			items[i] = val
		}
		return cty.TupleVal(items), nil
	case map[string]any:
		if len(x) == 0 {
			return cty.EmptyObjectVal, nil
		}
		attrs := make(map[string]cty.Value, len(x))
		for k, item := range x {
			if !utf8.ValidString(k) {
				return cty.NilVal, &valueError{at.child(fieldpath.Key(k)).path(), "key is not valid UTF-8"}
			}
			val, err := toCtyAt(item, at.child(fieldpath.Key(k)))
			if err != nil {
				return cty.NilVal, err
			}
			attrs[k] = val
		}
		return cty.ObjectVal(attrs), nil
	}
	return cty.NilVal, &valueError{at.path(), fmt.Sprintf("unsupported value %T", v)}
}

// lineOf is the input line of a path below spec, or fallback when it cannot be found.
func lineOf(spec yamldoc.Node, p fieldpath.Path, fallback int) int {
	rel := p
	if len(rel) > 0 && !rel[0].IsIndex && rel[0].Key == "spec" {
		rel = rel[1:]
	}
	if n, err := spec.LookupPath(rel); err == nil && n.Exists() {
		return n.Line()
	}
	return fallback
}
