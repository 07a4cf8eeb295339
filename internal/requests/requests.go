// Package requests reads resource requests the way kubectl writes and reads them: files or
// directories of YAML or JSON, several documents per file, `kind: List` (what `kubectl get vms
// -A -o yaml` prints), or standard input ("-"), keeping the requests of one Promise's API.
package requests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// PromiseLabel is the label Kratix keeps on every request: the name of its Promise.
const PromiseLabel = "kratix.io/promise-name"

// Request is one resource request.
type Request struct {
	Namespace, Name string
	Source          string         // file:line where it starts
	Object          map[string]any // as the API server would hold it (see Load)
}

// ID is namespace/name, as kubectl names a namespaced object ("/name" when cluster-scoped).
func (r Request) ID() string { return r.Namespace + "/" + r.Name }

// Set is what Load found.
type Set struct {
	Requests []Request // sorted by namespace, then name
	Other    int       // documents of other kinds, left out
}

// Load reads requests of the Promise's API from paths ("-" is stdin; a directory is read
// recursively for .yaml, .yml and .json files, in name order). What Kratix and the API server
// would add is added: the namespace "default" when a namespaced request has none, and the
// label kratix.io/promise-name. Two requests with one namespace/name are an error, as are
// documents that do not parse (named by file and line, without their text: a file of requests
// may hold anything).
func Load(paths []string, stdin io.Reader, p *promise.Promise) (Set, error) {
	var set Set
	if p.API.Kind == "" {
		return set, fmt.Errorf("%s: Promise %s has no API (spec.api): it takes no requests", p.File, p.Name)
	}
	files, err := expand(paths)
	if err != nil {
		return set, err
	}
	var errs []error
	seen := map[string]string{}
	for _, f := range files {
		data, err := read(f, stdin)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		parsed, err := yamldoc.Parse(f, data)
		if err != nil {
			var se *yamldoc.SyntaxError
			if errors.As(err, &se) {
				err = fmt.Errorf("%s:%d: does not parse as YAML", se.File, se.Line)
			}
			errs = append(errs, err)
			continue
		}
		for _, d := range parsed.Docs() {
			if d.Empty() {
				continue
			}
			value, err := decode(d.Root())
			if err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: does not read as kubectl reads YAML", f, d.Line()))
				continue
			}
			nodes := objects(d.Root())
			values := objectValues(value)
			for i, v := range values {
				line := d.Line()
				if i < len(nodes) { // the same structure, read once: nodes only give the lines
					line = nodes[i].Line()
				}
				obj, ok := v.(map[string]any)
				if !ok {
					errs = append(errs, fmt.Errorf("%s:%d: not an object", f, line))
					continue
				}
				if !p.Serves(obj) {
					set.Other++
					continue
				}
				r, err := request(obj, p, fmt.Sprintf("%s:%d", f, line))
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if first, dup := seen[r.ID()]; dup {
					errs = append(errs, fmt.Errorf("%s: %s %s again (first at %s): a cluster holds one object per namespace and name", r.Source, p.API.Kind, r.ID(), first))
					continue
				}
				seen[r.ID()] = r.Source
				set.Requests = append(set.Requests, r)
			}
		}
	}
	sort.Slice(set.Requests, func(i, j int) bool {
		a, b := set.Requests[i], set.Requests[j]
		return a.Namespace < b.Namespace || a.Namespace == b.Namespace && a.Name < b.Name
	})
	return set, errors.Join(errs...)
}

// decode reads a document's values as kubectl sends them to the API server: yamldoc's reading is
// kubectl's (YAML 1.1, << merges), and numbers are kept as apimachinery keeps them (int64 when
// integral and in range, float64 otherwise).
func decode(root yamldoc.Node) (any, error) {
	j, err := root.JSON()
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return numbers(v), nil
}

func numbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// objectValues mirrors objects on decoded values.
func objectValues(v any) []any {
	m, _ := v.(map[string]any)
	kind, _ := m["kind"].(string)
	if items, ok := m["items"].([]any); ok && strings.HasSuffix(kind, "List") {
		var out []any
		for _, it := range items {
			out = append(out, objectValues(it)...)
		}
		return out
	}
	return []any{v}
}

// objects are the objects of a document: the items of a List, or the document itself.
func objects(root yamldoc.Node) []yamldoc.Node {
	kind, _ := root.GetString("kind")
	items, err := root.Lookup("items")
	if strings.HasSuffix(kind, "List") && err == nil && items.Kind() == yamldoc.SeqKind {
		var out []yamldoc.Node
		for i := 0; i < items.Len(); i++ {
			out = append(out, objects(items.Item(i))...)
		}
		return out
	}
	return []yamldoc.Node{root}
}

func request(obj map[string]any, p *promise.Promise, source string) (Request, error) {
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if name == "" {
		return Request{}, fmt.Errorf("%s: %s without metadata.name", source, p.API.Kind)
	}
	ns, _ := meta["namespace"].(string)
	if !p.API.ClusterScoped && ns == "" {
		ns = "default"
	}
	if p.API.ClusterScoped {
		ns = ""
	}
	m := make(map[string]any, len(meta)+2)
	for k, v := range meta {
		m[k] = v
	}
	if ns != "" {
		m["namespace"] = ns
	} else {
		delete(m, "namespace")
	}
	labels := map[string]any{}
	if old, ok := meta["labels"].(map[string]any); ok {
		for k, v := range old {
			labels[k] = v
		}
	}
	labels[PromiseLabel] = p.Name
	m["labels"] = labels
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	out["metadata"] = m
	return Request{Namespace: ns, Name: name, Source: source, Object: out}, nil
}

// expand lists the files named by paths, directories read recursively in name order.
func expand(paths []string) ([]string, error) {
	var files []string
	var errs []error
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(f)) {
			case ".yaml", ".yml", ".json":
				if !d.IsDir() {
					files = append(files, f)
				}
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return files, errors.Join(errs...)
}

func read(f string, stdin io.Reader) ([]byte, error) {
	if f == "-" {
		if stdin == nil {
			return nil, errors.New("-: no standard input")
		}
		return io.ReadAll(stdin)
	}
	return os.ReadFile(f)
}
