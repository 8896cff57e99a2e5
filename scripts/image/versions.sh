# Shared by scripts/image/*.sh. buildah runs without a daemon: vfs storage and chroot
# isolation work inside containers and CI runners where overlay mounts and namespaces may not.
NODE_VERSION="${HW_NODE_VERSION:-24.21.0}"
NPM_VERSION="${HW_NPM_VERSION:-11.21.2}"
DEBIAN_SUITE="${HW_DEBIAN_SUITE:-bookworm}"
BASE_IMAGE="${HW_BASE_IMAGE:-localhost/herdwatch-node:24-bookworm-slim}"
IMAGE="${IMAGE:-localhost/herdwatch:dev}"
export BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-chroot}"
export STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
BUILDAH_ARGS=(--storage-driver "$STORAGE_DRIVER")
if [ -n "${HW_IMAGE_STORAGE:-}" ]; then BUILDAH_ARGS+=(--root "$HW_IMAGE_STORAGE/root" --runroot "$HW_IMAGE_STORAGE/run"); fi
