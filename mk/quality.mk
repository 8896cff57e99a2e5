# Detection quality: simulator → default surge rule → scored against ground truth.
BENCHMARKS += bench-quality

##@ Detection quality
.PHONY: bench-quality bench-quality-tune
bench-quality: setup ## Detection quality of the default surge rule on seeds 6–10; rewrites its section of docs/benchmarks.md
	tsx bench/quality.ts --write --compare-none

bench-quality-tune: setup ## Detection quality on the tuning seeds 1–5 (prints only; tune DETECTOR_DEFAULTS against this)
	tsx bench/quality.ts --tune
