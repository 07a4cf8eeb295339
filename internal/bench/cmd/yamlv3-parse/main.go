// Command yamlv3-parse is the "parse only" row of `make bench`: it decodes every document of
// every .yaml/.yml/.json file under DIR into yaml.v3 nodes and edits and writes nothing, the cost
// of reading the tree with the YAML library most Go tools use. It prints the number of documents
// whose top level is a map with a kind, so the harness can check it read everything.
//
//	yamlv3-parse DIR
//	yamlv3-parse --version
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stagekit/stagekit/internal/bench/peerversion"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(peerversion.Of("go.yaml.in/yaml/v3"))
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: yamlv3-parse DIR")
		os.Exit(2)
	}
	objects := 0
	err := filepath.WalkDir(os.Args[1], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(p); ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode && hasKind(doc.Content[0]) {
				objects++
			}
		}
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "yamlv3-parse:", err)
		os.Exit(1)
	}
	fmt.Println(objects)
}

func hasKind(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "kind" && strings.TrimSpace(m.Content[i+1].Value) != "" {
			return true
		}
	}
	return false
}
