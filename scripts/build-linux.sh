#!/usr/bin/env bash
# Cross-builds the static binaries the images carry: $BIN_DIR/linux_<arch>/<stage> (and the
# stagekit command, $BIN_DIR/linux_<arch>/stagekit, stamped with $VERSION). BIN_DIR defaults to
# bin; the container test builds into a temporary directory.
# Usage: build-linux.sh "amd64 arm64" "stage1 stage2... [stagekit]"
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
    ldflags="-s -w"
    [ "$s" = custom-stage ] && dir=./examples/custom-stage
    if [ "$s" = stagekit ]; then
      dir=./cmd/stagekit
      ldflags="$ldflags -X github.com/stagekit/stagekit/internal/cli.Version=${VERSION:-dev}"
    fi
    GOOS=linux GOARCH=$arch CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "$bin/linux_$arch/$s" "$dir"
  done
done
