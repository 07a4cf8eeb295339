#!/usr/bin/env bash
# make demo: the five fleet stories of examples/, one after another. Each is a Promise change a
# platform team makes (promise.yaml -> promise-v2.yaml) and what `stagekit fleet diff` says it
# does to every request before it is applied, run in the example's directory exactly as its
# README runs it; two stories first show a `stagekit run` (the Promise's own workflow, a
# compound request's destinations). The stagekit command and the examples' own stages are
# built into DEMO_BIN, a temporary directory removed afterwards unless given.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
GO=${GO:-go}
bin=${DEMO_BIN:-}
if [ -z "$bin" ]; then
  bin=$(mktemp -d "${TMPDIR:-/tmp}/stagekit-demo.XXXXXX")
  trap 'rm -rf "$bin"' EXIT
fi
# stagekit, custom-stage (the app Promise's stage) and every story's cmd/<binary>: the image
# ghcr.io/stagekit/examples-<binary> runs as $bin/<binary> (--exec-dir). Without debug
# information, linking the seven binaries takes half the time.
$GO build -ldflags='-s -w' -o "$bin/" ./cmd/stagekit ./examples/custom-stage ./examples/.../cmd/...
PATH=$bin:$PATH
examples=ghcr.io/stagekit/examples-=$bin

story() { # story HEADING DIRECTORY: the heading, then into the example's directory
  [ -z "${dir:-}" ] || echo
  dir=$2
  echo "== $1"
  echo "\$ cd examples/$dir"
}
show() { # show ARGS...: a stagekit command, as typed, then what it prints
  echo "\$ stagekit $*"
  (cd "$root/examples/$dir" && stagekit "$@")
}

story "Tagging every VM of a Terraform fleet: v2 adds enforce-tags before terraform apply" vm-fleet
show fleet diff --from promise.yaml --to promise-v2.yaml --requests requests.yaml --skip terraform-apply

story "Two replicas for every app: v2 adds replica-migration after the app's own stage" app-replicas
show fleet diff --from promise.yaml --to promise-v2.yaml --requests requests.yaml --exec "registry.example.com/platform/custom-stage:v1=$bin/custom-stage"

story "Upgrading a MongoDB fleet: v2 maps 4 → 4.4.24 and 5 → 5.0.15" mongodb-fleet
show fleet diff --from promise.yaml --to promise-v2.yaml --requests requests.yaml --exec-dir "$examples"

story "A Helm-rendered PostgreSQL on demand: v2 moves the operator and its CRDs to the Promise's own workflow" helm-service
show run promise-v2.yaml --workflow promise.configure --exec-dir "$examples"
echo
show fleet diff --from promise.yaml --to promise-v2.yaml --requests requests.yaml --exec-dir "$examples" --stat

story "A platform of Promises: v2 rolls a default NetworkPolicy out across every team's platform" platform-orchestrator
show run promise.yaml request.yaml --exec-dir "$examples"
echo
show fleet diff --from promise.yaml --to promise-v2.yaml --requests requests.yaml --exec-dir "$examples"
