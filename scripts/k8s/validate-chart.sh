#!/usr/bin/env bash
# Checks a Helm chart offline: `helm lint --strict`, then `helm template` rendered with each values
# file and validated by kubeconform against local schemas (Kubernetes v$K8S_VERSION kinds from the
# release's OpenAPI document, plus the project's CRDs). Prints each step; exits non-zero on any
# failure.
#
#   scripts/k8s/validate-chart.sh [CHART_DIR] [VALUES_FILE...]
#
# Without values files it checks the chart's defaults and every CHART_DIR/ci/*.yaml (Helm's
# convention for CI values). The Prometheus Operator's kinds (ServiceMonitor, PodMonitor,
# PrometheusRule) are checked against its CRDs, fetched as the Go module
# github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION. Kinds without a
# local schema fail, except those in HW_KUBECONFORM_SKIP (comma-separated; default none).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
# shellcheck source=../go-build.sh
. "$here/../go-build.sh"

chart="${1:-$root/charts/herdwatch}"
shift || true
"$here/build.sh" helm kubeconform >&2
export PATH="$root/node_modules/.bin:$("$root/scripts/node.sh"):$PATH"

schemas="$K8S_HOME/schemas/v$K8S_VERSION-standalone-strict"
# Regenerated when missing or older than the converter.
if [ ! -s "$schemas/deployment-apps-v1.json" ] || [ "$here/kube-schemas.ts" -nt "$schemas/deployment-apps-v1.json" ]; then
  swagger="$(cd "$K8S_HOME" && go_mod_dir "k8s.io/kubernetes@v$K8S_VERSION")/api/openapi-spec/swagger.json"
  tsx "$root/scripts/k8s/kube-schemas.ts" --swagger "$swagger" --out "$schemas"
fi
crd_schemas="$(mktemp -d)"
rendered="$(mktemp -d)"
trap 'rm -rf "$crd_schemas" "$rendered"' EXIT
shopt -s nullglob
monitoring="$(cd "$K8S_HOME" && go_mod_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")/example/prometheus-operator-crd"
crds=("$root"/k8s/crds/*.yaml "$chart"/crds/*.yaml "$monitoring"/monitoring.coreos.com_{servicemonitors,podmonitors,prometheusrules}.yaml)
if [ "${#crds[@]}" -gt 0 ]; then tsx "$root/scripts/k8s/kube-schemas.ts" --crd "${crds[@]}" --out "$crd_schemas"; fi

values=("$@")
if [ "${#values[@]}" -eq 0 ]; then values=("" "$chart"/ci/*.yaml); fi

failed=0
for v in "${values[@]}"; do
  args=()
  label="default values"
  if [ -n "$v" ]; then args=(-f "$v"); label="$v"; fi
  echo "== $label" >&2
  if ! "$K8S_BIN/helm" lint --strict "$chart" "${args[@]}" >&2; then failed=1; continue; fi
  out="$rendered/$(basename "${v:-default}" .yaml).yaml"
  if ! "$K8S_BIN/helm" template herdwatch "$chart" --include-crds --namespace herdwatch --kube-version "$K8S_VERSION" "${args[@]}" >"$out"; then
    failed=1
    continue
  fi
  "$K8S_BIN/kubeconform" -strict -summary -output text \
    -kubernetes-version "$K8S_VERSION" \
    -skip "${HW_KUBECONFORM_SKIP:-}" \
    -schema-location "$schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$crd_schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    "$out" >&2 || failed=1
done
if [ "$failed" != 0 ]; then echo "validate-chart: FAILED" >&2; exit 1; fi
echo "validate-chart: ok (${#values[@]} values sets)" >&2
