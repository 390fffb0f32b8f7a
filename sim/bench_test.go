package sim

import (
	"runtime"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// BenchmarkTwentyOnFourHour: the twenty-on-four experiment for one simulated
// hour. Target: under 1 s per run.
func BenchmarkTwentyOnFourHour(b *testing.B) {
	sc := testScenario(4, 4000, 20, 2*time.Millisecond)
	sc.Producers[0].Arrivals = scenario.Poisson
	sc.Producers[0].Keys = scenario.KeysUniform
	sc.Groups[0].ProcessingDistribution = scenario.DistExponential
	sc.Duration = time.Hour
	benchRun(b, sc)
}

// BenchmarkTwentyOnTwenty: the same load on 20 partitions and 20
// consumers for ten simulated minutes; every consumer polls on its own, so
// this measures the per-member fetch and fast-forward path that dominates
// sweeps over consumer counts.
func BenchmarkTwentyOnTwenty(b *testing.B) {
	sc := testScenario(20, 4000, 20, 2*time.Millisecond)
	sc.Producers[0].Arrivals = scenario.Poisson
	sc.Producers[0].Keys = scenario.KeysUniform
	sc.Groups[0].ProcessingDistribution = scenario.DistExponential
	sc.Groups[0].StartupJitter = time.Second
	sc.Duration = 10 * time.Minute
	benchRun(b, sc)
}

// BenchmarkLargeHour: 1,000 partitions, 200 consumers, 1,000,000 records/s
// for one simulated hour, each consumer at 75% of its capacity. Targets:
// under 10 s, peak heap under 500 MB. "default" uses the experiment
// format's defaults (constant arrivals and processing times); "poisson"
// draws Poisson arrivals and exponential processing times.
func BenchmarkLargeHour(b *testing.B) {
	b.Run("default", func(b *testing.B) { benchRun(b, largeScenario(time.Hour, false)) })
	b.Run("poisson", func(b *testing.B) { benchRun(b, largeScenario(time.Hour, true)) })
}

// BenchmarkLargeDay is the same for 24 simulated hours: its peak heap must
// match the one-hour run (memory grows with partitions and members only).
func BenchmarkLargeDay(b *testing.B) {
	b.Run("default", func(b *testing.B) { benchRun(b, largeScenario(24*time.Hour, false)) })
}

func largeScenario(d time.Duration, random bool) *scenario.Scenario {
	sc := testScenario(1000, 1e6, 200, 150*time.Microsecond) // 5,000 rec/s per consumer at 6,667/s capacity
	if random {
		sc.Producers[0].Arrivals = scenario.Poisson
		sc.Groups[0].ProcessingDistribution = scenario.DistExponential
	}
	sc.BatchInterval = 100 * time.Millisecond
	sc.SampleInterval = 10 * time.Second
	sc.Duration = d
	return sc
}

func benchRun(b *testing.B, sc *scenario.Scenario) {
	b.ReportAllocs()
	var peak uint64
	var events uint64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		stop := make(chan struct{})
		done := make(chan uint64)
		go func() { // sample the heap while the run goes (benchmark only)
			var max uint64
			var ms runtime.MemStats
			for {
				select {
				case <-stop:
					done <- max
					return
				case <-time.After(50 * time.Millisecond):
					runtime.ReadMemStats(&ms)
					if ms.HeapAlloc > max {
						max = ms.HeapAlloc
					}
				}
			}
		}()
		r, err := Run(sc, 1, Options{OnSample: func(metrics.SeriesRow) {}})
		close(stop)
		if m := <-done; m > peak {
			peak = m
		}
		if err != nil {
			b.Fatal(err)
		}
		events = r.Events
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(events), "events/run")
	if events > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events)/float64(b.N), "ns/event")
	}
}

// BenchmarkCostPerEvent: the cost of one event must not grow with the
// group (model.md §1.1: cost grows with events). Each large case has the
// same load per member and per partition as its base, so only the group's
// size differs: "steady" is 100 partitions on 20 consumers against 10,000 on
// 2,000; "restarts" is 20 consumers on 20 partitions against 1,000 on 1,000,
// each through a crash of 1% of them and a rolling restart of all. Target:
// each large case within 2x of its base's ns/event.
func BenchmarkCostPerEvent(b *testing.B) {
	steady := func(partitions, consumers int) *scenario.Scenario {
		sc := testScenario(partitions, 20*float64(partitions), consumers, time.Millisecond)
		sc.Producers[0].Arrivals = scenario.Poisson
		sc.Groups[0].ProcessingDistribution = scenario.DistExponential
		sc.Groups[0].StartupJitter = 10 * time.Second
		sc.BatchInterval = 100 * time.Millisecond
		sc.SampleInterval = 10 * time.Second
		sc.Duration = 10 * time.Minute
		return sc
	}
	restarts := func(consumers int) *scenario.Scenario {
		sc := steady(consumers, consumers)
		sc.Duration = 20 * time.Minute
		crash := consumers / 100
		if crash < 1 {
			crash = 1
		}
		// The rolling restart takes the same share of the run whatever the
		// size: 1,000 restarts a second apart, 20 fifty seconds apart.
		interval := 1000 * time.Second / time.Duration(consumers)
		sc.Events = []scenario.Event{
			{At: 2 * time.Minute, Action: scenario.ActCrash, Group: "g", Count: crash, Member: -1},
			{At: 4 * time.Minute, Action: scenario.ActRollingRestart, Group: "g", Member: -1, Interval: interval, Downtime: 5 * time.Second},
		}
		return sc
	}
	b.Run("steady/partitions=100", func(b *testing.B) { benchRun(b, steady(100, 20)) })
	b.Run("steady/partitions=10000", func(b *testing.B) { benchRun(b, steady(10000, 2000)) })
	b.Run("restarts/consumers=20", func(b *testing.B) { benchRun(b, restarts(20)) })
	b.Run("restarts/consumers=1000", func(b *testing.B) { benchRun(b, restarts(1000)) })
}
