#!/usr/bin/env bash
# Runs a command with the notifier's test services: FerretDB (MONGODB_URI), Mailpit
# (SMTP_URL, MAILPIT_URL) and Alertmanager (ALERTMANAGER_URL, ALERTMANAGER_RECEIVER_PORT).
# Each one already given through its variable is used as it is; the others are started here
# and stopped afterwards, even when the command fails.
#   with-services.sh -- vitest run ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "${1:-}" = "--" ] && shift
started=()
cleanup() { if [ "${#started[@]}" -gt 0 ]; then "$here/stop.sh" "${started[@]}"; fi; }
trap cleanup EXIT
if [ -z "${MONGODB_URI:-}" ]; then
  MONGODB_URI="$("$here/start.sh" ferretdb)herdwatch_test"; started+=(ferretdb)
fi
if [ -z "${SMTP_URL:-}" ]; then
  read -r SMTP_URL MAILPIT_URL <<<"$("$here/start.sh" mailpit)"; started+=(mailpit)
fi
if [ -z "${ALERTMANAGER_URL:-}" ]; then
  am_port="${HW_ALERTMANAGER_PORT:-9193}"
  export ALERTMANAGER_RECEIVER_PORT="${ALERTMANAGER_RECEIVER_PORT:-$((am_port + 1))}"
  export HW_ALERTMANAGER_RECEIVER="http://127.0.0.1:$ALERTMANAGER_RECEIVER_PORT/alerts"
  ALERTMANAGER_URL="$("$here/start.sh" alertmanager)"; started+=(alertmanager)
fi
export MONGODB_URI SMTP_URL MAILPIT_URL ALERTMANAGER_URL
"$@"
