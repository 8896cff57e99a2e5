# Versions of the Go-built test services, sourced by the other scripts in this folder.
# Bumping one rebuilds only that binary (each records the version it was built from).
FERRETDB_VERSION="${HW_FERRETDB_VERSION:-v1.24.2}"
MAILPIT_VERSION="${HW_MAILPIT_VERSION:-v1.33.1}"
ALERTMANAGER_VERSION="${HW_ALERTMANAGER_VERSION:-v0.35.0}"
PROMETHEUS_VERSION="${HW_PROMETHEUS_VERSION:-v0.316.0}"
# Lints .github/workflows (make lint-workflows).
ACTIONLINT_VERSION="${HW_ACTIONLINT_VERSION:-v1.7.12}"

HW_CACHE="${HW_CACHE:-$HOME/.cache/herdwatch}"
SERVICES_HOME="$HW_CACHE/services"
SERVICES_BIN="$SERVICES_HOME/bin"
