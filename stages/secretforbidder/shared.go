package secretforbidder

import (
	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// step is one step of a path into a document: a map key (a string) or a list index (an int).
type step = any

// cutsClean reports whether deleting the node at path removes every byte of it from the
// document's text. It does not when the node, or a map or list on the way to it, is written
// once and used twice: an anchor shares it, an alias or a merge key brings it in, or a key on
// the way appears twice (the last one counts). An edit then cuts one use and leaves the text,
// which for a Secret or a generator entry is plaintext left in the output. The document is read
// again with a plain YAML parser to see how it is written; one that does not parse that way is
// not cut either: when in doubt, the caller removes more.
func cutsClean(doc *yamldoc.Doc, path []step) bool {
	var file yamlv3.Node
	if err := yamlv3.Unmarshal(doc.Source(), &file); err != nil || len(file.Content) != 1 {
		return false
	}
	n := file.Content[0]
	for _, s := range path {
		if n.Anchor != "" || n.Kind == yamlv3.AliasNode {
			return false
		}
		switch s := s.(type) {
		case string:
			if n.Kind != yamlv3.MappingNode {
				return false
			}
			var found *yamlv3.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Tag == "!!merge" {
					return false // the key may also come from it, whose text would stay
				}
				if n.Content[i].Value == s {
					if found != nil {
						return false // a duplicate key: the other one keeps its text
					}
					found = n.Content[i+1]
				}
			}
			if found == nil {
				return false // brought in by a merge key
			}
			n = found
		case int:
			if n.Kind != yamlv3.SequenceNode || s >= len(n.Content) {
				return false
			}
			n = n.Content[s]
		}
	}
	return !sharesText(n)
}

// sharesText reports whether a subtree holds an anchor, an alias or a merge key.
func sharesText(n *yamlv3.Node) bool {
	if n.Anchor != "" || n.Kind == yamlv3.AliasNode || n.Tag == "!!merge" {
		return true
	}
	for _, c := range n.Content {
		if sharesText(c) {
			return true
		}
	}
	return false
}
