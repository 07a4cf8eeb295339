// Package peerversion reports which version of a library a bench peer program was built with,
// so `make bench` prints the versions its figures are for.
package peerversion

import "runtime/debug"

// Of is "path version" of the module path in the running binary, or "path (unknown)".
func Of(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == path {
				if m.Replace != nil {
					m = m.Replace
				}
				return path + " " + m.Version
			}
		}
	}
	return path + " (unknown)"
}
