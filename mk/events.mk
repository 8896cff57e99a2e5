##@ Events and rules
.PHONY: bench-events
bench-events: setup ## Ingest parsing speed (parseEvents + enrich) on 100k events; prints events/s
	node --import tsx bench/events-parse.ts
