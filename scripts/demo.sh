#!/usr/bin/env bash
# The fleet-upgrade story, end to end, with no cluster: five requests of two Promises run
# through their v1 pipelines; the platform team "updates the Promises" (v2 appends stagekit
# stages); every request is re-run, and the demo prints what changed, request by request, then
# one line for the fleet. Real stage binaries, built into the demo's temporary directory, on real
# temporary /kratix directories, the way Kratix runs a pipeline pod's containers one after
# another. It leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$work/bin"
CGO_ENABLED=0 "${GO:-go}" build -trimpath -o "$bin/" \
  ./stages/terraformgenerate/cmd/terraform-generate ./stages/enforcetags/cmd/enforce-tags \
  ./stages/replicamigration/cmd/replica-migration ./examples/custom-stage

# split FILE DIR: one file per document of a multi-document request file.
split() {
  awk -v dir="$2" 'BEGIN{n=0} /^---$/{n++; next} /^#/{next} {print > (dir "/" n ".yaml")}' "$1"
}

# run PROMISE REQUEST VERSION STAGE...: one pipeline run of one request in a fresh pod.
run() {
  local promise=$1 req=$2 version=$3; shift 3
  local name ns kind group ver pod
  name=$(awk '/^  name:/{print $2; exit}' "$req")
  ns=$(awk '/^  namespace:/{print $2; exit}' "$req")
  kind=$(awk '/^kind:/{print $2; exit}' "$req")
  group=$(awk '/^apiVersion:/{print $2; exit}' "$req"); ver=${group##*/}; group=${group%/*}
  pod="$work/$version/$ns-$name"
  log="$work/logs/$version/$ns-$name.log"
  mkdir -p "$pod/input" "$pod/output" "$pod/metadata" "$work/logs/$version"
  cp "$req" "$pod/input/object.yaml"
  for stage in "$@"; do
    local -a settings=()
    case "$stage" in
    terraform-generate) settings=(MODULE_SOURCE=https://github.com/terraform-aws-modules/terraform-aws-ec2-instance MODULE_VERSION=v6.0.2) ;;
    enforce-tags) settings=("TAGS=managed-by=kratix,kratix.io/promise=\$(KRATIX_PROMISE_NAME),kratix.io/request-namespace=\$(KRATIX_OBJECT_NAMESPACE),kratix.io/request-name=\$(KRATIX_OBJECT_NAME),cost-center=platform") ;;
    custom-stage) settings=(ENVIRONMENT=dev) ;;
    replica-migration) settings=(MIN_REPLICAS=2) ;;
    esac
    if ! env -i PATH="$PATH" KRATIX_WORKFLOW_TYPE=resource KRATIX_WORKFLOW_ACTION=configure \
      KRATIX_PROMISE_NAME="$promise" KRATIX_PIPELINE_NAME=instance-configure \
      KRATIX_OBJECT_KIND="$kind" KRATIX_OBJECT_GROUP="$group" KRATIX_OBJECT_VERSION="$ver" \
      KRATIX_OBJECT_NAME="$name" KRATIX_OBJECT_NAMESPACE="$ns" KRATIX_CRD_PLURAL="${promise}s" \
      KRATIX_CLUSTER_SCOPED=false "${settings[@]}" \
      "$bin/$stage" --kratix-dir "$pod" 2>>"$log"; then
      echo "pipeline of $ns/$name failed at $stage; its log:" >&2
      cat "$log" >&2
      exit 1
    fi
  done
}

mkdir -p "$work/requests/vm" "$work/requests/app"
split examples/vm-fleet/requests.yaml "$work/requests/vm"
split examples/app-replicas/requests.yaml "$work/requests/app"

echo "stagekit fleet demo: 3 VMs (Promise vm) and 2 apps (Promise app)"
echo
echo "  vm  v1: terraform-generate"
echo "  vm  v2: terraform-generate -> enforce-tags"
echo "  app v1: custom-stage (the SDK example)"
echo "  app v2: custom-stage -> replica-migration"
echo
for r in "$work"/requests/vm/*.yaml; do
  run vm "$r" v1 terraform-generate
  run vm "$r" v2 terraform-generate enforce-tags
done
for r in "$work"/requests/app/*.yaml; do
  run app "$r" v1 custom-stage
  run app "$r" v2 custom-stage replica-migration
done

changed=0 same=0 requests=0
for pod in "$work"/v1/*; do
  id=$(basename "$pod")
  requests=$((requests + 1))
  echo "=== $id: what the Promise upgrade changes"
  # Timestamps are dropped from the diff headers so the demo prints the same thing every time.
  if d=$(cd "$work" && diff -ruN "v1/$id" "v2/$id"); then
    echo "(no change)"
    same=$((same + 1))
  else
    echo "$d" | sed -E 's/^(---|\+\+\+) ([^\t]*)\t.*$/\1 \2/'
    changed=$((changed + 1))
  fi
  # What the appended stages said while doing it.
  grep -E '^(INFO|WARN) (enforce-tags|replica-migration): ' "$work/logs/v2/$id.log" | grep -v ': done: ' | sed 's/^/  log: /' || true
  echo
done
files=$( (cd "$work" && diff -rqN v1 v2 || true) | wc -l)
raised=$(cat "$work"/logs/v2/*.log | grep -c '^INFO replica-migration: .*-> 2' || true)
vms=$(grep -l '"kratix.io/request-name"' "$work"/v2/*/output/*.tf.json | wc -l)
echo "fleet: $requests requests re-run: $changed changed, $same unchanged, $files files differ; $vms VMs carry the enforced tags, $raised workloads raised to 2 replicas"
echo
echo "=== the SDK example (examples/custom-stage, 51 lines) left this pod for default/todoer:"
(cd "$work/v1/default-todoer" && find output metadata -type f | sort | sed 's/^/  /')
echo "  metadata/status.yaml:"; sed 's/^/    /' "$work/v1/default-todoer/metadata/status.yaml"
echo "  metadata/destination-selectors.yaml:"; sed 's/^/    /' "$work/v1/default-todoer/metadata/destination-selectors.yaml"
