# Versions of the test control plane and its tools, sourced by the other scripts.
# Bumping one rebuilds only that component (each binary records the version it was built from).
# kube-apiserver v1.35 accepts etcd 3.5/3.6; it is the release the k8s.io/kubernetes v1.35 go.mod
# itself requires etcd from, so etcd is built from the same module graph.
K8S_VERSION="${HW_K8S_VERSION:-1.35.4}"
KWOK_VERSION="${HW_KWOK_VERSION:-v0.8.0}"
HELM_VERSION="${HW_HELM_VERSION:-v3.22.0}"
KUBECONFORM_VERSION="${HW_KUBECONFORM_VERSION:-v0.8.0}"
# Only its CRDs (ServiceMonitor, PodMonitor, PrometheusRule) are used, to validate the chart.
PROMETHEUS_OPERATOR_VERSION="${HW_PROMETHEUS_OPERATOR_VERSION:-v0.85.0}"

HW_CACHE="${HW_CACHE:-$HOME/.cache/herdwatch}"
K8S_HOME="$HW_CACHE/k8s"
K8S_BIN="$K8S_HOME/bin"
K8S_STATE="${HW_K8S_STATE:-$K8S_HOME/state}"
