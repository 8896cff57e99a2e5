#!/usr/bin/env bash
# Fetches and builds everything `make test` needs into $HW_CACHE before the first test runs
# (`make deps`, the first step of `make test`). The network-bound fetches (Kafka 4.4.0 and 3.9.1
# jars from Maven Central, Chromium from apt) run in the background while the CPU-bound Go builds
# run in the foreground, one at a time, each on every core it is given. With a warm cache every
# step is a no-op and this takes about a second.
#   scripts/ci/deps.sh          everything
#   HW_DEPS_SKIP="chromium"     leave steps out (space-separated: kafka chromium services k8s)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
skip=" ${HW_DEPS_SKIP:-} "
wanted() { [[ "$skip" != *" $1 "* ]]; }
log() { echo "deps: $*" >&2; }

declare -A jobs=()
background() { # NAME COMMAND...: runs COMMAND in the background, its output in $HW_CACHE/deps-NAME.log
  local name="$1"; shift
  mkdir -p "${HW_CACHE:-$HOME/.cache/herdwatch}"
  "$@" >"${HW_CACHE:-$HOME/.cache/herdwatch}/deps-$name.log" 2>&1 &
  jobs[$name]=$!
}

started=$SECONDS
if wanted kafka; then
  background kafka-4.4.0 env HW_KAFKA_VERSION="${HW_KAFKA_VERSION:-4.4.0}" "$root/scripts/kafka/fetch.sh"
  background kafka-3.9.1 env HW_KAFKA_VERSION="${KAFKA_COMPAT_VERSION:-3.9.1}" "$root/scripts/kafka/fetch.sh"
fi
wanted chromium && background chromium "$root/scripts/web/chromium.sh"

# Smallest first, so a broken toolchain shows in seconds; then the control plane, the biggest.
wanted services && "$root/scripts/services/build.sh" dashboard-check actionlint mailpit ferretdb alertmanager prometheus
wanted k8s && "$root/scripts/k8s/build.sh"

failed=0
for name in "${!jobs[@]}"; do
  if ! wait "${jobs[$name]}"; then
    log "$name failed; its output:"
    cat "${HW_CACHE:-$HOME/.cache/herdwatch}/deps-$name.log" >&2
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
log "everything make test needs is in ${HW_CACHE:-$HOME/.cache/herdwatch} ($((SECONDS - started)) s)"
