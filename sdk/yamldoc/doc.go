// Package yamldoc reads and edits YAML and JSON documents without disturbing them.
//
// Stages edit files that other stages, Helm or kubectl wrote, and Kratix ships every byte to Git.
// A re-encoding YAML library rewrites the whole file for one label: comments move, quoting
// changes, sequences re-indent, and the diff a platform engineer reviews hides the one real
// change. yamldoc instead parses for positions, keeps the source, and splices in only the bytes
// of the values that changed:
//
//   - a file with no edit is returned byte for byte;
//   - in an edited file, the documents that were not edited keep their exact bytes;
//   - an edited document keeps its comments, key order, quoting, indentation and sequence style,
//     and lines are never wrapped; new keys are appended to their mapping in its own style;
//   - JSON stays JSON, with its indentation and key separator.
//
// Every edited document is parsed again before it is returned and compared with the intended
// tree; if the splice would not read back as intended (an exotic construct), the document is
// re-rendered whole instead, so an edit can lose formatting in rare cases but never data.
//
// Documents in the YAML that Kubernetes tooling writes (and JSON) are parsed by a parser of
// this package straight into its tree, several times faster than yaml.v3; any other document is
// parsed by yaml.v3, whose errors are reported (see fast.go).
//
// Paths use the syntax of package fieldpath (spec.containers[0].image).
package yamldoc
