#!/usr/bin/env bash
# Runs the built image the way the chart runs it: uid 10001, read-only root filesystem, only
# /tmp writable. Checks that `herdwatch --help` works and that `herdwatch dev` answers /healthz.
# It tries podman first; where no OCI runtime can start containers (nested sandboxes without
# cgroup or rlimit rights), it runs the image's own filesystem and config instead: buildah
# mounts the image, a private mount namespace makes that root read-only with a tmpfs /tmp,
# and chroot runs the image's entrypoint as its user (10001). Same files, user, working dir,
# environment and entrypoint; no network or cgroup isolation.
#   scripts/image/run-check.sh            (make image-run; make image builds the image first)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
port="${HW_IMAGE_PORT:-18080}"

buildah "${BUILDAH_ARGS[@]}" inspect --type image "$IMAGE" >/dev/null 2>&1 || { echo "image-run: no image $IMAGE (make image)" >&2; exit 1; }
size="$(buildah "${BUILDAH_ARGS[@]}" images --format '{{.Size}}' "$IMAGE" | head -1)"
echo "image-run: $IMAGE, $size" >&2

check_health() {
  for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null; then echo; return 0; fi
    sleep 1
  done
  return 1
}

run_podman() {
  local args=(--storage-driver "$STORAGE_DRIVER" run --rm --user 10001:10001 --read-only --tmpfs /tmp --network host)
  podman "${args[@]}" "$IMAGE" --help | head -3 || return 1
  local cid
  cid="$(podman "${args[@]}" -d "$IMAGE" dev --host 127.0.0.1 --port "$port")" || return 1
  trap 'podman stop -t 5 "$cid" >/dev/null 2>&1 || true' RETURN
  check_health
}

run_chroot() {
  local ctr mnt user workdir entry env
  ctr="$(buildah "${BUILDAH_ARGS[@]}" from --pull=false "$IMAGE")"
  trap 'buildah "${BUILDAH_ARGS[@]}" rm "$ctr" >/dev/null 2>&1 || true' RETURN
  mnt="$(buildah "${BUILDAH_ARGS[@]}" mount "$ctr")"
  # The image's own config: user, working directory, entrypoint and environment.
  user="$(buildah "${BUILDAH_ARGS[@]}" inspect --format '{{.OCIv1.Config.User}}' "$ctr")"
  workdir="$(buildah "${BUILDAH_ARGS[@]}" inspect --format '{{.OCIv1.Config.WorkingDir}}' "$ctr")"
  entry="$(buildah "${BUILDAH_ARGS[@]}" inspect --format '{{range .OCIv1.Config.Entrypoint}}{{.}} {{end}}' "$ctr")"
  env="$(buildah "${BUILDAH_ARGS[@]}" inspect --format '{{range .OCIv1.Config.Env}}{{.}} {{end}}' "$ctr")"
  [ "$user" = "10001:10001" ] || { echo "image-run: the image runs as '$user', the chart expects 10001:10001" >&2; return 1; }
  local inner="cd $workdir && exec env -i HOME=/tmp $env $entry"
  local sandbox="mount --bind $mnt $mnt && mount -o remount,bind,ro $mnt && mount -t tmpfs -o size=64m tmpfs $mnt/tmp && mount -t proc proc $mnt/proc && exec chroot --userspec=$user $mnt sh -c"
  echo "image-run: --help as $user on a read-only root:" >&2
  unshare --mount --fork sh -c "$sandbox \"\$0\"" "$inner --help" | head -3
  unshare --mount --fork sh -c "$sandbox \"\$0\"" "touch $workdir/probe 2>&1 || true; touch /tmp/probe && echo '/tmp is writable'" | sed 's/^/image-run: /' >&2
  echo "image-run: herdwatch dev on port $port:" >&2
  unshare --mount --fork sh -c "$sandbox \"\$0\"" "$inner dev --host 127.0.0.1 --port $port" >/tmp/hw-image-dev.log 2>&1 &
  local pid=$!
  local ok=0
  check_health || ok=1
  # The web app is in the image: / answers with its page.
  if [ "$ok" = 0 ] && ! curl -fsS "http://127.0.0.1:$port/" | grep -qi '<!doctype html'; then echo "image-run: / does not serve the web app" >&2; ok=1; fi
  # unshare --fork ignores SIGTERM and waits for its child: stop the child (herdwatch) itself.
  pkill -TERM -P "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$ok" != 0 ]; then tail -20 /tmp/hw-image-dev.log >&2; fi
  return "$ok"
}

if command -v podman >/dev/null && podman_err="$(run_podman 2>&1)"; then
  echo "$podman_err"
  echo "image-run: ok with podman" >&2
  exit 0
fi
echo "image-run: podman could not run the container here: $(echo "${podman_err:-podman missing}" | grep -m1 -i 'error' || true)" >&2
echo "image-run: running the image's filesystem and config with a read-only root instead (see the header)" >&2
run_chroot
echo "image-run: ok" >&2
