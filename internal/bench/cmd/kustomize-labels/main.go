// Command kustomize-labels is the kustomize peer of `make bench`: `kustomize build DIR -o OUT`
// through sigs.k8s.io/kustomize/api's krusty, the library the kustomize CLI is built on, with the
// CLI's defaults. The harness writes DIR/kustomization.yaml (a `labels:` entry with
// includeTemplates: true and no selectors) and runs one process per build, as a user running
// `kustomize build` would. Bench-only: no stage imports it.
//
//	kustomize-labels DIR OUT
//	kustomize-labels --version
package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/stagekit/stagekit/internal/bench/peerversion"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(peerversion.Of("sigs.k8s.io/kustomize/api"))
		return
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: kustomize-labels DIR OUT")
		os.Exit(2)
	}
	opts := krusty.MakeDefaultOptions()
	// The CLI's default when no --reorder flag is given: kustomize picks the order (legacy,
	// unless the kustomization sets sortOptions).
	opts.Reorder = krusty.ReorderOptionUnspecified
	m, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "kustomize-labels:", err)
		os.Exit(1)
	}
	out, err := m.AsYaml()
	if err == nil {
		err = os.WriteFile(os.Args[2], out, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kustomize-labels:", err)
		os.Exit(1)
	}
}
