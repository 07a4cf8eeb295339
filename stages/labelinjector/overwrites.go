package labelinjector

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// A file of a Helm chart can hold hundreds of objects whose managed-by label says Helm: one
// INFO line per label key and file says what was overwritten, and each object is a DEBUG line.

// maxShown is how many distinct old values a summary line quotes.
const maxShown = 3

// maxValue is the longest old value quoted: a valid label value has at most 63 characters, so a
// longer one is not a label value anyone meant, and is described instead.
const maxValue = 63

// overwrites are the labels overwritten in one file, by key, in the order first met.
type overwrites struct {
	keys  []string
	byKey map[string]*overwrite
}

type overwrite struct {
	value   string // the value written
	places  int
	objects int
	last    int            // the object counted last (injector.seq): no document is kept
	old     map[string]int // quoted old values, by how often
	hidden  int            // old values not quoted
	secrets int            // of which, values of an object that is or may be a Secret
	each    []place        // every one, for the DEBUG lines
}

// place is one label overwritten: where, and what it held.
type place struct {
	at  sdk.Location
	old string
}

func (o *overwrites) add(object int, secret bool, l label, old string, shown bool, at sdk.Location) {
	if o.byKey == nil {
		o.byKey = map[string]*overwrite{}
	}
	w, ok := o.byKey[l.Key]
	if !ok {
		w = &overwrite{value: l.Value, old: map[string]int{}}
		o.byKey[l.Key] = w
		o.keys = append(o.keys, l.Key)
	}
	w.places++
	w.each = append(w.each, place{at, old})
	if w.last != object {
		w.objects++
		w.last = object
	}
	switch {
	case shown:
		w.old[old]++
	case secret:
		w.hidden++
		w.secrets++
	default:
		w.hidden++
	}
}

// report logs one change line per label key (how many objects, what the label held), then a
// DEBUG line for each object.
func (o *overwrites) report(k *sdk.Kratix, file string) {
	for _, key := range o.keys {
		w := o.byKey[key]
		where := "on " + plural(w.objects, "object")
		if w.places > w.objects {
			where = "in " + plural(w.places, "place") + " " + where
		}
		k.Changef(sdk.Location{File: file}, "label %s overwritten %s, now %q; it was %s", key, where, w.value, w.was())
		for _, p := range w.each {
			k.ChangeDetailf(p.at, "label overwritten: %s → %q", p.old, w.value)
		}
	}
}

// was sums up the old values: the most frequent ones quoted, the rest counted.
func (w *overwrite) was() string {
	type seen struct {
		v string
		n int
	}
	var vals []seen
	for v, n := range w.old {
		vals = append(vals, seen{v, n})
	}
	sort.Slice(vals, func(i, j int) bool {
		if vals[i].n != vals[j].n {
			return vals[i].n > vals[j].n
		}
		return vals[i].v < vals[j].v
	})
	var parts []string
	others := 0
	for i, v := range vals {
		if i < maxShown {
			parts = append(parts, fmt.Sprintf("%s (%d)", v.v, v.n))
		} else {
			others += v.n
		}
	}
	if others > 0 {
		parts = append(parts, plural(others, "other value"))
	}
	switch {
	case w.hidden == 0:
	case w.secrets == w.hidden:
		parts = append(parts, plural(w.hidden, "value")+" of a Secret, not shown")
	case w.secrets == 0:
		parts = append(parts, plural(w.hidden, "value")+" not shown (too long for a label, or not a string)")
	default:
		parts = append(parts, plural(w.hidden, "value")+" not shown ("+strconv.Itoa(w.secrets)+" of a Secret)")
	}
	return strings.Join(parts, ", ")
}

// oldValue describes what a label held, for a log line, and says whether it quotes it. The
// value of an object that is or may be a Secret is never quoted, nor one longer than a label
// value may be; a map or a list is named, not printed.
func oldValue(n yamldoc.Node, secret bool) (string, bool) {
	switch {
	case secret:
		return "(a Secret's value, not shown)", false
	case n.Kind() == yamldoc.MapKind || n.Kind() == yamldoc.SeqKind:
		return "(" + yamldoc.TypeName(n) + ")", false
	}
	var s string
	if n.Tag() == "!!str" {
		v, _ := n.GetString("")
		s = strconv.Quote(v)
		if len(v) > maxValue {
			return fmt.Sprintf("(a string of %d bytes)", len(v)), false
		}
	} else if v, err := n.Value(); err == nil {
		s = fmt.Sprint(v)
		if len(s) > maxValue {
			return fmt.Sprintf("(a value of %d bytes)", len(s)), false
		}
	} else {
		return "(a value that cannot be read)", false
	}
	return s, true
}

// maybeSecret reports whether an object is or may be a Secret: its labels are not quoted in a
// log. Any kind with Secret in its name counts, in any group: when in doubt, a value is not
// printed.
func maybeSecret(m *sdk.Manifest) bool {
	return strings.Contains(strings.ToLower(m.Kind()), "secret")
}
