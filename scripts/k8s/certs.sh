#!/usr/bin/env bash
# Writes the PKI of the test control plane into $1: a CA, the API server's serving cert, client
# certs for the admin (system:masters) and each component, and the service-account key pair.
# Everything is for loopback use only and lives as long as the state directory.
set -euo pipefail
dir="$1"
mkdir -p "$dir"
cd "$dir"
[ -s ca.crt ] && [ -s admin.crt ] && [ -s sa.key ] && exit 0

days=3650
openssl genrsa -out ca.key 2048 2>/dev/null
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=herdwatch-test-ca" -out ca.crt 2>/dev/null

# sign NAME SUBJECT EXTFILE-CONTENT
sign() {
  openssl genrsa -out "$1.key" 2048 2>/dev/null
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$days" \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

client_ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

# The in-cluster names and the first service IP are in the SAN so that pods (were they real) and
# clients using the kubernetes Service name would verify it too; only 127.0.0.1 is ever dialled.
sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
sign admin "/O=system:masters/CN=herdwatch-admin" "$client_ext"
sign controller-manager "/CN=system:kube-controller-manager" "$client_ext"
sign scheduler "/CN=system:kube-scheduler" "$client_ext"
# kwok updates node and pod status for every fake node; it acts as an administrator.
sign kwok "/O=system:masters/CN=kwok" "$client_ext"

openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
chmod 600 ./*.key
