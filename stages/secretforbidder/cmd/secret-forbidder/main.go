// Command secret-forbidder stops a Kratix pipeline before a plaintext Secret reaches a state store.
package main

import "github.com/stagekit/stagekit/stages/secretforbidder"

func main() { secretforbidder.Stage.Main() }
