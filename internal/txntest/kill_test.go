package txntest

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stagekit/stagekit/internal/bench"
	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk/fsys"
)

// Sizing of TestKill9. The tree is the Helm renders × 60 tenants: 780 files, 59 MB, every file
// of which label-injector rewrites, so its commit replaces 780 files (50 to 500 ms, depending on
// the machine's load). A run costs about 0.9 s of CPU (LOG_LEVEL=warn); the test makes one clean
// run, then 20 killed runs (half a run each on average, a few more when a kill aimed at the commit
// misses it) each followed by the run that recovers: about 30 runs, 30 CPU-seconds, 35 to 45 s on
// an idle 2-core machine. Copies of the tree are hard links (780 links, not 59 MB) and files are
// compared by CRC-32C, so the test's own work is a few seconds.
const (
	killTenants = 60
	kills       = 20
	// commitKills of the kills are aimed at the commit phase: after the journal appears.
	commitKills = 6
)

// TestKill9 kills a real label-injector process with SIGKILL at 20 moments of a run on a 59 MB
// tree on disk, 14 spread over the whole run and 6 over its commit, and checks after each kill
// that every file of output/ and metadata/ is either exactly as before the run or exactly as after
// a clean run (content, mode; a file is never missing or half written), and that the next run (the
// restart Kratix makes in the same pod) leaves no staging or temporary file and ends exactly as
// after a clean run.
func TestKill9(t *testing.T) {
	dir := fixtures.Dir()
	if dir == "" {
		t.Fatal("the acceptance fixtures (Helm renders) are missing: the test needs them")
	}
	work := t.TempDir()
	bin := filepath.Join(work, "label-injector")
	build := exec.Command("go", "build", "-o", bin, "./stages/labelinjector/cmd/label-injector")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	base := filepath.Join(work, "base")
	stats, err := bench.BuildTree(base, filepath.Join(dir, "kratix-marketplace", "rendered"),
		filepath.Join(dir, "kratix-marketplace", "pipeline-run-workshop-app", "input", "object.yaml"), killTenants)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tree: %s", stats)
	before := hashTree(t, base)

	// The clean run: what "after" is, how long a run takes, when its commit starts.
	tree := filepath.Join(work, "tree")
	linkTree(t, base, tree)
	start := time.Now()
	run := startStage(t, bin, tree)
	commitAt := waitJournal(tree, run)
	if err := run.wait(); err != nil {
		t.Fatalf("the clean run: %v\n%s", err, run.log.String())
	}
	took := time.Since(start)
	after := hashTree(t, tree)
	if len(diffStates(before, after)) == 0 {
		t.Fatal("the clean run changed nothing: the test checks nothing")
	}
	if commitAt == 0 {
		t.Fatal("the clean run never showed a journal: the commit phase cannot be aimed at")
	}
	commit := took - commitAt
	t.Logf("a run took %v, its commit %v", took.Round(time.Millisecond), commit.Round(time.Millisecond))

	var killed, inCommit, afterPoint int
	for i := range kills {
		aimCommit := i >= kills-commitKills
		// Spread over the first 85% of a run: a loaded machine may run faster than the clean
		// run did, and a kill after the end tests nothing.
		at := took * 85 * time.Duration(2*i+1) / time.Duration(200*(kills-commitKills))
		if aimCommit {
			// From the journal's appearance to 40% of the commit.
			k := i - (kills - commitKills)
			at = commit * 40 * time.Duration(k) / time.Duration(100*commitKills)
		}
		for attempt := 0; ; attempt++ {
			name := fmt.Sprintf("kill %d at %v", i+1, at.Round(time.Millisecond))
			if aimCommit {
				name = fmt.Sprintf("kill %d at %v into the commit", i+1, at.Round(time.Millisecond))
			}
			k := killOnce(t, bin, base, tree, at, aimCommit, before, after, name)
			if k.killed {
				killed++
			}
			if k.journal {
				inCommit++
			} else if k.staging && k.committed {
				afterPoint++
			}
			// A kill aimed at the commit that missed it (the machine was faster this time)
			// is aimed again, earlier.
			if !aimCommit || k.journal || attempt == 2 {
				break
			}
			at /= 2
		}
	}
	t.Logf("%d runs killed, %d of them during the commit (journal present), %d after its commit point", killed, inCommit, afterPoint)
	if killed < kills*3/4 || inCommit < commitKills/2 {
		t.Errorf("too few kills landed (%d killed, %d in the commit): the machine is too slow or too fast for the moments chosen", killed, inCommit)
	}
}

type killResult struct {
	killed    bool // the process died of the signal
	journal   bool // it died mid-commit, its journal left
	staging   bool // it left staging files
	committed bool // every file was as after
}

// killOnce runs the stage on a fresh copy of base, kills it at (after the journal appears, if
// inCommit), checks every file is as before or as after, then runs the stage again and checks it
// ends as after, with nothing left behind.
func killOnce(t *testing.T, bin, base, tree string, at time.Duration, inCommit bool, before, after map[string]string, name string) killResult {
	t.Helper()
	var res killResult
	_ = os.RemoveAll(tree)
	linkTree(t, base, tree)
	run := startStage(t, bin, tree)
	if inCommit && waitJournal(tree, run) == 0 {
		_ = run.wait()
		return res
	}
	time.Sleep(at)
	_ = run.cmd.Process.Signal(syscall.SIGKILL)
	err := run.wait()
	var exit *exec.ExitError
	res.killed = errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled()
	res.journal = exists(filepath.Join(tree, "output", fsys.StagingDir, "journal"))
	res.staging = exists(filepath.Join(tree, "output", fsys.StagingDir))
	got := hashTree(t, tree)
	res.committed = len(diffStates(after, withoutStagingFiles(got))) == 0
	for _, bad := range diffStates(before, withoutStagingFiles(got)) {
		if after[bad] != got[bad] {
			t.Errorf("%s: %s is neither as before (%s) nor as after (%s): %s", name, bad, show(before[bad]), show(after[bad]), show(got[bad]))
		}
	}

	// The restart.
	again := startStage(t, bin, tree)
	if err := again.wait(); err != nil {
		t.Fatalf("%s: the next run: %v\n%s", name, err, again.log.String())
	}
	got = hashTree(t, tree)
	for _, bad := range diffStates(after, got) {
		t.Errorf("%s: after the next run, %s is %s, want %s", name, bad, show(got[bad]), show(after[bad]))
	}
	return res
}

type stageRun struct {
	cmd  *exec.Cmd
	log  bytes.Buffer
	done chan error
}

func startStage(t *testing.T, bin, tree string) *stageRun {
	t.Helper()
	r := &stageRun{cmd: exec.Command(bin), done: make(chan error, 1)}
	r.cmd.Env = []string{
		"KRATIX_DIR=" + tree,
		"KRATIX_WORKFLOW_TYPE=resource",
		"KRATIX_WORKFLOW_ACTION=configure",
		"KRATIX_PROMISE_NAME=app",
		"KRATIX_OBJECT_NAME=my-app",
		"KRATIX_OBJECT_NAMESPACE=default",
		"LOG_LEVEL=warn", // 7,000 lines of label changes are not what this test reads
	}
	r.cmd.Stderr = &r.log
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	return r
}

func (r *stageRun) wait() error { return <-r.done }

// waitJournal polls for the run's journal and returns how long after the call it appeared; 0 if
// the run ended first.
func waitJournal(tree string, r *stageRun) time.Duration {
	start := time.Now()
	journal := filepath.Join(tree, "output", fsys.StagingDir, "journal")
	for {
		if exists(journal) {
			return time.Since(start)
		}
		select {
		case err := <-r.done:
			r.done <- err
			return 0
		case <-time.After(200 * time.Microsecond):
		}
	}
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// castagnoli is CRC-32C, which CPUs compute at several GB/s: the test hashes 59 MB twice per kill.
// With the size it tells apart the versions of a file this test meets (it need not resist an
// adversary).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// hashTree is the state of every directory, file and symlink under output/ and metadata/: mode
// and a hash of the content, or the link's target.
func hashTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, area := range []string{"output", "metadata"} {
		err := filepath.WalkDir(filepath.Join(root, area), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			fi, err := d.Info()
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
				out[rel] = fmt.Sprintf("dir %o", fi.Mode().Perm())
			case d.Type()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				out[rel] = "symlink to " + target
			default:
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				out[rel] = fmt.Sprintf("file %o %d bytes crc32c %08x", fi.Mode().Perm(), len(data), crc32.Checksum(data, castagnoli))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// diffStates lists the names whose state differs between two trees, sorted.
func diffStates(a, b map[string]string) []string {
	var out []string
	for n, s := range a {
		if b[n] != s {
			out = append(out, n)
		}
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func withoutStagingFiles(tr map[string]string) map[string]string {
	out := map[string]string{}
	for n, s := range tr {
		if !strings.Contains(n, fsys.StagingDir) {
			out[n] = s
		}
	}
	return out
}

func show(state string) string {
	if state == "" {
		return "missing"
	}
	if len(state) > 24 {
		return state[:24] + "…"
	}
	return state
}

// linkTree makes dst a copy of the tree src whose files are hard links to src's: a stage never
// writes a file in place (it stages a new one and renames it over), so src keeps its bytes, and a
// copy of 59 MB costs 780 links. Were a file ever written in place, src would change under the
// test and the next kill would find files that are neither as before nor as after.
func linkTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.Mkdir(target, 0o755)
		}
		return os.Link(p, target)
	})
	if err != nil {
		t.Fatal(err)
	}
}
