package validation

import (
	"fmt"
	"math"
	"sort"

	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// Tolerance is how far the real broker's median may lie outside the
// simulator's range over its seeds and still agree: Abs in the metric's
// unit, plus Rel times the simulator's median, plus PerPartition times the
// group's partition count, plus RateSeconds times the group's mean input
// rate (records/s). The larger of these, not their sum, applies.
type Tolerance struct {
	Abs          float64 `json:"abs,omitempty"`
	Rel          float64 `json:"rel,omitempty"`
	PerPartition float64 `json:"per_partition,omitempty"`
	RateSeconds  float64 `json:"rate_seconds,omitempty"`
	Why          string  `json:"why"`
}

// Metric is one compared number of a group's results.
type Metric struct {
	Name string
	Get  func(*metrics.GroupResult) float64
	Tol  Tolerance
}

// Metrics are the compared metrics with their tolerances. The simulator's
// own spread over seeds (the random heartbeat phases, commit timer phases
// and start-up jitter it draws) is already in its [min, max]; a tolerance
// covers only what the real run adds on top: JVM scheduling on two shared
// cores, the client's round trips the model folds into one network
// latency, timer granularity, and the harness's own timing.
var Metrics = []Metric{
	{"throughput_per_s", func(g *metrics.GroupResult) float64 { return g.ThroughputPerS },
		Tolerance{Rel: 0.03, Why: "processing times follow the same law on both sides; the real run adds ~0.1 s of client start-up and a batch in flight at the end, under 1% of a 30 s run, and its Poisson draws differ (3% covers both)"}},
	{"duplicates", func(g *metrics.GroupResult) float64 { return float64(g.Duplicates) },
		Tolerance{Abs: 10, Rel: 0.25, RateSeconds: 0.3, Why: "records since the last commit: the harness kills or stops a process within ~10 ms of its time and a loaded JVM's poll loop runs tens of ms late; 0.3 s of input covers that"}},
	{"lost", func(g *metrics.GroupResult) float64 { return float64(g.Lost) },
		Tolerance{Abs: 0, RateSeconds: 0.1, Why: "0 unless commits run ahead of processing (KIP-848 commits before revoking); 0.1 s of input covers the kill's timing"}},
	{"rebalances", func(g *metrics.GroupResult) float64 { return float64(g.Rebalances) },
		Tolerance{Why: "a count: the real median must be one the simulator produced over its seeds"}},
	{"rebalance_time_s", func(g *metrics.GroupResult) float64 { return g.RebalanceTimeS },
		Tolerance{Abs: 0.5, Rel: 0.25, Why: "each rebalance ends at a SyncGroup (classic) or the last reconciling heartbeat (KIP-848); the client's extra round trips, JVM scheduling and timer granularity add up to a few hundred ms"}},
	{"pause_rebalance_s", func(g *metrics.GroupResult) float64 { return g.PartitionPauseS.Rebalance },
		Tolerance{Abs: 0.5, Rel: 0.2, PerPartition: 0.3, Why: "partition-seconds: each paused partition resumes at its owner's assignment callback; client round trips and scheduling add up to ~0.3 s per partition per rebalance"}},
	{"pause_failure_detection_s", func(g *metrics.GroupResult) float64 { return g.PartitionPauseS.FailureDetection },
		Tolerance{Abs: 0.5, Rel: 0.1, PerPartition: 0.3, Why: "session expiry is timed by the broker's timer wheel and the last heartbeat's phase; ~0.3 s per partition of a dead member"}},
	{"pause_unassigned_s", func(g *metrics.GroupResult) float64 { return g.PartitionPauseS.Unassigned },
		Tolerance{Abs: 0.5, Rel: 0.15, PerPartition: 0.3, Why: "the group's formation: JoinGroup round trips after each release, the initial delay's timer, JVM scheduling: ~0.3 s per partition"}},
	{"partitions_moved", func(g *metrics.GroupResult) float64 { return float64(g.PartitionsMoved) },
		Tolerance{Why: "a count decided by the assignor on the members of each generation: must be one the simulator produced"}},
	{"idle_members_mean", func(g *metrics.GroupResult) float64 { return g.IdleMembers.Mean },
		Tolerance{Abs: 0.25, Rel: 0.1, Why: "a mean over 1 s samples; formation a few hundred ms later shifts one sample"}},
	{"latency_p50_ms", func(g *metrics.GroupResult) float64 { return g.LatencyMs.P50 },
		Tolerance{Abs: 15, Rel: 0.2, Why: "linger.ms, the broker's append and fetch path on loopback, and millisecond record timestamps: ~10 ms"}},
	{"latency_p99_ms", func(g *metrics.GroupResult) float64 { return g.LatencyMs.P99 },
		Tolerance{Abs: 50, Rel: 0.25, Why: "the tail adds JVM pauses and late wake-ups on two shared cores: ~50 ms"}},
	{"lag_time_s_max", func(g *metrics.GroupResult) float64 { return g.LagTimeS.Max },
		Tolerance{Abs: 0.5, Rel: 0.2, Why: "sampled once a second on both sides, at Admin-call times on the real one"}},
}

// Stat is a metric's median and range over runs.
type Stat struct {
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Values []float64 `json:"values"`
}

func stat(xs []float64) Stat {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	st := Stat{Values: xs}
	if len(s) == 0 {
		return st
	}
	st.Min, st.Max = s[0], s[len(s)-1]
	if n := len(s); n%2 == 1 {
		st.Median = s[n/2]
	} else {
		st.Median = (s[n/2-1] + s[n/2]) / 2
	}
	return st
}

// Comparison is one metric of one group of one variant.
type Comparison struct {
	Variant   string  `json:"variant"`
	Group     string  `json:"group"`
	Metric    string  `json:"metric"`
	Sim       Stat    `json:"sim"`
	Real      Stat    `json:"real"`
	Tolerance float64 `json:"tolerance"`
	Agree     bool    `json:"agree"`
	// Known is the documented reason for a disagreement the model must fix
	// (see Known); "" when none.
	Known string `json:"known,omitempty"`
	// NotGated says why a disagreement does not fail this validation
	// (--gate protocol: a metric that measures the host's scheduling as
	// much as Kafka); "" when it is gated.
	NotGated string `json:"not_gated,omitempty"`
}

// HostTimingMetrics are the metrics a busy or slow host moves by itself:
// latencies and the age of the oldest record are the JVMs' wake-ups as
// much as Kafka's protocol. `--gate protocol` reports them without failing.
var HostTimingMetrics = []string{"latency_p50_ms", "latency_p99_ms", "lag_time_s_max"}

// Allowed is the interval the real median must fall in.
func (c *Comparison) Allowed() (lo, hi float64) {
	return c.Sim.Min - c.Tolerance, c.Sim.Max + c.Tolerance
}

// Scale is what a group's tolerances scale with.
type Scale struct {
	Partitions int
	Rate       float64 // mean records/s into the group
}

// GroupScale computes a group's Scale from its scenario.
func GroupScale(sc *scenario.Scenario, g *scenario.Group) Scale {
	var s Scale
	for _, tn := range g.Topics {
		for _, t := range sc.Topics {
			if t.Name == tn {
				s.Partitions += t.Partitions
			}
		}
		for i := range sc.Producers {
			p := &sc.Producers[i]
			if p.Topic != tn {
				continue
			}
			steps := rateSteps(sc, p)
			dur := sc.Duration.Seconds()
			var n float64
			for k, st := range steps {
				end := dur
				if k+1 < len(steps) {
					end = math.Min(dur, float64(steps[k+1].AtMs)/1000)
				}
				n += st.Rate * math.Max(0, end-float64(st.AtMs)/1000)
			}
			s.Rate += n / dur
		}
	}
	return s
}

// Effective is the tolerance for a metric given the simulator's median.
func (t Tolerance) Effective(simMedian float64, s Scale) float64 {
	return math.Max(math.Max(t.Abs, t.Rel*math.Abs(simMedian)),
		math.Max(t.PerPartition*float64(s.Partitions), t.RateSeconds*s.Rate))
}

// Compare compares one variant's group results: sim holds the simulated
// runs (one per seed), real the real runs. Agreement: the real median lies
// within the simulator's [min, max] widened by the tolerance on each side.
func Compare(variant, group string, sim, real []*metrics.GroupResult, s Scale) []Comparison {
	var out []Comparison
	for _, m := range Metrics {
		var sv, rv []float64
		for _, g := range sim {
			sv = append(sv, m.Get(g))
		}
		for _, g := range real {
			rv = append(rv, m.Get(g))
		}
		c := Comparison{Variant: variant, Group: group, Metric: m.Name, Sim: stat(sv), Real: stat(rv)}
		c.Tolerance = metrics.Round(m.Tol.Effective(c.Sim.Median, s))
		lo, hi := c.Allowed()
		c.Agree = len(rv) > 0 && len(sv) > 0 && c.Real.Median >= lo-1e-9 && c.Real.Median <= hi+1e-9
		out = append(out, c)
	}
	return out
}

// MetricByName finds a compared metric.
func MetricByName(name string) (*Metric, error) {
	for i := range Metrics {
		if Metrics[i].Name == name {
			return &Metrics[i], nil
		}
	}
	return nil, fmt.Errorf("unknown metric %q", name)
}
