package runner

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/sim"
)

// peakHeap runs one run and samples the heap while it goes. The collector
// runs after every 10% of growth, so the heap sampled is close to what is
// live (the command line caps the rest with a memory limit).
func peakHeap(t *testing.T, x *experiment.Experiment) uint64 {
	t.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop, done := make(chan struct{}), make(chan uint64)
	go func() { // test only: the run itself stays on one goroutine
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak {
					peak = ms.HeapAlloc
				}
			}
		}
	}()
	r := &x.Runs[0]
	_, err := sim.Run(r.Scenario, r.Seed, sim.Options{OnSample: func(metrics.SeriesRow) {}})
	close(stop)
	peak := <-done
	if err != nil {
		t.Fatal(err)
	}
	if peak < base.HeapAlloc {
		return 0
	}
	return peak - base.HeapAlloc
}

// The memory estimate the command line judges runs by is an upper bound on
// what a run holds, and not so loose that it refuses what fits: each
// scenario stresses one term (partitions and their produce-time index,
// members, samples, keys, a lagging group's index between samples).
func TestEstimateBoundsHeap(t *testing.T) {
	file := func(top, topic, producer, group string) string {
		return fmt.Sprintf("%s\n[topics.t]\n%s\n[producers.p]\ntopic = \"t\"\n%s\n"+
			"[groups.g]\ntopics = [\"t\"]\nprocessing_time = \"1ms\"\n%s\n", top, topic, producer, group)
	}
	const d10 = `duration = "10s"`
	cases := []struct{ name, src string }{
		{"partitions", file(`duration = "2s"`, "partitions = 20000", "rate = 2e6", "consumers = 2")},
		{"members", file(d10, "partitions = 4", "rate = 100", "consumers = 3000")},
		{"members-partitions", file(d10, "partitions = 3000", "rate = 1e4", "consumers = 3000")},
		{"samples", file(`duration = "30m"`+"\nsample_interval = \"10ms\"\nbatch_interval = \"10ms\"", "partitions = 2", "rate = 10",
			"consumers = 1")},
		{"keys", file(d10, "partitions = 8", "rate = 1000\nkeys = \"zipf\"\nkey_count = 3000000", "consumers = 2")},
		{"lagging", file(`duration = "20s"`+"\nsample_interval = \"20s\"\nbatch_interval = \"1ms\"", "partitions = 50", "rate = 5e5",
			`consumers = 1`+"\n"+`processing_distribution = "exponential"`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, err := experiment.Parse(c.name+".toml", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			b := experiment.DefaultBudget()
			b.Charts = false
			costs, _, err := x.Check(b)
			if err != nil {
				t.Fatal(err)
			}
			got := float64(peakHeap(t, x))
			t.Logf("estimate %.0f MB, measured peak heap %.0f MB", costs.Memory/1e6, got/1e6)
			if got > costs.Memory {
				t.Errorf("the run held %.0f MB, more than its estimate of %.0f MB", got/1e6, costs.Memory/1e6)
			}
			if costs.Memory > 25*got+16e6 {
				t.Errorf("the estimate %.0f MB is far above the %.0f MB the run held", costs.Memory/1e6, got/1e6)
			}
		})
	}
}
