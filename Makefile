# rebalance-sim: `make run` runs every shipped experiment into results/,
# `make test` runs the whole suite.
GO ?= go
BIN := bin/simulate
EXPERIMENTS := $(wildcard experiments/*.toml)

.PHONY: build run test bench check fuzz soak clean

build:
	$(GO) build -o $(BIN) ./cmd/simulate

run: build
	./$(BIN) run --out results $(EXPERIMENTS)

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

# The randomized campaign on fresh seeds for SECONDS seconds (default 60):
# any failure prints its seed, the experiment and the command that
# reproduces it.
SECONDS ?= 60
soak:
	$(GO) test -count=1 -timeout 0 -run 'TestCampaignSoak$$' ./campaign -soak $(SECONDS)s -v 2>&1 | grep -v '^=== RUN'

# Speed targets live here, never in tests. BENCH narrows the set, e.g.
# make bench BENCH=Sticky
BENCH ?= .
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -timeout 60m ./...

check: build
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet ./...
	./$(BIN) check $(EXPERIMENTS)

# A longer fuzzing session of the experiment loader than `make test` does.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 2m ./experiment

clean:
	rm -rf bin
