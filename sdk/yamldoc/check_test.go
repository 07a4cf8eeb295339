package yamldoc

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestCheckedParseIsAsStrict holds the read-back check's parse (a fast parser given the value
// the document must read as, which swaps each subtree it proves equal for that value's) to
// the plain parse: for random documents A and B (B is A with one character changed, or A
// itself), parsing A checked against B's tree gives a tree equal to B's exactly when A's
// plain tree is.
func TestCheckedParseIsAsStrict(t *testing.T) {
	g := &docGen{r: rand.New(rand.NewPCG(*genSeed, 3))}
	parse := func(p *fastParser, src string) (*node, bool) {
		b := []byte(src)
		return p.parse(b, 0, len(b), 1)
	}
	const alnum = "abcxyz019"
	same, differ := 0, 0
	for i := 0; i < *genDocs; i++ {
		a := g.document()
		b := a
		if len(a) > 0 && g.chance(0.7) {
			j := g.r.IntN(len(a))
			b = a[:j] + string(alnum[g.r.IntN(len(alnum))]) + a[j+1:]
		}
		na, okA := parse(&fastParser{arena: &arena{}}, a)
		nb, okB := parse(&fastParser{arena: &arena{}}, b)
		if !okA || !okB || na == nil || nb == nil {
			continue
		}
		want := equalNodes(na, nb)
		p := &fastParser{arena: &arena{}, check: nb}
		n, ok := parse(p, a)
		if !ok {
			t.Fatalf("document %d: the checked parse gave up on %q, the plain one did not", i, a)
		}
		if got := equalNodes(n, nb); got != want {
			t.Fatalf("document %d: checked against %q, %q reads as equal: %v; plain parse: %v", i, b, a, got, want)
		}
		if want {
			same++
		} else {
			differ++
		}
	}
	t.Logf("%d documents read back as the value checked, %d did not", same, differ)
	if same < *genDocs/10 || differ < *genDocs/10 {
		t.Errorf("too few of each: %d equal, %d different", same, differ)
	}
}

// TestCheckedJSONParseIsAsStrict is TestCheckedParseIsAsStrict for JSON documents (the JSON
// of random YAML documents, with one character changed or not).
func TestCheckedJSONParseIsAsStrict(t *testing.T) {
	g := &docGen{r: rand.New(rand.NewPCG(*genSeed, 4))}
	parse := func(p *jsonParser, src string) *node {
		n, err := p.parse([]byte(src), 0, 1, 0)
		if err != nil {
			return nil
		}
		return n
	}
	const alnum = "abcxyz019"
	same, differ := 0, 0
	for i := 0; i < *genDocs; i++ {
		y := []byte(g.document())
		root, ok := (&fastParser{arena: &arena{}}).parse(y, 0, len(y), 1)
		if !ok || root == nil {
			continue
		}
		js, err := Node{n: root}.JSON()
		if err != nil {
			continue
		}
		a, b := string(js), string(js)
		if g.chance(0.7) {
			j := g.r.IntN(len(a))
			b = a[:j] + string(alnum[g.r.IntN(len(alnum))]) + a[j+1:]
		}
		na, nb := parse(&jsonParser{arena: &arena{}}, a), parse(&jsonParser{arena: &arena{}}, b)
		if na == nil || nb == nil {
			continue
		}
		want := equalNodes(na, nb)
		n := parse(&jsonParser{arena: &arena{}, check: nb}, a)
		if n == nil {
			t.Fatalf("document %d: the checked parse failed on %q, the plain one did not", i, a)
		}
		if got := equalNodes(n, nb); got != want {
			t.Fatalf("document %d: checked against %q, %q reads as equal: %v; plain parse: %v", i, b, a, got, want)
		}
		if want {
			same++
		} else {
			differ++
		}
	}
	t.Logf("%d documents read back as the value checked, %d did not", same, differ)
	if same < *genDocs/10 || differ < *genDocs/20 {
		t.Errorf("too few of each: %d equal, %d different", same, differ)
	}
}

// TestCheckedParseHoldsLittle: checked against an equal value, the parse hands every
// proven subtree back to its arena, so it ends holding a few nodes, not a second tree.
func TestCheckedParseHoldsLittle(t *testing.T) {
	src := largeList(100000)
	plain := &fastParser{arena: &arena{}}
	want, ok := plain.parse(src, 0, len(src), 1)
	if !ok {
		t.Fatal("the fast parser gave up")
	}
	p := &fastParser{arena: &arena{}, check: want}
	got, ok := p.parse(src, 0, len(src), 1)
	if !ok || !equalNodes(got, want) {
		t.Fatal("the checked parse does not read as the plain one")
	}
	for i := 1; i < len(got.children); i += 2 {
		if got.children[i] != want.children[i] {
			t.Errorf("value %d of the root was not swapped for the value it equals", i/2)
		}
	}
	held := len(p.arena.nodes)
	for _, c := range p.arena.full.nodes {
		held += len(c)
	}
	if held > 100 {
		t.Errorf("the checked parse holds %d nodes", held)
	}
}

// TestNodeSize: a large document's memory is mostly its nodes (a 30 MB one has a million).
func TestNodeSize(t *testing.T) {
	if s := unsafe.Sizeof(node{}); s > 64 {
		t.Errorf("a node takes %d bytes, want at most 64", s)
	}
}
