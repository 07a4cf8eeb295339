package bench

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	fx "github.com/stagekit/stagekit/internal/fixtures"
)

const labelledBefore = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  template:
    metadata: {labels: {app: web}}
---
# only a comment
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: a, labels: {app.kubernetes.io/managed-by: Helm}}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: svc, namespace: a}
`

const allLabels = `{kratix.io/promise-name: app, kratix.io/resource-name: my-app, app.kubernetes.io/managed-by: kratix}`

func TestCheckLabelled(t *testing.T) {
	before, err := decodeObjects("f.yaml", []byte(labelledBefore))
	if err != nil {
		t.Fatal(err)
	}
	deploy := func(meta, tmpl string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: a, labels: " + meta + "}\nspec:\n  template:\n    metadata: {labels: " + tmpl + "}\n"
	}
	cm := func(labels string) string {
		return "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: a, labels: " + labels + "}\n"
	}
	svc := "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: svc, namespace: a, labels: " + allLabels + "}\n"
	for _, c := range []struct {
		name, reason, after string
		want                labelVerdict
		ok                  bool
	}{{
		name:   "all labelled",
		reason: "every object, the List's item and the pod template carry every label",
		after:  deploy(allLabels, allLabels) + cm(allLabels) + svc,
		want:   labelVerdict{Objects: 3, Templates: 1},
		ok:     true,
	}, {
		name:   "pod template missed",
		reason: "a labeller that only sets metadata.labels (the seed's yq expression) misses the Deployment's pods",
		after:  deploy(allLabels, "{app: web}") + cm(allLabels) + svc,
		want: labelVerdict{Objects: 3, Templates: 1, Missing: 1,
			Examples: []string{"f.yaml: apps/v1 Deployment a/web: spec.template.metadata.labels lacks kratix.io/promise-name"}},
	}, {
		name:   "old value kept",
		reason: "Helm's managed-by left in place is a label not set",
		after:  deploy(allLabels, allLabels) + cm("{kratix.io/promise-name: app, kratix.io/resource-name: my-app, app.kubernetes.io/managed-by: Helm}") + svc,
		want: labelVerdict{Objects: 3, Templates: 1, Missing: 1,
			Examples: []string{"f.yaml: v1 ConfigMap a/cm: metadata.labels lacks app.kubernetes.io/managed-by=kratix (has Helm)"}},
	}, {
		name:   "object dropped",
		reason: "an object that is no longer in the output cannot fail the label check, so it is counted on its own",
		after:  deploy(allLabels, allLabels) + svc,
		want:   labelVerdict{Objects: 2, Templates: 1, Lost: 1, Examples: []string{"v1 ConfigMap a/cm is missing from the output"}},
	}, {
		name:   "object invented",
		reason: "the output has an object the input does not",
		after:  deploy(allLabels, allLabels) + cm(allLabels) + svc + strings.Replace(cm(allLabels), "name: cm", "name: other", 1),
		want:   labelVerdict{Objects: 4, Templates: 1, Added: 1, Examples: []string{"f.yaml: v1 ConfigMap a/other is not in the input"}},
	}, {
		name:   "nothing written",
		reason: "an empty output is no success",
		after:  "",
		want: labelVerdict{Lost: 3, Examples: []string{
			"apps/v1 Deployment a/web is missing from the output", "v1 ConfigMap a/cm is missing from the output", "v1 Service a/svc is missing from the output"}},
	}} {
		t.Run(c.name, func(t *testing.T) {
			after, err := decodeObjects("f.yaml", []byte(c.after))
			if err != nil {
				t.Fatal(err)
			}
			got := checkLabelled(before, after, benchLabels)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.reason, diff)
			}
			if got.OK() != c.ok {
				t.Errorf("%s: OK() = %v, want %v (%s)", c.reason, got.OK(), c.ok, got)
			}
		})
	}
}

// TestCheckInPlaceUnreadable: a labeller that writes a file kubectl cannot read fails the
// check instead of stopping the bench.
func TestCheckInPlaceUnreadable(t *testing.T) {
	orig, got := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(orig, "a.yaml"), []byte(labelledBefore), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(got, "a.yaml"), []byte("metadata: {labels: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := readObjects(orig)
	if err != nil {
		t.Fatal(err)
	}
	res, err := checkInPlace(orig, got, before)
	if err != nil {
		t.Fatal(err)
	}
	if res.verdict.OK() || res.verdict.Unreadable == "" || !strings.HasPrefix(res.verdict.String(), "output unreadable: a.yaml") {
		t.Errorf("verdict = %+v (%s), want unreadable a.yaml", res.verdict, res.verdict)
	}
}

func TestCollateral(t *testing.T) {
	for _, c := range []struct {
		name, reason, before, after string
		added, removed              int
	}{{
		name:   "labels appended",
		reason: "new entries of the set in an existing block map are the labelling itself",
		before: "metadata:\n  name: a\n  labels:\n    app: a\n",
		after:  "metadata:\n  name: a\n  labels:\n    app: a\n    kratix.io/promise-name: app\n    kratix.io/resource-name: my-app\n    app.kubernetes.io/managed-by: kratix\n",
	}, {
		name:   "labels map created",
		reason: "a `labels:` key made to hold the set counts for nothing",
		before: "metadata:\n  name: a\nspec: {}\n",
		after:  "metadata:\n  name: a\n  labels:\n    kratix.io/promise-name: app\n    kratix.io/resource-name: 'my-app'\n    \"app.kubernetes.io/managed-by\": \"kratix\"\nspec: {}\n",
	}, {
		name:   "label overwritten and moved",
		reason: "Helm's managed-by replaced (and moved to the end) is a label line on both sides",
		before: "  labels:\n    app.kubernetes.io/managed-by: Helm\n    app: a\n",
		after:  "  labels:\n    app: a\n    app.kubernetes.io/managed-by: kratix\n    kratix.io/promise-name: app\n",
	}, {
		name:   "flow map extended",
		reason: "entries spliced into a flow map leave the line as it was once cut out",
		before: "    metadata: {labels: {app: web}}\n",
		after:  "    metadata: {labels: {app: web, kratix.io/promise-name: app, kratix.io/resource-name: my-app}}\n",
	}, {
		name:   "flow labels map added",
		reason: "a whole `labels: {…}` of the set added to a flow map",
		before: "metadata: {name: c}\n",
		after:  "metadata: {name: c, labels: {kratix.io/promise-name: app, app.kubernetes.io/managed-by: kratix}}\n",
	}, {
		name:   "label first in a flow map",
		reason: "the comma after an entry that opens the map goes with it",
		before: "labels: {a: b}\n",
		after:  "labels: {kratix.io/promise-name: app, a: b}\n",
	}, {
		name:    "comment dropped",
		reason:  "a comment the tool lost is collateral",
		before:  "# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n",
		after:   "apiVersion: v1\nkind: ConfigMap\n",
		removed: 1,
	}, {
		name:    "list re-indented",
		reason:  "a sequence indented differently is every line of it changed",
		before:  "args:\n- a\n- b\n- c\n",
		after:   "args:\n  - a\n  - b\n  - c\n",
		added:   3,
		removed: 3,
	}, {
		name:    "value requoted",
		reason:  "quoting a value that is not a label of the set is collateral",
		before:  "  version: \"1.2\"\n",
		after:   "  version: '1.2'\n",
		added:   1,
		removed: 1,
	}, {
		name:    "other label changed",
		reason:  "only the set's keys are label lines: touching another label is collateral",
		before:  "  labels:\n    app: a\n",
		after:   "  labels:\n    app: b\n",
		added:   1,
		removed: 1,
	}} {
		t.Run(c.name, func(t *testing.T) {
			cc := newCollateralCounter(benchLabels)
			cc.add([]byte(c.before), []byte(c.after))
			want := Collateral{Added: c.added, Removed: c.removed}
			if c.added+c.removed > 0 {
				want.Files = 1
			}
			if diff := cmp.Diff(want, cc.total); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.reason, diff)
			}
		})
	}
}

// TestLineDiff checks the Myers distance against the textbook O(NM) longest common subsequence
// on random small inputs (a shortest diff adds len(b)-LCS and removes len(a)-LCS lines).
func TestLineDiff(t *testing.T) {
	lcs := func(a, b []string) int {
		dp := make([][]int, len(a)+1)
		for i := range dp {
			dp[i] = make([]int, len(b)+1)
		}
		for i := len(a) - 1; i >= 0; i-- {
			for j := len(b) - 1; j >= 0; j-- {
				if a[i] == b[j] {
					dp[i][j] = dp[i+1][j+1] + 1
				} else {
					dp[i][j] = max(dp[i+1][j], dp[i][j+1])
				}
			}
		}
		return dp[0][0]
	}
	rng := rand.New(rand.NewSource(1))
	gen := func() []string {
		out := make([]string, rng.Intn(30))
		for i := range out {
			out[i] = string(rune('a' + rng.Intn(4)))
		}
		return out
	}
	for i := 0; i < 2000; i++ {
		a, b := gen(), gen()
		l := lcs(a, b)
		added, removed := lineDiff(a, b)
		if added != len(b)-l || removed != len(a)-l {
			t.Fatalf("lineDiff(%q, %q) = +%d −%d, want +%d −%d", a, b, added, removed, len(b)-l, len(a)-l)
		}
	}
}

func TestRegroup(t *testing.T) {
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
	dep := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: y\n"
	svc := "apiVersion: v1\nkind: Service\nmetadata:\n  name: z\n"
	sec := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: q\n"
	label := func(doc string) string {
		return doc + "  labels:\n    kratix.io/promise-name: app\n"
	}
	sources := []sourceFile{
		{Rel: "a.yaml", Data: []byte("---\n# only a comment\n---\n# Source: cm.yaml\n" + cm + "---\n" + dep)},
		{Rel: "b.yaml", Data: []byte(svc)},
	}
	// kustomize's legacy order puts the Service first; the Secret comes from nowhere.
	output := label(svc) + "---\n" + label(cm) + "---\n" + label(dep) + "---\n" + sec
	after, extra, err := regroup(sources, []byte(output))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a.yaml": "---\n" + label(cm) + "---\n" + label(dep),
		"b.yaml": "---\n" + label(svc),
	}
	got := map[string]string{}
	for k, v := range after {
		got[k] = string(v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("each file's objects come back in its own order, the comment-only document and comments are gone (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("---\n"+sec, string(extra)); diff != "" {
		t.Errorf("an output object of no input file is extra (-want +got):\n%s", diff)
	}
}

func TestKustomizeBuilds(t *testing.T) {
	dir := t.TempDir()
	ic := "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n"
	files := map[string]string{
		"a.yaml": ic + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
		"b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n",
		"c.yaml": "# the same IngressClass again\n" + ic,
		"d.yml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n",
		"e.txt":  "not a manifest",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := kustomizeBuilds(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a.yaml", "b.yaml", "d.yml"}, {"c.yaml"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("one build per directory, but a file whose object ID is taken goes to the next (-want +got):\n%s", diff)
	}
}

var (
	peersOnce sync.Once
	peersDir  string
	peerBins  map[string]string
	peersErr  error
)

// builtPeers builds the peer programs once per test binary.
func builtPeers(t *testing.T) map[string]string {
	t.Helper()
	peersOnce.Do(func() {
		root, err := RepoRoot(".")
		if err != nil {
			peersErr = err
			return
		}
		peersDir, peersErr = os.MkdirTemp("", "stagebench-peers-test-")
		if peersErr == nil {
			peerBins, peersErr = BuildPeers("", root, peersDir)
		}
	})
	if peersErr != nil {
		t.Fatal(peersErr)
	}
	return peerBins
}

// oneTenant copies the Helm renders into dir/output/tenant-01 (a one-tenant tree's output) and
// returns the output directory.
func oneTenant(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "output")
	if err := CopyTree(filepath.Dir(fx.Path(t, "kratix-marketplace/rendered/vault-helm.yaml")), filepath.Join(out, "tenant-01")); err != nil {
		t.Fatal(err)
	}
	return out
}

func run(t *testing.T, dir string, argv ...string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// TestPeersLabelEveryObject runs each peer as the bench does, and a deliberately wrong variant of
// each, on the Helm renders, and checks the independent check tells them apart: the peers table
// anchors on them only because they do the same job as label-injector.
func TestPeersLabelEveryObject(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the peer programs")
	}
	bins := builtPeers(t)
	orig := oneTenant(t, t.TempDir())
	before, err := readObjects(orig)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, l := range benchLabels {
		args = append(args, l.Key+"="+l.Value)
	}
	inPlace := func(t *testing.T, labeller func(out string)) peerResult {
		out := oneTenant(t, t.TempDir())
		labeller(out)
		res, err := checkInPlace(orig, out, before)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	kustomize := func(t *testing.T, edit func([]byte) []byte) peerResult {
		work := t.TempDir()
		out := oneTenant(t, work)
		builds, err := kustomizeBuilds(filepath.Join(out, "tenant-01"))
		if err != nil {
			t.Fatal(err)
		}
		root, err := layoutKustomize(out, filepath.Join(work, "kustomize"), builds)
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			ks, _ := filepath.Glob(filepath.Join(root, "*", "*", "kustomization.yaml"))
			for _, k := range ks {
				b, _ := os.ReadFile(k)
				if err := os.WriteFile(k, edit(b), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		run(t, work, "/bin/sh", "-c", kustomizeLoop, "sh", root, bins[PeerKustomize])
		res, err := checkKustomize(orig, root, builds, before)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	yq := func(t *testing.T, expr string) peerResult {
		tools, _ := FindTools(t.TempDir(), os.Getenv("STAGEBENCH_YQ"), mustRoot(t))
		if tools.YQ == "" {
			t.Skipf("mikefarah yq %s not installed (scripts/bench.sh installs it)", YQVersion)
		}
		return inPlace(t, func(out string) { run(t, out, "/bin/sh", "-c", yqLabelLoop, "sh", out, tools.YQ, expr) })
	}
	for _, c := range []struct {
		name, reason string
		labeller     func(t *testing.T) peerResult
		ok           bool
		wantMissing  string // a problem the verdict must name
	}{{
		name:   "kyaml",
		reason: "the kio pipeline sets the three labels on every object and pod template",
		labeller: func(t *testing.T) peerResult {
			return inPlace(t, func(out string) { run(t, out, append([]string{bins[PeerKYAML], out}, args...)...) })
		},
		ok: true,
	}, {
		name:   "kyaml with a label fewer",
		reason: "a pipeline asked for two labels only is caught",
		labeller: func(t *testing.T) peerResult {
			return inPlace(t, func(out string) { run(t, out, append([]string{bins[PeerKYAML], out}, args[:2]...)...) })
		},
		wantMissing: "metadata.labels lacks app.kubernetes.io/managed-by",
	}, {
		name:     "kustomize",
		reason:   "labels: with includeTemplates labels every object and pod template",
		labeller: func(t *testing.T) peerResult { return kustomize(t, nil) },
		ok:       true,
	}, {
		name:   "kustomize without templates",
		reason: "without includeTemplates kustomize leaves the pod templates alone, which the check sees",
		labeller: func(t *testing.T) peerResult {
			return kustomize(t, func(b []byte) []byte {
				return []byte(strings.Replace(string(b), "includeTemplates: true", "includeTemplates: false", 1))
			})
		},
		wantMissing: "spec.template.metadata.labels lacks",
	}, {
		name:     "yq loop",
		reason:   "the bench's yq expression labels the pod templates too",
		labeller: func(t *testing.T) peerResult { return yq(t, yqLabelExpr) },
		ok:       true,
	}, {
		name:   "yq loop, metadata only",
		reason: "the seed's expression (metadata.labels only) misses every pod template",
		labeller: func(t *testing.T) peerResult {
			return yq(t, `.metadata.labels."kratix.io/promise-name" = "app" | .metadata.labels."kratix.io/resource-name" = "my-app" | `+
				`.metadata.labels."app.kubernetes.io/managed-by" = "kratix"`)
		},
		wantMissing: "spec.template.metadata.labels lacks",
	}} {
		t.Run(c.name, func(t *testing.T) {
			res := c.labeller(t)
			if res.verdict.OK() != c.ok {
				t.Fatalf("%s: verdict %q, OK() = %v, want %v", c.reason, res.verdict, res.verdict.OK(), c.ok)
			}
			if c.ok && (res.verdict.Objects != len(before) || res.verdict.Templates == 0) {
				t.Errorf("%s: checked %d objects and %d templates, the input has %d objects", c.reason, res.verdict.Objects, res.verdict.Templates, len(before))
			}
			if !c.ok && !strings.Contains(res.verdict.String(), c.wantMissing) {
				t.Errorf("%s: verdict %q does not name %q", c.reason, res.verdict, c.wantMissing)
			}
			if c.ok && res.collateral.Lines() == 0 {
				t.Errorf("%s: no collateral at all, but every peer reformats something: %+v", c.reason, res.collateral)
			}
			t.Logf("%s: %s; collateral %s", c.name, res.verdict, res.collateral)
		})
	}
}

func mustRoot(t *testing.T) string {
	t.Helper()
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestPeersStayOutOfStages: the peers' libraries (kustomize, kyaml) and the check's reader
// (apimachinery) are for the bench only; no stage binary and no SDK package links them.
func TestPeersStayOutOfStages(t *testing.T) {
	root := mustRoot(t)
	deps := func(pkgs ...string) []string {
		cmd := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", strings.Join(pkgs, " "), err, out)
		}
		return strings.Fields(string(out))
	}
	banned := []string{"sigs.k8s.io/kustomize/", "k8s.io/apimachinery/"}
	hits := func(list []string) []string {
		var out []string
		for _, d := range list {
			for _, b := range banned {
				if strings.HasPrefix(d, b) {
					out = append(out, d)
				}
			}
		}
		return out
	}
	pkgs := []string{"./sdk/..."}
	for _, s := range Stages {
		pkgs = append(pkgs, fmt.Sprintf("./stages/%s/cmd/%s", strings.ReplaceAll(s, "-", ""), s))
	}
	if got := hits(deps(pkgs...)); len(got) > 0 {
		t.Errorf("the SDK or a stage binary links bench-only packages: %s", strings.Join(got, ", "))
	}
	// The check above is not vacuous: the peer programs do link them.
	if got := hits(deps("./internal/bench/cmd/" + PeerKustomize)); len(got) == 0 {
		t.Errorf("%s links no kustomize package: the banned prefixes are out of date", PeerKustomize)
	}
}

// TestFailedRunReported: a subject with failed set records a run that exits wrongly (with the
// error it logged) and the group goes on; without it, the group stops with the error.
func TestFailedRunReported(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	s := &suite{cfg: Config{}, work: t.TempDir(), rep: &Report{}, logf: t.Logf}
	failing := func(run string) ([]Step, error) {
		return []Step{{Name: "boom", Argv: []string{sh, "-c", "echo 'INFO starting' >&2; echo 'ERROR boom: out/a.yaml:3: bad' >&2; exit 3"}}}, nil
	}
	var failed string
	sm, err := s.runGroup("g", 2, []subject{{label: "boom", prepare: failing, failed: &failed}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sm[0].cpu) != 2 {
		t.Errorf("%d samples, want both runs", len(sm[0].cpu))
	}
	if got, want := failure(failed), "boom: exit 3: ERROR boom: out/a.yaml:3: bad"; got != want {
		t.Errorf("failure = %q, want %q", got, want)
	}
	if c := ranCheck(failed); c.Met || !c.Wrong {
		t.Errorf("ranCheck = %+v, want a wrong, unmet check", c)
	}
	if _, err := s.runGroup("g", 1, []subject{{label: "boom", prepare: failing}}); err == nil || !strings.Contains(err.Error(), "boom: exit 3") {
		t.Errorf("without failed: err = %v, want the group to stop on exit 3", err)
	}
}
