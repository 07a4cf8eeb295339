package bench

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Collateral is what a labeller changed besides the labels: the lines of a line diff of each
// file before and after, once the label entries of the set are taken out of both sides (see
// labelLines). A labeller that only adds labels scores 0.
type Collateral struct {
	Added, Removed int // lines
	Files          int // files with at least one such line
}

// Lines is the number of lines changed besides the labels (added + removed, as `git diff
// --stat` counts them).
func (c Collateral) Lines() int { return c.Added + c.Removed }

func (c Collateral) String() string {
	if c.Lines() == 0 {
		return "0"
	}
	return fmt.Sprintf("%s (+%s −%s in %d %s)", thousands(int64(c.Lines())), thousands(int64(c.Added)), thousands(int64(c.Removed)),
		c.Files, plural(c.Files, "file", "files"))
}

// labelEntry matches one entry of a label of the set, block (`key: value`) or flow (`key: value,`
// inside `{…}`), its key and value quoted or not, whatever the value (an overwritten
// `app.kubernetes.io/managed-by: Helm` is a label line too).
func labelEntry(keys []string) *regexp.Regexp {
	var alts []string
	for _, k := range keys {
		alts = append(alts, regexp.QuoteMeta(k))
	}
	key := `["']?(?:` + strings.Join(alts, "|") + `)["']?`
	value := `(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,}\s]*)`
	kv := key + `\s*:\s*` + value
	// A leading comma goes with the entry when there is one, else a trailing one: `{a: b, k: v,
	// c: d}` and `{k: v, c: d}` both keep their other entries' separators.
	return regexp.MustCompile(`,\s*` + kv + `|` + kv + `\s*,?\s*`)
}

var (
	emptyLabelsMap = regexp.MustCompile(`,\s*["']?labels["']?\s*:\s*\{\s*\}|["']?labels["']?\s*:\s*\{\s*\}\s*,?\s*`)
	braceSpace     = regexp.MustCompile(`\{\s+|\s+\}`)
	labelsKeyOnly  = regexp.MustCompile(`^\s*["']?labels["']?\s*:\s*\{?\s*$`)
)

// labelLines normalises the lines of a file for the collateral diff: label entries of the set
// are cut out of every line (an edited flow map `labels: {a: b, kratix.io/…: x}` reads as
// `labels: {a: b}`, and a `labels: {}` left empty by the cut goes too), and lines that held
// nothing else, or only a `labels:` key, are dropped. Both sides are normalised alike, so adding,
// overwriting or reordering labels of the set counts for nothing, and everything else counts.
func labelLines(data []byte, entry *regexp.Regexp) []string {
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(data) == 0 {
		lines = nil
	}
	out := lines[:0:0]
	for _, l := range lines {
		cut := entry.ReplaceAllString(l, "")
		if cut != l {
			cut = emptyLabelsMap.ReplaceAllString(cut, "")
			cut = braceSpace.ReplaceAllStringFunc(cut, strings.TrimSpace)
			if t := strings.TrimSpace(cut); t == "" || t == "-" {
				continue
			}
		}
		if labelsKeyOnly.MatchString(cut) {
			continue
		}
		out = append(out, strings.TrimRight(cut, " \t,"))
	}
	return out
}

// collateralCounter counts collateral file by file, remembering the answer for a (before,
// after) pair it has seen: the tenants' copies are identical, and so is what a deterministic
// tool makes of them.
type collateralCounter struct {
	entry *regexp.Regexp
	seen  map[[2][32]byte][2]int
	total Collateral
}

func newCollateralCounter(labels []label) *collateralCounter {
	var keys []string
	for _, l := range labels {
		keys = append(keys, l.Key)
	}
	return &collateralCounter{entry: labelEntry(keys), seen: map[[2][32]byte][2]int{}}
}

// add counts one file (before nil: a file the tool created; after nil: one it removed).
func (c *collateralCounter) add(before, after []byte) {
	key := [2][32]byte{sha256.Sum256(before), sha256.Sum256(after)}
	r, ok := c.seen[key]
	if !ok {
		r[0], r[1] = lineDiff(labelLines(before, c.entry), labelLines(after, c.entry))
		c.seen[key] = r
	}
	c.total.Added += r[0]
	c.total.Removed += r[1]
	if r[0]+r[1] > 0 {
		c.total.Files++
	}
}

// lineDiff is the size of a shortest line diff from a to b: lines added and removed (Myers'
// O((N+M)D) algorithm, which needs only the length of the edit script).
func lineDiff(a, b []string) (added, removed int) {
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return m, n
	}
	// Lines as integers: comparing ints in the inner loop, not strings.
	ids := map[string]int32{}
	intern := func(s []string) []int32 {
		out := make([]int32, len(s))
		for i, l := range s {
			id, ok := ids[l]
			if !ok {
				id = int32(len(ids))
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x1, y1 := intern(a), intern(b)
	limit := n + m
	off := limit + 1
	v := make([]int32, 2*limit+3)
	for d := 0; d <= limit; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			for x < n && y < m && x1[x] == y1[y] {
				x++
				y++
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				// d = added + removed, m - n = added - removed.
				return (d + m - n) / 2, (d - m + n) / 2
			}
		}
	}
	return m, n // not reached: d = n + m always ends the search
}

// yamlDocs splits a YAML stream into documents the way kubectl does (apimachinery's
// YAMLReader: `---` lines separate documents).
func yamlDocs(data []byte) ([][]byte, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, doc)
	}
}

// docID is the ID of a document holding one object, "" for anything else.
func docID(doc []byte) string {
	var m map[string]any
	if err := yaml.Unmarshal(doc, &m); err != nil || m == nil {
		return ""
	}
	if k, _ := m["kind"].(string); k == "" {
		return ""
	}
	return object{Obj: m}.ID()
}

// sourceFile is one input file of a build.
type sourceFile struct {
	Rel  string
	Data []byte
}

// regroup rebuilds, from the output stream of a build whose inputs were sources, what the build
// made of each source file: its objects' output documents in the file's own order, each after a
// `---` line. kustomize reorders objects across its inputs (legacy order by kind), which a line
// diff would count as rewriting every line; matched by ID, only what changed inside an object,
// and what the build dropped (comment-only documents, the separators' comments), counts. Output
// documents that match no input object come back as extra.
func regroup(sources []sourceFile, output []byte) (after map[string][]byte, extra []byte, err error) {
	type place struct {
		file string
		doc  int
	}
	where := map[string]place{}
	docsOf := map[string]int{}
	for _, s := range sources {
		docs, err := yamlDocs(s.Data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.Rel, err)
		}
		docsOf[s.Rel] = len(docs)
		for i, d := range docs {
			if id := docID(d); id != "" {
				where[id] = place{s.Rel, i}
			}
		}
	}
	out, err := yamlDocs(output)
	if err != nil {
		return nil, nil, fmt.Errorf("build output: %w", err)
	}
	slots := map[string][][]byte{}
	for _, s := range sources {
		slots[s.Rel] = make([][]byte, docsOf[s.Rel])
	}
	var ex bytes.Buffer
	for _, d := range out {
		p, ok := where[docID(d)]
		if !ok || slots[p.file][p.doc] != nil {
			ex.WriteString("---\n")
			ex.Write(d)
			continue
		}
		slots[p.file][p.doc] = d
	}
	after = map[string][]byte{}
	for _, s := range sources {
		var b bytes.Buffer
		for _, d := range slots[s.Rel] {
			if d != nil {
				b.WriteString("---\n")
				b.Write(d)
			}
		}
		after[s.Rel] = b.Bytes()
	}
	return after, ex.Bytes(), nil
}
