package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"sigs.k8s.io/yaml"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Schema is the compiled schema of one version of a CRD's spec. It is safe for concurrent use.
type Schema struct {
	version      string
	compiled     *jsonschema.Schema // nil: the CRD declares no properties.spec, anything goes
	doc          any                // the translated spec schema, to look up required and enum lists
	specRequired bool               // openAPIV3Schema.required lists "spec"
}

// schemaURL names the compiled document; nothing is ever fetched from it.
const schemaURL = "file:///stagekit/spec.schema.json"

// Load reads a CRD (apiextensions.k8s.io/v1 CustomResourceDefinition) or a Kratix Promise
// (platform.kratix.io/v1alpha1 Promise, whose spec.api holds the CRD) from YAML or JSON and
// compiles the openAPIV3Schema of the given version ("" = the version with storage: true, else
// the first served one). In a multi-document stream the first CustomResourceDefinition or Promise
// document is used.
func Load(data []byte, version string) (*Schema, error) {
	docs, err := splitDocuments(data)
	if err != nil {
		return nil, err
	}
	var crd map[string]any
	var kinds []string
	for _, d := range docs {
		kind, _ := d["kind"].(string)
		switch kind {
		case "CustomResourceDefinition":
			crd = d
		case "Promise":
			api, ok := getMap(d, "spec", "api")
			if !ok || len(api) == 0 {
				return nil, fmt.Errorf("promise%s has no spec.api (it defines no API, so there is no schema to validate against)", nameOf(d))
			}
			if k, _ := api["kind"].(string); k != "" && k != "CustomResourceDefinition" {
				return nil, fmt.Errorf("promise%s: spec.api is a %s, want a CustomResourceDefinition", nameOf(d), k)
			}
			crd = api
		default:
			if kind == "" {
				kind = "(no kind)"
			}
			kinds = append(kinds, kind)
			continue
		}
		break
	}
	if crd == nil {
		if len(kinds) == 0 {
			return nil, errors.New("no CustomResourceDefinition or Promise found: the input holds no document")
		}
		return nil, fmt.Errorf("no CustomResourceDefinition or Promise found: the input holds %s", strings.Join(kinds, ", "))
	}
	return fromCRD(crd, version)
}

func fromCRD(crd map[string]any, version string) (*Schema, error) {
	name := nameOf(crd)
	rawVersions, ok := getPath(crd, "spec", "versions")
	versions, isList := rawVersions.([]any)
	if !ok || !isList || len(versions) == 0 {
		return nil, fmt.Errorf("CRD%s has no spec.versions (only apiextensions.k8s.io/v1 CRDs are supported)", name)
	}
	var names []string
	var chosen map[string]any
	for i, rv := range versions {
		v, ok := rv.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("CRD%s: spec.versions[%d] is not an object", name, i)
		}
		n, _ := v["name"].(string)
		names = append(names, n)
		if chosen != nil {
			continue
		}
		switch {
		case version != "":
			if n == version {
				chosen = v
			}
		case v["storage"] == true:
			chosen = v
		}
	}
	if chosen == nil && version == "" {
		for _, rv := range versions {
			if v := rv.(map[string]any); v["served"] == true {
				chosen = v
				break
			}
		}
		if chosen == nil {
			return nil, fmt.Errorf("CRD%s has no version with storage: true or served: true; it has %s", name, strings.Join(names, ", "))
		}
	}
	if chosen == nil {
		return nil, fmt.Errorf("CRD%s has no version %s; it has %s", name, version, strings.Join(names, ", "))
	}
	vname, _ := chosen["name"].(string)
	root, ok := getMap(chosen, "schema", "openAPIV3Schema")
	if !ok {
		return nil, fmt.Errorf("CRD%s version %s has no schema.openAPIV3Schema", name, vname)
	}
	s := &Schema{version: vname}
	if req, ok := root["required"].([]any); ok {
		for _, r := range req {
			if r == "spec" {
				s.specRequired = true
			}
		}
	}
	specSchema, ok := getPath(root, "properties", "spec")
	if !ok {
		return s, nil
	}
	s.doc = translate(specSchema)
	raw, err := json.Marshal(s.doc)
	if err != nil {
		return nil, fmt.Errorf("CRD%s version %s: %v", name, vname, err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("refusing to load %s: CRD schemas cannot reference other documents", u)
	}
	if err := c.AddResource(schemaURL, bytes.NewReader(raw)); err != nil {
		return nil, fmt.Errorf("CRD%s version %s: properties.spec is not a valid schema: %v", name, vname, err)
	}
	compiled, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("CRD%s version %s: properties.spec does not compile: %s", name, vname, compileError(err))
	}
	s.compiled = compiled
	return s, nil
}

// compileError turns a compilation error into one line naming the offending schema keyword.
func compileError(err error) string {
	var se *jsonschema.SchemaError
	if errors.As(err, &se) {
		var ve *jsonschema.ValidationError
		if errors.As(se.Err, &ve) {
			var msgs []string
			for _, l := range leaves(ve, nil) {
				msgs = append(msgs, fmt.Sprintf("at %q: %s", l.InstanceLocation, l.Message))
			}
			return strings.Join(msgs, "; ")
		}
		if se.Err != nil {
			return se.Err.Error()
		}
	}
	return err.Error()
}

// Version is the name of the CRD version whose schema was loaded.
func (s *Schema) Version() string { return s.version }

// splitDocuments splits a YAML (or JSON) stream into its object documents, decoding numbers as
// json.Number. A line starting with "---" (or "...") followed by a blank ends a document: YAML
// forbids document markers at column 0 inside content, so a line split is exact.
func splitDocuments(data []byte) ([]map[string]any, error) {
	var docs []map[string]any
	var chunk []byte
	index := 0
	flush := func() error {
		defer func() { chunk = chunk[:0]; index++ }()
		if len(bytes.TrimSpace(chunk)) == 0 {
			return nil
		}
		j, err := yaml.YAMLToJSON(chunk)
		if err != nil {
			return fmt.Errorf("document %d: invalid YAML: %v", index, err)
		}
		dec := json.NewDecoder(bytes.NewReader(j))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("document %d: %v", index, err)
		}
		if v == nil {
			return nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("document %d: want a map (a Kubernetes object), got %s", index, yamldoc.TypeName(v))
		}
		docs = append(docs, m)
		return nil
	}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i+1], data[i+1:]
		} else {
			data = nil
		}
		if isMarker(line, "---") || isMarker(line, "...") {
			if err := flush(); err != nil {
				return nil, err
			}
			rest := bytes.TrimSpace(line[3:])
			if len(rest) > 0 && rest[0] != '#' {
				chunk = append(chunk, rest...) // "--- {a: 1}": content on the marker line
				chunk = append(chunk, '\n')
			}
			continue
		}
		chunk = append(chunk, line...)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return docs, nil
}

func isMarker(line []byte, marker string) bool {
	if !bytes.HasPrefix(line, []byte(marker)) {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\n' || line[3] == '\r'
}

func getPath(m map[string]any, keys ...string) (any, bool) {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[k]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

func getMap(m map[string]any, keys ...string) (map[string]any, bool) {
	v, ok := getPath(m, keys...)
	if !ok {
		return nil, false
	}
	mm, ok := v.(map[string]any)
	return mm, ok
}

func nameOf(obj map[string]any) string {
	if n, ok := getPath(obj, "metadata", "name"); ok {
		if s, ok := n.(string); ok && s != "" {
			return " " + s
		}
	}
	return ""
}
