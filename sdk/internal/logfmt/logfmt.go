package logfmt

import (
	"io"
	"log/slog"
)

// The keys of the attributes that make a record's location.
const (
	KeyFile = "file" // the file the record is about: output/app.yaml
	KeyLine = "line" // the 1-based line in that file
	KeyPath = "path" // the field path inside the document: spec.replicas
)

// The formats New knows, as LOG_FORMAT spells them.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// New returns the logger of stage writing to w records at level or above (nil means info):
// slog's JSON handler for format "json", with a "stage" attribute and no "time", and the text
// handler of this package for anything else.
func New(w io.Writer, stage, format string, level slog.Leveler) *slog.Logger {
	if format == FormatJSON {
		h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: dropTime})
		return slog.New(h.WithAttrs([]slog.Attr{slog.String("stage", stage)}))
	}
	return slog.New(NewHandler(w, stage, level))
}

// dropTime removes the record's time, so that the same run logs the same bytes.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// At is the location file:line as one attribute, for a call that reads
// log.Warn("document has no apiVersion/kind; left alone", logfmt.At("output/raw.yaml", 3)).
// A line below 1 is left out.
func At(file string, line int) slog.Attr {
	if line < 1 {
		return slog.String(KeyFile, file)
	}
	return slog.Group("", slog.String(KeyFile, file), slog.Int(KeyLine, line))
}
