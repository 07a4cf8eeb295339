// Command platform-orchestrator is the platform-orchestrator example's compound-Promise stage;
// see package orchestrator.
package main

import "github.com/stagekit/stagekit/examples/platform-orchestrator/orchestrator"

func main() { orchestrator.Stage.Main() }
