// Command terraform-generate turns a Kratix resource request into a Terraform module call.
package main

import "github.com/stagekit/stagekit/stages/terraformgenerate"

func main() { terraformgenerate.Stage.Main() }
