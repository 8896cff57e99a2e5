#!/usr/bin/env bash
# Builds the HerdWatch image from the Dockerfile without a Docker engine: buildah (Debian's
# package), vfs storage, chroot isolation. The Node base comes from scripts/image/base.sh
# unless NODE_IMAGE names another (e.g. node:24-bookworm-slim where Docker Hub is reachable).
#   scripts/image/build.sh                 -> $IMAGE (default localhost/herdwatch:dev)
#   NODE_IMAGE=node:24-bookworm-slim IMAGE=ghcr.io/me/herdwatch:1.0 scripts/image/build.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

node_image="${NODE_IMAGE:-}"
if [ -z "$node_image" ]; then
  "$here/base.sh"
  node_image="$BASE_IMAGE"
fi
secret=()
# A TLS-intercepting proxy's CA (the one this machine's Node trusts) reaches npm in the build as a secret, never a layer.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then secret=(--secret "id=npm_ca,src=$NODE_EXTRA_CA_CERTS"); fi
echo "image: building $IMAGE from $root/Dockerfile on $node_image" >&2
buildah "${BUILDAH_ARGS[@]}" bud --layers=false --pull=false --isolation "$BUILDAH_ISOLATION" "${secret[@]}" \
  --build-arg NODE_IMAGE="$node_image" -t "$IMAGE" -f "$root/Dockerfile" "$root" >&2
buildah "${BUILDAH_ARGS[@]}" inspect --type image --format '{{.FromImageID}}' "$IMAGE" >/dev/null
echo "image: built $IMAGE" >&2
