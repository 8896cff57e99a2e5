#!/usr/bin/env bash
# `make test-k8s`: builds (or reuses) the control plane and tools, starts the control plane unless
# KUBECONFIG points at a cluster or one is already running, runs every test file in test/k8s
# against it (one at a time), and stops what it started — also when a test fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

"$here/build.sh"
export PATH="$K8S_BIN:$PATH" HW_CACHE

if [ -n "${KUBECONFIG:-}" ]; then
  echo "test-k8s: using the cluster in KUBECONFIG=$KUBECONFIG" >&2
elif [ -s "$K8S_STATE/run/kube-apiserver.pid" ] && kill -0 "$(cat "$K8S_STATE/run/kube-apiserver.pid")" 2>/dev/null; then
  echo "test-k8s: reusing the running control plane (make k8s-down stops it)" >&2
  eval "$("$here/up.sh")"
else
  trap '"$here/down.sh"' EXIT
  eval "$("$here/up.sh")"
fi
export KUBECONFIG

cd "$root"
vitest run --config vitest.int.config.ts "${@:-test/k8s}"
