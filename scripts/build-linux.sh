#!/usr/bin/env bash
# Cross-builds the static binaries the images carry: bin/linux_<arch>/<stage> (and the stagekit
# command, bin/linux_<arch>/stagekit, stamped with $VERSION).
# Usage: build-linux.sh "amd64 arm64" "stage1 stage2... [stagekit]"
set -euo pipefail
cd "$(dirname "$0")/.."
archs=${1:-amd64 arm64}
stages=${2:-enforce-tags replica-migration terraform-generate secret-forbidder label-injector}
for arch in $archs; do
  mkdir -p "bin/linux_$arch"
  for s in $stages; do
    pkg=$(echo "$s" | tr -d '-')
    dir="./stages/$pkg/cmd/$s"
    ldflags="-s -w"
    [ "$s" = custom-stage ] && dir=./examples/custom-stage
    if [ "$s" = stagekit ]; then
      dir=./cmd/stagekit
      ldflags="$ldflags -X github.com/stagekit/stagekit/internal/cli.Version=${VERSION:-dev}"
    fi
    GOOS=linux GOARCH=$arch CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "bin/linux_$arch/$s" "$dir"
  done
done
