// Package logfmt is the log line format of every stagekit stage.
//
// Why: a stage's logs are read by a person in `kubectl logs` of a failed pipeline pod, and
// compared line by line against goldens in tests. So every line is one event, starts with its
// level and stage, puts the location first the way compilers do (an editor jumps to it), and has
// no timestamp (Kubernetes adds its own; a timestamp would make the output differ on every run):
//
//	INFO label-injector: output/app.yaml:12: set kratix.io/promise-name (old → new)
//	WARN label-injector: output/raw.yaml:3: document has no apiVersion/kind; left alone
//	ERROR enforce-tags: output/app.yaml:7: spec.template.metadata.labels: team is missing
//	INFO label-injector: done: 14 objects labelled in 3 files
//
// A record is written as
//
//	LEVEL stage: [file[:line]: ][path: ]message[ key=value]...
//
// The location comes from attributes with well-known keys, given at the top level (not inside a
// group): [KeyFile] (a path under the Kratix root), [KeyLine] (1-based, only shown with a file)
// and [KeyPath] (the field path inside the document, in the fieldpath syntax), which follows
// the file and line the way Kubernetes prefixes field errors with their path. Other attributes
// follow the message as key=value, groups prefixing keys with "group.", values quoted with
// strconv.Quote when they hold a space, a quote, an = or anything unprintable. A message of
// several lines (an errors.Join) keeps its lines, each after the first indented by two spaces,
// so it stays readable and still belongs to its record.
//
// LOG_FORMAT=json switches to slog's JSON handler, with a "stage" attribute and no "time".
package logfmt
