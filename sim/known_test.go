package sim

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4g, want %.4g ± %.3g", what, got, want, tol)
	}
}

// Range gives nothing to members beyond the partition count (§9.5): 20
// consumers on 4 partitions leave 16 idle.
func TestTwentyOnFourLeavesSixteenIdle(t *testing.T) {
	sc := testScenario(4, 4000, 20, 2*time.Millisecond)
	sc.Duration = 2 * time.Minute
	r, _ := run(t, sc, false)
	g := r.Groups[0]
	if g.IdleMembers.Final != 16 || g.IdleMembers.Max != 16 {
		t.Errorf("idle members final=%d max=%d, want 16", g.IdleMembers.Final, g.IdleMembers.Max)
	}
	if g.Members.Final != 20 {
		t.Errorf("members = %d, want 20", g.Members.Final)
	}
	// Four busy consumers at 2 ms per record: 4 x 500 records/s, whatever
	// the other 16 do. The group forms at about 6 s.
	near(t, "throughput", g.ThroughputPerS, 2000*(120-6.01)/120, 5)
}

// A consumer keeps up when it is fast enough and falls behind by exactly the
// difference when it is not.
func TestCapacityAndLagGrowth(t *testing.T) {
	for _, c := range []struct {
		perRecord time.Duration
		rate      float64 // processed records per second once formed
	}{
		{500 * time.Microsecond, 1000},
		{2 * time.Millisecond, 500},
	} {
		sc := testScenario(1, 1000, 1, c.perRecord)
		sc.Duration = 2 * time.Minute
		r, _ := run(t, sc, false)
		// Steady state: from 60 s to 120 s.
		var c60, c120, l60, l120 float64
		for _, row := range r.Series {
			switch row.TS {
			case 60:
				c60, l60 = row.ConsumedPerS, float64(row.Lag)
			case 120:
				c120, l120 = row.ConsumedPerS, float64(row.Lag)
			}
		}
		near(t, c.perRecord.String()+" consumed/s at 60s", c60, c.rate, c.rate*0.05)
		near(t, c.perRecord.String()+" consumed/s at 120s", c120, c.rate, c.rate*0.05)
		if c.rate < 1000 {
			near(t, "lag growth per second", (l120-l60)/60, 500, 10)
		} else if l120 > 5*1000+1000 {
			// Keeping up: lag is what auto commit has not covered yet (<= 5 s).
			t.Errorf("a consumer that keeps up has lag %v at 120 s", l120)
		}
	}
}

// A crash pauses the dead member's partitions for the session timeout
// (failure detection), then for the rebalance; what it processed since its
// last commit is processed again (§1.6, §9.3).
func TestCrashPausesForSessionTimeoutAndDuplicates(t *testing.T) {
	sc := testScenario(4, 1000, 3, 500*time.Microsecond)
	sc.Duration = 3 * time.Minute
	sc.Events = []scenario.Event{{At: 60 * time.Second, Action: scenario.ActCrash, Group: "g", Count: 1, Member: -1}}
	r, tr := run(t, sc, true)
	g := r.Groups[0]
	// Range over 3 members and 4 partitions: the crashed member held 1 or 2.
	held := strings.Count(lineWith(tr, "g#2", "assigned"), "t-")
	if held == 0 {
		t.Fatalf("member 2 held nothing:\n%s", tr)
	}
	near(t, "failure detection pause", g.PartitionPauseS.FailureDetection, float64(held)*45, float64(held)*3.5)
	if g.PartitionPauseS.Rebalance < 0.001 || g.PartitionPauseS.Rebalance > 4*4 {
		t.Errorf("rebalance pause %v, want a few partition-seconds", g.PartitionPauseS.Rebalance)
	}
	// Duplicates: the records processed since the dead member's last auto
	// commit (up to 5 s of its partitions' traffic), about 250/s per partition.
	if g.Duplicates <= 0 || float64(g.Duplicates) > float64(held)*250*5.5 {
		t.Errorf("duplicates = %d, want between 1 and %d", g.Duplicates, held*250*55/10)
	}
	if g.Lost != 0 {
		t.Errorf("lost = %d", g.Lost)
	}
	if g.Rebalances != 1 {
		t.Errorf("rebalances = %d, want 1 (the removal)", g.Rebalances)
	}
}

// A member joining while another is in the middle of a long batch waits at
// the barrier until that batch is done (§1.3, §9.1).
func TestJoinWaitsAtBarrierForLongBatch(t *testing.T) {
	sc := testScenario(2, 50, 1, time.Second) // 1 s per record: a full batch of 40 takes 40 s
	sc.Groups[0].MaxPollRecords = 40
	sc.Duration = 3 * time.Minute
	sc.Events = []scenario.Event{{At: 100 * time.Second, Action: scenario.ActJoin, Group: "g", Count: 1, Member: -1}}
	r, tr := run(t, sc, true)
	var rb *metrics.RebalanceRow
	for i := range r.Rebalances {
		if r.Rebalances[i].StartS >= 100 {
			rb = &r.Rebalances[i]
			break
		}
	}
	if rb == nil {
		t.Fatalf("no rebalance after the join:\n%s", tr)
	}
	// The busy member is always in a 40 s batch (it is far behind), so the
	// barrier lasts until that batch ends: between 0 and 40 s after the
	// join, and the trace shows the old member rejoining only then.
	d := rb.EndS - rb.StartS
	if d < 1 || d > 41 {
		t.Errorf("rebalance took %.1f s, want up to one 40 s batch", d)
	}
	rejoin := lineWith(tr, "g#0", "sends JoinGroup", 100)
	if rejoin == "" {
		t.Fatalf("member 0 never rejoined:\n%s", tr)
	}
	if at := lineTime(rejoin); math.Abs(at-rb.EndS) > 0.1 {
		t.Errorf("member 0 rejoined at %.3f, the rebalance ended at %.3f: the barrier should wait for it", at, rb.EndS)
	}
}

// lineWith returns the first trace line containing every needle, from
// time `from` on.
func lineWith(tr string, a, b string, from ...float64) string {
	for _, l := range strings.Split(tr, "\n") {
		if strings.Contains(l, a) && strings.Contains(l, b) && (len(from) == 0 || lineTime(l) >= from[0]) {
			return l
		}
	}
	return ""
}

func lineTime(l string) float64 {
	var f float64
	for _, field := range strings.Fields(l) {
		if strings.HasSuffix(field, "s") {
			if _, err := fmtSscan(strings.TrimSuffix(field, "s"), &f); err == nil {
				return f
			}
		}
		break
	}
	return -1
}

// Timelines show who processed, who rebalanced and who was dead, and the
// heat map keeps a bounded number of columns.
func TestTimelineAndHeatmap(t *testing.T) {
	sc := testScenario(4, 1000, 3, 500*time.Microsecond)
	sc.Duration = 3 * time.Minute
	sc.Events = []scenario.Event{{At: 60 * time.Second, Action: scenario.ActCrash, Group: "g", Member: 2}}
	r, err := Run(sc, 1, Options{CheckInvariants: true, Timeline: true, HeatmapColumns: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Timelines) != 3 {
		t.Fatalf("%d timelines, want 3", len(r.Timelines))
	}
	dead := r.Timelines[2].Spans
	last := dead[len(dead)-1]
	if last.State != metrics.StateDead || last.Start != 60 || last.End != 180 {
		t.Errorf("member 2 should be dead from 60 s to the end, last span %+v", last)
	}
	for _, tl := range r.Timelines {
		var prevEnd float64
		for i, sp := range tl.Spans {
			if sp.End <= sp.Start || (i > 0 && sp.Start != prevEnd) {
				t.Fatalf("%s: spans must be contiguous and non-empty: %+v", tl.Label, tl.Spans)
			}
			prevEnd = sp.End
		}
		if tl.Spans[0].State != metrics.StateRebalancing || tl.Spans[1].State != metrics.StateProcessing {
			t.Errorf("%s starts %v then %v, want rebalancing then processing", tl.Label, tl.Spans[0].State, tl.Spans[1].State)
		}
	}
	// The survivors rebalance when the session of member 2 expires (~102 s).
	sawRebalance := false
	for _, sp := range r.Timelines[0].Spans {
		if sp.State == metrics.StateRebalancing && sp.Start > 100 && sp.Start < 105 {
			sawRebalance = true
		}
	}
	if !sawRebalance {
		t.Errorf("member 0 shows no rebalance after the session expiry: %+v", r.Timelines[0].Spans)
	}
	h := r.Heatmaps[0]
	if len(h.Partitions) != 4 || len(h.ColumnEndS) != 50 || len(h.Lag[0]) != 50 || h.ColumnEndS[49] != 180 {
		t.Fatalf("heat map shape: %d partitions, %d columns, last column ends %v", len(h.Partitions), len(h.ColumnEndS), h.ColumnEndS[len(h.ColumnEndS)-1])
	}
}
