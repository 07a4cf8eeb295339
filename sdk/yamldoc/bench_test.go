package yamldoc

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
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

// manyDocs is a reader of n generated Deployments, one document each, without holding them.
type manyDocs struct {
	n, i int
	buf  []byte
}

func (m *manyDocs) Read(p []byte) (int, error) {
	for len(m.buf) == 0 {
		if m.i == m.n {
			return 0, io.EOF
		}
		m.buf = fmt.Appendf(m.buf[:0], deploymentDoc, m.i, m.i, m.i, m.i%7)
		m.i++
	}
	k := copy(p, m.buf)
	m.buf = m.buf[k:]
	return k, nil
}

const deploymentDoc = `---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-%d
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: release-%d
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
      annotations:
        checksum/config: 3f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:1.%d.0"
          args: ["--port=8080", "--log-level=info"]
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: SHARD
              value: "%d"
          resources:
            limits: {cpu: 500m, memory: 256Mi}
            requests: {cpu: 100m, memory: 128Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
`

// BenchmarkStreamLabelLargeFile labels every document of a 60 MB stream of 40000 Deployments
// read and written through a Stream, and reports what one document costs: allocated bytes,
// and the peak live heap over the whole file (sampled), which must stay that of a few
// documents, not of the file.
func BenchmarkStreamLabelLargeFile(b *testing.B) {
	const docs = 40000
	var total int64
	for b.Loop() {
		peak := uint64(0)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		cw := &countWriter{}
		s := NewStream("big.yaml", &manyDocs{n: docs}, cw)
		for i := 0; ; i++ {
			d, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if err := d.Root().Set(testLabel, "yes"); err != nil {
				b.Fatal(err)
			}
			if i%200 == 0 {
				metrics.Read(sample)
				peak = max(peak, sample[0].Value.Uint64())
			}
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		total = cw.n
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/docs, "alloc-B/doc")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
	b.SetBytes(total)
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
