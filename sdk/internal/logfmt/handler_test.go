package logfmt

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// secret is a LogValuer, resolved before it is written.
type secret string

func (secret) LogValue() slog.Value { return slog.StringValue("<hidden>") }

func TestHandler(t *testing.T) {
	cases := []struct {
		reason string
		log    func(*slog.Logger)
		want   string
	}{
		{"a file and a line come first",
			func(l *slog.Logger) {
				l.Info("set kratix.io/promise-name (old → new)", KeyFile, "output/app.yaml", KeyLine, 12)
			},
			"INFO label-injector: output/app.yaml:12: set kratix.io/promise-name (old → new)\n"},
		{"a file alone",
			func(l *slog.Logger) {
				l.Warn("document has no apiVersion/kind; left alone", KeyFile, "output/raw.yaml")
			},
			"WARN label-injector: output/raw.yaml: document has no apiVersion/kind; left alone\n"},
		{"a field path follows the file and line",
			func(l *slog.Logger) {
				l.Error("team is missing", KeyPath, "spec.template.metadata.labels", KeyFile, "output/app.yaml", KeyLine, 7)
			},
			"ERROR label-injector: output/app.yaml:7: spec.template.metadata.labels: team is missing\n"},
		{"a field path alone",
			func(l *slog.Logger) { l.Error("must be at least 2", KeyPath, "spec.replicas") },
			"ERROR label-injector: spec.replicas: must be at least 2\n"},
		{"a line without a file is an ordinary attribute",
			func(l *slog.Logger) { l.Info("odd", KeyLine, 3) },
			"INFO label-injector: odd line=3\n"},
		{"no location",
			func(l *slog.Logger) { l.Info("done: 14 objects labelled in 3 files") },
			"INFO label-injector: done: 14 objects labelled in 3 files\n"},
		{"At gives file and line",
			func(l *slog.Logger) { l.Warn("left alone", At("output/raw.yaml", 3)) },
			"WARN label-injector: output/raw.yaml:3: left alone\n"},
		{"At without a line gives the file",
			func(l *slog.Logger) { l.Warn("left alone", At("output/raw.yaml", 0)) },
			"WARN label-injector: output/raw.yaml: left alone\n"},
		{"other attributes follow as key=value, quoted when needed",
			func(l *slog.Logger) {
				l.Info("edited", "n", 3, "plain", "a/b:c", "space", "a b", "quote", `a"b`, "eq", "k=v", "empty", "", "nl", "a\nb", "tab", "a\tb", "err", errors.New("boom"))
			},
			`INFO label-injector: edited n=3 plain=a/b:c space="a b" quote="a\"b" eq="k=v" empty="" nl="a\nb" tab="a\tb" err=boom` + "\n"},
		{"levels by name",
			func(l *slog.Logger) {
				l.Debug("d")
				l.Info("i")
				l.Warn("w")
				l.Error("e")
				l.Log(context.Background(), slog.LevelWarn+2, "custom")
			},
			"DEBUG label-injector: d\nINFO label-injector: i\nWARN label-injector: w\nERROR label-injector: e\nWARN+2 label-injector: custom\n"},
		{"a multi-line message keeps its lines, indented",
			func(l *slog.Logger) { l.Error("2 problems:\nfirst\nsecond\n", KeyFile, "output/s.yaml") },
			"ERROR label-injector: output/s.yaml: 2 problems:\n  first\n  second\n"},
		{"WithAttrs adds to every record, location included",
			func(l *slog.Logger) {
				f := l.With(KeyFile, "output/s.yaml", "doc", 2)
				f.Error("Secret default/db", KeyLine, 4)
				f.Info("checked")
			},
			"ERROR label-injector: output/s.yaml:4: Secret default/db doc=2\nINFO label-injector: output/s.yaml: checked doc=2\n"},
		{"a record's location beats the handler's",
			func(l *slog.Logger) { l.With(KeyFile, "a.yaml", KeyLine, 1).Info("m", KeyFile, "b.yaml", KeyLine, 2) },
			"INFO label-injector: b.yaml:2: m\n"},
		{"groups prefix keys, and grouped location keys are ordinary attributes",
			func(l *slog.Logger) {
				l.With("a", 1).WithGroup("g").With("b", 2).WithGroup("h").Info("m", "c", 3, KeyFile, "x.yaml")
			},
			"INFO label-injector: m a=1 g.b=2 g.h.c=3 g.h.file=x.yaml\n"},
		{"group attributes are flattened; empty ones dropped",
			func(l *slog.Logger) {
				l.Info("m", slog.Group("req", "name", "db", slog.Group("empty")), slog.Attr{}, "x", 1)
			},
			"INFO label-injector: m req.name=db x=1\n"},
		{"LogValuers are resolved",
			func(l *slog.Logger) { l.With("token", secret("s3cr3t")).Info("m", "again", secret("s3cr3t")) },
			"INFO label-injector: m token=<hidden> again=<hidden>\n"},
		{"times are RFC 3339",
			func(l *slog.Logger) { l.Info("m", "at", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) },
			"INFO label-injector: m at=2025-01-02T03:04:05Z\n"},
		{"an empty message",
			func(l *slog.Logger) { l.Info("", "k", "v") },
			"INFO label-injector: k=v\n"},
		{"WithGroup with no name is ignored",
			func(l *slog.Logger) { l.WithGroup("").Info("m", KeyFile, "f") },
			"INFO label-injector: f: m\n"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			var b bytes.Buffer
			tc.log(New(&b, "label-injector", FormatText, slog.LevelDebug))
			if diff := cmp.Diff(strings.Split(tc.want, "\n"), strings.Split(b.String(), "\n")); diff != "" {
				t.Errorf("lines: -want +got:\n%s", diff)
			}
		})
	}
}

func TestLevel(t *testing.T) {
	cases := []struct {
		reason string
		level  slog.Leveler
		want   string
	}{
		{"nil means info", nil, "INFO s: i\nWARN s: w\n"},
		{"warn drops info", slog.LevelWarn, "WARN s: w\n"},
		{"debug keeps all", slog.LevelDebug, "DEBUG s: d\nINFO s: i\nWARN s: w\n"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			var b bytes.Buffer
			l := slog.New(NewHandler(&b, "s", tc.level))
			l.Debug("d")
			l.Info("i")
			l.Warn("w")
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	l := New(&b, "secret-forbidder", FormatJSON, slog.LevelInfo)
	l.Debug("hidden")
	l.Error("Secret default/db", At("output/s.yaml", 4), "doc", 2)
	l.WithGroup("g").Info("m", "k", "v")
	want := `{"level":"ERROR","msg":"Secret default/db","stage":"secret-forbidder","file":"output/s.yaml","line":4,"doc":2}
{"level":"INFO","msg":"m","stage":"secret-forbidder","g":{"k":"v"}}
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

// countingWriter fails the test when two writes overlap, and counts them.
type countingWriter struct {
	busy   sync.Mutex
	writes int
	t      *testing.T
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if !w.busy.TryLock() {
		w.t.Error("two writes at once")
		return len(p), nil
	}
	defer w.busy.Unlock()
	w.writes++
	return len(p), nil
}

func TestConcurrentRecordsAreOneWriteEach(t *testing.T) {
	w := &countingWriter{t: t}
	l := New(w, "s", FormatText, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			g := l.With("worker", i)
			for range 100 {
				g.Info("line one\nline two", KeyFile, "f.yaml")
			}
		})
	}
	wg.Wait()
	if w.writes != 800 {
		t.Errorf("writes = %d, want 800 (one per record)", w.writes)
	}
}
