package models

import (
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

func TestDebugScaleOut(t *testing.T) {
	sc := scenario(6, 3000, 3, 1200*time.Microsecond)
	sc.Producers[0].Arrivals = experiment.Poisson
	sc.Groups[0].ProcessingDistribution = experiment.DistExponential
	sc.Duration = 5 * time.Minute
	sc.Events = []experiment.Event{{At: 120 * time.Second, Action: experiment.ActJoin, Group: "g", Count: 1, Member: -1}}
	r, tr := run(t, sc, true)
	t.Log(tr)
	t.Logf("%+v", r.Groups[0])
	for _, rb := range r.Rebalances {
		t.Logf("%+v", rb)
	}
}
