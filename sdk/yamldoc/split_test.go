package yamldoc

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// splitDocumentsLineByLine is the line-by-line splitter splitDocuments replaced, kept as its
// reference.
func splitDocumentsLineByLine(src []byte) []docRange {
	var out []docRange
	start, startLine := 0, 1
	hasContent := false // the current range holds something other than comments and blank lines
	line := 1
	explicit := false // the current range began with "---"
	for pos := 0; pos < len(src); {
		eol := bytes.IndexByte(src[pos:], '\n')
		next := len(src)
		if eol >= 0 {
			next = pos + eol + 1
		}
		l := src[pos:next]
		switch {
		case isMarker(l, "---"):
			if hasContent || explicit {
				out = append(out, docRange{start, pos, startLine})
				start, startLine = pos, line
			}
			explicit = true
			hasContent = false
			if rest := bytes.TrimSpace(l[3:]); len(rest) > 0 && rest[0] != '#' {
				hasContent = true
			}
		case isMarker(l, "..."):
			// The document ends here; what follows until the next "---" is a new range.
			out = append(out, docRange{start, next, startLine})
			start, startLine = next, line+1
			explicit, hasContent = false, false
		default:
			if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' && (t[0] != '%' || hasContent) {
				hasContent = true
			}
		}
		pos = next
		line++
	}
	if hasContent || explicit || len(out) == 0 {
		out = append(out, docRange{start, len(src), startLine})
	} else if start < len(src) && len(out) > 0 {
		// Trailing comments after the last document stay with it.
		out[len(out)-1].end = len(src)
	}
	return out
}

func FuzzSplitDocumentsMatchesLineByLine(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{"---", "...", "---\n", "...\n---\n...", "a\n---", "# c\n--- x\n...\n# d\n", "%YAML 1.2\n---\na", " ---\n---\t\n.... \n...\r\n", "-----\n---", "\n\n---\n\n"} {
		f.Add([]byte(s))
	}
	files, _ := readFixtures()
	for _, src := range files {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		want := splitDocumentsLineByLine(src)
		got := splitDocuments(src)
		if d := cmp.Diff(want, got, cmp.AllowUnexported(docRange{})); d != "" {
			t.Fatalf("splitDocuments(%q) (-line by line +got):\n%s", src, d)
		}
	})
}
