#!/usr/bin/env bash
# Runs a command with KAFKA_BROKERS set. Without KAFKA_BROKERS, starts the local broker
# first and stops it afterwards, even when the command fails; a broker that was already
# running (make kafka-up) is reused and left running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ -n "${KAFKA_BROKERS:-}" ]; then exec "$@"; fi
CACHE="${HW_CACHE:-$HOME/.cache/herdwatch}"
state="${HW_KAFKA_HOME:-$CACHE/kafka/run}/state"
was_up=0
if [ -f "$state" ]; then
  # shellcheck disable=SC1090
  pid="$(. "$state"; echo "${KAFKA_PID:-0}")"
  kill -0 "$pid" 2>/dev/null && was_up=1
fi
KAFKA_BROKERS="$("$here/start.sh")"
export KAFKA_BROKERS
if [ "$was_up" = 0 ]; then trap '"$here/stop.sh"' EXIT; fi
"$@"
