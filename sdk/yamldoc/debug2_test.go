package yamldoc

import "testing"

func TestDebug2(t *testing.T) {
	for _, c := range []struct {
		src, path string
		v         any
	}{
		{"0: &x\n1: *x", "0", "0"},
		{"?", "0", "0"},
		{"&0:", "0", 22},
		{" #", "0", 42},
		{"! !", "0", "0"},
		{"{0,\"\":}", "0", "0"},
		{"{A000}", "A", "0"},
		{"{}:000", "00", 96},
		{"&0000", "0", 7},
		{"{0 }", "0", 7},
		{"{+A}", "0", 7},
		{"{00}:", "0", 0},
		{"\ufeff0:", "A", "0"},
		{"a: 1\n", "b", "0"},
	} {
		f, err := Parse("f", []byte(c.src))
		if err != nil {
			t.Log(err)
			continue
		}
		d := f.Docs()[0]
		err = d.Root().Set(c.path, c.v)
		b, berr := f.Bytes()
		t.Logf("BYTES %q %v", b, berr)
		out, serr := d.splice()
		whole := d.renderWhole()
		t.Logf("%q set %q=%v: %v splice=%q %v readsBack=%v whole=%q %v", c.src, c.path, c.v, err, out, serr, d.readsBack(out), whole, d.readsBack(whole))
	}
}
