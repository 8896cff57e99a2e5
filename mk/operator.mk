##@ Operator, chart and image
IMAGE ?= herdwatch:dev
KIND_CLUSTER ?= herdwatch

.PHONY: test-operator
test-operator: setup ## Operator unit tests: renderers (golden files), status, queue, leader election, informer
	vitest run src/operator

.PHONY: golden-update
golden-update: setup ## Rewrite test/golden/operator-*.yaml from the renderers (review the diff!)
	UPDATE_GOLDEN=1 vitest run src/operator/render.test.ts

.PHONY: test-operator-k8s
test-operator-k8s: setup ## Operator and chart tests on the real control plane (part of test-k8s)
	scripts/k8s/test.sh test/k8s/operator

.PHONY: run-operator
run-operator: setup ## Run the operator from source against the cluster in KUBECONFIG (no leader election)
	HERDWATCH_LEADER_ELECT=false tsx cmd/herdwatch.ts operator --port 8081

.PHONY: docker-build
docker-build: ## Build the single HerdWatch image as $(IMAGE) (needs Docker)
	docker build -t $(IMAGE) .

.PHONY: kind-up
kind-up: ## Create a kind cluster, load the image, install the chart and a demo rule (needs Docker, kind, helm)
	HW_KIND_CLUSTER=$(KIND_CLUSTER) k8s/dev/kind-up.sh

.PHONY: kind-down
kind-down: ## Delete the kind cluster made by kind-up
	kind delete cluster --name $(KIND_CLUSTER)
