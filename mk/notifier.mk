##@ Notifier (MongoDB store, outbox, channels)
SERVICES_SCRIPTS := scripts/services
INTEGRATION_TESTS += test-notifier
BENCHMARKS += bench-notifier

.PHONY: services-build services-up services-down test-notifier bench-notifier
services-build: ## Build (or reuse) FerretDB, Mailpit and Alertmanager into $HW_CACHE/services/bin
	$(SERVICES_SCRIPTS)/build.sh ferretdb mailpit alertmanager

services-up: ## Start FerretDB, Mailpit and Alertmanager on loopback (ports from HW_*_PORT); prints their addresses
	@for s in ferretdb mailpit alertmanager; do echo "$$s: $$($(SERVICES_SCRIPTS)/start.sh $$s)"; done

services-down: ## Stop the services started by services-up and delete their state
	$(SERVICES_SCRIPTS)/stop.sh ferretdb mailpit alertmanager

test-notifier: setup ## Notifier tests on real Kafka, FerretDB, Mailpit and Alertmanager (each started here unless KAFKA_BROKERS / MONGODB_URI / SMTP_URL / ALERTMANAGER_URL is set)
	scripts/kafka/with-broker.sh $(SERVICES_SCRIPTS)/with-services.sh -- vitest run --config vitest.int.config.ts test/notifier

bench-notifier: setup ## Notifier delivery throughput vs a bare HTTP loop, topic→delivered latency vs a bare consumer, FerretDB writes vs raw insertMany; rewrites its section of docs/benchmarks.md
	scripts/kafka/with-broker.sh $(SERVICES_SCRIPTS)/with-services.sh -- tsx bench/notifier.ts --write
