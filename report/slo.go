package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/runner"
)

// RunVerdict is one run judged against the experiment's [slo]: every group
// against every objective that is set, from the SLO's warmup on.
type RunVerdict struct {
	Pass   bool       `json:"pass"`
	Checks []SLOCheck `json:"checks"`
}

// SLOCheck is one objective for one group: its limit, the worst value the
// run reached (after warmup) and whether it stayed within.
type SLOCheck struct {
	Group     string  `json:"group"`
	Objective string  `json:"objective"`
	Limit     float64 `json:"limit"`
	Worst     float64 `json:"worst"`
	Pass      bool    `json:"pass"`
}

func (c SLOCheck) String() string {
	return fmt.Sprintf("%s %s > %s (group %s)", c.Objective, short(c.Worst), short(c.Limit), c.Group)
}

// short prints a value for a sentence: whole numbers as they are, others
// with one decimal.
func short(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatInt(int64(x), 10)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// judge returns one verdict per outcome; entries are nil when there is no
// SLO.
func judge(x *experiment.Experiment, outs []runner.Outcome) []*RunVerdict {
	v := make([]*RunVerdict, len(outs))
	if x.SLO == nil {
		return v
	}
	for i, o := range outs {
		v[i] = judgeRun(x.SLO, o.Result)
	}
	return v
}

func judgeRun(slo *experiment.SLO, r *metrics.Result) *RunVerdict {
	rv := &RunVerdict{Pass: true}
	for _, g := range r.Groups {
		w := g.AfterWarmup
		if w == nil {
			continue
		}
		add := func(obj string, set bool, limit, worst float64) {
			if !set {
				return
			}
			c := SLOCheck{Group: g.Group, Objective: obj, Limit: limit, Worst: worst, Pass: worst <= limit}
			rv.Checks = append(rv.Checks, c)
			rv.Pass = rv.Pass && c.Pass
		}
		add("lag_max", slo.MaxLag > 0, float64(slo.MaxLag), float64(w.LagMax))
		add("lag_time_s_max", slo.MaxLagTime > 0, slo.MaxLagTime.Seconds(), w.LagTimeMaxS)
		add("latency_ms_p99", slo.P99Latency > 0, float64(slo.P99Latency.Milliseconds()), w.LatencyP99Ms)
		add("partition_pause_s_max_single", slo.MaxPause > 0, slo.MaxPause.Seconds(), w.PauseMaxS)
	}
	return rv
}

// PlanEntry is the capacity-planning answer for one variant and one swept
// parameter: the smallest value that meets the SLO in every seed (with the
// other swept values of the configuration that meets it), and the next
// value down, which fails, with the reason.
type PlanEntry struct {
	Variant string         `json:"variant"`
	Path    string         `json:"path"`
	Meets   any            `json:"smallest_meeting_slo"`
	With    map[string]any `json:"with,omitempty"`
	Below   any            `json:"next_down_failing"`
	Why     string         `json:"fails_because,omitempty"`
	// CrossZoneUSDPerMonth is, with a broker layout, what the
	// configuration that meets the SLO spends on cross-zone fetches: its
	// groups' usd_per_month summed, the mean over its seeds. A plan can so
	// weigh consumers against cross-zone dollars.
	CrossZoneUSDPerMonth *float64 `json:"cross_zone_usd_per_month,omitempty"`
}

// config is one point of the sweep for one variant, over its seeds.
type config struct {
	variant string
	point   []experiment.SweepValue
	pass    bool
	failure string // the first failed check, seed included
	// xzUSD sums the runs' cross-zone dollars per month (their groups
	// summed) over xzRuns runs with a broker layout.
	xzUSD  float64
	xzRuns int
}

func configs(x *experiment.Experiment, outs []runner.Outcome, verdicts []*RunVerdict) []*config {
	var list []*config
	byKey := map[string]*config{} // NB: lookup only; list keeps the run order
	for i, o := range outs {
		key := o.Run.Variant + "|" + sweepString(o.Run)
		c := byKey[key]
		if c == nil {
			c = &config{variant: o.Run.Variant, point: o.Run.Point, pass: true}
			byKey[key] = c
			list = append(list, c)
		}
		usd, counted := 0.0, false
		for _, g := range o.Result.Groups {
			if g.CrossZone != nil {
				usd, counted = usd+g.CrossZone.USDPerMonth, true
			}
		}
		if counted {
			c.xzUSD += usd
			c.xzRuns++
		}
		if v := verdicts[i]; v != nil && !v.Pass {
			if c.pass {
				for _, ch := range v.Checks {
					if !ch.Pass {
						c.failure = fmt.Sprintf("%s in seed %d", ch, o.Run.Seed)
						break
					}
				}
			}
			c.pass = false
		}
	}
	return list
}

// plan is the capacity-planning answer (nil without a sweep and an SLO).
func plan(x *experiment.Experiment, outs []runner.Outcome, verdicts []*RunVerdict) []PlanEntry {
	if x.Sweep == nil || x.SLO == nil {
		return nil
	}
	cs := configs(x, outs, verdicts)
	variants := x.Variants
	if len(variants) == 0 {
		variants = []string{""}
	}
	var out []PlanEntry
	for _, v := range variants {
		for ai, axis := range x.Sweep.Axes {
			e := PlanEntry{Variant: v, Path: axis.Path}
			// Values of this axis in the sweep's order (as written), each
			// with its best configuration: the first that passes, else the
			// first that fails.
			type best struct {
				pass bool
				cfg  *config
			}
			at := make([]best, len(axis.Values))
			for _, c := range cs {
				if c.variant != v {
					continue
				}
				k := indexOf(axis.Values, c.point[ai].Value)
				if k < 0 {
					continue
				}
				if at[k].cfg == nil || (c.pass && !at[k].pass) {
					at[k] = best{c.pass, c}
				}
			}
			order := sortedAxis(axis.Values)
			meets := -1
			for pos, k := range order {
				if at[k].pass {
					meets = pos
					break
				}
			}
			if meets >= 0 {
				k := order[meets]
				e.Meets = axis.Values[k]
				if c := at[k].cfg; c.xzRuns > 0 {
					usd := metrics.Round(c.xzUSD / float64(c.xzRuns))
					e.CrossZoneUSDPerMonth = &usd
				}
				for j, p := range at[k].cfg.point {
					if j != ai {
						if e.With == nil {
							e.With = map[string]any{}
						}
						e.With[p.Path] = p.Value
					}
				}
				if meets > 0 {
					below := order[meets-1]
					e.Below = axis.Values[below]
					if c := at[below].cfg; c != nil {
						e.Why = c.failure
					}
				}
			} else if len(order) > 0 {
				// Nothing meets the SLO: report the largest value and why.
				last := order[len(order)-1]
				e.Below = axis.Values[last]
				if c := at[last].cfg; c != nil {
					e.Why = c.failure
				}
			}
			out = append(out, e)
		}
	}
	return out
}

func indexOf(values []any, v any) int {
	for i, x := range values {
		if x == v {
			return i
		}
	}
	return -1
}

// sortedAxis orders an axis's values from smallest to largest (numbers by
// value; other values keep the order written), as indexes into values.
func sortedAxis(values []any) []int {
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	numeric := true
	for _, v := range values {
		if _, ok := asFloat(v); !ok {
			numeric = false
		}
	}
	if numeric {
		sort.SliceStable(idx, func(a, b int) bool {
			x, _ := asFloat(values[idx[a]])
			y, _ := asFloat(values[idx[b]])
			return x < y
		})
	}
	return idx
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// planRows is the plan as table rows (header first) for report.html and
// the terminal (nil without a plan).
func planRows(x *experiment.Experiment, outs []runner.Outcome, verdicts []*RunVerdict) [][]string {
	p := plan(x, outs, verdicts)
	if p == nil {
		return nil
	}
	xz := false
	for _, e := range p {
		xz = xz || e.CrossZoneUSDPerMonth != nil
	}
	head := []string{"variant", "swept parameter", "smallest meeting the SLO", "with", "next down (fails)", "because"}
	if xz {
		// NB: before "because", the long free text, so the table stays
		// readable in a terminal.
		head = []string{"variant", "swept parameter", "smallest meeting the SLO", "with", "cross-zone $/month", "next down (fails)", "because"}
	}
	rows := [][]string{head}
	for _, e := range p {
		meets, below := "none in the sweep", "–"
		if e.Meets != nil {
			meets = fmt.Sprint(e.Meets)
		}
		if e.Below != nil {
			below = fmt.Sprint(e.Below)
		}
		var with []string
		keys := make([]string, 0, len(e.With))
		for k := range e.With {
			keys = append(keys, k)
		}
		sort.Strings(keys) // NB: map order must not reach the table
		for _, k := range keys {
			with = append(with, fmt.Sprintf("%s=%v", k, e.With[k]))
		}
		variant := e.Variant
		if variant == "" {
			variant = "(base)"
		}
		row := []string{variant, e.Path, meets, strings.Join(with, " "), below, e.Why}
		if xz {
			usd := "–"
			if e.CrossZoneUSDPerMonth != nil {
				usd = strconv.FormatFloat(*e.CrossZoneUSDPerMonth, 'f', 2, 64)
			}
			row = []string{variant, e.Path, meets, strings.Join(with, " "), usd, below, e.Why}
		}
		rows = append(rows, row)
	}
	return rows
}
