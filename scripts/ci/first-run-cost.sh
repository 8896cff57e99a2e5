#!/usr/bin/env bash
# Measures what each slow build of `make test` costs on a fresh machine, without touching the
# caches in ~/.cache/herdwatch: every step runs with HW_CACHE, the Go module and build caches,
# the npm cache and Maven's local repository pointed at an empty directory, under
# `/usr/bin/time -v` at `nice -n 19`. Then it runs the same step again (the cached cost).
#   scripts/ci/first-run-cost.sh [-o OUT.tsv] [STEP...]
# Steps, in the order CI meets them: node npm-ci kafka-4.4.0 kafka-3.9.1 ferretdb mailpit
# alertmanager prometheus dashboard-check actionlint kwok helm kubeconform chromium kubernetes.
# Steps share the fresh caches in the order given, as they do in one CI run (the Go standard
# library is compiled by the first Go step, shared modules are downloaded once).
# Prints one row per step: elapsed, user+sys CPU seconds, the parallelism achieved
# (CPU / elapsed), and the cached rerun's elapsed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out=""
if [ "${1:-}" = "-o" ]; then out="$2"; shift 2; fi
[ "$#" -gt 0 ] || set -- node npm-ci kafka-4.4.0 kafka-3.9.1 ferretdb mailpit alertmanager prometheus dashboard-check actionlint kwok helm kubeconform chromium kubernetes

fresh="${HW_FRESH_DIR:-/tmp/hw-first-run}"
mkdir -p "$fresh"
export HW_CACHE="$fresh/cache" GOPATH="$fresh/go" GOMODCACHE="$fresh/go/pkg/mod" GOCACHE="$fresh/go-build" \
  npm_config_cache="$fresh/npm" GOTOOLCHAIN=local
# No Node 24 on PATH, as on a fresh machine (its own node is older), so node.sh fetches one.
PATH="$(tr ':' '\n' <<<"$PATH" | grep -v -e herdwatch -e node_modules | paste -sd:)"
export PATH
log="$fresh/logs"
mkdir -p "$log"

# The Debian packages that chromium.sh installs on a fresh image: apt's own plan (apt-get -s)
# against a dpkg status holding only the image's packages (the workplace's list of the polyglot
# image, installed-go.txt), so nothing that this machine gained since counts as present.
chromium_debs() {
  local image=/work/.library/env/packages/installed-go.txt status="$fresh/dpkg-status"
  [ -f "$image" ] || { echo chromium chromium-common; return; }
  awk -F'\t' 'NR == FNR { if ($1 == "apt") { sub(/:.*/, "", $2); keep[$2] = 1 } next }
    /^Package: / { p = substr($0, 10) } { para = para $0 "\n" } /^$/ { if (p in keep) printf "%s", para; para = ""; p = "" }' \
    "$image" /var/lib/dpkg/status >"$status"
  apt-get -s -o Dir::State::status="$status" install --no-install-recommends chromium fonts-dejavu-core | awk '/^Inst / { print $2 }'
}

# Chromium is installed system-wide with apt and other users need it: measure the download and
# unpacking of the packages a fresh machine lacks (dpkg -x into a scratch dir), not a reinstall.
chromium_step() {
  local d="$fresh/apt" pkgs
  rm -rf "$d" && mkdir -p "$d/x"
  mapfile -t pkgs < <(chromium_debs)
  echo "chromium: ${#pkgs[@]} packages a fresh image lacks" >&2
  (cd "$d" && apt-get download -qq "${pkgs[@]}" >&2)
  for f in "$d"/*.deb; do dpkg -x "$f" "$d/x"; done
}

run_step() {
  case "$1" in
    node) "$root/scripts/node.sh" ;;
    npm-ci) local d="$fresh/npm-ci"; mkdir -p "$d"; cp "$root/package.json" "$root/package-lock.json" "$root/.npmrc" "$d/"
      (cd "$d" && PATH="$("$root/scripts/node.sh"):$PATH" npm ci --no-audit --no-fund --ignore-scripts >&2) ;;
    kafka-*) HW_KAFKA_VERSION="${1#kafka-}" "$root/scripts/kafka/fetch.sh" ;;
    ferretdb | mailpit | alertmanager | prometheus | dashboard-check | actionlint) "$root/scripts/services/build.sh" "$1" ;;
    kwok | helm | kubeconform | kubernetes) "$root/scripts/k8s/build.sh" "$1" ;;
    chromium) chromium_step ;;
    *) echo "first-run-cost: unknown step $1" >&2; exit 2 ;;
  esac
}

# timed STEP RUN: runs the step under time -v; prints "elapsed_s cpu_s maxrss_mib".
timed() {
  local f="$log/$1.$2.time"
  /usr/bin/time -v -o "$f" nice -n 19 "$0" --one "$1" >"$log/$1.$2.log" 2>&1 || { echo "first-run-cost: $1 failed, see $log/$1.$2.log" >&2; return 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); e = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 }
    END { printf "%.1f %.1f %.0f\n", e, u + s, m / 1024 }' "$f"
}

if [ "${1:-}" = "--one" ]; then run_step "$2"; exit; fi

header="step\tfirst_elapsed_s\tfirst_cpu_s\tparallelism\tcached_elapsed_s\tload_before"
printf '%b\n' "$header"
[ -z "$out" ] || printf '%b\n' "$header" >"$out"
for s in "$@"; do
  load="$(cut -d' ' -f1 /proc/loadavg)"
  read -r e c _ < <(timed "$s" first)
  read -r ce _ _ < <(timed "$s" cached)
  row="$s\t$e\t$c\t$(awk -v c="$c" -v e="$e" 'BEGIN { printf "%.2f", (e > 0 ? c / e : 0) }')\t$ce\t$load"
  printf '%b\n' "$row"
  [ -z "$out" ] || printf '%b\n' "$row" >>"$out"
done
