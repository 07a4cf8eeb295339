package labels

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8slabels "k8s.io/apimachinery/pkg/labels"
)

// The real thing decides: every selector is parsed by apimachinery's labels.Parse too, and both
// must accept or refuse it alike, read the same requirements, print the same canonical form and
// match the same label sets.

var differentialSeeds = []string{
	"", " ", "a", "!a", "a=b", "a==b", "a!=b", "a in (b)", "a notin (b,c)", "a>1", "a<-1", "a>b",
	"a in ()", "a in (,)", "a in (,,)", "a in (b,)", "a in (,b)", "a in (b,,c)", "a notin ()",
	"a=", "a==", "a!=", "a=b,", ",a", "a,,b", "a=b c", "!a=b", "!!a", "!", "=", "a=(", "a in b",
	"in", "notin", "in=in", "a in (in,notin)", "a=in", "a in", "a notin", "a in (b c)", "a in ((b))",
	"a=b\x00junk", "\x00", "a\x00=b", "!\x00a", "a in (\x00b)", "a=\x00", "a\tin\n(b)", "a.b/c=d", "A/b=c", "a_b=c_", "x/y/z", "a=b,c!=d,!e,f in (g)",
	"a<>b", "a=>b", "a=!b", "a>=1", "a!>1", "a<1,a>0", "1a=2b", "a=" + strings.Repeat("b", 63),
	"a=" + strings.Repeat("b", 64), strings.Repeat("a", 63), strings.Repeat("a", 64),
	strings.Repeat("b.", 126) + "c/d", strings.Repeat("a", 253) + "/x", strings.Repeat("a", 254) + "/x",
	strings.Repeat("a", 64) + ".b/c", "a=9223372036854775807", "a>9223372036854775808", "a>+1",
	"a in (b),a notin (c)", "a=b,a=c", "ä=b", "a=ü",
}

var differentialLabels = []map[string]string{
	nil,
	{"a": "b"},
	{"a": ""},
	{"a": "1"},
	{"a": "-1"},
	{"a": "in", "in": "in"},
	{"a": "b", "c": "d", "e": "f", "f": "g"},
	{"a.b/c": "d", "a": "9223372036854775807"},
}

func compareWithApimachinery(t *testing.T, in string) {
	t.Helper()
	mine, myErr := Parse(in)
	theirs, theirErr := k8slabels.Parse(in)
	if (myErr == nil) != (theirErr == nil) {
		t.Fatalf("Parse(%q): stagekit error %v, apimachinery error %v", in, myErr, theirErr)
	}
	if myErr != nil {
		return
	}
	reqs, _ := theirs.Requirements()
	var want []Requirement
	for _, r := range reqs {
		want = append(want, Requirement{Key: r.Key(), Operator: Operator(r.Operator()), Values: r.Values().List()})
	}
	got := mine.Requirements()
	for _, rs := range [][]Requirement{want, got} {
		for i := range rs {
			if len(rs[i].Values) == 0 {
				rs[i].Values = nil
			}
		}
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].String() < rs[j].String() })
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Parse(%q) requirements (-apimachinery +stagekit):\n%s", in, diff)
	}
	if theirs.String() != mine.String() && len(got) < 2 {
		t.Errorf("Parse(%q).String() = %q, apimachinery prints %q", in, mine.String(), theirs.String())
	}
	for _, ls := range differentialLabels {
		if m, a := mine.Matches(ls), theirs.Matches(k8slabels.Set(ls)); m != a {
			t.Errorf("Parse(%q).Matches(%v) = %v, apimachinery says %v", in, ls, m, a)
		}
	}
}

func TestParseAgreesWithApimachinery(t *testing.T) {
	for _, in := range differentialSeeds {
		compareWithApimachinery(t, in)
	}
	// Random selectors over the alphabet that matters: words, operators, separators, spaces.
	pieces := []string{"a", "b", "in", "notin", "=", "==", "!=", "!", ">", "<", "(", ")", ",", " ", "1", "-1", "x.y/z", "A", "_", ".", "\t", "\x00"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(9) + 1 {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		compareWithApimachinery(t, b.String())
	}
}

func FuzzParseAgreesWithApimachinery(f *testing.F) {
	for _, s := range differentialSeeds {
		f.Add(s)
	}
	f.Fuzz(compareWithApimachinery)
}
