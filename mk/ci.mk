##@ CI
.PHONY: deps ci-cost
deps: ## Fetch and build everything make test needs into $HW_CACHE (Kafka jars, Chromium, Go-built services, the control plane); a no-op when cached
	scripts/ci/deps.sh

ci-cost: ## Measure each slow build's first-time and cached cost in an empty cache (HW_FRESH_DIR, default /tmp/hw-first-run); see docs/benchmarks.md
	scripts/ci/first-run-cost.sh -o $${HW_FRESH_DIR:-/tmp/hw-first-run}/cost.tsv
