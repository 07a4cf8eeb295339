package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// TreeStats describes a built output tree.
type TreeStats struct {
	Tenants      int
	Renders      int
	Files        int
	Bytes        int64
	Documents    int
	LargestFile  string
	LargestBytes int64
}

func (s TreeStats) String() string {
	return fmt.Sprintf("%d tenant %s × %d Helm renders = %d files, %.1f MB (%s bytes), %s documents; largest file %s (%.0f kB)",
		s.Tenants, plural(s.Tenants, "directory", "directories"), s.Renders, s.Files, float64(s.Bytes)/1e6, thousands(s.Bytes), thousands(int64(s.Documents)),
		s.LargestFile, float64(s.LargestBytes)/1e3)
}

// render is one Helm render read from the fixtures.
type render struct {
	name string
	data []byte
	docs int
}

func readRenders(dir string) ([]render, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []render
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, render{name: e.Name(), data: b, docs: CountDocuments(b)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no Helm renders (*.yaml) in %s", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// BuildTree writes a Kratix directory at dst: output/tenant-NN/<render> for every Helm render in
// renderDir and NN in 1..tenants, input/object.yaml (the request, a copy of object) and an empty
// metadata/. It is deterministic: the same fixtures give the same bytes.
func BuildTree(dst, renderDir, object string, tenants int) (TreeStats, error) {
	renders, err := readRenders(renderDir)
	if err != nil {
		return TreeStats{}, err
	}
	st := TreeStats{Tenants: tenants, Renders: len(renders)}
	for _, d := range []string{"input", "output", "metadata"} {
		if err := os.MkdirAll(filepath.Join(dst, d), 0o755); err != nil {
			return st, err
		}
	}
	if err := copyFile(object, filepath.Join(dst, "input", "object.yaml")); err != nil {
		return st, err
	}
	for t := 1; t <= tenants; t++ {
		dir := filepath.Join(dst, "output", fmt.Sprintf("tenant-%02d", t))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return st, err
		}
		for _, r := range renders {
			if err := os.WriteFile(filepath.Join(dir, r.name), r.data, 0o644); err != nil {
				return st, err
			}
			st.Files++
			st.Bytes += int64(len(r.data))
			st.Documents += r.docs
			if int64(len(r.data)) > st.LargestBytes {
				st.LargestBytes, st.LargestFile = int64(len(r.data)), r.name
			}
		}
	}
	return st, nil
}

// CountDocuments counts the YAML documents of a stream that hold something besides comments
// (what `yq` and `kubectl` treat as objects).
func CountDocuments(b []byte) int {
	n := 0
	content := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "---" || strings.HasPrefix(line, "--- ") || line == "..." {
			if content {
				n++
			}
			content = false
			if rest := strings.TrimSpace(strings.TrimPrefix(line, "---")); rest != "" && !strings.HasPrefix(rest, "#") && line != "..." {
				content = true
			}
			continue
		}
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			content = true
		}
	}
	if content {
		n++
	}
	return n
}

// CopyTree copies the directory src to dst (which must not exist), files 0644, directories
// 0755, symlinks as symlinks.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		default:
			return copyFile(p, target)
		}
	})
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// manifestFiles lists the .yaml/.yml files under dir, sorted.
func manifestFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
