#!/usr/bin/env bash
# `make test-k8s`: builds (or reuses) the binaries; uses the cluster in KUBECONFIG, else the plane
# `make k8s-up` left running, else starts a private one; runs every test file in test/k8s (or the
# paths given) one at a time, and stops what it started — also when a test fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

"$here/build.sh"
export PATH="$K8S_BIN:$PATH" HW_CACHE

if [ -n "${KUBECONFIG:-}" ]; then
  KUBECONFIG_FROM_USER=1
  echo "test-k8s: using the cluster in KUBECONFIG=$KUBECONFIG" >&2
elif [ -s "$K8S_STATE/run/kube-apiserver.pid" ] && kill -0 "$(cat "$K8S_STATE/run/kube-apiserver.pid")" 2>/dev/null; then
  echo "test-k8s: reusing the running control plane (make k8s-down stops it)" >&2
  started="$("$here/up.sh")"
  eval "$started"
else
  # A private plane (own state dir, ports picked at random) so that two runs at once on a shared
  # machine neither collide nor stop each other's cluster. The ports lie below Linux's ephemeral
  # range (32768-60999): a port in it can be taken by any outgoing connection between the check
  # and the bind (a CI-like run lost its scheduler so). A plane that fails to start anyway is
  # stopped and started again on other ports, up to three times.
  trap '"$here/down.sh"' EXIT
  started=""
  for attempt in 1 2 3; do
    HW_K8S_STATE="$(mktemp -d "$K8S_HOME/test-XXXXXX")"
    for _ in 1 2 3 4 5; do
      base=$((28000 + RANDOM % 4500)) taken=0
      for p in $(seq "$base" $((base + 4))); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && taken=1; done
      [ "$taken" = 0 ] && break
    done
    export HW_K8S_STATE HW_K8S_ETCD_PORT=$base HW_K8S_ETCD_PEER_PORT=$((base + 1)) HW_K8S_API_PORT=$((base + 2)) \
      HW_K8S_KCM_PORT=$((base + 3)) HW_K8S_SCHED_PORT=$((base + 4))
    if started="$("$here/up.sh")"; then break; fi
    started=""
    echo "test-k8s: the control plane did not start (attempt $attempt of 3); stopping it" >&2
    "$here/down.sh"
  done
  [ -n "$started" ] || { echo "test-k8s: no control plane after 3 attempts" >&2; exit 1; }
  eval "$started"
fi
export KUBECONFIG
# The API server's audit log (up.sh writes it), for tests that check who wrote when.
[ -n "${KUBECONFIG_FROM_USER:-}" ] || export HW_K8S_AUDIT_LOG="${HW_K8S_AUDIT_LOG:-${HW_K8S_STATE:-$K8S_STATE}/logs/audit.log}"

cd "$root"
if [ "$#" -eq 0 ]; then set -- test/k8s; fi
vitest run --config vitest.int.config.ts "$@"
