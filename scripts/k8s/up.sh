#!/usr/bin/env bash
# Starts the test control plane on loopback, the way envtest does but with the controllers that
# make owner-reference GC and Deployment rollouts real: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, and kwok simulating two nodes so that pods are
# scheduled and become Ready without containers. Idempotent: a running plane is reused.
# Prints `export KUBECONFIG=...` on stdout; progress goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

ETCD_PORT="${HW_K8S_ETCD_PORT:-23379}"
ETCD_PEER_PORT="${HW_K8S_ETCD_PEER_PORT:-23380}"
API_PORT="${HW_K8S_API_PORT:-26443}"
KCM_PORT="${HW_K8S_KCM_PORT:-26257}"
SCHED_PORT="${HW_K8S_SCHED_PORT:-26259}"
SERVICE_CIDR="10.96.0.0/16"

log() { echo "k8s-up: $*" >&2; }
die() { log "$*"; exit 1; }

"$here/build.sh" kubernetes kwok
mkdir -p "$K8S_STATE"
exec 9>"$K8S_HOME/up.lock"
flock 9

pki="$K8S_STATE/pki" logs="$K8S_STATE/logs" run="$K8S_STATE/run"
kubeconfig="$K8S_STATE/kubeconfig"
mkdir -p "$pki" "$logs" "$run"
"$here/certs.sh" "$pki"

alive() { [ -s "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start NAME ARGS...: runs the cached binary NAME in its own session, logging to logs/NAME.log.
start() {
  local name="$1"; shift
  if alive "$name"; then return 0; fi
  # 9>&-: the daemons must not inherit (and so hold) the start lock.
  setsid "$K8S_BIN/$name" "$@" >"$logs/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$run/$name.pid"
}

# wait_for WHAT SECONDS COMMAND...: polls COMMAND until it succeeds; shows the log on timeout.
wait_for() {
  local what="$1" secs="$2" i; shift 2
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  log "$what did not become ready in ${secs}s; last log lines:"
  tail -n 30 "$logs/$what.log" >&2 || true
  exit 1
}

b64() { base64 -w0 <"$1"; }
write_kubeconfig() { # FILE USER
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: herdwatch-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(b64 "$pki/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(b64 "$pki/$2.crt")
    client-key-data: $(b64 "$pki/$2.key")
contexts:
- name: herdwatch-test
  context: {cluster: herdwatch-test, user: $2, namespace: default}
current-context: herdwatch-test
EOF
  chmod 600 "$1"
}
write_kubeconfig "$kubeconfig" admin
for c in controller-manager scheduler kwok; do write_kubeconfig "$run/$c.kubeconfig" "$c"; done

if ! alive etcd; then
  for p in "$ETCD_PORT" "$ETCD_PEER_PORT" "$API_PORT" "$KCM_PORT" "$SCHED_PORT"; do
    port_free "$p" || die "port $p on 127.0.0.1 is taken by another process (set HW_K8S_*_PORT)"
  done
fi

log "starting etcd on 127.0.0.1:$ETCD_PORT"
start etcd --name=herdwatch-test --data-dir="$K8S_STATE/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="herdwatch-test=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync --quota-backend-bytes=2147483648
wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"

# Audit log of every write (metadata only): tests read who wrote what, and when, from the API
# server's own records (e.g. that two operator replicas never write at the same time).
cat >"$run/audit-policy.yaml" <<'POLICY'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
POLICY
log "starting kube-apiserver on https://127.0.0.1:$API_PORT"
start kube-apiserver --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --authorization-mode=Node,RBAC --allow-privileged=true \
  --cert-dir="$K8S_STATE/apiserver-certs" \
  --audit-policy-file="$run/audit-policy.yaml" --audit-log-path="$logs/audit.log" \
  --audit-log-maxsize=200 --audit-log-maxbackup=1
api_ready() {
  curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz"
}
wait_for kube-apiserver 120 api_ready

log "starting kube-controller-manager and kube-scheduler"
start kube-controller-manager --kubeconfig="$run/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$run/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$run/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$K8S_STATE/kcm-certs" \
  --controllers='*' --use-service-account-credentials=true \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" --leader-elect=false
start kube-scheduler --kubeconfig="$run/scheduler.kubeconfig" \
  --authentication-kubeconfig="$run/scheduler.kubeconfig" \
  --authorization-kubeconfig="$run/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$K8S_STATE/scheduler-certs" \
  --leader-elect=false

log "starting kwok (manages nodes annotated kwok.x-k8s.io/node=fake)"
start kwok --kubeconfig="$run/kwok.kubeconfig" --config="$K8S_BIN/kwok-stages.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-ip=127.0.0.1 --node-lease-duration-seconds=40

kc() { "$K8S_BIN/kubectl" --kubeconfig="$kubeconfig" "$@"; }
for i in 0 1; do
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
EOF
done
# The default ServiceAccount appears once the controller manager works; pods need it to be admitted.
wait_for kube-controller-manager 120 kc get serviceaccount default -n default
wait_for kwok 120 kc wait --for=condition=Ready node/kwok-node-0 node/kwok-node-1 --timeout=2s
wait_for kube-scheduler 60 curl -skf "https://127.0.0.1:$SCHED_PORT/healthz"

# Kubernetes bug (kubernetes/kubernetes#130887, open in 1.35): once no binding names a built-in
# paramKind for one policy refresh, the API server stops that kind's param informer for good, and
# policies bound later never see their parameter again. Tests install and remove the operator's
# write fence (paramKind Lease) many times, so one binding that uses Leases stays for the plane's
# life. It matches no request.
kc apply -f - >/dev/null <<'POLICY'
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: herdwatch-test-keep-lease-params}
spec:
  paramKind: {apiVersion: coordination.k8s.io/v1, kind: Lease}
  matchConstraints:
    resourceRules: [{apiGroups: [herdwatch.test], apiVersions: ["*"], resources: [none], operations: [CREATE]}]
  validations: [{expression: "true"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: herdwatch-test-keep-lease-params}
spec:
  policyName: herdwatch-test-keep-lease-params
  validationActions: [Deny]
  paramRef: {name: none, namespace: default, parameterNotFoundAction: Allow}
POLICY

log "ready: $(kc version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1) with 2 kwok nodes; logs in $logs"
echo "export KUBECONFIG=$kubeconfig"
