#!/usr/bin/env bash
# Stops the test control plane started by up.sh (by its pid files, newest component first) and
# deletes its state: etcd data, certificates, kubeconfig, logs. Set HW_K8S_KEEP_STATE=1 to keep
# the logs and data for a post-mortem.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
run="$K8S_STATE/run"

stop() {
  local pidfile="$run/$1.pid" pid i
  [ -s "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "k8s-down: $1 ($pid) ignored SIGTERM for 10s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

for c in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$c"; done
if [ "${HW_K8S_KEEP_STATE:-0}" != 1 ]; then rm -rf "$K8S_STATE"; fi
echo "k8s-down: stopped" >&2
