// Package yamldoc reads and edits YAML and JSON documents as Kubernetes reads them, without
// disturbing them.
//
// # One reading: Kubernetes'
//
// What yamldoc reads from a manifest file is what kubectl, Flux and Kratix read: the
// documents of apimachinery's YAMLOrJSONDecoder (a stream of JSON values, or YAML documents cut
// at "---" lines), each read as sigs.k8s.io/yaml reads it (goyaml.v2, YAML 1.1: yes, on and y
// are booleans, 0755 is octal, a "<<" merge key merges maps, keys are read as strings) or as
// encoding/json reads a JSON value (every escape; numbers exactly as written). A document
// Kubernetes cannot read, or one yamldoc cannot read the same way, is refused with a
// *SyntaxError naming the file and line; it is never read differently, and no part of a file
// is skipped. Errors never quote the document's values (they may be a Secret's): they name
// lines, field paths and types, the type in the words of TypeName ("want an integer, got a
// string"), which a stage's own messages use too. Aliases are limited as goyaml.v2 limits
// them: a document is refused as an alias bomb when, and only when, too much of what it decodes
// comes through aliases ("excessive aliasing"); its size alone is never a reason.
// FuzzReadsAsKubernetes holds the reading to the decoder's.
//
// # Optional fields and null
//
// Read a required field with GetString, GetInt, GetBool...: a missing value is an error wrapping
// ErrNotFound, and a null is an error too ("want an integer, got null"). Read an optional field
// with GetStringOr, GetIntOr, GetBoolOr...: they give the default when the value is missing or
// null (null, ~, or a key with no value), or when a parent on its path is (spec: null has no
// spec.size). That is how the API server reads an optional field: in a custom resource it
// replaces a null with the field's default, or drops it when there is none (unless the schema
// says nullable: true), and in a built-in type a null decodes as the field's zero value; so
// "size: null" means what leaving size out means. A value of another type is an error
// either way: "size: three" is a mistake the request's author must hear about, not a default.
//
// Messages about a field name the line of its key (LineOf): for a field that is missing, the key
// of the closest parent that exists, so "spec.size: not found" points at the "spec:" line.
//
// # Edits that keep the file
//
// Stages edit files that other stages, Helm or kubectl wrote, and Kratix ships every byte to
// Git. A re-encoding YAML library rewrites the whole file for one label: comments move, quoting
// changes, sequences re-indent, and the diff a platform engineer reviews hides the one real
// change. yamldoc instead parses for positions, keeps the source, and splices in only the bytes
// of the values that changed:
//
//   - a file with no edit is returned byte for byte;
//   - in an edited file, the documents that were not edited keep their exact bytes;
//   - an edited document keeps its comments, key order, quoting, indentation and sequence style,
//     and lines are never wrapped; new keys are appended to their mapping in its own style;
//   - JSON stays JSON, with its indentation and key separator;
//   - new strings are quoted wherever YAML 1.1 would read them as something else.
//
// An edit is an edit of the value Kubernetes reads, through aliases and merge keys: the saved
// document reads as the previous value with that change and nothing else. An alias the edit
// goes through is written as an explicit copy holding the edited value; an anchored value is
// edited in place only when every alias of it ends up with the same value (a label added to
// metadata, the selector and the template of a Deployment whose labels are one anchor); a key
// only a "<<" supplies becomes an explicit key after it. An edit that would change a place the
// stage did not edit (an alias in a selector) is refused, naming the lines.
//
// Every edited document is parsed again before it is returned and compared with the intended
// value (for a large document, value by value as the parse goes, so the check holds no second
// tree of it), and the file is checked to split into the same documents; a splice that would not
// read back is written whole only where that loses nothing but layout (no comment, no anchor),
// else the save is an error. An edit never loses data silently.
//
// Parse reads a whole file; Stream reads, edits and writes a stream one document at a time,
// with the memory of one document.
//
// Documents in the YAML that Kubernetes tooling writes are parsed by a parser of this package
// straight into its tree, several times faster than yaml.v3; any other document is parsed by
// yaml.v3 and checked against goyaml.v2 (see fast.go and slow.go).
//
// Paths use the syntax of package fieldpath (spec.containers[0].image).
package yamldoc
