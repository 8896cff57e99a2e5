#!/usr/bin/env bash
# Builds the Go-based test services (FerretDB, Mailpit, Alertmanager, Prometheus + promtool)
# from the Go module proxy into $HW_CACHE/services/bin. Each binary is rebuilt only when its
# pinned version changes, so only the first run on a machine pays.
# Usage: build.sh NAME...   (ferretdb mailpit alertmanager prometheus dashboard-check actionlint)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

# shellcheck source=../go-build.sh
. "$here/../go-build.sh"
mkdir -p "$SERVICES_BIN"
log() { echo "services-build: $*" >&2; }

up_to_date() { go_bin_up_to_date "$SERVICES_BIN" "$1" "$2"; }
stamp() { go_bin_stamp "$SERVICES_BIN" "$1" "$2"; }
# go_install NAME PACKAGE VERSION [TAGS]: for modules without replace directives.
go_install() { go_bin_install "$SERVICES_BIN" "$@"; }

# build_from_copy NAME MODULE VERSION PACKAGE PREPARE: for modules whose zip lacks files the
# release process generates (and `go install` therefore cannot build). Copies the module
# source, runs PREPARE in the copy to add them, then builds PACKAGE from there.
build_from_copy() {
  if up_to_date "$1" "$3"; then return 0; fi
  log "building $1 $3 (first time only; cached in $SERVICES_BIN)"
  local mod src
  mod="$(go_mod_dir "$2@$3")"
  src="$SERVICES_HOME/src/$1-$3"
  rm -rf "$src" && mkdir -p "$(dirname "$src")" && cp -r "$mod" "$src" && chmod -R u+w "$src"
  (cd "$src" && "$5" "$3" && "${GO[@]}" build "${GO_BUILD_FLAGS[@]}" -ldflags "-s -w" -o "$SERVICES_BIN/$1" "$4")
  rm -rf "$src"
  stamp "$1" "$3"
}

# FerretDB panics at start without build/version/version.txt (empty in the module zip).
prepare_ferretdb() { echo "$1" >build/version/version.txt; }
# Alertmanager embeds its web UI from ui/app/dist, built by npm in its release process; the
# tests use only its API, so an empty placeholder UI is enough.
prepare_alertmanager() {
  mkdir -p ui/app/dist/elm ui/app/dist/mantine
  echo '<!doctype html><title>Alertmanager</title><p>UI not built (HerdWatch test build); use the API.' | tee ui/app/dist/elm/index.html >ui/app/dist/mantine/index.html
}

# go_build_local NAME DIR: a small tool of this repository (its own go.mod), rebuilt when its sources change.
go_build_local() {
  local dir="$here/$2" version
  version="$(cat "$dir/go.mod" "$dir/go.sum" "$dir"/*.go | sha256sum | cut -c1-16)"
  if up_to_date "$1" "$version"; then return 0; fi
  log "building $1 from $dir (cached in $SERVICES_BIN)"
  (cd "$dir" && "${GO[@]}" build "${GO_BUILD_FLAGS[@]}" -ldflags "-s -w" -o "$SERVICES_BIN/$1" .)
  stamp "$1" "$version"
}

build_one() {
  case "$1" in
    ferretdb) build_from_copy ferretdb github.com/FerretDB/FerretDB "$FERRETDB_VERSION" ./cmd/ferretdb prepare_ferretdb ;;
    mailpit) go_install mailpit github.com/axllent/mailpit "$MAILPIT_VERSION" ;;
    alertmanager) build_from_copy alertmanager github.com/prometheus/alertmanager "$ALERTMANAGER_VERSION" ./cmd/alertmanager prepare_alertmanager ;;
    # remove_all_sd: only static, file and HTTP service discovery. The cloud SDs (AWS, Azure,
    # GCE, Kubernetes, ...) are most of Prometheus' dependency graph and no test scrapes through
    # them; leaving them out makes the first build several times faster.
    prometheus)
      go_install prometheus github.com/prometheus/prometheus/cmd/prometheus "$PROMETHEUS_VERSION" remove_all_sd
      go_install promtool github.com/prometheus/prometheus/cmd/promtool "$PROMETHEUS_VERSION" remove_all_sd ;;
    actionlint) go_install actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" ;;
    # Loads dashboards/*.json into the Grafana Foundation SDK's Go schema types (strict).
    dashboard-check) go_build_local dashboard-check dashboard-check ;;
    *) log "unknown service $1 (ferretdb, mailpit, alertmanager, prometheus, dashboard-check, actionlint)"; exit 2 ;;
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
