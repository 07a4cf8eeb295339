#!/usr/bin/env bash
# The SDK demo: run the custom-stage example binary on a bundled request in a temporary
# /kratix directory, then show what it left: the output tree, the status and the selectors.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/input" "$work/output" "$work/metadata"
cp examples/custom-stage/testdata/request.yaml "$work/input/object.yaml"

echo "== custom-stage on examples/custom-stage/testdata/request.yaml (ENVIRONMENT=prod)"
ENVIRONMENT=prod ./bin/custom-stage --kratix-dir "$work"
echo
echo "== /kratix/output"
(cd "$work/output" && find . -type f | sort | while read -r f; do echo "--- ${f#./}"; cat "$f"; done)
echo
echo "== /kratix/metadata/status.yaml"
cat "$work/metadata/status.yaml"
echo
echo "== /kratix/metadata/destination-selectors.yaml"
cat "$work/metadata/destination-selectors.yaml"
