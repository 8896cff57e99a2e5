##@ Kafka
KAFKA_SCRIPTS := scripts/kafka
# The broker version every Kafka target fetches and starts (Maven Central); the suite also runs once on
# the older line for users who have not upgraded (test-kafka-compat).
HW_KAFKA_VERSION ?= 4.4.0
export HW_KAFKA_VERSION
KAFKA_COMPAT_VERSION ?= 3.9.1

.PHONY: kafka-fetch
kafka-fetch: ## Fetch Apache Kafka $(HW_KAFKA_VERSION)'s jars from Maven Central into $(HW_CACHE)/kafka (cached)
	$(KAFKA_SCRIPTS)/fetch.sh

.PHONY: kafka-up
kafka-up: ## Start a single-node KRaft Kafka on 127.0.0.1:19092 (HW_KAFKA_PORT to change)
	$(KAFKA_SCRIPTS)/start.sh

.PHONY: kafka-down
kafka-down: ## Stop the local Kafka started by kafka-up and drop its data
	$(KAFKA_SCRIPTS)/stop.sh

INTEGRATION_TESTS += test-kafka
.PHONY: test-kafka
test-kafka: setup ## Kafka integration tests; starts (and stops) a broker unless KAFKA_BROKERS is set
	$(KAFKA_SCRIPTS)/with-broker.sh vitest run --config vitest.int.config.ts test/kafka

# Its own broker (state dir and port two above HW_KAFKA_PORT), so a running 4.x broker is never reused.
# KAFKA_COMPAT_TESTS picks files (default the whole suite), e.g. test/kafka/fault-broker-restart.int.test.ts.
INTEGRATION_TESTS += test-kafka-compat
.PHONY: test-kafka-compat
test-kafka-compat: setup ## The Kafka integration tests once more on Kafka $(KAFKA_COMPAT_VERSION)
	KAFKA_BROKERS= HW_KAFKA_VERSION=$(KAFKA_COMPAT_VERSION) \
	  HW_KAFKA_HOME="$${HW_KAFKA_HOME:-$(HW_CACHE)/kafka/run}-$(KAFKA_COMPAT_VERSION)" \
	  HW_KAFKA_PORT=$$(( $${HW_KAFKA_PORT:-19092} + 2 )) \
	  $(KAFKA_SCRIPTS)/with-broker.sh vitest run --config vitest.int.config.ts $(KAFKA_COMPAT_TESTS)
KAFKA_COMPAT_TESTS ?= test/kafka

BENCHMARKS += bench-kafka
.PHONY: bench-kafka
bench-kafka: setup ## Streaming benchmarks (ingest, detector, end-to-end latency) into docs/benchmarks.md
	$(KAFKA_SCRIPTS)/with-broker.sh tsx bench/kafka-run.ts
