#!/usr/bin/env bash
# Restarts the broker started by start.sh on its own data (a rolling restart of the one
# node): SIGTERM, wait for a clean exit, start again on the same port (taken from its state
# file, so the caller's HW_KAFKA_PORT does not matter). For fault-injection tests; prints
# the bootstrap address like start.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CACHE="${HW_CACHE:-$HOME/.cache/herdwatch}"
state="${HW_KAFKA_HOME:-$CACHE/kafka/run}/state"
if [ -f "$state" ]; then
  # shellcheck disable=SC1090
  HW_KAFKA_PORT="$(. "$state"; echo "${KAFKA_PORT:-${HW_KAFKA_PORT:-19092}}")"
  export HW_KAFKA_PORT
fi
HW_KAFKA_KEEP_DATA=1 "$here/stop.sh"
HW_KAFKA_KEEP_DATA=1 exec "$here/start.sh"
