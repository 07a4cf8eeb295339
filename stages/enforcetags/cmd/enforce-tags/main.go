// Command enforce-tags stamps mandatory tags on every Terraform module call in /kratix/output.
package main

import "github.com/stagekit/stagekit/stages/enforcetags"

func main() { enforcetags.Stage.Main() }
