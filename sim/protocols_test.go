package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// scaleOut is a 3-to-4 scale-out on 6 partitions: a fourth consumer joins
// at 60 s. A "stateful" service processes each record in 10 ms at 85% load
// and spends revoke in onPartitionsRevoked (flushing state, committing); a
// "stateless" one processes in 1.2 ms with no callback work.
func scaleOut(strategy string, stateful bool) *scenario.Scenario {
	sc := testScenario(6, 2400, 3, 1200*time.Microsecond)
	if stateful {
		sc = testScenario(6, 255, 3, 10*time.Millisecond)
		sc.Groups[0].RevokeTime = time.Second
	}
	sc.Producers[0].Arrivals = scenario.Poisson
	sc.Groups[0].ProcessingDistribution = scenario.DistExponential
	sc.Groups[0].AssignmentStrategy = []string{strategy}
	sc.Groups[0].StartupJitter = time.Second
	sc.Duration = 2 * time.Minute
	sc.Events = []scenario.Event{{At: 60 * time.Second, Action: scenario.ActJoin, Group: "g", Count: 1, Member: -1}}
	return sc
}

type pauseStats struct {
	pause            float64 // partition_pause_s.rebalance, summed over seeds
	revoked, moved   int64
	rebalances, runs int
}

func scaleOutStats(t *testing.T, strategy string, stateful bool) pauseStats {
	t.Helper()
	var st pauseStats
	for seed := uint64(1); seed <= 5; seed++ {
		r, err := Run(scaleOut(strategy, stateful), seed, Options{CheckInvariants: true})
		if err != nil {
			t.Fatal(err)
		}
		g := r.Groups[0]
		st.pause += g.PartitionPauseS.Rebalance
		st.moved += g.PartitionsMoved
		st.rebalances += g.Rebalances
		st.runs++
		for _, rb := range r.Rebalances {
			st.revoked += rb.Revoked
		}
	}
	return st
}

// Eager revokes all six partitions in one rebalance; cooperative-sticky
// revokes only the ones that move, in two rounds (model.md §3.3, §3.4).
func TestCooperativeRevokesOnlyMovedPartitions(t *testing.T) {
	for _, stateful := range []bool{false, true} {
		e := scaleOutStats(t, "range", stateful)
		c := scaleOutStats(t, "cooperative-sticky", stateful)
		if e.revoked != 6*int64(e.runs) || e.rebalances != e.runs {
			t.Errorf("stateful=%v: eager revoked %d partitions in %d rebalances over %d runs, want all 6 in one each", stateful, e.revoked, e.rebalances, e.runs)
		}
		if c.revoked != c.moved || c.revoked > 2*int64(c.runs) || c.revoked < int64(c.runs) {
			t.Errorf("stateful=%v: cooperative revoked %d and moved %d over %d runs, want the 1-2 moved partitions per run", stateful, c.revoked, c.moved, c.runs)
		}
		if c.rebalances != 2*c.runs {
			t.Errorf("stateful=%v: cooperative made %d rebalances over %d runs, want two rounds each", stateful, c.rebalances, c.runs)
		}
	}
}

// When revoking is expensive (a 1 s onPartitionsRevoked) eager range pauses
// every partition for it while cooperative-sticky pauses only the moved
// ones: its rebalance pause is a fraction of eager's.
func TestCooperativePauseIsAFractionOfEagerWhenRevokingIsExpensive(t *testing.T) {
	e := scaleOutStats(t, "range", true)
	c := scaleOutStats(t, "cooperative-sticky", true)
	if c.pause >= e.pause*0.6 {
		t.Errorf("cooperative pause %.2f partition-s is not a fraction of eager's %.2f", c.pause, e.pause)
	}
	t.Logf("stateful scale-out, 5 seeds: eager range %.2f, cooperative-sticky %.2f partition-seconds", e.pause, c.pause)
}

// When revoking is free and batches are short, the eager barrier is short
// (members heartbeat in step after each join and all rejoin within one
// batch), while each moved partition under cooperative-sticky waits for the
// second round, which the other members learn of only at their next
// heartbeat: fewer partitions pause, each for longer, but for at most about
// one heartbeat interval plus two batches (a cooperative member does not
// wait inside poll() for onJoinPrepare's commit: it processes a batch and
// sends JoinGroup at the poll() after the answer, model.md §3.3).
func TestCooperativeSecondRoundWaitsForHeartbeats(t *testing.T) {
	c := scaleOutStats(t, "cooperative-sticky", false)
	perMoved := c.pause / float64(c.moved)
	batch := 500 * 1.2e-3 // max.poll.records x 1.2 ms
	if perMoved < 0.5 || perMoved > 3.0+2*batch {
		t.Errorf("cooperative pause per moved partition %.2f s, want between 0.5 s and one heartbeat interval (3 s) plus two batches", perMoved)
	}
	e := scaleOutStats(t, "range", false)
	if e.pause/float64(6*e.runs) > 0.5 {
		t.Errorf("eager pause per partition %.2f s: with short batches the barrier should be short", e.pause/float64(6*e.runs))
	}
}

// Under the consumer protocol a moving partition reaches its new owner
// within about two heartbeat intervals (the owner learns at its next
// heartbeat, the new owner at its next after the release; model.md §4.4, §4.5),
// members whose target did not change never stop, and nothing is
// processed twice.
func TestConsumerProtocolMovesWithinTwoHeartbeats(t *testing.T) {
	// Enough seeds that some poll falls inside the commit's round trip
	// before a revocation: the partitions must not be fetched then.
	for seed := uint64(1); seed <= 30; seed++ {
		sc := scaleOut("range", false)
		sc.Groups[0].Protocol = scenario.ProtocolConsumer
		sc.Groups[0].RemoteAssignor = "uniform"
		r, err := Run(sc, seed, Options{CheckInvariants: true, Timeline: true})
		if err != nil {
			t.Fatal(err)
		}
		g := r.Groups[0]
		var scale *metrics.RebalanceRow
		for i := range r.Rebalances {
			if r.Rebalances[i].StartS >= 60 {
				scale = &r.Rebalances[i]
				break
			}
		}
		if scale == nil || scale.EndS < 0 {
			t.Fatalf("seed %d: no completed rebalance after the join: %+v", seed, r.Rebalances)
		}
		if d := scale.EndS - scale.StartS; d > 2*5+1 {
			t.Errorf("seed %d: the join took %.1f s to reconcile, want within about two 5 s heartbeat intervals", seed, d)
		}
		if scale.Moved < 1 || scale.Moved > 2 || scale.Revoked != scale.Moved {
			t.Errorf("seed %d: moved %d, revoked %d: uniform moves only what balance needs", seed, scale.Moved, scale.Revoked)
		}
		// Pause per moved partition: under two heartbeat intervals.
		if per := g.PartitionPauseS.Rebalance / float64(g.PartitionsMoved); per > 10 {
			t.Errorf("seed %d: %.1f s of pause per moved partition", seed, per)
		}
		// The consumer protocol commits before revoking: no duplicates.
		if g.Duplicates != 0 || g.Lost != 0 {
			t.Errorf("seed %d: duplicates %d, lost %d", seed, g.Duplicates, g.Lost)
		}
	}
}

// A static member that leaves temporarily (epoch -2) keeps its assignment:
// a restart within the session timeout causes no new target assignment.
func TestConsumerProtocolStaticRestart(t *testing.T) {
	sc := testScenario(4, 1000, 2, 500*time.Microsecond)
	sc.Groups[0].Protocol = scenario.ProtocolConsumer
	sc.Groups[0].StaticMembership = true
	sc.Duration = 2 * time.Minute
	sc.Events = []scenario.Event{{At: 60 * time.Second, Action: scenario.ActRestart, Group: "g", Member: 1, Clean: true, Downtime: 10 * time.Second}}
	r, tr := run(t, sc, true)
	before := 0
	for _, rb := range r.Rebalances {
		if rb.StartS >= 60 {
			t.Errorf("a new target assignment after the static restart: %+v\n%s", rb, tr)
		}
		before++
	}
	if !strings.Contains(tr, "leaves temporarily (epoch -2)") || !strings.Contains(tr, "rejoins as") {
		t.Errorf("trace should show the -2 leave and the rejoin:\n%s", tr)
	}
	if fd := r.Groups[0].PartitionPauseS.FailureDetection; fd < 2*9 || fd > 2*12 {
		t.Errorf("failure-detection pause %.1f, want its 2 partitions x ~10 s down", fd)
	}
}

// A crashed static member's instance id stays held until its session
// expires: the restarted process is rejected (UNRELEASED_INSTANCE_ID) until
// then, the reverse of classic (model.md §4.6).
func TestConsumerProtocolStaticCrashWaitsForSession(t *testing.T) {
	sc := testScenario(4, 1000, 2, 500*time.Microsecond)
	sc.Groups[0].Protocol = scenario.ProtocolConsumer
	sc.Groups[0].StaticMembership = true
	sc.Duration = 2 * time.Minute
	sc.Events = []scenario.Event{{At: 30 * time.Second, Action: scenario.ActRestart, Group: "g", Member: 1, Downtime: 5 * time.Second}}
	r, tr := run(t, sc, true)
	if !strings.Contains(tr, "UNRELEASED_INSTANCE_ID") {
		t.Fatalf("the restarted process should be rejected while the old one holds the id:\n%s", tr)
	}
	if !strings.Contains(tr, "session of") {
		t.Fatalf("the old member's session should expire:\n%s", tr)
	}
	if last := r.Series[len(r.Series)-1]; last.Members != 2 {
		t.Errorf("%d members at the end, want 2", last.Members)
	}
}

// A member stuck in onPartitionsRevoked for longer than max.poll.interval.ms
// leaves by its own poll timeout (a leave heartbeat), which shares its
// deadline with the coordinator's revocation timeout but starts at the
// member's last poll, so it comes first; it rejoins when its poll loop
// returns. Giving it partitions back makes the other member revoke, which
// takes as long: every rebalance kicks the member that revokes, a storm
// that lasts as long as the callback outlasts max.poll.interval.ms
// (model.md §4.8).
func TestConsumerProtocolStuckRevocationStorms(t *testing.T) {
	sc := testScenario(4, 1000, 2, 500*time.Microsecond)
	sc.Groups[0].Protocol = scenario.ProtocolConsumer
	sc.Groups[0].RevokeTime = 40 * time.Second
	sc.Groups[0].MaxPollInterval = 30 * time.Second
	sc.Duration = 3 * time.Minute
	_, tr := run(t, sc, true)
	if strings.Contains(tr, "revocation timeout") {
		t.Errorf("the coordinator fenced a member: its own poll timeout should come first:\n%s", tr)
	}
	for _, m := range []string{"g#0", "g#1"} {
		if strings.Count(tr, m+"[") == 0 || !strings.Contains(tr, "leaves (epoch -1)") {
			t.Fatalf("no leave:\n%s", tr)
		}
		expired := 0
		rejoined := 0
		for _, l := range strings.Split(tr, "\n") {
			if strings.Contains(l, m+"[") && strings.Contains(l, "max.poll.interval.ms expired") {
				expired++
			}
			if strings.Contains(l, m+"[") && strings.Contains(l, "rejoins after its poll timeout") {
				rejoined++
			}
		}
		if expired < 2 || rejoined < 1 {
			t.Errorf("%s: %d poll timeouts and %d rejoins, want the storm to kick each member repeatedly:\n%s", m, expired, rejoined, tr)
		}
	}
}
