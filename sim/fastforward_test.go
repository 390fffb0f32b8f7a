package sim

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// Fast-forwarding a member through polls nothing can observe must not
// change a single number: every shipped experiment (one run per variant,
// a few points of each sweep) gives identical results either way.
func TestFastForwardChangesNothing(t *testing.T) {
	files, err := filepath.Glob("../experiments/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no experiments: %v", err)
	}
	if testing.Short() {
		files = files[:2]
	}
	for _, file := range files {
		x, err := experiment.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for i := range x.Runs {
			run := &x.Runs[i]
			if seen[run.Variant] >= 2 || run.Seed != x.Seeds[0] {
				continue
			}
			seen[run.Variant]++
			opt := Options{Timeline: true, HeatmapColumns: 40, MeasureSLO: true}
			fast, err := Run(run.Scenario, run.Seed, opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.NoFastForward = true
			slow, err := Run(run.Scenario, run.Seed, opt)
			if err != nil {
				t.Fatal(err)
			}
			fast.Events, slow.Events = 0, 0
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("%s %s: results differ with fast-forward\nfast %+v\nslow %+v", filepath.Base(file), run.ID, fast.Groups, slow.Groups)
			}
		}
	}
}
