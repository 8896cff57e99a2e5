#!/usr/bin/env bash
# Restarts the broker started by start.sh on its own data (a rolling restart of the one
# node): SIGTERM, wait for a clean exit, start again on the same port. For fault-injection
# tests; prints the bootstrap address like start.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
HW_KAFKA_KEEP_DATA=1 "$here/stop.sh"
HW_KAFKA_KEEP_DATA=1 exec "$here/start.sh"
