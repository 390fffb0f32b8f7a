package sim

import (
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/engine"
)

// A batch that starts past records nobody has processed leaves a gap: lost
// if nobody comes back for it, a first processing (not a duplicate) when
// the member that held them finishes them later; what no gap covers is a
// duplicate.
func TestGapsAreLostUntilFilled(t *testing.T) {
	s, err := newSim(testScenario(1, 1000, 1, time.Millisecond), 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := s.groups[0]
	gp := g.parts[0]
	at := engine.FromDuration(10 * time.Second)
	gp.log.leo(at, s.dt) // 10,000 records produced
	check := func(step string, distinct, dups, lost int64) {
		t.Helper()
		d, dup, l := g.rec.Counts()
		if d != distinct || dup != dups || l != lost {
			t.Fatalf("%s: distinct %d duplicates %d lost %d, want %d %d %d", step, d, dup, l, distinct, dups, lost)
		}
		if d != gp.hw-gp.skipped {
			t.Fatalf("%s: distinct %d but hw %d - skipped %d", step, d, gp.hw, gp.skipped)
		}
	}
	g.processed(gp, 0, 100, at, at)
	check("in order", 100, 0, 0)
	// The next owner starts at 150: 100..149 are committed, unprocessed.
	g.processed(gp, 150, 200, at, at)
	check("past a gap", 150, 0, 50)
	// The old owner finishes 100..139 and then 140..159: 20 were new, 10
	// had been processed by the next owner.
	g.processed(gp, 100, 140, at, at)
	check("into the gap", 190, 0, 10)
	g.processed(gp, 140, 160, at, at)
	check("across the gap's end", 200, 10, 0)
	// Everything again: all duplicates.
	g.processed(gp, 0, 200, at, at)
	check("a replay", 200, 210, 0)
	if len(gp.gaps) != 0 {
		t.Errorf("gaps left: %v", gp.gaps)
	}
	// A gap in the middle of a replayed range is split around it.
	g.processed(gp, 300, 310, at, at)
	g.processed(gp, 210, 230, at, at)
	check("two gaps", 230, 210, 80)
	g.processed(gp, 250, 260, at, at)
	check("inside a gap", 240, 210, 70)
	if len(gp.gaps) != 3 {
		t.Errorf("gaps %v, want 200-210, 230-250, 260-300", gp.gaps)
	}
}
