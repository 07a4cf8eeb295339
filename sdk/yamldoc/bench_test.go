package yamldoc

import (
	"bytes"
	"fmt"
	"sort"
	"testing"
)

// helmRenders concatenates the Helm renders of the fixtures into one multi-document stream.
func helmRenders(b *testing.B) []byte {
	files := fixtureFiles(b)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	for _, n := range names {
		src := files[n]
		if buf.Len() > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(src)
		if len(src) > 0 && src[len(src)-1] != '\n' {
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}

func BenchmarkParse(b *testing.B) {
	src := helmRenders(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("all.yaml", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSetLabelAndSave(b *testing.B) {
	one := helmRenders(b)
	// The same stream four times over: MB/s must stay the same, nothing is quadratic in the
	// number of documents or the file size.
	for _, copies := range []int{1, 4} {
		src := bytes.Repeat(append(append([]byte(nil), one...), "---\n"...), copies)
		b.Run(fmt.Sprintf("x%d", copies), func(b *testing.B) { benchSetLabel(b, src) })
	}
}

func benchSetLabel(b *testing.B, src []byte) {
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Parse("all.yaml", src)
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range f.Docs() {
			if !d.Empty() && d.Root().Kind() == MapKind && hasMetadataMap(d) {
				if err := d.Root().Set(testLabel, "yes"); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, err := f.Bytes(); err != nil {
			b.Fatal(err)
		}
		if f.wholeRenders != 0 {
			b.Fatalf("%d documents re-rendered whole", f.wholeRenders)
		}
	}
}
