# complaintflow — dev stack and test orchestration.
#   make run    start PostgreSQL, Temporal dev server, worker and API on this machine
#   make demo   the same, plus a seconds-long SLA policy, sample complaints and two months of history
#   make soak   make run's stack under 20,000 complaints at its sustainable rate; fails on a wedge
#   make cluster the production shape: the real Temporal server on PostgreSQL (16 history
#               shards), two workers and two API processes (docs/cluster.md)
#   make test   everything CI runs: vet, workflowcheck, gofmt, go test -race on real servers
#               and a real browser (chromium, installed when missing)

SHELL := /bin/bash
export GOFLAGS := -buildvcs=false
# go.mod needs Go 1.27.3 (the standard library's fixes for net/http, html/template,
# crypto/tls and crypto/x509); the machine's own Go fetches it from the module proxy.
export GOTOOLCHAIN := go1.27.3

TEMPORAL_CLI_VERSION := v1.5.1
WORKFLOWCHECK_VERSION := v0.6.0
GOBIN := $(or $(shell go env GOBIN),$(shell go env GOPATH)/bin)
TEMPORAL := $(GOBIN)/temporal
# The real Temporal server and its SQL tool, for `make cluster` and the cluster e2e
# test; internal/devenv.TemporalServerVersion names the same release and directory.
TEMPORAL_SERVER_VERSION := v1.29.1
TEMPORAL_SERVER_DIR := $(GOBIN)/temporal-server-$(TEMPORAL_SERVER_VERSION)
export PATH := $(GOBIN):$(PATH)

OAPI_CODEGEN_VERSION := v2.8.2

.PHONY: console-assets chromium run demo cluster soak test lint lint-openapi generate build bench bench-breach bench-console bench-risk bench-scale temporal-cli temporal-server record-histories clean

## temporal-cli: build the pinned Temporal CLI (dev server + UI) from tools/temporal-cli,
## the release with the SQLite driver that does not wedge (tools/temporal-cli/tools.go);
## a binary without that driver (an older `go install`) is rebuilt, and renamed into place
## so a dev server running the old one keeps running
TEMPORAL_CLI_SQLITE := $(shell sed -n 's/^[[:space:]]*modernc.org\/sqlite \(v[^ ]*\).*/\1/p' tools/temporal-cli/go.mod)
temporal-cli:
	@go version -m $(TEMPORAL) 2>/dev/null | grep -q "modernc.org/sqlite[[:space:]]*$(TEMPORAL_CLI_SQLITE)[[:space:]]" || { \
	  echo "Building Temporal CLI $(TEMPORAL_CLI_VERSION) with modernc.org/sqlite $(TEMPORAL_CLI_SQLITE) (first time only, ~4 min on 2 cores)…"; \
	  (cd tools/temporal-cli && go build -o $(TEMPORAL).new github.com/temporalio/cli/cmd/temporal) && mv -f $(TEMPORAL).new $(TEMPORAL); }

## temporal-server: install the pinned Temporal server and temporal-sql-tool (binaries
## `server` and `sql`, kept in their own directory under GOBIN) from the Go module proxy
temporal-server: $(TEMPORAL_SERVER_DIR)/server $(TEMPORAL_SERVER_DIR)/sql
$(TEMPORAL_SERVER_DIR)/server:
	@echo "Installing Temporal server $(TEMPORAL_SERVER_VERSION) (first time only: ~6 min of CPU, 30 min on a loaded 2-core machine)…"
	GOBIN=$(TEMPORAL_SERVER_DIR) go install go.temporal.io/server/cmd/server@$(TEMPORAL_SERVER_VERSION)
$(TEMPORAL_SERVER_DIR)/sql:
	GOBIN=$(TEMPORAL_SERVER_DIR) go install go.temporal.io/server/cmd/tools/sql@$(TEMPORAL_SERVER_VERSION)

# Built, then exec'd: `go run` would turn the Ctrl-C that stops the stack into a
# make error line.
run: temporal-cli console-assets
	@mkdir -p .data/bin && go build -o .data/bin/devstack ./scripts/devstack && exec .data/bin/devstack

demo: temporal-cli console-assets
	@mkdir -p .data/bin && go build -o .data/bin/devstack ./scripts/devstack && exec .data/bin/devstack -demo

cluster: temporal-server console-assets
	@mkdir -p .data/bin && go build -o .data/bin/devstack ./scripts/devstack && exec .data/bin/devstack -cluster

## soak: make run's stack, fresh in .data/soak on free ports, takes SOAK_N complaints at its
## sustainable rate and fails if it wedges (docs/operations.md, "Soak"; ~25 min on 2 cores).
## SOAK_FLAGS passes more, e.g. SOAK_FLAGS='-soak-rate 20' or '-cluster' for the production shape.
SOAK_N ?= 20000
soak: temporal-cli console-assets
	@mkdir -p .data/bin && go build -o .data/bin/devstack ./scripts/devstack && exec .data/bin/devstack -soak $(SOAK_N) $(SOAK_FLAGS)

build: console-assets
	go build -o bin/ ./worker ./starter

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	go vet ./...
	go run go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION) ./workflows/...
	$(MAKE) lint-openapi

## lint-openapi: lint the OpenAPI document with the pinned @redocly/cli (redocly.yaml)
lint-openapi: node_modules/.package-lock.json
	npx --no-install redocly lint complaintflow

# npm ci installs exactly the lockfile's packages, on a fresh machine or after it changed.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## console-assets: the console's front-end packages, from npm's lockfile into the
## embedded static files (internal/console/static/vendor, not committed)
console-assets: internal/console/static/vendor/echarts.min.js
internal/console/static/vendor/echarts.min.js: node_modules/.package-lock.json
	mkdir -p $(@D) && cp node_modules/echarts/dist/echarts.min.js $@

## generate: regenerate the Go client (internal/apiclient) from the OpenAPI document
generate:
	go generate ./internal/apiclient

## chromium: install Debian's chromium for the console's browser tests, and a CJK font so the
## console's Chinese pages and screenshots render their text, when missing (as root)
chromium:
	@(command -v chromium >/dev/null && fc-list :lang=zh family | grep -q .) || \
		(apt-get update && apt-get install -y chromium fonts-wqy-microhei)

# The e2e package alone takes 10–15 min on a quiet 2-core machine and 30 when the
# machine is shared; 50 min keeps a loaded run from being cut off, inside CI's 90.
test: temporal-cli temporal-server chromium console-assets lint
	go test -race -count=1 -timeout 50m ./...
	cd tools/temporal-cli && go test -count=1 ./...
	$(MAKE) fuzz

## fuzz: run every native fuzz test (func Fuzz… in any *_test.go) for FUZZTIME each,
## one after another, and print the executions. Each package's fuzzing binary is built
## once (go test would link it again for every target); the corpus grows in the Go
## cache as go test's does. A crash fails, and its input is written under the
## package's testdata/fuzz: commit it with the fix, it becomes a regression seed.
## Minimising a new input gets 1 s (go test gives it 60 s: the whole FUZZTIME).
FUZZTIME ?= 10s
.PHONY: fuzz
fuzz:
	@set -eo pipefail; total=0; bin=$$(mktemp -d); trap 'rm -rf "$$bin"' EXIT; \
	for dir in $$(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | xargs -n1 dirname | sort -u); do \
	  pkg=$$(go list ./$$dir); go test -c -fuzz=. -o "$$bin/fuzz.test" ./$$dir; \
	  for name in $$(cat $$dir/*_test.go | sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p'); do \
	    out=$$(cd $$dir && "$$bin/fuzz.test" -test.run='^$$' -test.fuzz="^$$name\$$" -test.fuzztime=$(FUZZTIME) -test.fuzzminimizetime=1s \
	      -test.fuzzcachedir="$$(go env GOCACHE)/fuzz/$$pkg" 2>&1) || { echo "$$out"; exit 1; }; \
	    execs=$$(echo "$$out" | sed -n 's/.*execs: \([0-9]*\).*/\1/p' | tail -1); \
	    echo "$$dir $$name: $${execs:-0} executions in $(FUZZTIME), no crash"; \
	    total=$$((total + $${execs:-0})); \
	  done; \
	done; echo "fuzz: $$total executions in all"

## screenshots: run the console's browser tests saving their screenshots in docs/screenshots
## (the README shows a few of them; the others are ignored by git); make chromium installs
## a small CJK font, so the sample complaints' Chinese text is legible
.PHONY: screenshots
screenshots: temporal-cli chromium console-assets
	mkdir -p docs/screenshots
	CONSOLE_SCREENSHOTS=$(CURDIR)/docs/screenshots go test -count=1 -timeout 15m -run 'Console' ./internal/e2e

## record-histories: refresh workflows/testdata from a real run (after a versioned change)
record-histories: temporal-cli
	RECORD_HISTORIES=1 go test -count=1 -run 'TestComplaintLifecycle|TestBreach|TestLadder|TestSurvey|TestDissatisfied|TestUnanswered|TestStaffClosing' ./internal/e2e

bench: temporal-cli
	go run ./scripts/bench

## bench-breach: breach lateness of complaintflow vs a bare Temporal timer and a cron poller (~9 min)
bench-breach: temporal-cli
	go run ./scripts/bench -mode breach

## bench-console: console pages and dashboard data over 10,000 open complaints and a month of events (~5 min)
bench-console: temporal-cli console-assets
	go run ./scripts/bench -mode console

## bench-risk: the risk monitor's queries over a seeded month of 200,000 complaints (100,000 open),
## with QA samples and customer reopenings, one at a time (~10 min on 2 cores)
bench-risk: temporal-cli
	go run ./scripts/bench -mode risk -console-open 100000 -console-closed 100000 -console-data-requests 12 -warmup 2

## bench-scale: worker/API/server memory, database sizes, intake and query latency as open
## complaints grow to 100,000 on the real server, 16 shards (~20 min at 110–170/s on a quiet 2-core machine; ~40 at 40–60/s under load)
bench-scale: temporal-server
	go run ./scripts/bench -mode scale -temporal-server real -worker-sticky-cache 2000

## model: retrain the sentiment model (internal/classify/sentiment.model.gz, committed) from
## the labelled data in ../shared/data; the same data and options give the same bytes
.PHONY: model eval-classify
model:
	go run ./scripts/sentiment -mode train

## eval-classify: accuracy, macro-F1, dispositions and complaint detection on the held-out rows
eval-classify:
	go run ./scripts/sentiment -mode eval

clean:
	rm -rf bin .data
