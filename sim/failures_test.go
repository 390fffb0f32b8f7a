package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// A rolling restart of N dynamic members under eager range makes about 2N
// rebalances (each member's LeaveGroup, then its JoinGroup); with static
// membership and downtime under the session timeout it makes none
// (model.md §5.2, §2.6).
func TestRollingRestartDynamicVersusStatic(t *testing.T) {
	const n = 6
	for _, static := range []bool{false, true} {
		sc := testScenario(12, 1200, n, time.Millisecond)
		sc.Groups[0].StaticMembership = static
		sc.Groups[0].StartupJitter = time.Second
		sc.Duration = 5 * time.Minute
		sc.Events = []scenario.Event{{At: 60 * time.Second, Action: scenario.ActRollingRestart, Group: "g",
			Interval: 30 * time.Second, Downtime: 10 * time.Second, Member: -1}}
		r, tr := run(t, sc, true)
		g := r.Groups[0]
		if static {
			if g.Rebalances != 0 {
				t.Errorf("static: %d rebalances, want 0\n%s", g.Rebalances, tr)
			}
			// Each member's partitions wait for it while it is down.
			if g.PartitionPauseS.FailureDetection < float64(12)*10*0.9 {
				t.Errorf("static: failure-detection pause %.1f, want about 12 partitions x 10 s", g.PartitionPauseS.FailureDetection)
			}
			if g.Members.Final != n {
				t.Errorf("static: %d members at the end, want %d", g.Members.Final, n)
			}
		} else if g.Rebalances < 2*n-1 || g.Rebalances > 2*n {
			t.Errorf("dynamic: %d rebalances, want about 2N = %d", g.Rebalances, 2*n)
		}
		if g.Lost != 0 {
			t.Errorf("lost = %d", g.Lost)
		}
	}
}

// Partitions added to a topic are found by the leader's next metadata
// refresh (metadata.max.age.ms), which forces a rebalance; records produced
// to them before the group fetches their offsets are skipped by
// auto.offset.reset = latest and lost once committed past (model.md §3.6, §1.2).
func TestAddPartitionsFoundAtLeaderMetadataRefresh(t *testing.T) {
	for _, reset := range []string{"latest", "earliest"} {
		sc := testScenario(4, 1000, 2, 200*time.Microsecond)
		sc.Groups[0].AutoOffsetReset = reset
		sc.Groups[0].MetadataMaxAge = 60 * time.Second
		sc.Duration = 4 * time.Minute
		sc.Events = []scenario.Event{{At: 30 * time.Second, Action: scenario.ActAddPartitions, Topic: "t", Count: 4, Member: -1}}
		r, tr := run(t, sc, true)
		g := r.Groups[0]
		if g.Rebalances != 1 {
			t.Fatalf("%s: %d rebalances, want 1 (the leader's refresh)\n%s", reset, g.Rebalances, tr)
		}
		// The members started at 0, so the leader refreshes at 60 s.
		if rb := r.Rebalances[1]; rb.StartS < 60 || rb.StartS > 61 {
			t.Errorf("%s: rebalance at %.3f s, want just after the leader's refresh at 60 s", reset, rb.StartS)
		}
		if !strings.Contains(tr, "metadata refresh: t has 8 partitions") {
			t.Errorf("%s: the trace should show the leader finding 8 partitions:\n%s", reset, tr)
		}
		// Producers learn of the new partitions at their own refresh
		// (5 minutes): none of them are written to within this run, so
		// nothing is skipped yet; the whole group reads all 8 partitions.
		if g.Lost != 0 {
			t.Errorf("%s: lost %d records; producers have not written to the new partitions yet", reset, g.Lost)
		}
		last := r.Series[len(r.Series)-1]
		if last.Members != 2 {
			t.Errorf("%s: %d members", reset, last.Members)
		}
	}
}

// With latest, records the producer writes to a new partition before the
// group fetches its offset are skipped and count as lost.
func TestAddPartitionsLatestLosesEarlyRecords(t *testing.T) {
	lost := map[string]int64{}
	for _, reset := range []string{"latest", "earliest"} {
		sc := testScenario(4, 1000, 2, 200*time.Microsecond)
		sc.Groups[0].AutoOffsetReset = reset
		// The group refreshes every 10 minutes, so it finds the partitions
		// long after producers (every 5 minutes) started writing to them.
		sc.Groups[0].MetadataMaxAge = 10 * time.Minute
		sc.Duration = 11 * time.Minute
		sc.Events = []scenario.Event{{At: 30 * time.Second, Action: scenario.ActAddPartitions, Topic: "t", Count: 4, Member: -1}}
		r, _ := run(t, sc, false)
		lost[reset] = r.Groups[0].Lost
	}
	// Producers write to the 4 new partitions from 300 s; the group finds
	// them at 600 s: ~300 s x 500 records/s skipped with latest.
	if lost["latest"] < 140000 || lost["latest"] > 160000 {
		t.Errorf("latest lost %d records, want about 150,000", lost["latest"])
	}
	if lost["earliest"] != 0 {
		t.Errorf("earliest lost %d records, want 0", lost["earliest"])
	}
}

// A coordinator failover of a stable group causes no rebalance when members
// reconnect within the session timeout; consumption goes on (model.md §5.3).
func TestCoordinatorFailoverWithoutRebalance(t *testing.T) {
	sc := testScenario(4, 1000, 2, 200*time.Microsecond)
	sc.Duration = 2 * time.Minute
	sc.Events = []scenario.Event{{At: 60 * time.Second, Action: scenario.ActCoordinatorFailover, Group: "g", Downtime: 10 * time.Second, Member: -1}}
	r, tr := run(t, sc, true)
	g := r.Groups[0]
	if g.Rebalances != 0 {
		t.Errorf("%d rebalances, want 0\n%s", g.Rebalances, tr)
	}
	// Processing went on through the outage.
	for _, row := range r.Series {
		if row.TS > 62 && row.TS < 70 && row.ConsumedPerS < 900 {
			t.Errorf("consumption stalled during the failover: %v/s at %v s", row.ConsumedPerS, row.TS)
		}
	}
	// Commits failed meanwhile, so lag grew by ~11 s of records and came back.
	var during int64
	for _, row := range r.Series {
		if row.TS == 70 {
			during = row.Lag
		}
	}
	if during < 9000 {
		t.Errorf("lag during the outage %d: commits should have failed", during)
	}
	if last := r.Series[len(r.Series)-1]; last.Lag > 6000 {
		t.Errorf("lag did not recover after the failover: %d", last.Lag)
	}
}

// A failover in the middle of a rebalance restarts that rebalance.
func TestCoordinatorFailoverDuringRebalance(t *testing.T) {
	sc := testScenario(4, 1000, 2, 200*time.Microsecond)
	sc.Duration = 2 * time.Minute
	sc.Events = []scenario.Event{
		{At: 60 * time.Second, Action: scenario.ActJoin, Group: "g", Count: 1, Member: -1},
		{At: 60*time.Second + 10*time.Millisecond, Action: scenario.ActCoordinatorFailover, Group: "g", Downtime: 5 * time.Second, Member: -1},
	}
	r, tr := run(t, sc, true)
	if !strings.Contains(tr, "coordinator moved during a rebalance") {
		t.Fatalf("no restarted rebalance:\n%s", tr)
	}
	if last := r.Series[len(r.Series)-1]; last.Members != 3 || last.Rebalancing {
		t.Errorf("the group should end stable with 3 members: %+v", last)
	}
}
