# Quintet — build, run and test. `make help` lists the targets.
#
# The Go binary embeds the built web app (frontend/embed.go embeds
# frontend/dist), so every Go build or test here builds the frontend first.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
NPM      ?= npm
CHROMIUM ?= /usr/bin/chromium
BIN      := bin/quintet
FRONT    := frontend

# Everything that goes into the frontend build; dist is rebuilt when one changes.
FRONT_SRC := $(wildcard $(FRONT)/*.json $(FRONT)/*.js $(FRONT)/*.ts $(FRONT)/*.html) \
	$(shell find $(FRONT)/src $(FRONT)/public -type f -not -name schema.d.ts 2>/dev/null)
FRONT_DEPS  := $(FRONT)/node_modules/.package-lock.json
FRONT_BUILT := $(FRONT)/dist/index.html

# The OpenAPI linter has its own packages, apart from the web app's.
LINT      := tools/openapi-lint
LINT_DEPS := $(LINT)/node_modules/.package-lock.json

# Benchmarks: each harness is a target added to BENCH_TARGETS; results go to BENCH_OUT.
BENCH_OUT     ?= bench/results
BENCH_COUNT   ?= 6
MULTI_NOTES   ?= 600
BENCH_TARGETS := bench-go bench-fanout bench-multi

.PHONY: help run build test e2e bench bench-go bench-fanout bench-multi frontend frontend-deps clean \
	go-test frontend-test compose-check browser-tests openapi-lint

help: ## list the targets
	@echo 'Usage: make TARGET'
	@echo
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | \
		awk -F ':.*## ' '{ printf "  %-14s %s\n", $$1, $$2 }'

run: $(FRONT_BUILT) ## build the web app if needed, then serve it with demo accounts on http://127.0.0.1:8080
	$(GO) run ./cmd/quintet serve --demo

build: frontend ## build bin/quintet, one binary with the web app embedded
	$(GO) build -o $(BIN) ./cmd/quintet
	@echo "built $(BIN)"

# Order matters (the Go tests need the built app), so the steps run one after
# another in one recipe rather than as prerequisites that -j could reorder.
test: $(FRONT_BUILT) ## vet and test everything: Go (with -race), the OpenAPI lint, frontend checks and unit tests, compose file, browser tests
	$(call step,go-test)
	$(call step,openapi-lint)
	$(call step,frontend-test)
	$(call step,compose-check)
	$(call step,browser-tests)

# step runs one target in a sub-make and says how long it took.
step = @start=$$SECONDS; $(MAKE) --no-print-directory $(1); echo "--- make $(1): $$((SECONDS - start))s"

go-test: $(FRONT_BUILT)
	$(GO) vet ./...
	$(GO) test -race -timeout 20m ./...

# The checked-in document is the served one (go-test checks that); it must
# pass Redocly's recommended rules with no error and no warning.
openapi-lint: $(LINT_DEPS) ## lint the OpenAPI document under Redocly's recommended rules (redocly.yaml)
	$(NPM) --prefix $(LINT) run --silent lint

$(LINT_DEPS): $(LINT)/package-lock.json
	$(NPM) --prefix $(LINT) ci --no-audit --no-fund
	@touch $@

frontend-test: $(FRONT_DEPS)
	$(NPM) --prefix $(FRONT) run check
	$(NPM) --prefix $(FRONT) run test:unit

# Checked only where docker-compose (Debian's package) is installed; .ci/run installs it.
compose-check:
	@if command -v docker-compose >/dev/null; then .ci/check-compose; \
	else echo "note: docker-compose is not installed; docker-compose.yml was not checked (apt-get install docker-compose)"; fi

# Browser tests need Debian's chromium. Without it CI fails; elsewhere they
# are skipped, loudly.
browser-tests:
	@if [ -x "$(CHROMIUM)" ]; then \
		$(MAKE) --no-print-directory e2e; \
	elif [ -n "$${CI:-}" ] && [ "$${CI}" != "false" ] && [ "$${CI}" != "0" ]; then \
		echo "ERROR: $(CHROMIUM) is missing, so the browser tests cannot run (CI=$${CI})." >&2; \
		echo "ERROR: install it with 'apt-get install -y chromium' (.ci/run does)." >&2; \
		exit 1; \
	else \
		echo; \
		echo "################################################################"; \
		echo "##  WARNING: THE BROWSER TESTS WERE SKIPPED"; \
		echo "##  $(CHROMIUM) is missing, so the web app was NOT tested"; \
		echo "##  in a browser. Install Debian's chromium"; \
		echo "##  (apt-get install chromium) and run 'make e2e'."; \
		echo "################################################################"; \
		echo; \
	fi

e2e: $(FRONT_BUILT) ## run the browser tests (Playwright in Debian's chromium)
	@[ -x "$(CHROMIUM)" ] || { echo "ERROR: $(CHROMIUM) is missing; install it with 'apt-get install chromium'." >&2; exit 1; }
	$(NPM) --prefix $(FRONT) run test:e2e

bench: $(BENCH_TARGETS) ## run the benchmarks and print a summary; results in bench/results/
	@echo "results in $(BENCH_OUT)/"

bench-go: $(FRONT_BUILT)
	@mkdir -p $(BENCH_OUT)
	@out="$(BENCH_OUT)/go-$$(date -u +%Y%m%dT%H%M%SZ).txt"; \
	echo "go test -bench (count $(BENCH_COUNT)) → $$out"; \
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) -timeout 60m ./... | tee "$$out"; \
	echo; echo "summary (mean over the runs; benchstat $$out gives confidence intervals):"; \
	awk '/^pkg: / { pkg = $$2 } \
		/^Benchmark/ { k = pkg " " $$1; if (!(k in n)) order[++m] = k; n[k]++; \
			for (i = 3; i < NF; i++) { if ($$(i+1) == "ns/op") ns[k] += $$i; \
				if ($$(i+1) == "B/op") b[k] += $$i; if ($$(i+1) == "allocs/op") a[k] += $$i } } \
		END { if (m == 0) { print "  (no benchmarks)"; exit } \
			for (j = 1; j <= m; j++) { k = order[j]; \
				printf "  %-70s %14.0f ns/op %10.0f B/op %8.0f allocs/op\n", k, ns[k]/n[k], b[k]/n[k], a[k]/n[k] } }' "$$out"

# The live fan-out harness: the real binary, 2,000 WebSocket subscribers on
# loopback, one publisher; about a minute. Method and figures: docs/benchmarks.md.
bench-fanout:
	@mkdir -p $(BENCH_OUT)
	$(GO) run ./cmd/fanout -out $(BENCH_OUT)/fanout-$$(date -u +%Y%m%dT%H%M%SZ).md

# Two instances on one store behind HAProxy (the two-instance test with more
# notes): cross-instance propagation p50/p99. Method and figures: docs/benchmarks.md.
bench-multi: $(FRONT_BUILT)
	@mkdir -p $(BENCH_OUT)
	QUINTET_MULTI_NOTES=$(MULTI_NOTES) $(GO) test -count=1 -run '^TestTwoInstancesBehindALoadBalancer$$' -v ./cmd/quintet/ \
		| tee $(BENCH_OUT)/multi-$$(date -u +%Y%m%dT%H%M%SZ).txt | grep -E 'propagation|PASS|FAIL|ok'

frontend: $(FRONT_DEPS) ## build the web app into frontend/dist
	$(NPM) --prefix $(FRONT) run build

frontend-deps: $(FRONT_DEPS) ## install the frontend's npm packages (npm ci) if missing

# npm ci when node_modules is missing or older than the lock file.
$(FRONT_DEPS): $(FRONT)/package-lock.json
	$(NPM) --prefix $(FRONT) ci
	@touch $@

$(FRONT_BUILT): $(FRONT_DEPS) $(FRONT_SRC)
	$(NPM) --prefix $(FRONT) run build
	@touch $@

clean: ## remove build output (bin/, frontend/dist, test reports); keeps ./data and node_modules
	rm -rf bin $(FRONT)/test-results $(FRONT)/playwright-report
	find $(FRONT)/dist -mindepth 1 ! -name .gitkeep -delete 2>/dev/null || true
