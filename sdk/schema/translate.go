package schema

import "strings"

// translate turns a Kubernetes structural schema node into JSON Schema draft 2020-12. It returns
// a new tree and leaves its input untouched. See the package documentation for the rules.
func translate(node any) any {
	m, ok := node.(map[string]any)
	if !ok {
		return node // true/false schemas, or junk the compiler will report
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch {
		case k == "properties" || k == "patternProperties" || k == "$defs" || k == "definitions":
			out[k] = translateMap(v)
		case k == "items" || k == "additionalProperties" || k == "additionalItems" || k == "not" ||
			k == "contains" || k == "propertyNames":
			out[k] = translateEach(v)
		case k == "allOf" || k == "anyOf" || k == "oneOf":
			out[k] = translateEach(v)
		case k == "dependencies":
			deps, ok := v.(map[string]any)
			if !ok {
				out[k] = v
				continue
			}
			req, sch := map[string]any{}, map[string]any{}
			for name, d := range deps {
				if list, ok := d.([]any); ok {
					req[name] = list
				} else {
					sch[name] = translate(d)
				}
			}
			if len(req) > 0 {
				out["dependentRequired"] = req
			}
			if len(sch) > 0 {
				out["dependentSchemas"] = sch
			}
		case k == "format" || k == "nullable" || strings.HasPrefix(k, "x-kubernetes-"):
			// Handled below or deliberately ignored (see the package documentation).
		case strings.HasPrefix(k, "$") && k != "$comment", k == "id":
			// $ref, $id, $schema, $anchor...: structural schemas forbid them.
		case k == "type":
			if s, ok := v.(string); ok && s == "" {
				continue
			}
			out[k] = v
		default:
			out[k] = v
		}
	}

	// OpenAPI 3.0 writes exclusiveMinimum: true beside minimum; draft 2020-12 wants the bound.
	for _, b := range [][2]string{{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}} {
		excl, ok := out[b[0]].(bool)
		if !ok {
			continue
		}
		delete(out, b[0])
		if bound, ok := out[b[1]]; ok && excl {
			out[b[0]] = bound
			delete(out, b[1])
		}
	}

	if m["x-kubernetes-int-or-string"] == true {
		out["type"] = []any{"integer", "string"}
		if isIntOrStringAnyOf(out["anyOf"]) {
			delete(out, "anyOf")
		}
	}

	if m["nullable"] == true {
		switch t := out["type"].(type) {
		case string:
			out["type"] = []any{t, "null"}
		case []any:
			if !containsValue(t, "null") {
				out["type"] = append(append([]any{}, t...), "null")
			}
		}
		if enum, ok := out["enum"].([]any); ok && !containsValue(enum, nil) {
			out["enum"] = append(append([]any{}, enum...), nil)
		}
	}
	return out
}

func translateMap(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, s := range m {
		out[k] = translate(s)
	}
	return out
}

// translateEach translates a schema, or each schema of a list of schemas.
func translateEach(v any) any {
	list, ok := v.([]any)
	if !ok {
		return translate(v)
	}
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = translate(s)
	}
	return out
}

// isIntOrStringAnyOf reports whether v is the anyOf [{type: integer}, {type: string}] that
// generators emit beside x-kubernetes-int-or-string.
func isIntOrStringAnyOf(v any) bool {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return false
	}
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok || len(m) != 1 || (m["type"] != "integer" && m["type"] != "string") {
			return false
		}
	}
	return true
}

func containsValue(list []any, want any) bool {
	for _, v := range list {
		if v == want { // want is a string or nil, so this never compares maps
			return true
		}
	}
	return false
}
