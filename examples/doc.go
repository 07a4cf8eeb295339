// Package examples holds ready Promises that chain stagekit stages (vm-fleet, app-replicas,
// policy) and a custom stage built on the SDK (custom-stage). Its tests check that every
// Promise validates against the Kratix Promise CRD and names the images `make images` builds.
package examples
