#!/usr/bin/env bash
# Builds the Go-based test services (FerretDB, Mailpit, Alertmanager, Prometheus + promtool)
# from the Go module proxy into $HW_CACHE/services/bin. Each binary is rebuilt only when its
# pinned version changes, so only the first run on a machine pays.
# Usage: build.sh NAME...   (ferretdb mailpit alertmanager prometheus)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

GO_BUILD_P="${HW_GO_BUILD_P:-1}"
if [ "${CI:-}" = true ] && [ -z "${HW_GO_BUILD_P:-}" ]; then GO_BUILD_P=2; fi
export GOMAXPROCS="${HW_GO_MAXPROCS:-2}"
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0
GO=(nice -n 15 go)
mkdir -p "$SERVICES_BIN"
log() { echo "services-build: $*" >&2; }

up_to_date() { [ -x "$SERVICES_BIN/$1" ] && [ "$(cat "$SERVICES_BIN/.$1.version" 2>/dev/null)" = "$2" ]; }
stamp() { echo "$2" >"$SERVICES_BIN/.$1.version"; }

# go_install NAME PACKAGE VERSION [TAGS]: for modules without replace directives.
go_install() {
  if up_to_date "$1" "$3"; then return 0; fi
  log "building $1 $3 (first time only; cached in $SERVICES_BIN)"
  GOBIN="$SERVICES_BIN" "${GO[@]}" install -p "$GO_BUILD_P" -trimpath -ldflags "-s -w" ${4:+-tags "$4"} "$2@$3"
  stamp "$1" "$3"
}

build_one() {
  case "$1" in
    ferretdb) go_install ferretdb github.com/FerretDB/FerretDB/cmd/ferretdb "$FERRETDB_VERSION" ;;
    mailpit) go_install mailpit github.com/axllent/mailpit "$MAILPIT_VERSION" ;;
    alertmanager) go_install alertmanager github.com/prometheus/alertmanager/cmd/alertmanager "$ALERTMANAGER_VERSION" ;;
    prometheus)
      go_install prometheus github.com/prometheus/prometheus/cmd/prometheus "$PROMETHEUS_VERSION"
      go_install promtool github.com/prometheus/prometheus/cmd/promtool "$PROMETHEUS_VERSION" ;;
    *) log "unknown service $1 (ferretdb, mailpit, alertmanager, prometheus)"; exit 2 ;;
  esac
}

[ "$#" -gt 0 ] || set -- ferretdb mailpit alertmanager prometheus
for s in "$@"; do
  # Concurrent callers wait for one build instead of racing it.
  exec 9>"$SERVICES_HOME/build-$s.lock"
  flock 9
  build_one "$s"
  exec 9>&-
done
