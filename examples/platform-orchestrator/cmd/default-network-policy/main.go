// Command default-network-policy gives every namespace the output deploys to a default
// NetworkPolicy; see package netpol.
package main

import "github.com/stagekit/stagekit/examples/platform-orchestrator/netpol"

func main() { netpol.Stage.Main() }
