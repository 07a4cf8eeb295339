# stagekit — build, test and run the five Kratix pipeline stages.
GO ?= go
VERSION ?= v0.2.0
REGISTRY ?= ghcr.io/stagekit
CONTAINER_TOOL ?= docker
BASE_IMAGE ?= gcr.io/distroless/static-debian12:nonroot
PLATFORMS ?= linux/amd64 linux/arm64
# Where build puts the binaries.
BIN ?= bin

# stage binary name -> package directory
STAGES := enforce-tags replica-migration terraform-generate secret-forbidder label-injector
pkg_enforce-tags := enforcetags
pkg_replica-migration := replicamigration
pkg_terraform-generate := terraformgenerate
pkg_secret-forbidder := secretforbidder
pkg_label-injector := labelinjector

.PHONY: all build test vet staticcheck lint fmt bench fuzz demo images push clean

all: build

build:
	@mkdir -p $(BIN)
	@for s in $(STAGES); do \
		case $$s in \
		enforce-tags) p=enforcetags;; replica-migration) p=replicamigration;; terraform-generate) p=terraformgenerate;; \
		secret-forbidder) p=secretforbidder;; label-injector) p=labelinjector;; esac; \
		if [ -d stages/$$p/cmd/$$s ]; then CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/$$s ./stages/$$p/cmd/$$s || exit 1; fi; \
	done
	@CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/custom-stage ./examples/custom-stage
	@CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/stagekit ./cmd/stagekit

# The test command of the README: formatting, vet, staticcheck, every test (fuzz seed corpora
# included).
test: vet staticcheck
	$(GO) test -count=1 ./...

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# staticcheck, pinned; installed from the Go module proxy into .cache/bin on first use.
STATICCHECK_VERSION := 0.8.2
STATICCHECK := .cache/bin/staticcheck
staticcheck:
	@case "$$($(STATICCHECK) -version 2>/dev/null)" in *"($(STATICCHECK_VERSION))"*) ;; *) \
		echo "installing staticcheck v$(STATICCHECK_VERSION) into .cache/bin"; \
		GOBIN="$(CURDIR)/.cache/bin" $(GO) install honnef.co/go/tools/cmd/staticcheck@v$(STATICCHECK_VERSION) || exit 1;; esac
	$(STATICCHECK) ./...

lint: vet staticcheck

fmt:
	gofmt -w $$(git ls-files '*.go')

# Go benchmarks of the SDK and stages, then whole-process tables (internal/bench/cmd/stagebench):
# label-injector against its peers (yq, kustomize, kyaml), start-up, scaling, memory, and the
# seeds' scripts, each with its targets. Installs yq v4.45.1 into .cache/bin and jq if missing;
# docs/performance.md says what it prints and how long it takes.
bench:
	GO=$(GO) ./scripts/bench.sh

# Run every fuzz target for FUZZTIME each and keep the corpus it builds under testdata/fuzz
# (seed corpora already run in make test).
FUZZTIME ?= 60s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

# The fleet stories of examples/, one after another, with the stagekit command: each Promise
# change (v1 -> v2) previewed across its requests as a platform team would before applying it,
# each ending in its fleet summary line. Builds into a temporary directory (DEMO_BIN=DIR to
# keep the binaries there); the checkout is left as it was.
DEMO_BIN ?=
demo:
	@GO='$(GO)' DEMO_BIN='$(DEMO_BIN)' ./scripts/demo.sh

# Images for every stage and the stagekit command, every platform (CONTAINER_TOOL=docker|podman, BASE_IMAGE, REGISTRY, VERSION).
images:
	CONTAINER_TOOL=$(CONTAINER_TOOL) REGISTRY=$(REGISTRY) VERSION=$(VERSION) BASE_IMAGE=$(BASE_IMAGE) PLATFORMS="$(PLATFORMS)" ./scripts/images.sh

push:
	PUSH=1 CONTAINER_TOOL=$(CONTAINER_TOOL) REGISTRY=$(REGISTRY) VERSION=$(VERSION) BASE_IMAGE=$(BASE_IMAGE) PLATFORMS="$(PLATFORMS)" ./scripts/images.sh

clean:
	rm -rf bin
