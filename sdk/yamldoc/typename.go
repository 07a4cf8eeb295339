package yamldoc

import (
	"encoding/json"
	"math/big"
	"reflect"
	"strconv"
)

// TypeName names the type of a value for a message, as Kubernetes reads it: "a string", "an
// integer", "a float", "a boolean", "null", "a map" or "a list" ("nothing" for a Node that does
// not exist). v may be a Node (named by its Tag, so a date or a custom-tagged scalar is a
// string), a value read from a document (Value, Get: string, int64, *big.Int, float64, bool, nil,
// map[string]any, []any), a JSON-shaped one (json.Number) or any Go value, named by the JSON
// type encoding/json writes it as (a value with none, a func, is "nothing"):
//
//	spec.size: want an integer, got a string
//
// It never includes the value, quoted or not: the value may be a Secret's, and a message ends
// up in logs and in Git history. The file, line and path of the message say where to look.
// Every message of the SDK and of the stages that names a type names it with TypeName.
func TypeName(v any) string {
	if n, ok := v.(Node); ok {
		return tagName(n.Tag())
	}
	return tagName(goTag(v))
}

// describe is TypeName of a node of the tree, for this package's own messages.
func describe(n *node) string {
	if n == nil {
		return tagName("")
	}
	return tagName(kubeTag(n))
}

// tagName is the one table of type names, by the tag Kubernetes reads a value as.
func tagName(tag string) string {
	switch tag {
	case tagStr:
		return "a string"
	case tagInt:
		return "an integer"
	case tagFloat:
		return "a float"
	case tagBool:
		return "a boolean"
	case tagNull:
		return "null"
	case tagMap:
		return "a map"
	case tagSeq:
		return "a list"
	}
	return "nothing"
}

// goTag is the tag of the JSON type a Go value is read or written as.
func goTag(v any) string {
	switch x := v.(type) {
	case nil:
		return tagNull
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil || isIntegerText(string(x)) {
			return tagInt
		}
		return tagFloat
	case *big.Int:
		if x == nil {
			return tagNull
		}
		return tagInt
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.String:
		return tagStr
	case reflect.Bool:
		return tagBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return tagInt
	case reflect.Float32, reflect.Float64:
		return tagFloat
	case reflect.Struct:
		return tagMap
	case reflect.Map:
		if r.IsNil() {
			return tagNull // as encoding/json writes it
		}
		return tagMap
	case reflect.Slice:
		switch {
		case r.IsNil():
			return tagNull
		case r.Type().Elem().Kind() == reflect.Uint8:
			return tagStr // []byte: encoding/json writes base64
		}
		return tagSeq
	case reflect.Array:
		return tagSeq
	case reflect.Pointer, reflect.Interface:
		if r.IsNil() {
			return tagNull
		}
		return goTag(r.Elem().Interface())
	}
	return "" // a func or a channel: no JSON type
}
