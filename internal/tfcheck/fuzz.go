package tfcheck

import (
	"flag"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Fuzz has Terraform check what a fuzz target's inputs produce. When the target runs its corpus
// as a test (go test), the checks are queued and Flush runs them all in one batch after the
// corpus, naming the corpus entry of every failure; when it fuzzes (a worker of go test -fuzz),
// each input is checked at once, so that the fuzzer records the input that broke.
type Fuzz struct {
	tf      *Terraform // nil: no terraform binary, and none required
	worker  bool
	mu      sync.Mutex
	pending []fuzzCheck
}

type fuzzCheck struct {
	entry string // the corpus entry's test name
	cfgs  []Config
	judge Judge
}

// Judge reads Terraform's results for one input's configurations and returns what is wrong
// (nothing when the input passes).
type Judge func([]Result) []string

// NewFuzz prepares the Terraform checks of fuzz target f. Without a terraform binary the checks
// are skipped (the target's other checks still run), unless RequireEnv is "require".
func NewFuzz(f *testing.F) *Fuzz {
	f.Helper()
	z := &Fuzz{}
	if w := flag.Lookup("test.fuzzworker"); w != nil && w.Value.String() == "true" {
		z.worker = true
	}
	if _, err := exec.LookPath("terraform"); err == nil || os.Getenv(RequireEnv) == "require" {
		z.tf = Find(f)
	}
	return z
}

// Check has Terraform check cfgs, the configurations one input produced, and judge the results.
func (z *Fuzz) Check(t *testing.T, cfgs []Config, judge Judge) {
	t.Helper()
	if z.tf == nil {
		return
	}
	if z.worker {
		if problems := judge(z.tf.Check(t, cfgs, Declare)); len(problems) > 0 {
			t.Fatalf("Terraform: %s", strings.Join(problems, "\n"))
		}
		return
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.pending = append(z.pending, fuzzCheck{entry: t.Name(), cfgs: cfgs, judge: judge})
}

// Flush runs the queued checks in one batch; call it after f.Fuzz returns. It logs how many
// inputs Terraform checked and the time it took.
func (z *Fuzz) Flush(f *testing.F) {
	f.Helper()
	if z.tf == nil {
		f.Logf("no terraform binary: the corpus outputs were not given to Terraform (set %s=require to make this a failure)", RequireEnv)
		return
	}
	z.mu.Lock()
	pending := z.pending
	z.pending = nil
	z.mu.Unlock()
	if len(pending) == 0 {
		return
	}
	var all []Config
	for _, p := range pending {
		all = append(all, p.cfgs...)
	}
	results := z.tf.Check(f, all, Declare)
	at := 0
	for _, p := range pending {
		rs := results[at : at+len(p.cfgs)]
		at += len(p.cfgs)
		if problems := p.judge(rs); len(problems) > 0 {
			f.Errorf("%s: Terraform: %s", p.entry, strings.Join(problems, "\n"))
		}
	}
	f.Logf("Terraform checked what %d corpus inputs gave (%d configurations): %s", len(pending), len(all), z.tf.Spent())
}
