package logfmt

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Handler is the slog.Handler of the text format described in the package documentation. It is
// safe for concurrent use: each record is one Write to the writer, under a lock shared by the
// handlers derived with WithAttrs and WithGroup.
type Handler struct {
	mu    *sync.Mutex
	w     io.Writer
	stage string
	level slog.Leveler
	attrs []kv   // from WithAttrs, keys qualified by their groups, values rendered
	group string // the groups opened so far, as a key prefix: "a.b."
}

// kv is an attribute with its key qualified by its groups and its value rendered.
type kv struct{ key, val string }

// NewHandler returns the text handler of stage writing to w records at level or above (nil
// means info).
func NewHandler(w io.Writer, stage string, level slog.Leveler) *Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &Handler{mu: new(sync.Mutex), w: w, stage: stage, level: level}
}

// Enabled reports whether records at l are written.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

// WithAttrs returns a handler that adds attrs to every record, under the groups open now.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	h2.attrs = slices.Clip(h.attrs)
	for _, a := range attrs {
		h2.attrs = appendAttr(h2.attrs, h.group, a)
	}
	return &h2
}

// WithGroup returns a handler that qualifies the keys of later attributes with name.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group = h.group + name + "."
	return &h2
}

// Handle writes r as one line.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	all := slices.Clip(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		all = appendAttr(all, h.group, a)
		return true
	})
	var file, line, path string
	rest := make([]kv, 0, len(all))
	for _, a := range all {
		switch a.key {
		case KeyFile:
			file = a.val
		case KeyLine:
			line = a.val
		case KeyPath:
			path = a.val
		default:
			rest = append(rest, a)
		}
	}
	if file == "" && line != "" { // a line of no file is not a location
		rest = append(rest, kv{KeyLine, line})
	}

	var b strings.Builder
	b.WriteString(r.Level.String())
	if h.stage != "" {
		b.WriteString(" " + h.stage + ":")
	}
	var parts []string
	switch {
	case file != "" && line != "":
		parts = append(parts, file+":"+line+":")
	case file != "":
		parts = append(parts, file+":")
	}
	if path != "" {
		parts = append(parts, path+":")
	}
	if msg := strings.TrimRight(r.Message, "\n"); msg != "" {
		parts = append(parts, strings.ReplaceAll(msg, "\n", "\n  "))
	}
	for _, a := range rest {
		parts = append(parts, a.key+"="+quote(a.val))
	}
	for _, p := range parts {
		b.WriteString(" " + p)
	}
	b.WriteByte('\n')

	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// appendAttr flattens a into kvs, qualifying keys with prefix and the keys of groups, following
// slog's rules: an empty attribute and an empty group are dropped, a group without a key is
// inlined.
func appendAttr(kvs []kv, prefix string, a slog.Attr) []kv {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return kvs
	}
	if a.Value.Kind() == slog.KindGroup {
		if a.Key != "" {
			prefix += a.Key + "."
		}
		for _, g := range a.Value.Group() {
			kvs = appendAttr(kvs, prefix, g)
		}
		return kvs
	}
	val := a.Value.String()
	if a.Value.Kind() == slog.KindTime {
		val = a.Value.Time().Format(time.RFC3339Nano)
	}
	return append(kvs, kv{prefix + a.Key, val})
}

// quote quotes s when it would not read back as one value: when it is empty or holds a space,
// a quote, an = or anything unprintable (a newline would split the record).
func quote(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool {
		return r == ' ' || r == '"' || r == '=' || !unicode.IsPrint(r)
	}) {
		return strconv.Quote(s)
	}
	return s
}
