package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The peer programs of the peers table, built from this module (internal/bench/cmd/...) so
// their library versions are go.mod's. Only they and tests import kustomize, kyaml and
// apimachinery: no stage binary links them (TestPeersStayOutOfStages).
const (
	PeerKustomize = "kustomize-labels"
	PeerKYAML     = "kyaml-labels"
	PeerYAMLv3    = "yamlv3-parse"
)

// Peers lists the peer programs, in build order.
var Peers = []string{PeerKustomize, PeerKYAML, PeerYAMLv3}

// BuildPeers builds the peer programs into dir with the go command goTool (empty: "go"),
// from the module at root, and returns their paths by name.
func BuildPeers(goTool, root, dir string) (map[string]string, error) {
	if goTool == "" {
		goTool = "go"
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	args := []string{"build", "-trimpath", "-o", dir + string(filepath.Separator)}
	for _, p := range Peers {
		args = append(args, "./internal/bench/cmd/"+p)
	}
	cmd := exec.Command(goTool, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the peer programs: %v\n%s", err, out)
	}
	paths := map[string]string{}
	for _, p := range Peers {
		paths[p] = filepath.Join(dir, p)
	}
	return paths, nil
}

// peerVersion asks a peer program which library version it was built with.
func peerVersion(path string) string {
	out, err := exec.Command(path, "--version").CombinedOutput()
	return firstLine(strings.TrimSpace(string(out)), err)
}
