package yamldoc

import (
	"os"
	"testing"
)

func TestDebugSplice(t *testing.T) {
	src := os.Getenv("SRC")
	if src == "" {
		t.Skip()
	}
	f, err := Parse(os.Getenv("NAME"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := f.Docs()[0].Root()
	if p := os.Getenv("SET"); p != "" {
		t.Log(r.Set(p, os.Getenv("VAL")))
	}
	if p := os.Getenv("DEL"); p != "" {
		t.Log(r.Delete(p))
	}
	out, err := f.Docs()[0].splice()
	t.Logf("splice: %q %v readsBack=%v", out, err, f.Docs()[0].readsBack(out))
}
