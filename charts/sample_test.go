package charts

import (
	"fmt"
	"math"
	"strconv"
)

// Sample experiments for the tests: small (so the whole package tests in
// seconds) but with every feature a chart draws: several variants and
// seeds, a crash, rebalances, an idle member, a hot partition, a sweep with
// an SLO and a plan. The numbers are made up, deterministically.

// lcg is a tiny deterministic generator for test noise.
type lcg uint64

func (l *lcg) next() float64 {
	*l = *l*6364136223846793005 + 1442695040888963407
	return float64(uint64(*l)>>11) / (1 << 53)
}

// sampleRun builds one run's group: members consumers on 4 partitions for
// n seconds, member index 3 (if any) crashing at 40% of the run, found by
// session timeout 45 s later (if the run lasts that long). Eager variants stop every member while
// rebalancing; cooperative ones only the movers.
func sampleRun(variant string, seed uint64, members, n int, sweep []SweepValue, slo *bool) Run {
	rng := lcg(seed*7919 + uint64(len(variant))*104729 + uint64(members))
	eager := variant != "cooperative-sticky"
	const partitions = 4
	crashAt := float64(n) * 0.4
	detectAt := crashAt + 45
	rebs := []Rebalance{
		{Generation: 1, Start: 0, End: 3, Cause: "initial join"},
	}
	crash := members > 3 && detectAt+3 < float64(n)-2
	if crash {
		rebs = append(rebs, Rebalance{Generation: 2, Start: detectAt, End: detectAt + 3, Cause: "session timeout"})
	}
	rebs = append(rebs, Rebalance{Generation: int32(len(rebs) + 1), Start: float64(n) - 2, End: -1, Cause: "member joined"})
	rebalancing := func(t float64) bool {
		for _, r := range rebs {
			if t >= r.Start && (r.End < 0 || t < r.End) {
				return true
			}
		}
		return false
	}

	g := Group{Name: "processors"}
	for k := range partitions {
		g.Partitions = append(g.Partitions, "payments-"+strconv.Itoa(k))
	}
	g.Heatmap = make([][]int64, partitions)
	for i := 0; i < n; i++ {
		t := float64(i + 1)
		reb := rebalancing(t)
		consumed := 4000 * (0.9 + 0.2*rng.next())
		if reb && eager {
			consumed *= 0.1
		}
		lag := int64(800 + 400*rng.next())
		if reb {
			lag += 6000
		}
		if crash && t >= crashAt && t < detectAt+3 {
			lag += int64(80 * (t - crashAt))
		}
		idle := max(0, members-partitions)
		g.Samples = append(g.Samples, Sample{
			T: t, ProducedPerS: 4000, ConsumedPerS: math.Round(consumed), Lag: lag,
			LagTimeS: float64(lag) / 4000, Members: members, IdleMembers: idle,
			PausedPartitions: map[bool]int{true: partitions, false: 0}[reb], Rebalancing: reb,
		})
		if i%5 == 4 {
			for p := range partitions {
				v := lag / partitions
				if p == 0 {
					v *= 2 // a hot key
				}
				g.Heatmap[p] = append(g.Heatmap[p], v)
			}
			g.HeatmapT = append(g.HeatmapT, t)
		}
	}
	stalledFrom := float64(n) * 0.7
	stateAt := func(m int, t float64) State {
		switch {
		case m == 3 && crash && t >= crashAt:
			return Dead
		case m == 1 && t >= stalledFrom && t < stalledFrom+20:
			return Stalled
		case rebalancing(t) && (eager || m%2 == 0):
			return Rebalancing
		case m >= partitions:
			return Idle
		}
		return Processing
	}
	for m := range members {
		tl := MemberTimeline{Label: fmt.Sprintf("#%d consumer-processors-%d-%08x", m, m, uint32(seed)*2654435761+uint32(m))}
		for i := 0; i < n; i++ {
			t := float64(i)
			st := stateAt(m, t)
			if k := len(tl.Spans) - 1; k >= 0 && tl.Spans[k].State == st {
				tl.Spans[k].End = t + 1
				continue
			}
			tl.Spans = append(tl.Spans, Span{Start: t, End: t + 1, State: st})
		}
		g.Members = append(g.Members, tl)
	}
	g.Rebalances = rebs

	pause := map[bool]float64{true: 24, false: 6}[eager] * (1 + rng.next())
	fd := 0.0
	if crash {
		fd = 45
	}
	g.Summary = Summary{
		ThroughputPerS: 3900 + 100*rng.next(), LagMax: 9000 + int64(1000*rng.next()), LagMean: 1200.5,
		LagTimeMaxS: 2.25, IdleMean: float64(max(0, members-partitions)), IdleMax: max(0, members-partitions),
		Duplicates: int64(500 * rng.next()), Rebalances: len(rebs) - 1, RebalanceTimeS: 6,
		PauseRebalanceS: pause, PauseFailureDetectionS: fd, PauseUnassignedS: 12,
		PauseTotalS: pause + fd + 12, PauseMaxS: 45, PartitionsMoved: 3,
		LatencyP50Ms: 12.5, LatencyP99Ms: 800 + 400*rng.next(), MembersMax: members,
	}

	id := variant
	for _, s := range sweep {
		id += "/" + shortPath(s.Path) + "=" + s.Label
	}
	id += "/seed=" + strconv.FormatUint(seed, 10)
	return Run{ID: id, Variant: variant, Seed: seed, Sweep: sweep, SLOPass: slo, Groups: []Group{g}}
}

// sampleExperiment: 2 variants x 2 seeds, 1 group, 4 members, 4
// partitions, 300 samples.
func sampleExperiment() *Experiment {
	x := &Experiment{
		Name:        "crash-eager-vs-cooperative",
		Description: "One of four consumers crashes: how long are partitions paused, eager <range> vs cooperative & sticky?",
		Source:      "name = \"crash-eager-vs-cooperative\"\nduration = \"5m\"\nseeds = [1, 2]\n\n[[events]]\nat = \"2m\"\naction = \"crash\" # <b>not bold</b>\n",
		Variants:    []string{"eager-range", "cooperative-sticky"},
	}
	for _, v := range x.Variants {
		for _, seed := range []uint64{1, 2} {
			x.Runs = append(x.Runs, sampleRun(v, seed, 4, 300, nil, nil))
		}
	}
	return x
}

// sweepExperiment: 2 variants x consumers 2, 4, 6 x 2 seeds, with an SLO
// and a plan.
func sweepExperiment() *Experiment {
	x := &Experiment{
		Name:        "how-many-consumers",
		Description: "How many consumers for 4k msg/s under a 30 s lag SLO?",
		Source:      "[sweep]\n\"groups.processors.consumers\" = [2, 4, 6]\n",
		Variants:    []string{"eager-range", "cooperative-sticky"},
		SweepPaths:  []string{"groups.processors.consumers"},
		SLO:         []string{"max_lag ≤ 10000 records", "p99_latency ≤ 1s"},
		Plan: [][]string{
			{"variant", "groups.processors.consumers"},
			{"cooperative-sticky", "4"},
			{"eager-range", "none of 2, 4, 6"},
		},
	}
	for _, v := range x.Variants {
		for _, c := range []int{2, 4, 6} {
			for _, seed := range []uint64{1, 2} {
				pass := c >= 4 && v == "cooperative-sticky"
				sw := []SweepValue{{Path: "groups.processors.consumers", Label: strconv.Itoa(c), Value: float64(c), Numeric: true}}
				x.Runs = append(x.Runs, sampleRun(v, seed, c, 60, sw, &pass))
			}
		}
	}
	return x
}
