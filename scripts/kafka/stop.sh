#!/usr/bin/env bash
# Stops the broker started by start.sh (by the pid in its state file) and removes its data.
set -euo pipefail
CACHE="${HW_CACHE:-$HOME/.cache/herdwatch}"
home="${HW_KAFKA_HOME:-$CACHE/kafka/run}"
state="$home/state"
[ -f "$state" ] || { echo "herdwatch: no Kafka running from $home" >&2; exit 0; }
# shellcheck disable=SC1090
. "$state"
if kill -0 "$KAFKA_PID" 2>/dev/null; then
  kill -TERM "$KAFKA_PID"
  for _ in $(seq 1 60); do kill -0 "$KAFKA_PID" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$KAFKA_PID" 2>/dev/null && kill -KILL "$KAFKA_PID"
fi
rm -f "$state"
[ "${HW_KAFKA_KEEP_DATA:-}" = 1 ] || rm -rf "$home/data"
echo "herdwatch: Kafka stopped" >&2
