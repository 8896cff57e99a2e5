##@ Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok)
INTEGRATION_TESTS += test-k8s

.PHONY: k8s-build
k8s-build: ## Build (or reuse) etcd, kube-*, kubectl, kwok, helm, kubeconform into $HW_CACHE/k8s/bin
	scripts/k8s/build.sh

.PHONY: k8s-up
k8s-up: ## Start the test control plane on loopback; prints `export KUBECONFIG=...`
	scripts/k8s/up.sh

.PHONY: k8s-down
k8s-down: ## Stop the test control plane and delete its state
	scripts/k8s/down.sh

.PHONY: test-k8s
test-k8s: setup ## CRD, operator and chart tests on a real API server (started here unless KUBECONFIG is set)
	scripts/k8s/test.sh

.PHONY: test-k8s-stall
test-k8s-stall: setup ## The stalled-leader fault tests alone (also part of test-k8s); HW_STALL_RUNS=10 repeats them
	for i in $$(seq $${HW_STALL_RUNS:-1}); do scripts/k8s/test.sh test/k8s/operator-stall.int.test.ts || exit 1; done

.PHONY: validate-chart
validate-chart: ## helm lint --strict, helm template and kubeconform against local schemas
	scripts/k8s/validate-chart.sh
