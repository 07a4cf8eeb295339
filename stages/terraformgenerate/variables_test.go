package terraformgenerate

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestVariablesNamedPipe: MODULE_VARIABLES pointing at a named pipe is refused as a setting
// (exit 2) without being opened; reading it would wait forever for a writer.
func TestVariablesNamedPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "variables.tf")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := loadVariables(pipe)
	if err == nil || !strings.Contains(err.Error(), "is a named pipe (FIFO), not a regular file") {
		t.Fatalf("loadVariables(a named pipe) = %v, want a refusal saying it is not a regular file", err)
	}
}
