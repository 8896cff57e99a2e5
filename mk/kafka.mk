##@ Kafka
KAFKA_SCRIPTS := scripts/kafka

.PHONY: kafka-fetch
kafka-fetch: ## Fetch Apache Kafka's jars from Maven Central into $(HW_CACHE)/kafka (cached)
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

BENCHMARKS += bench-kafka
.PHONY: bench-kafka
bench-kafka: setup ## Streaming benchmarks (ingest, detector, end-to-end latency) into docs/benchmarks.md
	$(KAFKA_SCRIPTS)/with-broker.sh tsx bench/kafka-run.ts
