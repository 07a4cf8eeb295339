// Package sdk is stagekit's SDK for Kratix pipeline stages: everything a stage needs to honour
// the /kratix contract, with no client-go or Kratix dependency, and testable in memory.
//
// # A stage
//
// A stage declares its settings once, on a struct, and its work as a function:
//
//	type Config struct {
//		Environment string `env:"ENVIRONMENT" default:"dev" help:"destination label"`
//	}
//
//	var stage = sdk.Stage[Config]{Name: "my-stage", Run: run}
//
//	func main() { stage.Main() }
//
//	func run(k *sdk.Kratix, cfg *Config) error {
//		return k.Selectors.Add(sdk.Selector{MatchLabels: map[string]string{"environment": cfg.Environment}})
//	}
//
// A Config with a Check method (ConfigChecker) checks what its tags cannot say, before Run;
// every problem is one line naming the setting, made with SettingErrorf, and the run exits 2:
//
//	type Config struct {
//		Environment string `env:"ENVIRONMENT" default:"dev" help:"destination label"`
//	}
//
//	func (cfg *Config) Check(env sdk.Env) error {
//		if strings.ContainsAny(cfg.Environment, " /") {
//			return sdk.SettingErrorf("ENVIRONMENT", "%q is not a label value", cfg.Environment) // ENVIRONMENT (--environment): "a b" is not a label value
//		}
//		return nil
//	}
//
// Stage.Main binds the settings from env vars and flags (--help lists them), reads the KRATIX_*
// environment (Env), skips workflows the stage does not act on (Stage.Acts; by default both
// configure workflows) with one log line, logs with log/slog to stderr (LOG_FORMAT=json for
// JSON), recovers panics, prints one summary line and exits 0 (ok), 1 (a rule is broken, or a
// bug in the stage) or 2 (misconfigured). --kratix-dir or KRATIX_DIR relocates
// /kratix for local runs. Stage.Execute does the same in memory for tests; package
// sdk/stagetest wraps it with fixtures, chains of stages, goldens and idempotency checks.
//
// Every stage also honours rollout waves: with ROLLOUT_SELECTOR (a label selector on the
// request's labels) or ROLLOUT_PERCENT (a share of requests, by a stable hash of
// namespace/name) set, a request outside the wave leaves the stage doing nothing, with one log
// line; see package rollout.
//
// # The pod
//
// Run receives a *Kratix, the stage's view of its pod:
//
//	obj, err := k.Object()                       // input/object.yaml: the request or the Promise
//	image, err := obj.GetString("spec.image")    // typed getters; errors name file, line and path
//	size, err := obj.GetIntOr("spec.size", 3)    // an optional field: 3 when missing or null
//	k.Output.WriteObject("app.yaml", deployment) // output/: 0644, never outside output/
//	k.Output.EachManifest(func(m *sdk.Manifest) error { return m.SetLabel("team", "a") })
//	k.Status.SetMessage("ready")                 // metadata/status.yaml, merged as Kratix merges it
//	k.Selectors.Add(sdk.Selector{MatchLabels: map[string]string{"environment": "dev"}})
//	k.Control.RetryAfter(5*time.Minute, "waiting for the database")
//
// Edits keep what they do not change: a manifest file with no edit keeps its bytes and is not
// rewritten, and in an edited file the other documents keep theirs (see package yamldoc).
// Status and destination selectors are read, merged and written on every call, so what earlier
// stages wrote is never clobbered, and the rules of the work-writer and the status-writer are
// checked on the call that breaks them. Problems are reported with their location
// (Kratix.ReportErrorf, or a returned error) so a stage can report every one before it fails.
//
// # One document at a time
//
// EachManifest and EachManifestFile parse a whole file before the callback sees it, so a run
// holds the largest file's tree. Output.EachDocument visits the output one document at a time
// (EachDocumentOf one file, ReadDocuments a pass that only reads) and writes each document
// back before the next is read, so a stage's memory is bounded by the largest document:
//
//	err := k.Output.EachDocument(func(d *sdk.Document) error {
//		for _, m := range d.Manifests() {
//			if err := m.SetLabel("team", "a"); err != nil {
//				return err
//			}
//		}
//		return nil
//	})
//
// The guarantees are EachManifestFile's: the documents are read as Kubernetes reads them, an
// untouched file keeps its bytes and is not rewritten, an edit that would not read back is an
// error naming file and line, the new file is staged in the run's transaction, and a file
// where the callback failed is not saved. What differs: the callback sees one document (and
// the Manifests in it), and the documents before one that does not parse have been visited. A
// stage that needs facts from the whole output makes two passes (ReadDocuments, then
// EachDocumentOf on the files to edit), keeping copied values between them, never Documents
// or Manifests, which hold their document's bytes.
//
// # A run is a transaction
//
// Every write through a Kratix (output files, status, selectors, workflow control, any file of
// metadata/) is staged, and reads see it; /kratix changes only when the run commits, all of it or
// nothing (package fsys, Tx). Stage.Execute commits when Run returned nil and nothing was reported
// as an error, the end-of-run checks included; otherwise nothing reaches /kratix. A tool that
// builds a Kratix with New commits with Kratix.Commit (or drops the changes with Rollback).
//
// A line that tells of a change ("label overwritten", "replicas 1 -> 2") is reported with
// Kratix.Changef and logged at commit, so a failed run never logs a change it did not make. A
// change made to many objects is one Changef line per file that counts them, with one
// Kratix.ChangeDetailf line per object, logged at DEBUG.
//
// # Paths
//
// One path syntax addresses values everywhere in the SDK (getters, Set, Delete, status,
// diagnostics); it is defined by package fieldpath:
//
//	spec.replicas                              map keys separated by dots
//	spec.template.spec.containers[0].image     [N] indexes a list
//	metadata.labels.app\.kubernetes\.io/name   a backslash escapes . [ ] and \ in a key
//	metadata.labels["app.kubernetes.io/name"]  or quote the key in brackets
//
// Digits after a dot are a map key ("data.0"), never an index; the empty path is the root.
//
// # Files
//
// Every read and write goes through an fsys.FS rooted at the kratix directory: the disk in a
// pod, an fsys.MemFS in tests. Names in messages are relative to it (output/app.yaml:12), as a
// person reading the pod's logs recognises them.
//
// # Beside this package
//
// Two calls live in packages of their own so that stages that never make them do not pay for
// them at start-up or in binary size: package schema checks a request's spec against its
// Promise's CRD (schema.Load, Schema.ValidateObject), and package publish writes a status to
// the live object through the Kubernetes API while the stage runs (publish.Status).
package sdk
