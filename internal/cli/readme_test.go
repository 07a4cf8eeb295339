package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/fleet"
)

func manual(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "stagekit", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The manual shows each command's --help exactly as the command prints it.
func TestManualShowsTheHelp(t *testing.T) {
	doc := manual(t)
	for _, args := range [][]string{{"run", "--help"}, {"fleet", "diff", "--help"}, {"fleet", "merge", "--help"}} {
		res := stagekit(t, "", args...)
		if res.code != ExitOK {
			t.Fatalf("%v: exit %d", args, res.code)
		}
		if !strings.Contains(doc, "```text\n"+res.stdout+"```") {
			t.Errorf("cmd/stagekit/README.md does not show `stagekit %s` as it prints:\n%s", strings.Join(args, " "), res.stdout)
		}
	}
}

// Every field of the JSON report is in the manual's schema table.
func TestManualDocumentsTheJSONSchema(t *testing.T) {
	doc := manual(t)
	var fields func(reflect.Type)
	fields = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct {
			return
		}
		for i := range ty.NumField() {
			f := ty.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && !strings.Contains(doc, "`"+name+"`") && !strings.Contains(doc, "."+name+"`") {
				t.Errorf("the JSON schema table does not document %s.%s (`%s`)", ty.Name(), f.Name, name)
			}
			fields(f.Type)
		}
	}
	fields(reflect.TypeOf(fleet.Report{}))
	if !strings.Contains(doc, fleet.SchemaVersion) {
		t.Errorf("the manual does not name the schema version %s", fleet.SchemaVersion)
	}
}

// The waves walkthrough shows what the three previews print.
func TestManualWalkthroughIsWhatTheCommandPrints(t *testing.T) {
	doc := manual(t)
	dir := filepath.Join(repoRoot, "examples", "vm-fleet")
	for _, w := range [][2]string{{"promise.yaml", "waves/wave-1.yaml"}, {"waves/wave-1.yaml", "waves/wave-2.yaml"}, {"waves/wave-2.yaml", "promise-v2.yaml"}} {
		t.Chdir(dir)
		var out, errb strings.Builder
		code := Main([]string{"fleet", "diff", "--from", w[0], "--to", w[1], "--requests", "requests-fleet.yaml", "--skip", "terraform-apply"},
			IO{Stdout: &out, Stderr: &errb, Getenv: os.Getenv, NumCPU: 2})
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", w, code, errb.String())
		}
		var lines []string // what grep -E '^(~|!)|requests:' keeps
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, "~") || strings.HasPrefix(l, "!") || strings.Contains(l, "requests:") {
				lines = append(lines, l)
			}
		}
		cmd := "$ stagekit fleet diff --from " + w[0] + " --to " + w[1] + " --requests requests-fleet.yaml --skip terraform-apply | grep -E '^(~|!)|requests:'\n"
		if !strings.Contains(doc, cmd+strings.Join(lines, "\n")+"\n```") {
			t.Errorf("the walkthrough does not show:\n%s%s", cmd, strings.Join(lines, "\n"))
		}
	}
}
