package secretforbidder

import (
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
)

// TestGolden runs every case of testdata/golden twice (the second run must change nothing).
func TestGolden(t *testing.T) { stagetest.Golden(t, Stage, "testdata/golden") }
