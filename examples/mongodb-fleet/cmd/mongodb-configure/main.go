// Command mongodb-configure is the mongodb-fleet example's stage; see package mongodb.
package main

import "github.com/stagekit/stagekit/examples/mongodb-fleet/mongodb"

func main() { mongodb.Stage.Main() }
