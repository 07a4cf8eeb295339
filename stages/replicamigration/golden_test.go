package replicamigration

import (
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
)

// TestGolden runs every case under testdata/golden twice (the second run must change nothing)
// and compares output, metadata, exit code and log with expected/.
func TestGolden(t *testing.T) {
	stagetest.Golden(t, Stage, "testdata/golden")
}
