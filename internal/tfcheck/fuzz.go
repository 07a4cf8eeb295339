package tfcheck

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Fuzz has Terraform check what a fuzz target's inputs produce. When the target runs its corpus
// as a test (go test), the checks are queued and Flush runs them all in one batch after the
// corpus, naming the corpus entry of every failure; when it fuzzes (a worker of go test -fuzz),
// each new input is checked at once, so that the fuzzer records the input that broke. The
// committed corpus is not checked again input by input while fuzzing: go test checks it, and a
// Terraform run per entry would spend the fuzzing time re-reading the corpus.
type Fuzz struct {
	tf      *Terraform // nil: no terraform binary, and none required
	worker  bool
	corpus  map[string]bool   // the committed corpus's inputs, when fuzzing
	ws      *workspace        // where a fuzzing worker checks its inputs, one after the other
	passed  map[[32]byte]bool // configurations a fuzzing worker found fine already
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
		z.corpus = readCorpus(f, filepath.Join("testdata", "fuzz", f.Name()))
		z.ws = &workspace{root: f.TempDir()}
		z.passed = map[[32]byte]bool{}
	}
	if _, err := exec.LookPath("terraform"); err == nil || os.Getenv(RequireEnv) == "require" {
		z.tf = Find(f)
	}
	return z
}

// Check has Terraform check cfgs, the configurations one input produced, and judge the results.
// input is the fuzz target's arguments.
func (z *Fuzz) Check(t *testing.T, input []any, cfgs []Config, judge Judge) {
	t.Helper()
	if z.tf == nil {
		return
	}
	if z.worker {
		if z.corpus[corpusKey(input)] {
			return // go test checks the committed corpus
		}
		// Many inputs give the same files (and minimizing an input runs it again and again):
		// Terraform has nothing new to say about files it passed.
		key := configsKey(cfgs)
		if z.passed[key] {
			return
		}
		if problems := judge(z.tf.check(t, z.ws, cfgs, Declare)); len(problems) > 0 {
			t.Fatalf("Terraform: %s", strings.Join(problems, "\n"))
		}
		z.passed[key] = true
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

// readCorpus reads the inputs of a committed corpus directory (the "go test fuzz v1" files of
// string and []byte arguments the fuzz targets here take).
func readCorpus(t testing.TB, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return out // no committed corpus yet
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) == 0 || lines[0] != "go test fuzz v1" {
			continue
		}
		var input []any
		for _, l := range lines[1:] {
			lit, ok := strings.CutPrefix(l, "string(")
			if !ok {
				lit, ok = strings.CutPrefix(l, "[]byte(")
			}
			v, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
			if !ok || err != nil {
				input = nil
				break
			}
			input = append(input, v)
		}
		if input != nil {
			out[corpusKey(input)] = true
		}
	}
	return out
}

// corpusKey identifies an input by its values, []byte and string alike.
func corpusKey(input []any) string {
	var b strings.Builder
	for _, v := range input {
		switch x := v.(type) {
		case []byte:
			b.WriteString(strconv.Quote(string(x)))
		default:
			fmt.Fprintf(&b, "%q", x)
		}
		b.WriteByte(0)
	}
	return b.String()
}

// configsKey identifies configurations by their files.
func configsKey(cfgs []Config) [32]byte {
	h := sha256.New()
	for _, c := range cfgs {
		names := make([]string, 0, len(c.Files))
		for n := range c.Files {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(h, "%d\x00", len(names))
		for _, n := range names {
			fmt.Fprintf(h, "%d:%s%d:%s", len(n), n, len(c.Files[n]), c.Files[n])
		}
	}
	var k [32]byte
	copy(k[:], h.Sum(nil))
	return k
}
