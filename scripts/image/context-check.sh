#!/usr/bin/env bash
# The cheap half of the image build, for `make test`: copies exactly what the Dockerfile's
# build stage copies (package*.json, tsconfig.json, cmd/, src/, minus tests, as .dockerignore
# leaves them) into a scratch directory and compiles it there. It catches the usual image
# breakages (an import from a folder the image does not get, a file .dockerignore drops)
# in seconds; `make image` builds and `make image-run` runs the real image.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$root/node_modules/.bin:$("$root/scripts/node.sh"):$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
grep -q '^ARG NODE_IMAGE=' "$root/Dockerfile" || { echo "image-check: the Dockerfile must take its base as ARG NODE_IMAGE" >&2; exit 1; }
# The same COPY lines as the build stage.
cp "$root/package.json" "$root/package-lock.json" "$root/tsconfig.json" "$work/"
cp -r "$root/cmd" "$root/src" "$work/"
find "$work/cmd" "$work/src" -name '*.test.ts' -delete
ln -s "$root/node_modules" "$work/node_modules"
# What the image's `npm ci --omit=dev` leaves out must not be needed at run time.
tsx "$root/scripts/image/runtime-deps.ts"
(cd "$work" && tsc -p tsconfig.json --outDir "$work/dist")
test -f "$work/dist/cmd/herdwatch.js"
node "$work/dist/cmd/herdwatch.js" --help >/dev/null
# `herdwatch dev` in the image reads the example rules the Dockerfile copies.
grep -q '^COPY k8s/examples k8s/examples' "$root/Dockerfile" && ls "$root"/k8s/examples/*.yaml >/dev/null
echo "image-check: the image's build context compiles and dist/cmd/herdwatch.js --help runs" >&2
