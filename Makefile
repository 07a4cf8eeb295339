# stagekit — build, test and run the five Kratix pipeline stages.
GO ?= go
VERSION ?= v0.1.0
REGISTRY ?= ghcr.io/stagekit
CONTAINER_TOOL ?= docker
BASE_IMAGE ?= gcr.io/distroless/static-debian12:nonroot
PLATFORMS ?= linux/amd64 linux/arm64
# Where build and demo put the binaries.
BIN ?= bin

# stage binary name -> package directory
STAGES := enforce-tags replica-migration terraform-generate secret-forbidder label-injector
pkg_enforce-tags := enforcetags
pkg_replica-migration := replicamigration
pkg_terraform-generate := terraformgenerate
pkg_secret-forbidder := secretforbidder
pkg_label-injector := labelinjector

.PHONY: all build test vet lint fmt bench fuzz demo images push clean

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

# The test command of the README: formatting, vet, every test (fuzz seed corpora included).
test: vet
	$(GO) test -count=1 ./...

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

lint: vet

fmt:
	gofmt -w $$(git ls-files '*.go')

# Go benchmarks of the SDK and stages, then whole-process comparisons against yq/jq: installs
# yq v4.45.1 into .cache/bin and jq if missing; prints the README table.
bench:
	GO=$(GO) ./scripts/bench.sh

# Run every fuzz target for FUZZTIME each and keep the corpus it builds under testdata/fuzz
# (seed corpora already run in make test).
FUZZTIME ?= 60s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

# The fleet-upgrade story, with the stagekit command: each example's Promise change (v1 ->
# v2) previewed across its requests, as a platform team would before applying it. The stagekit
# stages run in process; the app Promise's own stage (the SDK example) runs as a binary.
demo_run = echo '$$ stagekit $(1)' && $(BIN)/stagekit $(1)
demo:
	@mkdir -p $(BIN)
	@CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/stagekit ./cmd/stagekit
	@CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/custom-stage ./examples/custom-stage
	@$(call demo_run,fleet diff --from examples/vm-fleet/promise.yaml --to examples/vm-fleet/promise-v2.yaml --requests examples/vm-fleet/requests.yaml --skip terraform-apply)
	@echo
	@$(call demo_run,fleet diff --from examples/app-replicas/promise.yaml --to examples/app-replicas/promise-v2.yaml --requests examples/app-replicas/requests.yaml --exec registry.example.com/platform/custom-stage:v1=$(BIN)/custom-stage)

# Images for every stage and the stagekit command, every platform (CONTAINER_TOOL=docker|podman, BASE_IMAGE, REGISTRY, VERSION).
images:
	CONTAINER_TOOL=$(CONTAINER_TOOL) REGISTRY=$(REGISTRY) VERSION=$(VERSION) BASE_IMAGE=$(BASE_IMAGE) PLATFORMS="$(PLATFORMS)" ./scripts/images.sh

push:
	PUSH=1 CONTAINER_TOOL=$(CONTAINER_TOOL) REGISTRY=$(REGISTRY) VERSION=$(VERSION) BASE_IMAGE=$(BASE_IMAGE) PLATFORMS="$(PLATFORMS)" ./scripts/images.sh

clean:
	rm -rf bin
