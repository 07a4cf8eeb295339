package stagetest

import (
	"bufio"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the expected/ directories of golden tests (the tests are then skipped)")

// Golden runs every case directory under dir. A case directory holds the pod before the run:
//
//	env               KEY=VALUE lines: KRATIX_* and the stage's settings
//	args              flags, one per line (optional)
//	input/object.yaml the input object (optional)
//	output-before/    files earlier stages left in /kratix/output (optional)
//	metadata-before/  files earlier stages left in /kratix/metadata (optional)
//
// and what it must leave:
//
//	expected/output/    every file of /kratix/output after the run
//	expected/metadata/  every file of /kratix/metadata after the run
//	expected/exit-code  the exit code
//	expected/log        the log, line by line
//
// Every case runs twice (see Idempotent). With -update, expected/ is rewritten and the test is
// skipped. A directory with no case fails: a golden runner that checks nothing must not pass.
func Golden(t *testing.T, r Runner, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("golden cases: %v", err)
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		n++
		caseDir := filepath.Join(dir, e.Name())
		t.Run(e.Name(), func(t *testing.T) { goldenCase(t, r, caseDir) })
	}
	if n == 0 {
		t.Fatalf("no golden cases in %s", dir)
	}
	if *update {
		// The whole test, not only its cases, reads as skipped: nothing was checked.
		t.Skipf("updated the golden files of %d cases in %s; run again without -update to check them", n, dir)
	}
}

// LoadFixture reads a golden case directory's "before" half.
func LoadFixture(t testing.TB, dir string) Fixture {
	t.Helper()
	fx := Fixture{Env: map[string]string{}, Output: ReadTree(t, filepath.Join(dir, "output-before")), Metadata: ReadTree(t, filepath.Join(dir, "metadata-before"))}
	if b, err := os.ReadFile(filepath.Join(dir, "input", "object.yaml")); err == nil {
		fx.Object = string(b)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "env")); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s/env: line %q is not KEY=VALUE", dir, line)
			}
			fx.Env[k] = v
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
		for _, a := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
			if a != "" {
				fx.Args = append(fx.Args, a)
			}
		}
	}
	return fx
}

func goldenCase(t *testing.T, r Runner, dir string) {
	fx := LoadFixture(t, dir)
	res := Idempotent(t, r, fx)
	gotOut, gotMeta := res.Files("output"), res.Files("metadata")
	gotLog := res.Logs
	exp := filepath.Join(dir, "expected")
	if *update {
		_ = os.RemoveAll(exp)
		writeTree(t, filepath.Join(exp, "output"), gotOut)
		writeTree(t, filepath.Join(exp, "metadata"), gotMeta)
		writeFile(t, filepath.Join(exp, "exit-code"), strconv.Itoa(res.ExitCode)+"\n")
		writeFile(t, filepath.Join(exp, "log"), gotLog)
		t.Skip("updated golden files; run again without -update to check them")
	}
	if diff := cmp.Diff(ReadTree(t, filepath.Join(exp, "output")), gotOut); diff != "" {
		t.Errorf("output: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(ReadTree(t, filepath.Join(exp, "metadata")), gotMeta); diff != "" {
		t.Errorf("metadata: -want +got:\n%s", diff)
	}
	wantCode, err := os.ReadFile(filepath.Join(exp, "exit-code"))
	if err != nil {
		t.Fatalf("expected/exit-code: %v (run with -update to create it)", err)
	}
	if got := strconv.Itoa(res.ExitCode); strings.TrimSpace(string(wantCode)) != got {
		t.Errorf("exit code: want %s, got %s\nlog:\n%s", strings.TrimSpace(string(wantCode)), got, gotLog)
	}
	wantLog, err := os.ReadFile(filepath.Join(exp, "log"))
	if err != nil {
		t.Fatalf("expected/log: %v", err)
	}
	if diff := cmp.Diff(strings.Split(string(wantLog), "\n"), strings.Split(gotLog, "\n")); diff != "" {
		t.Errorf("log lines: -want +got:\n%s", diff)
	}
}

// ReadTree reads every regular file under dir, by slash path relative to it, as Golden reads a
// case's output-before and expected/output; a dir that does not exist reads as empty, any other
// error fails the test.
func ReadTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return out
}

func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(n)), files[n])
	}
}

func writeFile(t testing.TB, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
