package settings

import (
	"encoding"
	"reflect"
	"strings"
	"time"
)

// Setting describes one setting of a stage, as declared by a field's tags.
type Setting struct {
	Field    string   // the Go field name: MinReplicas
	Env      string   // the environment variable: MIN_REPLICAS
	Flag     string   // the flag, without dashes: min-replicas (written --min-replicas)
	Type     string   // what the value is, for usage: int, string, list, map, duration, ...
	Default  string   // the default as written in the tag, before expansion; "" when none
	Help     string   // what the setting does
	Required bool     // whether a value must be given
	Enum     []string // the allowed values, if restricted
	// EmptyAllowed (tag empty:"allowed") makes "" a value: an env var or a flag set to "" sets
	// the setting to "" (an empty list or map), e.g. to turn a feature off. Without it an env
	// var set to "" counts as unset, and a flag given "" is an error.
	EmptyAllowed bool
}

// Describe lists the settings cfg declares, in field order. cfg is a struct or a pointer to
// one; anything else has no settings and gives nil.
func Describe(cfg any) []Setting {
	t := reflect.TypeOf(cfg)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []Setting
	for i := range t.NumField() {
		if s, ok := describeField(t.Field(i)); ok {
			out = append(out, s)
		}
	}
	return out
}

// describeField reads the tags of one field; ok is false for a field that is not a setting.
func describeField(f reflect.StructField) (s Setting, ok bool) {
	env, tagged := f.Tag.Lookup("env")
	if !f.IsExported() || !tagged {
		return Setting{}, false
	}
	s = Setting{
		Field:    f.Name,
		Env:      env,
		Flag:     f.Tag.Get("flag"),
		Type:     typeName(f.Type),
		Default:  f.Tag.Get("default"),
		Help:     f.Tag.Get("help"),
		Required: f.Tag.Get("required") == "true",

		EmptyAllowed: f.Tag.Get("empty") == emptyAllowed,
	}
	if s.Flag == "" {
		s.Flag = FlagName(env)
	}
	if e := f.Tag.Get("enum"); e != "" {
		s.Enum = splitList(e)
		s.Type = strings.Join(s.Enum, "|")
	}
	return s, true
}

// emptyAllowed is the one value of the empty tag.
const emptyAllowed = "allowed"

// FlagName is the flag of a setting whose tags name none: the env name in lower case with - for
// _ (MIN_REPLICAS is min-replicas).
func FlagName(env string) string {
	return strings.ReplaceAll(strings.ToLower(env), "_", "-")
}

var (
	durationType        = reflect.TypeFor[time.Duration]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// typeName names the kind of value a field takes, for usage text; "" for an unsupported type.
func typeName(t reflect.Type) string {
	switch {
	case t == durationType:
		return "duration"
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		return "value"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "int"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "list"
		}
	case reflect.Map:
		if t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.String {
			return "map"
		}
	}
	return ""
}

// Listed is every setting --help lists for cfg: its own, then the Common ones.
func Listed(cfg any) []Setting { return append(Describe(cfg), Describe(commonConfig{})...) }
