package terraformgenerate

import (
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
)

// TestGolden runs every case of testdata/golden twice; each directory is named for the
// behaviour it pins.
func TestGolden(t *testing.T) { stagetest.Golden(t, Stage, "testdata/golden") }
