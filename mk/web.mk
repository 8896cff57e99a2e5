# The web app (web/): Vite + React, built into dist/web and served by `herdwatch api`/`dev` at /.
# Component tests (vitest + jsdom) run with test-unit; browser tests drive Debian's Chromium
# through playwright-core against a real `herdwatch dev` (and the real control plane for rules).
INTEGRATION_TESTS += test-web

##@ Web app
.PHONY: web-build web-dev test-web-unit test-web chromium

web-build: setup ## Type-check, lint and build the web app into dist/web (any error fails)
	tsc -p web/tsconfig.json
	eslint --max-warnings 0 web
	vite build --config web/vite.config.ts --logLevel warn

web-dev: setup ## Vite dev server for the app on :5173, proxying /api to `make dev` on :8080
	vite --config web/vite.config.ts

test-web-unit: setup ## Component tests (vitest + Testing Library, jsdom)
	vitest run --config web/vitest.config.ts

chromium: ## Print the Chromium the browser tests use, installing Debian's package if missing (HW_CHROMIUM overrides)
	@scripts/web/chromium.sh

test-web: setup ## Browser tests: Chromium against `herdwatch dev`, `api --bus kafka` on a real broker, then rules on the real control plane; screenshots in .tmp/web-shots
	tsc -p tsconfig.json
	$(MAKE) --no-print-directory web-build
	HW_CHROMIUM="$$(scripts/web/chromium.sh)" vitest run --config vitest.int.config.ts test/web/dev.int.test.ts
	HW_CHROMIUM="$$(scripts/web/chromium.sh)" $(KAFKA_SCRIPTS)/with-broker.sh vitest run --config vitest.int.config.ts test/web/kafka.int.test.ts
	HW_CHROMIUM="$$(scripts/web/chromium.sh)" scripts/k8s/test.sh test/web/k8s.int.test.ts

BENCHMARKS += bench-web-bundle bench-web-frames
.PHONY: bench-web-bundle bench-web-frames
bench-web-bundle: setup ## Build the app and write its raw and gzip sizes into docs/benchmarks.md
	$(MAKE) --no-print-directory web-build
	tsx bench/web-bundle.ts --write

bench-web-frames: setup ## Live chart frame time over 10 minutes of 1 s updates in Chromium; rewrites its section of docs/benchmarks.md
	tsc -p tsconfig.json
	$(MAKE) --no-print-directory web-build
	HW_CHROMIUM="$$(scripts/web/chromium.sh)" tsx bench/web-frame-time.ts --minutes $${HW_WEB_FRAME_MINUTES:-10} --write
