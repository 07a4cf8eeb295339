package main

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func root(t *testing.T) string {
	t.Helper()
	r, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestREADMEsAreGenerated fails when a generated part of a README is not what docgen writes: a
// setting, a summary or a workflow changed without `go run ./internal/docgen`.
func TestREADMEsAreGenerated(t *testing.T) {
	r := root(t)
	files, err := generate(r)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(r, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(b), files[name]); d != "" {
			t.Errorf("%s is out of date; run `go run ./internal/docgen` (-README +generated):\n%s", name, d)
		}
	}
}

// TestSettingsTablesMatchHelp reads each stage README's settings table back and compares it
// with what the stage's --help lists, and the README's common settings with every stage's.
func TestSettingsTablesMatchHelp(t *testing.T) {
	r := root(t)
	readme := func(name string) string {
		b, err := os.ReadFile(filepath.Join(r, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	table := func(doc, doc2, block string) []setting {
		t.Helper()
		tbl, err := generatedBlock(doc, block)
		if err != nil {
			t.Fatalf("%s: %v", doc2, err)
		}
		rows, err := parseTable(tbl)
		if err != nil {
			t.Fatalf("%s: %v", doc2, err)
		}
		if len(rows) == 0 {
			t.Fatalf("%s: the %s table has no row", doc2, block)
		}
		return rows
	}
	common := table(readme("README.md"), "README.md", "common-settings")
	for _, st := range stages() {
		t.Run(st.Binary, func(t *testing.T) {
			help := st.Help()
			own, err := parseHelp(help, "Settings")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(own, table(readme(st.README), st.README, "settings")); d != "" {
				t.Errorf("%s settings table differs from `%s --help` (-help +README):\n%s", st.README, st.Binary, d)
			}
			helpCommon, err := parseHelp(help, "Common settings")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(helpCommon, common); d != "" {
				t.Errorf("README.md common settings differ from `%s --help` (-help +README):\n%s", st.Binary, d)
			}
		})
	}
}

func TestParseHelp(t *testing.T) {
	help := "Usage: x\n\nSettings:\n" +
		"  A_B  --a-b string  what it is (default x)\n" +
		"  C    --c int       counts (the (n) of it) (required)\n" +
		"  D    --d list      items (default: all of them)\n" +
		"  E    --e a|b       (required, default a)\n" +
		"\nCommon settings:\n  F  --f bool  flag\n"
	got, err := parseHelp(help, "Settings")
	if err != nil {
		t.Fatal(err)
	}
	want := []setting{
		{Env: "A_B", Flag: "a-b", Type: "string", Help: "what it is", Default: "x"},
		{Env: "C", Flag: "c", Type: "int", Help: "counts (the (n) of it)", Required: true},
		{Env: "D", Flag: "d", Type: "list", Help: "items (default: all of them)"},
		{Env: "E", Flag: "e", Type: "a|b", Required: true, Default: "a"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("parseHelp (-want +got):\n%s", d)
	}
	tricky := append(want, setting{Env: "G", Flag: "g", Type: "x|y", Help: `a | b, <name>.tf, *all*, C:\dir`})
	if back, err := parseTable(settingsTable(tricky)); err != nil || !cmp.Equal(tricky, back) {
		t.Errorf("a rendered table does not read back: %v\n%s", err, cmp.Diff(tricky, back))
	}
}
