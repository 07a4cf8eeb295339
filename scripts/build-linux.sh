#!/usr/bin/env bash
# Cross-builds the static stage binaries the images carry: $BIN_DIR/linux_<arch>/<stage>
# (BIN_DIR defaults to bin; the container test builds into a temporary directory).
# Usage: build-linux.sh "amd64 arm64" "stage1 stage2..."
set -euo pipefail
cd "$(dirname "$0")/.."
archs=${1:-amd64 arm64}
stages=${2:-enforce-tags replica-migration terraform-generate secret-forbidder label-injector}
bin=${BIN_DIR:-bin}
for arch in $archs; do
  mkdir -p "$bin/linux_$arch"
  for s in $stages; do
    pkg=$(echo "$s" | tr -d '-')
    dir="./stages/$pkg/cmd/$s"
    [ "$s" = custom-stage ] && dir=./examples/custom-stage
    GOOS=linux GOARCH=$arch CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$bin/linux_$arch/$s" "$dir"
  done
done
