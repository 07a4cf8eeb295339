// Package fleet previews a Promise change across every request of the fleet: each request runs
// through the old and the new Promise's pipelines (package pod), the results are compared file
// by file, and a report says which requests change, how, and which fail — as text (like
// `terraform plan`), JSON (for CI) or Markdown (for a pull request comment). Requests run in
// parallel and stream out in a fixed order, each run's files dropped once compared. A fleet too
// big for one machine is split with shards (Shard) whose JSON reports Merge joins into the
// report one run would have printed.
//
// Secrets never appear: a Secret's data and stringData values (and a kustomization's
// secretGenerator literals, and the files it reads) are shown as changed, unchanged, added or
// removed, never printed, and the text of a manifest that does not parse — which may be a
// Secret — is withheld, naming only its file and line.
package fleet

import "github.com/stagekit/stagekit/internal/pod"

// SchemaVersion names the JSON report's format; a change that breaks readers changes it.
const SchemaVersion = "stagekit.dev/fleet-diff/v1"

// Report is a fleet diff: the JSON document of `stagekit fleet diff -o json`, field for field.
type Report struct {
	SchemaVersion string          `json:"schemaVersion"`
	Promise       string          `json:"promise"`  // the Promise's name
	Workflow      string          `json:"workflow"` // resource.configure
	From          Side            `json:"from"`
	To            Side            `json:"to"`
	Shard         *Shard          `json:"shard,omitempty"` // only in a sharded run's report
	Requests      []RequestReport `json:"requests"`        // sorted by namespace, then name
	Summary       Summary         `json:"summary"`
}

// Side is one of the two Promises compared.
type Side struct {
	File      string   `json:"file"`
	Digest    string   `json:"digest"`            // sha256 of the Promise file
	Pipelines []string `json:"pipelines"`         // "instance-configure: terraform-generate, enforce-tags"
	Skipped   []string `json:"skipped,omitempty"` // "instance-configure/terraform-apply (--skip terraform-apply)"
}

// Shard is the part of the fleet a sharded run covered: Index of Count, from 0.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Summary counts the requests and the files that differ.
type Summary struct {
	Requests    int `json:"requests"`
	Changed     int `json:"changed"`
	Unchanged   int `json:"unchanged"`
	Failed      int `json:"failed"`
	FilesDiffer int `json:"filesDiffer"`
}

// The results of a request.
const (
	Changed   = "changed"
	Unchanged = "unchanged"
	Failed    = "failed"
)

// RequestReport is what the change does to one request.
type RequestReport struct {
	Namespace string          `json:"namespace"`
	Name      string          `json:"name"`
	Source    string          `json:"source"` // file:line of the request
	Result    string          `json:"result"` // changed, unchanged or failed
	Files     []FileDiff      `json:"files,omitempty"`
	Failures  []FailureReport `json:"failures,omitempty"`
}

// ID is namespace/name.
func (r RequestReport) ID() string { return r.Namespace + "/" + r.Name }

// FileDiff is one file (or compared result) that differs. Paths are
// <pipeline>/output/<file> for the files a pipeline writes, <pipeline>/destinations for the
// work-writer's groups and their labels, <pipeline>/workflow-control when a pipeline suspends
// or retries, and status for the request's status after the workflow.
type FileDiff struct {
	Path   string `json:"path"`
	Change string `json:"change"`         // added, removed or modified
	Diff   string `json:"diff,omitempty"` // a unified diff, Secret values withheld
	// Withheld says why no diff is shown: a manifest that does not parse (file and line), or a
	// file a secretGenerator reads.
	Withheld string       `json:"withheld,omitempty"`
	Secrets  []SecretDiff `json:"secrets,omitempty"`
}

// SecretDiff lists the keys of one Secret (or secretGenerator) and how each changed.
type SecretDiff struct {
	Object string      `json:"object"` // "Secret default/db (document 2)"
	Keys   []KeyChange `json:"keys"`
}

// KeyChange is one key of a Secret: data.password changed.
type KeyChange struct {
	Key    string `json:"key"`
	Change string `json:"change"` // changed, unchanged, added or removed
}

// FailureReport says where a side failed.
type FailureReport struct {
	Side      string   `json:"side"` // from or to
	Pipeline  string   `json:"pipeline"`
	Container string   `json:"container,omitempty"` // empty when Kratix refused the pipeline's files
	ExitCode  int      `json:"exitCode"`
	Message   string   `json:"message"`
	Log       []string `json:"log,omitempty"` // the container's last log lines
}

func failureReport(side string, f *pod.Failure) FailureReport {
	return FailureReport{Side: side, Pipeline: f.Pipeline, Container: f.Container, ExitCode: f.Exit, Message: f.Message, Log: f.Log}
}

// add counts a request in the summary.
func (s *Summary) add(r RequestReport) {
	s.Requests++
	switch r.Result {
	case Changed:
		s.Changed++
	case Unchanged:
		s.Unchanged++
	case Failed:
		s.Failed++
	}
	s.FilesDiffer += len(r.Files)
}
