#!/usr/bin/env bash
# Builds (or, with PUSH=1, pushes) the stage images, and the stagekit command's image, for every
# platform with CONTAINER_TOOL (docker or podman), tagged $REGISTRY/<stage>:$VERSION and
# $REGISTRY/stagekit:$VERSION. IMAGES=stages or IMAGES=cli builds only those.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${CONTAINER_TOOL:-docker}
registry=${REGISTRY:-ghcr.io/stagekit}
version=${VERSION:-v0.2.0}
base=${BASE_IMAGE:-gcr.io/distroless/static-debian12:nonroot}
platforms=${PLATFORMS:-linux/amd64 linux/arm64}
stages=${STAGES:-enforce-tags replica-migration terraform-generate secret-forbidder label-injector}
which=${IMAGES:-all}
archs=$(for p in $platforms; do echo -n "${p#linux/} "; done)
images=
case "$which" in
all) images="$stages stagekit" ;;
stages) images=$stages ;;
cli) images=stagekit ;;
*) echo "IMAGES must be all, stages or cli, not $which" >&2; exit 2 ;;
esac
VERSION=$version ./scripts/build-linux.sh "$archs" "$images"
for s in $images; do
  tag="$registry/$s:$version"
  common=(-f Dockerfile.stage --build-arg "STAGE=$s" --build-arg "BASE_IMAGE=$base" --build-arg "VERSION=$version")
  [ "$s" = stagekit ] && common=(-f Dockerfile.cli --build-arg "BASE_IMAGE=$base" --build-arg "VERSION=$version")
  case "$tool" in
  podman)
    # A manifest list holding one image per platform; the binaries are prebuilt, so building a
    # foreign platform needs no emulation.
    podman manifest rm "$tag" >/dev/null 2>&1 || true
    podman image rm "$tag" >/dev/null 2>&1 || true
    for p in $platforms; do
      # --layers=false: podman reuses a cached LABEL layer when only a build-arg changed, which
      # would stamp an image with an earlier VERSION.
      podman build -q --layers=false --platform "$p" --build-arg "TARGETARCH=${p#linux/}" "${common[@]}" --manifest "$tag" . >/dev/null
    done
    if [ "${PUSH:-0}" = 1 ]; then podman manifest push --all "$tag" "docker://$tag"; fi
    ;;
  docker)
    out=(--output "type=image,push=false")
    [ "${PUSH:-0}" = 1 ] && out=(--push)
    docker buildx build --platform "$(echo $platforms | tr ' ' ',')" "${common[@]}" -t "$tag" "${out[@]}" .
    ;;
  *) echo "CONTAINER_TOOL must be docker or podman, not $tool" >&2; exit 2 ;;
  esac
  echo "built $tag ($platforms)"
done
