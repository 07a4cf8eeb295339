// Package examples holds ready Promises that chain stagekit stages (vm-fleet, app-replicas,
// policy) and a custom stage built on the SDK (custom-stage). vm-fleet and app-replicas come in
// two versions, promise.yaml and promise-v2.yaml, the change `stagekit fleet diff` previews.
// Its tests check that every Promise validates against the Kratix Promise CRD, names the images
// `make images` builds, and that a v2 differs from its v1 only by the change.
package examples
