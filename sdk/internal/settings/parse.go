package settings

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// ErrHelp is returned by Parse when the arguments ask for help (-h, -help or --help): the
// caller prints Usage and exits 0.
var ErrHelp = errors.New("help requested")

// field is one setting bound to the struct field it fills.
type field struct {
	Setting
	v   reflect.Value
	tag reflect.StructTag
}

// Parse fills cfg, a pointer to a struct whose fields carry the tags of the package
// documentation, from args (the command line without the program name), the environment
// variables lookup returns, and the tags' defaults; it returns the Common settings.
//
// Every problem with args or values is returned at once, joined with errors.Join, one line
// each. The Common settings are returned even then, as far as they parsed, so the caller can
// log the problems in the format asked for. A cfg that is not a pointer to a struct, or whose tags are wrong (an unsupported type,
// a duplicate name, a default that does not parse), is a programming error, reported as such.
func Parse(args []string, lookup func(string) (string, bool), cfg any) (Common, error) {
	var common commonConfig
	fields, err := fieldsOf(cfg, &common)
	if err != nil {
		return Common{}, err
	}
	byFlag := make(map[string]*field, len(fields))
	for i := range fields {
		byFlag[fields[i].Flag] = &fields[i]
	}
	given, errs, help := parseArgs(args, byFlag)
	if help {
		return Common{}, ErrHelp
	}
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	for _, f := range fields {
		raw, ok := given[f.Flag]
		switch {
		case ok && raw == "" && !f.EmptyAllowed && !f.Required:
			// A flag always wins, so a flag given "" cannot fall back to the env var or the
			// default: it is a mistake to name, not a value to guess.
			errs = append(errs, fmt.Errorf("%s (--%s): the flag is given an empty value; give a value, or leave the flag out%s", f.Env, f.Flag, prefixed(" for the default ", f.Default)))
			continue
		case !ok:
			// An env var set to "" is unset (a Promise template that leaves a value blank gets
			// the default), unless the setting says "" is a value.
			raw, ok = lookup(f.Env)
			ok = ok && (raw != "" || f.EmptyAllowed)
		}
		if !ok {
			raw, ok = f.Default, f.Default != ""
		}
		raw = Expand(raw, lookup)
		switch {
		case f.Required && strings.TrimSpace(raw) == "":
			errs = append(errs, fmt.Errorf("%s (--%s) is required%s", f.Env, f.Flag, prefixed(": ", f.Help)))
		case !ok:
			// nothing sets it: the field keeps its value
		default:
			if err := set(f.v, raw, f.Enum); err != nil {
				errs = append(errs, fmt.Errorf("%s (--%s): %w", f.Env, f.Flag, err))
			}
		}
	}
	return common.common(), errors.Join(errs...)
}

// fieldsOf binds the settings of cfg, then those of common, checking the tags.
func fieldsOf(cfg any, common *commonConfig) ([]field, error) {
	v := reflect.ValueOf(cfg)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("settings: Parse needs a non-nil pointer to a struct, got %T", cfg)
	}
	fields := bind(v.Elem())
	commons := bind(reflect.ValueOf(common).Elem())

	var errs []error
	seenEnv := map[string]string{}
	seenFlag := map[string]string{"h": "the help flag", "help": "the help flag"}
	for _, c := range commons {
		seenEnv[c.Env], seenFlag[c.Flag] = "a common setting", "a common setting"
	}
	for _, f := range fields {
		where := fmt.Sprintf("settings: field %s.%s", v.Elem().Type(), f.Field)
		switch {
		case f.Type == "":
			errs = append(errs, fmt.Errorf("%s: unsupported type %s", where, f.v.Type()))
		case f.Env == "":
			errs = append(errs, fmt.Errorf("%s: empty env tag", where))
		case strings.HasPrefix(f.Env, kratixPrefix):
			errs = append(errs, fmt.Errorf("%s: env %s uses the platform's prefix %s", where, f.Env, kratixPrefix))
		case seenEnv[f.Env] != "":
			errs = append(errs, fmt.Errorf("%s: env %s is also %s", where, f.Env, seenEnv[f.Env]))
		case seenFlag[f.Flag] != "":
			errs = append(errs, fmt.Errorf("%s: flag --%s is also %s", where, f.Flag, seenFlag[f.Flag]))
		case f.Required && f.Default != "":
			errs = append(errs, fmt.Errorf("%s: required with a default", where))
		case f.emptyTag() != "" && f.emptyTag() != emptyAllowed:
			errs = append(errs, fmt.Errorf("%s: empty:%q: the tag's one value is %q", where, f.emptyTag(), emptyAllowed))
		case f.EmptyAllowed && (f.Required || len(f.Enum) > 0 || !emptiable(f.v.Type())):
			errs = append(errs, fmt.Errorf("%s: empty:%q is for an optional string (not an enum), list or map", where, emptyAllowed))
		case f.Default != "" && !strings.Contains(f.Default, "$("):
			// the default must parse (one with a reference can only be checked once expanded)
			if err := set(reflect.New(f.v.Type()).Elem(), f.Default, f.Enum); err != nil {
				errs = append(errs, fmt.Errorf("%s: default %w", where, err))
			}
		}
		seenEnv[f.Env], seenFlag[f.Flag] = "field "+f.Field, "field "+f.Field
	}
	return append(fields, commons...), errors.Join(errs...)
}

// bind pairs the settings of the struct s with its fields.
func bind(s reflect.Value) []field {
	var out []field
	for i := range s.NumField() {
		if st, ok := describeField(s.Type().Field(i)); ok {
			out = append(out, field{Setting: st, v: s.Field(i), tag: s.Type().Field(i).Tag})
		}
	}
	return out
}

// prefixed is s after sep, or nothing when s is empty.
func prefixed(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// emptyTag is the field's empty tag as written.
func (f field) emptyTag() string { return f.tag.Get("empty") }

// emptiable reports whether "" is a value of t: a string, a list or a map, not a number, a
// boolean, a duration or a TextUnmarshaler (which decides for itself).
func emptiable(t reflect.Type) bool {
	switch typeName(t) {
	case "string", "list", "map":
		return true
	}
	return false
}
