# rebalance-sim: `make run` runs every shipped experiment into results/,
# `make test` runs the whole suite.
GO ?= go
BIN := bin/simulate
EXPERIMENTS := $(wildcard experiments/*.toml)

.PHONY: build run test bench check fuzz soak oracle clean validate validate-ci

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
	./$(BIN) check $(EXPERIMENTS) $(VALIDATE)

# A longer fuzzing session of the experiment loader and of `simulate
# assign`'s input than `make test` does.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 2m ./experiment
	$(GO) test -run '^$$' -fuzz FuzzAssignInput -fuzztime 2m ./cmd/simulate

# Fresh random groups through our assignors and Kafka 4.4's own classes for
# SECONDS seconds (needs java and mvn; see oracle/README.md).
oracle:
	REBALANCE_SIM_ORACLE_SECONDS=$(SECONDS) $(GO) test -count=1 -run 'TestOracleFresh' -v -timeout 0 ./assignors

# The simulator against a real Kafka 4.4 broker and the Java consumer
# (needs Java 17+ and Maven; Maven fetches Kafka's jars). Rewrites
# docs/validation.md's table. About 20 minutes on 2 cores.
VALIDATE := $(wildcard validate/experiments/*.toml)
validate: build
	./$(BIN) validate --out validation-results --markdown docs/validation.md $(VALIDATE)

# What CI runs: three experiments, one real run each (under 5 minutes). It
# fails on any count, pause or rebalance time that disagrees; latencies and
# lag time, which a shared CI host moves by itself, are reported there and
# judged by `make validate` on a quiet machine (docs/validation.md).
VALIDATE_CI := validate/experiments/static-restart.toml validate/experiments/poll-timeout.toml validate/experiments/leave-and-crash.toml
validate-ci: build
	./$(BIN) validate --repeat 1 --gate protocol --out validation-results $(VALIDATE_CI)

clean:
	rm -rf bin validate/target
