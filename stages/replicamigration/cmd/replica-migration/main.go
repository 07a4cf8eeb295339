// Command replica-migration raises the replica count of the workloads in /kratix/output to a
// fleet minimum; see stages/replicamigration.
package main

import "github.com/stagekit/stagekit/stages/replicamigration"

func main() { replicamigration.Stage.Main() }
