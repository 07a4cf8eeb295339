// Command stagekit runs a Kratix Promise's pipelines locally and previews a Promise change
// across the whole fleet of requests; see README.md beside this file.
//
//	go install github.com/stagekit/stagekit/cmd/stagekit@latest
package main

import (
	"os"

	"github.com/stagekit/stagekit/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], cli.OS())) }
