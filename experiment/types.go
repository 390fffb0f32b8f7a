package experiment

import (
	"time"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// Experiment is one loaded, validated experiment file.
type Experiment struct {
	// Name is the `name` key, or the file's base name without .toml.
	Name        string
	Description string
	// File is the path as given to Load.
	File string
	// Source is the file's bytes; SHA256 is their hex digest (config_sha256).
	Source []byte
	SHA256 string
	// Variants lists the [[variants]] names in file order; empty when the file
	// has none (then every run uses the base configuration).
	Variants []string
	// Seeds is `seed` (one) or `seeds` (several), in file order.
	Seeds []uint64
	// Sweep is the [sweep] grid, nil when absent. Its axes are in file order.
	Sweep *Sweep
	// SLO is the [slo] table, nil when absent.
	SLO *SLO
	// Runs is variants × sweep points × seeds in that nesting order
	// (variant outermost, seed innermost): the fixed order of every output.
	Runs []Run

	// loadBytes is the memory the loaded experiment holds (cost.go); runsAt
	// is the key that multiplies the runs (sweep, seeds or variants).
	loadBytes float64
	runsAt    where
}

// Run is one simulation to perform: a fully resolved scenario.
type Run struct {
	// ID is "<variant>/<k=v,...>/seed=<n>", parts absent when unused
	// (no variants: no variant part; no sweep: no sweep part).
	ID      string
	Variant string
	Seed    uint64
	// Point holds this run's sweep values, in the order of Sweep.Axes.
	Point    []SweepValue
	Scenario *scenario.Scenario

	cost *costInput // shared by the runs of one configuration
}

// Sweep is a what-if grid: the cross product of its axes.
type Sweep struct {
	Axes []SweepAxis
}

// SweepAxis is one swept parameter path and its values in order.
type SweepAxis struct {
	Path   string // e.g. "groups.processors.consumers"
	Line   int
	Values []any // int64, float64, string or bool, as written
}

// SweepValue is one axis's value in one run.
type SweepValue struct {
	Path  string
	Value any
}

// SLO holds the service-level objectives every run is judged against.
// Zero values mean "not set".
type SLO struct {
	MaxLag     int64         // records, any sample after warmup
	MaxLagTime time.Duration // oldest unprocessed record's age
	P99Latency time.Duration
	MaxPause   time.Duration // longest single-partition pause
	Warmup     time.Duration
}
