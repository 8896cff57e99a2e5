#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium for the browser tests, installing Debian's
# `chromium` package with apt-get when there is none. No browser is downloaded from anywhere
# else. HW_CHROMIUM=/path/to/chrome overrides the lookup (any Chromium or Chrome build).
set -euo pipefail

if [[ -n "${HW_CHROMIUM:-}" ]]; then
  [[ -x "$HW_CHROMIUM" ]] || { echo "HW_CHROMIUM=$HW_CHROMIUM is not an executable" >&2; exit 1; }
  echo "$HW_CHROMIUM"; exit 0
fi
for c in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -x "$c" ]]; then echo "$c"; exit 0; fi
done
echo "chromium: installing Debian's chromium package (apt-get)" >&2
SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq >&2
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
echo /usr/bin/chromium
