package report

import (
	"strings"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/runner"
)

// outcome builds one run of a consumers × partitions sweep whose lag time
// after warmup is lagTime.
func outcome(variant string, consumers, partitions int64, seed uint64, lagTime float64) runner.Outcome {
	return runner.Outcome{
		Run: &experiment.Run{Variant: variant, Seed: seed, Point: []experiment.SweepValue{
			{Path: "groups.g.consumers", Value: consumers},
			{Path: "topics.t.partitions", Value: partitions},
		}},
		Result: &metrics.Result{Groups: []metrics.GroupResult{{
			Group:       "g",
			AfterWarmup: &metrics.WarmupStats{LagTimeMaxS: lagTime, LagMax: 10},
		}}},
	}
}

func sweepExperiment(variants ...string) *experiment.Experiment {
	return &experiment.Experiment{
		Variants: variants,
		SLO:      &experiment.SLO{MaxLagTime: 30 * time.Second, MaxLag: 100},
		Sweep: &experiment.Sweep{Axes: []experiment.SweepAxis{
			// Written out of order: the plan must sort numeric values.
			{Path: "groups.g.consumers", Values: []any{int64(8), int64(2), int64(4)}},
			{Path: "topics.t.partitions", Values: []any{int64(4), int64(8)}},
		}},
	}
}

func TestJudgeChecksEveryObjectiveSet(t *testing.T) {
	slo := &experiment.SLO{MaxLag: 100, MaxLagTime: 30 * time.Second, P99Latency: 250 * time.Millisecond, MaxPause: 5 * time.Second}
	r := &metrics.Result{Groups: []metrics.GroupResult{
		{Group: "a", AfterWarmup: &metrics.WarmupStats{LagMax: 100, LagTimeMaxS: 12, LatencyP99Ms: 250, PauseMaxS: 1}},
		{Group: "b", AfterWarmup: &metrics.WarmupStats{LagMax: 7, LagTimeMaxS: 31.5, LatencyP99Ms: 10, PauseMaxS: 5.5}},
	}}
	v := judgeRun(slo, r)
	if v.Pass {
		t.Fatalf("group b exceeds two objectives, verdict passes: %+v", v)
	}
	if len(v.Checks) != 8 {
		t.Fatalf("%d checks, want 4 objectives × 2 groups", len(v.Checks))
	}
	var failed []string
	for _, c := range v.Checks {
		if !c.Pass {
			failed = append(failed, c.String())
		}
	}
	want := []string{"lag_time_s_max 31.5 > 30 (group b)", "partition_pause_s_max_single 5.5 > 5 (group b)"}
	if strings.Join(failed, "; ") != strings.Join(want, "; ") {
		t.Errorf("failed checks %q, want %q (a limit reached exactly passes)", failed, want)
	}
	// Objectives left unset are not judged.
	v = judgeRun(&experiment.SLO{MaxLag: 5}, r)
	if len(v.Checks) != 2 || v.Pass {
		t.Errorf("only max_lag set: %+v", v)
	}
}

func TestPlanFindsSmallestPassingValueAndWhyTheNextFails(t *testing.T) {
	x := sweepExperiment("a", "b")
	var outs []runner.Outcome
	for _, v := range []string{"a", "b"} {
		for _, c := range []int64{8, 2, 4} {
			for _, p := range []int64{4, 8} {
				for seed := uint64(1); seed <= 2; seed++ {
					lag := 10.0
					switch {
					case v == "a" && c == 2:
						lag = 90 // never enough
					case v == "a" && c == 4 && p == 4 && seed == 2:
						lag = 45 // one seed fails: the configuration fails
					case v == "b":
						lag = 60 // variant b never meets the SLO
					}
					outs = append(outs, outcome(v, c, p, seed, lag))
				}
			}
		}
	}
	p := plan(x, outs, judge(x, outs))
	if len(p) != 4 {
		t.Fatalf("%d plan entries, want 2 variants × 2 axes", len(p))
	}
	a := p[0]
	if a.Variant != "a" || a.Path != "groups.g.consumers" || a.Meets != int64(4) || a.Below != int64(2) {
		t.Fatalf("variant a consumers: %+v", a)
	}
	// 4 consumers pass only with 8 partitions (4 partitions failed in seed 2).
	if a.With["topics.t.partitions"] != int64(8) {
		t.Errorf("4 consumers meet the SLO with %v partitions, want 8", a.With)
	}
	if a.Why != "lag_time_s_max 90 > 30 (group g) in seed 1" {
		t.Errorf("why 2 consumers fail: %q", a.Why)
	}
	ap := p[1]
	if ap.Path != "topics.t.partitions" || ap.Meets != int64(4) || ap.Below != nil {
		t.Errorf("variant a partitions: smallest value passes (with 8 consumers): %+v", ap)
	}
	b := p[2]
	if b.Meets != nil || b.Below != int64(8) || !strings.HasPrefix(b.Why, "lag_time_s_max 60 > 30") {
		t.Errorf("variant b: nothing meets, the largest value fails with its reason: %+v", b)
	}
	rows := planRows(x, outs, judge(x, outs))
	if len(rows) != 5 || rows[1][2] != "4" || rows[3][2] != "none in the sweep" {
		t.Errorf("plan rows %q", rows)
	}
}

func TestNoPlanWithoutSweepOrSLO(t *testing.T) {
	x := sweepExperiment()
	outs := []runner.Outcome{outcome("", 2, 4, 1, 1)}
	x.SLO = nil
	if p := plan(x, outs, judge(x, outs)); p != nil {
		t.Errorf("plan without an SLO: %+v", p)
	}
	x = sweepExperiment()
	x.Sweep = nil
	if p := plan(x, outs, judge(x, outs)); p != nil {
		t.Errorf("plan without a sweep: %+v", p)
	}
}

// With a broker layout, the plan gives the meeting configuration's
// cross-zone dollars per month: its groups' summed, the mean over seeds.
func TestPlanGivesCrossZoneDollars(t *testing.T) {
	x := sweepExperiment("rack-aware")
	var outs []runner.Outcome
	for _, c := range []int64{8, 2, 4} {
		for _, p := range []int64{4, 8} {
			for seed := uint64(1); seed <= 2; seed++ {
				lag := 10.0
				if c == 2 {
					lag = 90
				}
				o := outcome("rack-aware", c, p, seed, lag)
				g := o.Result.Groups[0]
				g.CrossZone = &metrics.CrossZoneStats{USDPerMonth: float64(100*c) + float64(seed)}
				h := g
				h.Group, h.CrossZone = "h", &metrics.CrossZoneStats{USDPerMonth: 1}
				o.Result.Groups = []metrics.GroupResult{g, h}
				outs = append(outs, o)
			}
		}
	}
	p := plan(x, outs, judge(x, outs))
	// 4 consumers (with 4 partitions, the first passing point): groups
	// 401 + 1 and 402 + 1 over the two seeds.
	if e := p[0]; e.Meets != int64(4) || e.CrossZoneUSDPerMonth == nil || *e.CrossZoneUSDPerMonth != 402.5 {
		t.Fatalf("plan entry %+v (cross-zone %v)", e, e.CrossZoneUSDPerMonth)
	}
	rows := planRows(x, outs, judge(x, outs))
	if rows[0][4] != "cross-zone $/month" || rows[1][4] != "402.50" {
		t.Errorf("plan rows %q", rows)
	}
	// Without a layout the column is not there.
	for i := range outs {
		for j := range outs[i].Result.Groups {
			outs[i].Result.Groups[j].CrossZone = nil
		}
	}
	if rows := planRows(x, outs, judge(x, outs)); len(rows[0]) != 6 {
		t.Errorf("header without a layout %q", rows[0])
	}
}
