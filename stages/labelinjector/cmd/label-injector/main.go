// Command label-injector stamps ownership labels on every Kubernetes object of /kratix/output.
package main

import "github.com/stagekit/stagekit/stages/labelinjector"

func main() { labelinjector.Stage.Main() }
