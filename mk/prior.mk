# Sparse catalogues: the category prior (detector.priorBy) against the flat prior, same run.
BENCHMARKS += bench-prior

##@ Sparse catalogues
.PHONY: bench-prior
bench-prior: setup ## Category prior vs flat prior on a simulated sparse catalogue (seeds 1–3) and the REES46 sample; rewrites its section of docs/benchmarks.md
	nice -n 10 tsx bench/prior.ts --write
