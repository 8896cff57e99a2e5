# SRE kit: dashboards and alerting rules (generated from monitoring/), checked by Grafana's schema
# types and promtool, proven on a real Prometheus + Alertmanager scraping real HerdWatch processes
# on a real Kafka; the container image built without Docker (buildah) and run as the chart runs it.
INTEGRATION_TESTS += check-dashboards test-alerts test-sre image-check
SERVICES_BIN := $(HW_CACHE)/services/bin
# This suite's ports: HW_SRE_PORT+1..8 (API, detector, Prometheus, Alertmanager, webhook, operator, notifier, failing channel).
HW_SRE_PORT ?= 19600
export HW_SRE_PORT

##@ SRE kit (dashboards, alerts, image)
.PHONY: check-dashboards test-alerts test-sre image image-base image-check image-run lint-workflows

check-dashboards: ## Load dashboards/*.json strictly into the Grafana Foundation SDK's Go schema types
	scripts/services/build.sh dashboard-check
	$(SERVICES_BIN)/dashboard-check dashboards/*.json

test-alerts: ## promtool check rules + promtool test rules (alerts/tests: each alert fires, or stays silent)
	scripts/services/build.sh prometheus
	$(SERVICES_BIN)/promtool check rules alerts/herdwatch-rules.yaml
	$(SERVICES_BIN)/promtool test rules alerts/tests/*.test.yaml

# The operator needs an API server: scripts/k8s/test.sh starts a private control plane (or reuses one).
test-sre: setup ## Prometheus scrapes the API, a detector on Kafka and the operator on a real API server: every panel returns data, faults fire alerts in Alertmanager
	scripts/services/build.sh prometheus alertmanager
	scripts/kafka/with-broker.sh scripts/k8s/test.sh test/sre

image-base: ## Build the Node 24 base image from Debian packages (mmdebstrap) and the npm registry, with buildah
	scripts/image/base.sh

image: ## Build the HerdWatch image with buildah (no Docker); NODE_IMAGE=node:24-bookworm-slim to use the official base
	IMAGE="$(IMAGE)" scripts/image/build.sh

image-run: ## Run the built image as the chart does (uid 10001, read-only root, /tmp writable): --help and dev's /healthz
	IMAGE="$(IMAGE)" scripts/image/run-check.sh

image-check: setup ## Cheap image checks for make test: the Dockerfile's build context compiles, and the release workflow lints
	scripts/image/context-check.sh
	$(MAKE) --no-print-directory lint-workflows

lint-workflows: ## actionlint on .github/workflows (built from the Go module proxy)
	scripts/services/build.sh actionlint
	$(SERVICES_BIN)/actionlint -no-color .github/workflows/*.yaml

.PHONY: sre-previews
sre-previews: setup ## Draw docs/observability/*.svg from the panel data of the last `make test-sre` run
	tsx scripts/sre/render-panels.ts
