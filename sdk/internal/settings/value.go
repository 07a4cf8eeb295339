package settings

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// set parses raw into v, which has a supported type (see typeName). The error says what is
// wrong with raw, starting with the quoted value: `"two" is not an integer`.
func set(v reflect.Value, raw string, enum []string) error {
	t := v.Type()
	if len(enum) > 0 && t.Kind() != reflect.Slice {
		canon, ok := inEnum(raw, enum)
		if !ok {
			return notOneOf(raw, enum)
		}
		raw = canon
	}
	switch {
	case t == durationType:
		d, err := time.ParseDuration(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not a duration (like 30s, 5m or 1h30m)", raw)
		}
		v.SetInt(int64(d))
		return nil
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		u := reflect.New(t)
		if err := u.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(raw)); err != nil {
			return fmt.Errorf("%q is not valid: %v", raw, err)
		}
		v.Set(u.Elem())
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(raw)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not a boolean (true or false)", raw)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, t.Bits())
		if errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("%q is out of range for a %d-bit integer", raw, t.Bits())
		}
		if err != nil {
			return fmt.Errorf("%q is not an integer", raw)
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), t.Bits())
		if err != nil {
			return fmt.Errorf("%q is not a number", raw)
		}
		v.SetFloat(f)
	case reflect.Slice:
		items := splitList(raw)
		for i, item := range items {
			if len(enum) == 0 {
				break
			}
			canon, ok := inEnum(item, enum)
			if !ok {
				return notOneOf(item, enum)
			}
			items[i] = canon
		}
		s := reflect.MakeSlice(t, 0, len(items))
		for _, item := range items {
			s = reflect.Append(s, reflect.ValueOf(item).Convert(t.Elem()))
		}
		if len(items) == 0 {
			s = reflect.Zero(t)
		}
		v.Set(s)
	case reflect.Map:
		m, err := parseMap(raw)
		if err != nil {
			return err
		}
		mv := reflect.Zero(t)
		if len(m) > 0 {
			mv = reflect.MakeMapWithSize(t, len(m))
			for k, val := range m {
				mv.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), reflect.ValueOf(val).Convert(t.Elem()))
			}
		}
		v.Set(mv)
	default:
		return fmt.Errorf("unsupported type %s", t) // checked by fields before any value is set
	}
	return nil
}

// splitList splits a comma-separated list, trimming items and dropping empty ones.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// parseMap reads k=v,k2=v2 or, when it starts with "{", a JSON object of strings.
func parseMap(raw string) (map[string]string, error) {
	if strings.HasPrefix(strings.TrimSpace(raw), "{") {
		var m map[string]string
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, fmt.Errorf("%q is not a JSON object of strings: %v", raw, err)
		}
		return m, nil
	}
	m := map[string]string{}
	for _, item := range splitList(raw) {
		k, val, ok := strings.Cut(item, "=")
		k = strings.TrimSpace(k)
		switch {
		case !ok:
			return nil, fmt.Errorf("%q is not a list of key=value pairs: %q has no =", raw, item)
		case k == "":
			return nil, fmt.Errorf("%q is not a list of key=value pairs: %q has no key", raw, item)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("%q gives the key %q twice", raw, k)
		}
		m[k] = strings.TrimSpace(val)
	}
	return m, nil
}

// inEnum matches s against the allowed values, ignoring case, and returns the value as the
// tag spells it.
func inEnum(s string, enum []string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, e := range enum {
		if strings.EqualFold(s, e) {
			return e, true
		}
	}
	return "", false
}

func notOneOf(s string, enum []string) error {
	return fmt.Errorf("%q is not one of %s", s, strings.Join(enum, ", "))
}
