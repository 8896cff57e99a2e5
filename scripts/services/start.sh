#!/usr/bin/env bash
# Starts one Go-built test service on loopback (building it first if needed) and prints
# the address clients use. Idempotent: a service that is already up is reused.
#   start.sh ferretdb      → mongodb://127.0.0.1:$HW_FERRETDB_PORT/  (SQLite backend, default port 27117)
#   start.sh mailpit       → smtp://127.0.0.1:$HW_MAILPIT_SMTP_PORT http://127.0.0.1:$HW_MAILPIT_HTTP_PORT (1125, 8125)
#   start.sh alertmanager  → http://127.0.0.1:$HW_ALERTMANAGER_PORT (9193); routes every alert, grouped, to the
#                            webhook receiver at $HW_ALERTMANAGER_RECEIVER (default http://127.0.0.1:<port+1>/alerts)
# State (data, logs, pid) lives in $HW_SERVICES_STATE (default $HW_CACHE/services/run/<name>).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
name="${1:?usage: start.sh ferretdb|mailpit|alertmanager}"
run="${HW_SERVICES_STATE:-$SERVICES_HOME/run}/$name"
state="$run/state"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -f "$state" ]; then
  # shellcheck disable=SC1090
  . "$state"
  if kill -0 "${PID:-0}" 2>/dev/null && port_open "${PORT:-0}"; then echo "$ADDRESS"; exit 0; fi
  rm -f "$state"
fi
"$here/build.sh" "$name" >&2
rm -rf "$run" && mkdir -p "$run"
bin="$SERVICES_BIN/$name"

case "$name" in
  ferretdb)
    port="${HW_FERRETDB_PORT:-27117}"
    mkdir -p "$run/data"
    args=(--handler=sqlite "--sqlite-url=file:$run/data/" "--listen-addr=127.0.0.1:$port" --debug-addr=- --telemetry=disable
      "--state-dir=$run" --log-level=warn)
    address="mongodb://127.0.0.1:$port/" ;;
  mailpit)
    port="${HW_MAILPIT_HTTP_PORT:-8125}"
    smtp="${HW_MAILPIT_SMTP_PORT:-1125}"
    # Tests count re-sent mails (same Message-ID); HW_MAILPIT_IGNORE_DUPLICATE_IDS=1 makes Mailpit drop them like a mail client would.
    args=(--listen "127.0.0.1:$port" --smtp "127.0.0.1:$smtp" --database "$run/mailpit.db" --smtp-auth-accept-any
      --smtp-auth-allow-insecure --disable-version-check --max 100000 ${HW_MAILPIT_IGNORE_DUPLICATE_IDS:+--ignore-duplicate-ids})
    address="smtp://127.0.0.1:$smtp http://127.0.0.1:$port" ;;
  alertmanager)
    port="${HW_ALERTMANAGER_PORT:-9193}"
    receiver="${HW_ALERTMANAGER_RECEIVER:-http://127.0.0.1:$((port + 1))/alerts}"
    cat >"$run/alertmanager.yml" <<YAML
route:
  receiver: herdwatch-test
  group_by: [alertname, rule]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: herdwatch-test
    webhook_configs:
      - url: $receiver
        send_resolved: true
YAML
    args=("--config.file=$run/alertmanager.yml" "--storage.path=$run/data" "--web.listen-address=127.0.0.1:$port"
      --cluster.listen-address= --log.level=warn)
    address="http://127.0.0.1:$port" ;;
  *) echo "start.sh: unknown service $name (ferretdb, mailpit, alertmanager)" >&2; exit 2 ;;
esac

if port_open "$port"; then echo "start.sh: port $port is taken; set the HW_*_PORT variable of $name" >&2; exit 1; fi
nohup "$bin" "${args[@]}" >"$run/log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  if port_open "$port"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "start.sh: $name exited; log:" >&2; cat "$run/log" >&2; exit 1; fi
  sleep 0.1
done
port_open "$port" || { echo "start.sh: $name did not open port $port; log: $run/log" >&2; kill "$pid"; exit 1; }
printf 'PID=%s\nPORT=%s\nADDRESS=%q\n' "$pid" "$port" "$address" >"$state"
echo "$address"
