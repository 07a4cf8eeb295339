package enforcetags

import (
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
)

// TestGolden runs every case under testdata/golden twice (the second run must change nothing).
// Each directory is named for the behaviour it pins.
func TestGolden(t *testing.T) { stagetest.Golden(t, Stage, "testdata/golden") }
