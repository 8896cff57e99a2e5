# CLI, HTTP API and in-process runner: unit tests run with test-unit; `make dev` is in the Makefile.
BENCHMARKS += bench-app

##@ App (CLI, API, in-process runner)
.PHONY: bench-app replay-example
bench-app: setup ## Runner and in-memory bus overhead against raw engines; rewrites its section of docs/benchmarks.md
	tsx bench/runner-overhead.ts --write

replay-example: setup ## Replay ../shared/data/transactions.csv through k8s/examples and print the alerts
	tsx cmd/herdwatch.ts replay ../shared/data/transactions.csv --rules k8s/examples
