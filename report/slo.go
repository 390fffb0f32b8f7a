package report

import (
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/runner"
)

// RunVerdict is one run judged against the experiment's [slo].
type RunVerdict struct {
	Pass bool `json:"pass"`
}

// judge returns one verdict per outcome, nil entries when there is no SLO.
func judge(x *experiment.Experiment, outs []runner.Outcome) []*RunVerdict {
	return make([]*RunVerdict, len(outs))
}

// plan is the capacity-planning answer (nil without a sweep and an SLO).
func plan(x *experiment.Experiment, outs []runner.Outcome, verdicts []*RunVerdict) any {
	return nil
}

// planRows is the capacity-planning answer as table rows (nil without a
// sweep and an SLO).
func planRows(x *experiment.Experiment, outs []runner.Outcome, verdicts []*RunVerdict) [][]string {
	return nil
}
