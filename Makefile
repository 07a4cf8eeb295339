# stagekit — build, test and run the five Kratix pipeline stages.
GO ?= go
STAGES := enforce-tags replica-migration terraform-generate secret-forbidder label-injector

.PHONY: all build test lint fmt vet bench fuzz demo clean

all: build

build:
	@mkdir -p bin
	@for s in $(STAGES); do \
		if [ -d stages/$$s/cmd/$$s ]; then $(GO) build -trimpath -o bin/$$s ./stages/$$s/cmd/$$s || exit 1; fi; \
	done

test: vet
	$(GO) test -count=1 ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

lint: vet

clean:
	rm -rf bin
