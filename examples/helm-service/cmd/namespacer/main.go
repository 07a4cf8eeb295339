// Command namespacer defaults metadata.namespace on namespaced objects and drops annotations;
// see package namespacer.
package main

import "github.com/stagekit/stagekit/examples/helm-service/namespacer"

func main() { namespacer.Stage.Main() }
