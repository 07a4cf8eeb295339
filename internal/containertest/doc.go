// Package containertest holds the container test of the stage images: it builds the five
// images offline (FROM scratch) with podman, runs pipeline scenarios through them the way a
// Kratix pipeline pod runs its init containers (bubblewrap: uid 65532, read-only root, read-only
// /kratix/input, no network, cleared environment) and checks that every result equals running the
// same binaries directly. The binaries and images live in a temporary directory (podman runs
// with its own throw-away store there), so a run leaves nothing in the checkout or in the
// machine's image store. Run it with
//
//	go test ./internal/containertest/...
//
// It is skipped when podman or bwrap is missing (or under -short) unless
// STAGEKIT_CONTAINER_TEST=require, which CI sets.
package containertest
