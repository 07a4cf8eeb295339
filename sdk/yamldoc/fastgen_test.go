package yamldoc

import (
	"flag"
	"math/rand/v2"
	"strings"
	"testing"
)

var (
	genDocs = flag.Int("gendocs", 3000, "random documents TestFastParseRandomDocuments checks")
	genSeed = flag.Uint64("genseed", 1, "seed of TestFastParseRandomDocuments")
)

// docGen writes random documents in the style Kubernetes tooling writes, with the corner cases
// of the constructs the fast parser accepts, and now and then a mistake.
type docGen struct {
	r *rand.Rand
	b strings.Builder
}

func (g *docGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g *docGen) chance(p float64) bool { return g.r.Float64() < p }

var (
	genWords = []string{"app", "nginx", "x1", "registry.k8s.io/ingress-nginx/controller:v1.2.3", "ClusterIP", "80", "a", "name", "app.kubernetes.io/name", "x y", "é", "日本", "a:b", "a#b", "http://x:80/y", "-x", ":x", "?x",
		"--flag=1", "a,b", "a[0]", "{x}", "x  y", "~", "null", "Null", "true", "False", "yes", "on", "<<", "1", "-1", "+1", "0x1F",
		"0o17", "0b101", "1_000", "08", "0755", ".5", "1.", "1e3", "1e400", ".inf", "-.Inf", ".nan", "2001-12-14",
		"2001-12-14 21:59:43.10", "123456789012345678901234567890", "100m", "128Mi", "v1.2.3", "x -", "x :y", "x-", "a!", "a&b"}
	genQuoted = []string{"''", "'it''s'", "'a #b'", "'x: y'", "' lead'", "'trail '", "'\ttab'", `""`, `"x"`, `"a\"b"`, `"\t\n\\"`,
		`"\x41\u00e9\U0001F600"`, `"\N\_\L\P"`, `"a\ b"`, `"é"`, `"'"`, `"#"`}
)

// scalar returns a scalar and whether it is plain; now and then one the fast parser leaves to
// yaml.v3.
func (g *docGen) scalar() (string, bool) {
	if g.chance(0.03) {
		return g.pick(`"\/"`, `"\ud800"`, "a\tb", "&a x", "!!str x", "*a", "? x"), false
	}
	if g.chance(0.25) {
		return g.pick(genQuoted...), false
	}
	w := g.pick(genWords...)
	if g.chance(0.2) {
		w += " " + g.pick(genWords...)
	}
	return w, true
}

func (g *docGen) key() string {
	k := g.pick("a", "b", "c", "name", "image", "labels", "spec", "é", "x y", "1", "true", "null", "a:b", "a#b", "-k", "k.v/w", "<<")
	if g.chance(0.15) {
		k = g.pick(genQuoted...)
	}
	if g.chance(0.97) {
		k += "_" + string(rune('a'+g.r.IntN(26))) + string(rune('a'+g.r.IntN(26))) + string(rune('a'+g.r.IntN(26)))
		if k[0] == '\'' || k[0] == '"' {
			k = k[:1] + k[len(k)-4:] + k[1:len(k)-4]
		}
	}
	return k
}

func (g *docGen) nl() {
	if g.chance(0.1) {
		g.b.WriteString(g.pick("", " ", "   ") + "\n")
	}
	if g.chance(0.1) {
		g.b.WriteString(strings.Repeat(" ", g.r.IntN(6)) + "# " + g.pick("c", "x: y", "- z", "'q") + "\n")
	}
}

func (g *docGen) comment() string {
	if g.chance(0.15) {
		return g.pick(" # c", "  #x", " #")
	}
	return ""
}

// blockScalar writes a block scalar header and content lines at indent.
func (g *docGen) blockScalar(indent int) {
	g.b.WriteString(g.pick("|", ">", "|-", ">-", "|+", ">+", "|2", ">1-", "|+1"))
	g.b.WriteString(g.comment())
	g.b.WriteByte('\n')
	ind := indent + 1 + g.r.IntN(3)
	for n := g.r.IntN(5); n >= 0; n-- {
		switch g.r.IntN(6) {
		case 0:
			g.b.WriteString(strings.Repeat(" ", g.r.IntN(ind+3)) + "\n")
		case 1:
			g.b.WriteString(strings.Repeat(" ", ind+1+g.r.IntN(2)) + g.pick("more", "\tx", "# not a comment") + "\n")
		default:
			g.b.WriteString(strings.Repeat(" ", ind) + g.pick("line", "a b", "x: y", "- z", "  trail  ", "é") + "\n")
		}
	}
}

func (g *docGen) flow(depth int) string {
	if depth > 2 || g.chance(0.3) {
		return g.pick("{}", "[]", "[a, b]", "{a: 1}", `{"a":1,"b":[true,null]}`, "[ 'x' , \"y\" ]", "[a,]", "{a: 1,}", "[a b, c]")
	}
	var parts []string
	isMap := g.chance(0.5)
	for n := 1 + g.r.IntN(3); n > 0; n-- {
		v := g.flow(depth + 1)
		if g.chance(0.5) {
			v = g.pick("1", "x", `"q"`, "'s'", "-1", "a b", "é", "true")
		}
		if isMap {
			k := g.pick("k%c", `"k%c"`, "'k%c'", "x y%c", "é%c")
			k = strings.Replace(k, "%c", string(rune('a'+len(parts))), 1)
			sep := ": "
			if k[0] == '"' && g.chance(0.5) {
				sep = ":"
			}
			parts = append(parts, k+sep+v)
		} else {
			parts = append(parts, v)
		}
	}
	sep := g.pick(", ", ",", ",\n  ", " ,")
	if isMap {
		return "{" + strings.Join(parts, sep) + "}"
	}
	return "[" + strings.Join(parts, sep) + "]"
}

// value writes what follows "key:" or "- " for a collection at indent.
func (g *docGen) value(indent, depth int, inSeq bool) {
	switch k := g.r.IntN(10); {
	case depth > 4 || k < 3:
		v, plain := g.scalar()
		c := g.comment()
		if g.chance(0.1) && (v[0] == '\'' || v[0] == '"') && len(v) > 2 { // a multi-line quoted scalar
			v = v[:len(v)-1] + g.pick("\n", " \n\n", "\t\n  \n") + strings.Repeat(" ", g.r.IntN(indent+3)) + g.pick("more", "x y", "- z", "q", "w\\\n z") + v[len(v)-1:]
		}
		g.b.WriteString(" " + v + c + "\n")
		if plain && c == "" && g.chance(0.1) { // a multi-line plain scalar
			g.b.WriteString(g.pick("", "\n", "  \n\n") + strings.Repeat(" ", indent+1+g.r.IntN(3)) + g.pick("more", "x y", "- z", "q'", "w\"", "a #b") + "\n")
		}
	case k == 3:
		g.b.WriteString(" " + g.flow(0) + g.comment() + "\n")
	case k == 4:
		g.b.WriteString(" ")
		g.blockScalar(indent)
	case k == 5:
		g.b.WriteString(g.comment() + "\n") // empty
	case k == 6 || k == 7:
		g.b.WriteString(g.comment() + "\n")
		g.nl()
		g.mapping(indent+1+g.r.IntN(3), depth+1)
	default:
		g.b.WriteString(g.comment() + "\n")
		g.nl()
		ind := indent + 2
		if !inSeq && g.chance(0.5) {
			ind = indent // compact
		}
		g.seq(ind, depth+1)
	}
}

func (g *docGen) mapping(indent, depth int) {
	for n := 1 + g.r.IntN(4); n > 0; n-- {
		g.b.WriteString(strings.Repeat(" ", indent))
		g.entry(indent, depth)
		g.nl()
	}
}

func (g *docGen) entry(indent, depth int) {
	g.b.WriteString(g.key() + g.pick(":", ":", " :"))
	g.value(indent, depth, false)
}

func (g *docGen) seq(indent, depth int) {
	g.b.WriteString(strings.Repeat(" ", indent))
	g.seqInline(indent, depth)
}

// seqInline writes a sequence whose first dash goes where the builder is, in column indent.
func (g *docGen) seqInline(indent, depth int) {
	for n := 1 + g.r.IntN(3); n > 0; n-- {
		if g.b.Len() > 0 && g.b.String()[g.b.Len()-1] == '\n' {
			g.b.WriteString(strings.Repeat(" ", indent))
		}
		g.b.WriteString("-")
		switch g.r.IntN(5) {
		case 0: // "- key: value" and more keys below
			g.b.WriteString(" ")
			g.entry(indent+2, depth+1)
			for m := g.r.IntN(3); m > 0; m-- {
				g.b.WriteString(strings.Repeat(" ", indent+2))
				g.entry(indent+2, depth+1)
			}
		case 1:
			if depth < 4 {
				g.b.WriteString(" ")
				g.seqInline(indent+2, depth+1) // "- - a"
				continue
			}
			fallthrough
		default:
			g.value(indent, depth, true)
		}
		g.nl()
	}
}

func (g *docGen) document() string {
	g.b.Reset()
	if g.chance(0.3) {
		g.b.WriteString("# Source: x\n---" + g.comment() + "\n")
	}
	switch g.r.IntN(8) {
	case 0:
		g.seq(0, 0)
	case 1:
		g.b.WriteString(g.flow(0) + "\n")
	default:
		g.mapping(g.r.IntN(2), 0)
	}
	if g.chance(0.05) {
		g.b.WriteString("...\n")
	}
	s := g.b.String()
	if g.chance(0.15) && len(s) > 0 { // a mistake
		i := g.r.IntN(len(s))
		switch g.r.IntN(3) {
		case 0:
			s = s[:i] + s[i+1:]
		case 1:
			s = s[:i] + g.pick(" ", "\n", ":", "-", "'", "\"", "#", "\t", "[", "}") + s[i:]
		default:
			s = s[:i] + s[i:i+1] + s[i:]
		}
	}
	return s
}

func TestFastParseRandomDocuments(t *testing.T) {
	g := &docGen{r: rand.New(rand.NewPCG(*genSeed, 2))}
	accepted, total := 0, 0
	for i := 0; i < *genDocs; i++ {
		src := g.document()
		a, n, problem := fastMatches([]byte(src))
		if problem != "" {
			t.Fatalf("document %d: %s", i, problem)
		}
		accepted += a
		total += n
	}
	t.Logf("the fast path parsed %d of %d random documents", accepted, total)
	if accepted*2 < total {
		t.Errorf("the fast path parsed only %d of %d random documents: the generator no longer exercises it", accepted, total)
	}
}
