#!/usr/bin/env bash
# `make kind-up`: a kind cluster with HerdWatch installed from this checkout.
# Needs docker, kind, kubectl and helm on PATH. Steps: create the cluster (k8s/kind-config.yaml)
# unless it exists, build the image and load it into the nodes, start a demo Kafka, install the
# chart with k8s/dev/kind-values.yaml, apply the demo rule and wait until it is Ready.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster="${HW_KIND_CLUSTER:-herdwatch}"
image="herdwatch:dev"
for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null || { echo "kind-up: $tool is not on PATH (see docs/helm.md)" >&2; exit 1; }
done
if ! kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  kind create cluster --name "$cluster" --config "$root/k8s/kind-config.yaml" --wait 120s
fi
kubectl config use-context "kind-$cluster" >/dev/null
docker build -t "$image" "$root"
kind load docker-image "$image" --name "$cluster"
kubectl create namespace herdwatch --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -f "$root/k8s/dev/kafka.yaml"
kubectl -n herdwatch rollout status deploy/kafka --timeout=180s
helm upgrade --install herdwatch "$root/charts/herdwatch" --namespace herdwatch \
  -f "$root/k8s/dev/kind-values.yaml" --wait --timeout 180s
kubectl apply -n herdwatch -f "$root/k8s/examples/sneaker-surge.yaml"
kubectl -n herdwatch wait herdrule/sneaker-surge --for=condition=Ready --timeout=180s
kubectl get herdrules -A
echo "kind-up: API on http://127.0.0.1:8080 — tear down with: kind delete cluster --name $cluster"
