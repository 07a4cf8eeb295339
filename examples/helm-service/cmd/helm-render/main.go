// Command helm-render is the helm-service example's stand-in for `helm template`; see package
// render.
package main

import "github.com/stagekit/stagekit/examples/helm-service/render"

func main() { render.Stage.Main() }
