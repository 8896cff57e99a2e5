#!/usr/bin/env bash
# Stops a service started by start.sh and deletes its state. A service that is not running is fine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
for name in "$@"; do
  run="${HW_SERVICES_STATE:-$SERVICES_HOME/run}/$name"
  if [ -f "$run/state" ]; then
    # shellcheck disable=SC1090
    pid="$(. "$run/state"; echo "${PID:-}")"
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$run"
done
