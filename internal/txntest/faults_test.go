package txntest

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/stages/enforcetags"
	"github.com/stagekit/stagekit/stages/labelinjector"
	"github.com/stagekit/stagekit/stages/replicamigration"
	"github.com/stagekit/stagekit/stages/secretforbidder"
	"github.com/stagekit/stagekit/stages/terraformgenerate"
)

// stages are the five prebuilt stages with their package directories. Their golden cases are in
// testdata/golden there, and run from there: a setting may name a file relative to it
// (terraform-generate's MODULE_VARIABLES=testdata/variables).
var stages = []struct {
	name  string
	stage stagetest.Runner
	dir   string
}{
	{"label-injector", labelinjector.Stage, "../../stages/labelinjector"},
	{"secret-forbidder", secretforbidder.Stage, "../../stages/secretforbidder"},
	{"replica-migration", replicamigration.Stage, "../../stages/replicamigration"},
	{"enforce-tags", enforcetags.Stage, "../../stages/enforcetags"},
	{"terraform-generate", terraformgenerate.Stage, "../../stages/terraformgenerate"},
}

const golden = "testdata/golden"

// changeWords are what the stages' change lines say, each in at least one golden case: a failed
// run must log none of them. Checking the words as well as the changes a clean run reports
// catches a stage that logs a change directly instead of reporting it.
var changeWords = []string{
	"label overwritten:",                     // label-injector, at DEBUG
	"; it was ",                              // label-injector, the line per label key and file
	": removed ",                             // secret-forbidder, MODE=remove
	"removed: the plaintext of ",             // secret-forbidder, a file a generator read
	"kept: read by the removed ",             // secret-forbidder, a file another generator reads
	"removed the whole of document ",         // secret-forbidder, text shared through an anchor
	"replicas unset (1) -> ",                 // replica-migration
	": replicas 1 -> ",                       // replica-migration
	"minReplicas 1 -> ",                      // replica-migration, an autoscaler
	"wrote module ",                          // terraform-generate
	"added enforced tags:",                   // enforce-tags
	"overrides the request's value",          // enforce-tags
	"wrapped in merge(..., {enforced tags})", // enforce-tags
}

var (
	wordsMu   sync.Mutex
	wordsSeen = map[string]bool{}
)

// errnos are the ways a disk refuses a write.
var errnos = []syscall.Errno{syscall.EACCES, syscall.EROFS, syscall.ENOSPC, syscall.EIO}

// armed runs a stage on a tree whose fault injection is armed but never fires, so that the
// golden cases also pin the path the fault runs take.
type armed struct{ stagetest.Runner }

func (a armed) Execute(inv sdk.Invocation) sdk.Result {
	m := inv.FS.(*fsys.MemFS)
	m.Inject(fsys.Fault{N: math.MaxInt, Err: syscall.EIO})
	m.LimitSpace(math.MaxInt64)
	return a.Runner.Execute(inv)
}

// TestGoldenThroughFaultInjection: a run with fault injection armed (and never firing) gives
// exactly each stage's golden result.
func TestGoldenThroughFaultInjection(t *testing.T) {
	for _, s := range stages {
		t.Run(s.name, func(t *testing.T) {
			t.Chdir(s.dir)
			stagetest.Golden(t, armed{s.stage}, golden)
		})
	}
}

// TestEveryWriteFails runs every golden case of every stage, then runs it again failing each
// operation that writes (create, write, rename, link, remove, mkdir) in turn with every errno a
// disk gives, and again with a disk that fills up part way. Each run must exit non-zero, leave
// output/ and metadata/ exactly as before (contents, modes, symlinks, directories), leave no
// staging or temporary file, name an output or metadata file in its error (never a staging
// name), and log none of the changes it would have made.
//
// A failure after the commit point (removing the staging files of a committed run) or while
// dropping the staging files of a failed run cannot leave the tree as before: the run has
// committed, or there is nothing left to undo. There the run must still exit non-zero (so the
// work-writer never ships the leftovers), the tree must be the committed one (or the one before),
// and the restart Kratix makes must remove the leftovers and reach the clean run's result.
//
// Each case also runs in a variant with a 0600 file and a symlink added, so that modes and links
// are checked to survive too.
func TestEveryWriteFails(t *testing.T) {
	total := 0
	t.Cleanup(func() {
		for _, w := range changeWords {
			if !wordsSeen[w] {
				t.Errorf("no clean run logged a change saying %q: the check for it checks nothing", w)
			}
		}
	})
	for _, s := range stages {
		t.Run(s.name, func(t *testing.T) {
			// The cases run in parallel, after this function returns and before the
			// directory is changed back.
			t.Chdir(s.dir)
			cases, err := os.ReadDir(golden)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				if !c.IsDir() {
					continue
				}
				fx := stagetest.LoadFixture(t, filepath.Join(golden, c.Name()))
				for _, v := range variants(fx) {
					total++
					t.Run(c.Name()+"/"+v.name, func(t *testing.T) {
						t.Parallel()
						checkFaults(t, s.stage, fx, v.tree)
					})
				}
			}
		})
	}
	if total < 200 {
		t.Fatalf("only %d cases found: the golden directories moved?", total)
	}
}

type variant struct {
	name string
	tree func() *fsys.MemFS
}

func variants(fx stagetest.Fixture) []variant {
	out := []variant{{"as-golden", fx.FS}}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range fx.Output {
			if !yield(n) {
				return
			}
		}
	})
	if len(names) == 0 {
		return out
	}
	first := names[0]
	return append(out, variant{"with-0600-file-and-symlink", func() *fsys.MemFS {
		m := fx.FS()
		if err := m.Chmod("output/"+first, 0o600); err != nil {
			panic(err)
		}
		if err := m.Symlink(first, "output/zz-link"+path.Ext(first)); err != nil {
			panic(err)
		}
		return m
	}})
}

func checkFaults(t *testing.T, stage stagetest.Runner, fx stagetest.Fixture, newTree func() *fsys.MemFS) {
	m := newTree()
	before := tree(t, m)
	ops, written := m.Mutations(), m.Written()
	clean := stagetest.RunOn(t, stage, m, fx.Env, fx.Args)
	ops, written = m.Mutations()-ops, m.Written()-written
	after := tree(t, m)
	checkNoStaging(t, after, "the clean run")
	wordsMu.Lock()
	for _, c := range clean.Changes {
		for _, w := range changeWords {
			if strings.Contains(c.String(), w) {
				wordsSeen[w] = true
			}
		}
	}
	wordsMu.Unlock()

	type fault struct {
		name   string
		inject func(m *fsys.MemFS)
	}
	var faults []fault
	for i := 1; i <= ops; i++ {
		for _, e := range errnos {
			f := fsys.Fault{N: i, Err: e}
			faults = append(faults, fault{f.String(), func(m *fsys.MemFS) { m.Inject(f) }})
		}
	}
	for i := range int64(8) {
		if written == 0 {
			break // nothing to fill the disk with
		}
		n := written * i / 8
		faults = append(faults, fault{fmt.Sprintf("disk full after %d of %d bytes", n, written), func(m *fsys.MemFS) { m.LimitSpace(n) }})
	}
	t.Logf("%d operations, %d bytes: %d faulty runs", ops, written, len(faults))
	for _, f := range faults {
		m := newTree()
		f.inject(m)
		res := stagetest.RunOn(t, stage, m, fx.Env, fx.Args)
		got := tree(t, m)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("%s: %s\nlog:\n%s", f.name, fmt.Sprintf(format, args...), res.Logs)
		}
		if res.ExitCode == sdk.ExitOK {
			fail("exit 0 although an operation failed")
			continue
		}
		errs := res.Errors()
		for _, e := range errs {
			if strings.Contains(e, fsys.StagingDir) || strings.Contains(e, ".stagekit-tmp") {
				fail("an error names a staging file: %s", e)
			}
		}
		if !slices.ContainsFunc(errs, func(e string) bool {
			return strings.HasPrefix(e, "output/") || strings.HasPrefix(e, "metadata/") || strings.Contains(e, " output/") || strings.Contains(e, " metadata/")
		}) {
			fail("no error names an output or metadata file: %q", errs)
		}
		committed := slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, "were committed") })
		leftovers := committed || slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, "staging files could not be removed") })
		switch {
		case committed:
			if diff := cmp.Diff(after, withoutStaging(got)); diff != "" {
				fail("committed, but not the clean run's tree: -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(clean.Changes, res.Changes); diff != "" {
				fail("committed, but not the clean run's changes logged: -want +got:\n%s", diff)
			}
		case leftovers:
			if diff := cmp.Diff(before, withoutStaging(got)); diff != "" {
				fail("the tree changed: -before +after:\n%s", diff)
			}
		default:
			if diff := cmp.Diff(before, got); diff != "" {
				fail("the tree changed: -before +after:\n%s", diff)
			}
		}
		if !committed {
			if len(res.Changes) > 0 {
				fail("changes reported as committed: %v", res.Changes)
			}
			for _, c := range clean.Changes {
				if strings.Contains(res.Logs, c.String()) {
					fail("a change that was not made is logged: %s", c)
				}
			}
			for _, l := range res.LogLines() {
				for _, w := range changeWords {
					if !strings.HasPrefix(l, "ERROR ") && strings.Contains(l, w) {
						fail("a change that was not made is logged: %s", l)
					}
				}
			}
		}
		if leftovers {
			// Kratix restarts the failed stage in the same pod: the restart removes the
			// leftovers and ends as the clean run did.
			m.Inject(fsys.Fault{})
			m.LimitSpace(-1)
			again := stagetest.RunOn(t, stage, m, fx.Env, fx.Args)
			if again.ExitCode != clean.ExitCode {
				fail("the restart exited %d, the clean run %d:\n%s", again.ExitCode, clean.ExitCode, again.Logs)
			}
			if diff := cmp.Diff(after, tree(t, m)); diff != "" {
				fail("after the restart: -want +got:\n%s", diff)
			}
		}
	}
}

func checkNoStaging(t *testing.T, tr map[string]string, what string) {
	t.Helper()
	for name := range tr {
		if strings.Contains(name, fsys.StagingDir) || fsys.IsTemp(name) {
			t.Errorf("%s left %s", what, name)
		}
	}
}

// tree describes every directory, file and symlink of f: modes, contents, link targets.
func tree(t testing.TB, f fsys.FS) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(dir string)
	walk = func(dir string) {
		entries, err := f.ReadDir(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, e := range entries {
			name := path.Join(dir, e.Name())
			fi, err := f.Lstat(name)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case fi.IsDir():
				out[name] = fmt.Sprintf("dir %o", fi.Mode().Perm())
				walk(name)
			case fi.Mode()&fs.ModeSymlink != 0:
				target, err := f.ReadLink(name)
				if err != nil {
					t.Fatal(err)
				}
				out[name] = "symlink to " + target
			default:
				data, err := f.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				out[name] = fmt.Sprintf("file %o %q", fi.Mode().Perm(), data)
			}
		}
	}
	walk(".")
	return out
}

func withoutStaging(tr map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range tr {
		if !strings.Contains(k, fsys.StagingDir) {
			out[k] = v
		}
	}
	return out
}
