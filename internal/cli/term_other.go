//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package cli

import "os"

// isTerminal is false where stagekit cannot ask: no progress line.
func isTerminal(*os.File) bool { return false }
