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
	"golang.org/x/text/unicode/norm"
)

// reservedNames are the names Terraform gives a meaning in a module block, as its module block
// schema lists them (and refuses as variable names for that reason): a spec key with one of them
// would not be passed to the module but change what Terraform does with it (the original stage
// let a request replace the module's source this way), or fail the run.
var reservedNames = map[string]string{
	"source":     "a Terraform meta-argument of module blocks",
	"version":    "a Terraform meta-argument of module blocks",
	"count":      "a Terraform meta-argument of module blocks",
	"for_each":   "a Terraform meta-argument of module blocks",
	"providers":  "a Terraform meta-argument of module blocks",
	"depends_on": "a Terraform meta-argument of module blocks",
	// From Terraform v1.15 on.
	"ignore_nested_deprecations": "a Terraform meta-argument of module blocks",
	"lifecycle":                  "a block type Terraform reserves in module blocks",
	"locals":                     "a block type Terraform reserves in module blocks",
	"provider":                   "a block type Terraform reserves in module blocks",
	"_":                          "the block type Terraform reserves in module blocks for escaping meta-argument names",
}

// argument is one module argument: a top-level spec key and its value.
type argument struct {
	Name  string
	Value cty.Value
	Node  yamldoc.Node // where it is in the input, for messages

	// json is the value as renderJSON writes it, when the stage wrote it as soon as it was read
	// (Value is then not set): a large request's values, held all at once as cty values, took
	// more memory than the stage's soft limit and the run spent most of its CPU collecting
	// garbage.
	json []byte
}

// arguments turns every top-level spec key into a module argument, sorted by name. Top-level
// nulls are dropped (the module's default applies); empty lists and maps are kept, since they are
// what the request says. Every key that cannot be an argument is reported at once.
func arguments(obj *sdk.Object) ([]argument, error) { return readArguments(obj, toValue) }

// toValue sets the argument's Value.
func toValue(a *argument, raw any) *valueError {
	v, err := toCty(raw, a.Node.Path())
	a.Value = v
	return err
}

// readArguments is arguments, handing each value read from the spec to convert, which makes
// the argument of it (toValue: its cty value), in the order of the spec, as soon as it is read:
// a caller can write it then and keep only the text.
func readArguments(obj *sdk.Object, convert func(a *argument, raw any) *valueError) ([]argument, error) {
	spec := obj.Spec()
	if !spec.Exists() || spec.Tag() == "!!null" {
		return nil, nil
	}
	if spec.Kind() != yamldoc.MapKind {
		return nil, sdk.Errorf(obj.AtPath("spec"), "is %s, not a map: every spec key becomes a module argument", yamldoc.TypeName(spec))
	}
	var args []argument
	var errs []error
	if a, b, ok, _ := nfcCollision(spec.Keys()); ok {
		at := obj.AtPath(fieldpath.Path{fieldpath.Key("spec"), fieldpath.Key(b)}.String())
		at.Path = "spec" // the two keys are one problem of spec; the line is the second key's
		errs = append(errs, sdk.Errorf(at, "%s", collisionMessage(a, b)))
	}
	for key, node := range spec.Entries() {
		// The line is looked up only for a message: finding it walks the spec from its first
		// key, once per key a walk over the whole spec.
		switch {
		case reservedNames[key] != "":
			errs = append(errs, sdk.Errorf(obj.AtPath(node.Path().String()), "%q is %s, not a module input: rename the field in the Promise's API", key, reservedNames[key]))
			continue
		case !utf8.ValidString(key) || !hclsyntax.ValidIdentifier(key):
			errs = append(errs, sdk.Errorf(obj.AtPath(node.Path().String()), "%q is not a valid Terraform argument name (letters, digits, _ and -, not starting with a digit or -): rename the field in the Promise's API", key))
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
		a := argument{Name: key, Node: node}
		if verr := convert(&a, raw); verr != nil {
			line := verr.line
			if line == nil {
				line = verr.path
			}
			at := obj.AtPath(line.String())
			at.Path = verr.path.String()
			errs = append(errs, sdk.Errorf(at, "%s", verr.msg))
			continue
		}
		args = append(args, a)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(args, func(i, j int) bool { return args[i].Name < args[j].Name })
	return args, nil
}

type valueError struct {
	path fieldpath.Path
	line fieldpath.Path // where to point in the input, when not path itself
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
		if err := floatError(x, at); err != nil {
			return cty.NilVal, err
		}
		return cty.NumberFloatVal(x), nil
	case string:
		if err := stringError(x, at); err != nil {
			return cty.NilVal, err
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
		keys, _, err := sortedKeys(x, at)
		if err != nil {
			return cty.NilVal, err
		}
		attrs := make(map[string]cty.Value, len(x))
		for _, k := range keys {
			if err := keyError(k, at); err != nil {
				return cty.NilVal, err
			}
			val, err := toCtyAt(x[k], at.child(fieldpath.Key(k)))
			if err != nil {
				return cty.NilVal, err
			}
			attrs[k] = val
		}
		return cty.ObjectVal(attrs), nil
	}
	return cty.NilVal, unsupported(v, at)
}

// The rules of what a value may hold, one function each, for toCtyAt and writeJSONAt alike.

func floatError(x float64, at *pathNode) *valueError {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return &valueError{path: at.path(), msg: fmt.Sprintf("%v is not a number Terraform can represent", x)}
	}
	return nil
}

func stringError(x string, at *pathNode) *valueError {
	if !utf8.ValidString(x) {
		return &valueError{path: at.path(), msg: "is not valid UTF-8"}
	}
	return nil
}

func keyError(k string, at *pathNode) *valueError {
	if !utf8.ValidString(k) {
		return &valueError{path: at.child(fieldpath.Key(k)).path(), msg: "key is not valid UTF-8"}
	}
	return nil
}

func unsupported(v any, at *pathNode) *valueError {
	return &valueError{path: at.path(), msg: fmt.Sprintf("unsupported value %T", v)}
}

// sortedKeys is a map's keys in sorted order, so that the first error is the same every run,
// refusing two keys Terraform reads as one. normal reports whether every key is in NFC, as
// Terraform and cty read them (then the order is also the order cty iterates in).
func sortedKeys(x map[string]any, at *pathNode) (keys []string, normal bool, _ *valueError) {
	keys = make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	a, b, found, normal := nfcCollision(keys)
	if found {
		return nil, false, &valueError{path: at.path(), line: at.child(fieldpath.Key(b)).path(), msg: collisionMessage(a, b)}
	}
	return keys, normal, nil
}

// nfcCollision finds two keys Terraform reads as one: HCL and Terraform's JSON reader put every
// string in Unicode NFC, so "é" and "e\u0301" name the same key, and the module would get only
// one of the two values (in HCL the last, silently; in JSON Terraform fails on a duplicate).
// The pair is the first in sorted order, so the message does not change from run to run.
// normal reports whether every key is in NFC already.
func nfcCollision(keys []string) (a, b string, found, normal bool) {
	normal = true
	for _, k := range keys {
		if !norm.NFC.IsNormalString(k) {
			normal = false
			break
		}
	}
	if normal {
		return "", "", false, true // distinct NFC strings stay distinct
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	first := make(map[string]string, len(sorted))
	for _, k := range sorted {
		n := norm.NFC.String(k)
		if prev, ok := first[n]; ok {
			return prev, k, true, false
		}
		first[n] = k
	}
	return "", "", false, false
}

func collisionMessage(a, b string) string {
	return fmt.Sprintf("keys %q (%+q) and %q (%+q) are one key to Terraform, which reads every key in Unicode NFC: the module would get only one of the two values; keep one spelling", a, a, b, b)
}
