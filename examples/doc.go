// Package examples holds ready Promises that chain stagekit stages (policy), a custom stage
// built on the SDK (custom-stage), and the five fleet stories `make demo` walks through:
// vm-fleet, app-replicas, mongodb-fleet, helm-service and platform-orchestrator, each a Promise
// in two versions, promise.yaml and promise-v2.yaml, the change `stagekit fleet diff` previews
// across its requests (the last three with stages of their own, each built from a cmd/<binary>).
// Its tests check that every Promise validates against the Kratix Promise CRD, every request
// against its Promise's API, that the Promises name the images `make images` builds or an
// example's own (ghcr.io/stagekit/examples-<binary>, from its cmd/<binary>), and that a v2
// differs from its v1 only by the change.
package examples
