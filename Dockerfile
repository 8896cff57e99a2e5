# syntax=docker/dockerfile:1
# The single HerdWatch image: every component is `herdwatch <command>` (operator, detector, api, ...).
#   docker build -t herdwatch:dev .        (make kind-up does this and loads it into kind)
#   make image                             (buildah, no Docker; base image built from Debian packages)
# NODE_IMAGE is the Node 24 base of every stage; the release workflow uses the official one,
# scripts/image/base.sh builds an equivalent from Debian packages and the npm registry.
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Compile TypeScript with the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Behind a TLS-intercepting proxy, pass its CA as a build secret: --secret id=npm_ca,src=ca.crt
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY cmd cmd
COPY src src
# Tests are not part of the image.
RUN find cmd src -name '*.test.ts' -delete && npx tsc -p tsconfig.json
# The web app (served by `herdwatch api` and `dev` from dist/web).
COPY web web
RUN npx vite build --config web/vite.config.ts --logLevel warn

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Type declarations and source maps of dependencies are a third of their size and unused at run time.
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete

# 3. Runtime: no compiler, no npm cache, a non-root user with a fixed uid the chart relies on
#    (runAsUser 10001), and nothing writable but /tmp (the chart mounts it as an emptyDir).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system --gid 10001 herdwatch && useradd --system --uid 10001 --gid 10001 --no-create-home herdwatch \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx /opt/yarn* /usr/local/bin/yarn*
COPY --from=deps /app/node_modules node_modules
COPY --from=build /src/dist/cmd dist/cmd
COPY --from=build /src/dist/src dist/src
COPY --from=build /src/dist/web dist/web
COPY package.json ./
# The example HerdRules: `herdwatch dev` (the demo) and `replay --rules` default to them.
COPY k8s/examples k8s/examples
USER 10001:10001
EXPOSE 8080 8081 9464
ENTRYPOINT ["node", "dist/cmd/herdwatch.js"]
CMD ["--help"]
