# HerdWatch — every target is listed by `make help`.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help

# A supported Node LTS, fetched from the npm registry into ~/.cache/herdwatch on first use.
NODE_BIN := $(shell scripts/node.sh)
export PATH := $(CURDIR)/node_modules/.bin:$(NODE_BIN):$(PATH)
export HW_CACHE ?= $(HOME)/.cache/herdwatch

# Integration suites append their targets here from mk/<area>.mk.
INTEGRATION_TESTS :=
BENCHMARKS :=
-include mk/*.mk

##@ General
.PHONY: help
help: ## List every target
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make \033[36m<target>\033[0m\n"} /^[a-zA-Z0-9_.-]+:.*?##/ { printf "  \033[36m%-20s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: setup
setup: node_modules/.installed ## Install Node 24 and the npm packages

##@ Demo
.PHONY: dev
dev: build ## Run the one-command demo: simulator, engine, API on http://127.0.0.1:8080
	node dist/cmd/herdwatch.js dev

##@ Development
.PHONY: build
build: setup ## Compile TypeScript into dist/ and the web app into dist/web (type and lint errors fail)
	tsc -p tsconfig.json
	$(MAKE) --no-print-directory web-build

.PHONY: typecheck
typecheck: setup ## Type-check without emitting (server and web app)
	tsc -p tsconfig.json --noEmit
	tsc -p web/tsconfig.json

.PHONY: lint
lint: setup ## Lint; any error or warning fails
	eslint --max-warnings 0 .

.PHONY: generate
generate: setup ## Regenerate the CRD, validators and other generated files from their sources
	tsx scripts/generate.ts

.PHONY: check-generated
check-generated: setup ## Fail when a generated file is stale
	tsx scripts/generate.ts --check

##@ Test
.PHONY: test
test: deps lint typecheck check-generated test-unit $(INTEGRATION_TESTS) ## Everything CI runs: the cached dependencies, lint, types, generated files, unit and integration tests
	@echo "make test: all checks passed"

.PHONY: test-unit
test-unit: setup ## Fast tests, no network (and the web app's component tests in jsdom)
	vitest run
	vitest run --config web/vitest.config.ts

##@ Benchmarks
.PHONY: bench
bench: $(BENCHMARKS) ## Run every benchmark; each rewrites its section of docs/benchmarks.md
