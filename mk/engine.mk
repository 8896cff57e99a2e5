# Detection engine: unit tests live with the code (src/engine/*.test.ts, run by test-unit);
# the speed and memory benchmark writes its own section of docs/benchmarks.md.
BENCHMARKS += bench-engine

##@ Engine
.PHONY: bench-engine bench-engine-quick test-engine
bench-engine: setup ## Engine speed and memory vs a naive Map-of-arrays prototype (1M and 10M keys); rewrites its section of docs/benchmarks.md
	node --expose-gc --max-old-space-size=12288 --import tsx bench/engine-speed.ts --write

bench-engine-quick: setup ## The engine benchmark on small inputs (a smoke test; prints only)
	node --expose-gc --import tsx bench/engine-speed.ts --quick

test-engine: setup ## Engine unit and property tests only
	vitest run src/engine
