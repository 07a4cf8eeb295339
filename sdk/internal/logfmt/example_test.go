package logfmt_test

import (
	"log/slog"
	"os"

	"github.com/stagekit/stagekit/sdk/internal/logfmt"
)

func Example() {
	log := logfmt.New(os.Stdout, "label-injector", logfmt.FormatText, slog.LevelInfo)

	log.Info("set kratix.io/promise-name (old → new)", logfmt.KeyFile, "output/app.yaml", logfmt.KeyLine, 12)
	log.Warn("document has no apiVersion/kind; left alone", logfmt.At("output/raw.yaml", 3))
	log.Error("must be at least 2", logfmt.At("output/app.yaml", 9), logfmt.KeyPath, "spec.replicas")
	log.Debug("not shown below info")
	log.Info("done: 14 objects labelled in 3 files", "skipped", "output/notes.txt")

	json := logfmt.New(os.Stdout, "label-injector", logfmt.FormatJSON, slog.LevelInfo)
	json.Info("done", "files", 3)
	// Output:
	// INFO label-injector: output/app.yaml:12: set kratix.io/promise-name (old → new)
	// WARN label-injector: output/raw.yaml:3: document has no apiVersion/kind; left alone
	// ERROR label-injector: output/app.yaml:9: spec.replicas: must be at least 2
	// INFO label-injector: done: 14 objects labelled in 3 files skipped=output/notes.txt
	// {"level":"INFO","msg":"done","stage":"label-injector","files":3}
}
