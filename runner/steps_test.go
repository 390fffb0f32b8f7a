package runner

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/sim"
)

// The step estimate the command line refuses runs by (--max-steps) counts
// units of work (a partition visited by a batch tick, a member by a sample,
// a poll, a heartbeat), so it is at least the events a run handles: below
// them, a budget would let through work it was meant to refuse. Each
// shipped experiment's first variants are measured against it.
func TestEstimateStepsMatchEvents(t *testing.T) {
	files, err := filepath.Glob("../experiments/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shipped experiments: %v", err)
	}
	sort.Strings(files)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		x, err := experiment.Parse(filepath.Base(f), src)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{} // NB: lookup only
		for i := range x.Runs {
			r := &x.Runs[i]
			if seen[r.Variant] || len(seen) >= 3 {
				continue
			}
			seen[r.Variant] = true
			b := experiment.DefaultBudget()
			b.Charts = false
			b.Runs = []int{i}
			costs, _, err := x.Check(b)
			if err != nil {
				t.Fatal(err)
			}
			res, err := sim.Run(r.Scenario, r.Seed, sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ratio := costs.Steps / float64(res.Events)
			t.Logf("%s %s: estimate %.3g steps, %d events (x%.2f)", filepath.Base(f), r.Variant, costs.Steps, res.Events, ratio)
			if ratio < 1 {
				t.Errorf("%s %s: estimated %.3g steps for %d events", filepath.Base(f), r.Variant, costs.Steps, res.Events)
			}
		}
	}
}
