package experiment

import (
	"fmt"
	"strconv"
	"strings"
)

// formatValue writes a swept value for run ids and messages: 4, 0.5, true,
// range.
func formatValue(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatFloat(x)
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// setIn returns a copy of m with v at p, copying only the tables on the
// way, so the base tree is shared by every run and never changed.
func setIn(m map[string]any, p keyPath, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, x := range m { // NB: copying into a map; order cannot matter
		out[k] = x
	}
	k := p[0].key
	if len(p) == 1 {
		out[k] = v
		return out
	}
	child, _ := m[k].(map[string]any)
	out[k] = setIn(child, p[1:], v)
	return out
}

// expand builds every run: variants (file order) x sweep points (first axis
// outermost) x seeds. Runs that differ only in seed share one Scenario.
func expand(c *checker, root map[string]any, variants []variant, sw *Sweep, targets []keyPath, seeds []uint64, slo *sloCheck) []Run {
	if len(variants) == 0 {
		variants = []variant{{}} // the base file alone, with no variant part in run ids
	}
	var axes []SweepAxis
	if sw != nil {
		axes = sw.Axes
	}
	var runs []Run
	for _, v := range variants {
		idx := make([]int, len(axes))
		for {
			tree := root
			over := map[string]origin{}
			for _, o := range v.overrides {
				tree = setIn(tree, o.target, o.value)
				over[o.target.canon()] = origin{line: c.lines.line(o.src), ctx: fmt.Sprintf("variant %q", v.name)}
			}
			point := make([]SweepValue, len(axes))
			for k, a := range axes {
				value := a.Values[idx[k]]
				point[k] = SweepValue{Path: a.Path, Value: value}
				tree = setIn(tree, targets[k], value)
				over[targets[k].canon()] = origin{line: a.Line, ctx: fmt.Sprintf("sweep %s=%s", a.Path, formatValue(value))}
			}
			rc := &checker{sink: c.sink, lines: c.lines, over: over}
			if sc := rc.build(tree, slo); sc != nil {
				checkChartNames(c, sw, sc, runID(v.name, point, longestSeed(seeds)), over)
				cost := &costInput{c: rc, sc: sc, eventPaths: rc.eventPaths}
				for _, seed := range seeds {
					runs = append(runs, Run{ID: runID(v.name, point, seed), Variant: v.name, Seed: seed, Point: point, Scenario: sc, cost: cost})
				}
			}
			if c.sink.count() > maxErrors {
				return nil // enough to show; the rest would be more of the same
			}
			if !next(idx, axes) {
				break
			}
		}
	}
	return runs
}

// longestSeed is the seed with the longest decimal form (for the longest
// run id).
func longestSeed(seeds []uint64) uint64 {
	var out uint64
	for _, s := range seeds {
		if len(strconv.FormatUint(s, 10)) > len(strconv.FormatUint(out, 10)) {
			out = s
		}
	}
	return out
}

// checkRunCount bounds variants x points x seeds, so a small file cannot
// ask for hours of loading (every configuration is built and checked).
func checkRunCount(c *checker, variants int, sw *Sweep, seeds int) {
	n := max(variants, 1) * max(seeds, 1) // each <= file size, no overflow
	if sw != nil {
		for _, a := range sw.Axes {
			if n > maxRuns {
				break
			}
			n *= len(a.Values)
		}
	}
	if n > maxRuns {
		at := keyPath{}.key("seeds")
		switch {
		case sw != nil:
			at = keyPath{}.key("sweep")
		case variants > 0:
			at = keyPath{}.key("variants")
		}
		c.fail(at, fmt.Sprintf("variants x sweep points x seeds gives more than %d runs; split the experiment", maxRuns))
	}
}

// next advances idx like an odometer whose first axis turns slowest.
func next(idx []int, axes []SweepAxis) bool {
	for k := len(idx) - 1; k >= 0; k-- {
		idx[k]++
		if idx[k] < len(axes[k].Values) {
			return true
		}
		idx[k] = 0
	}
	return false
}

// runID is "<variant>/<k=v,...>/seed=<n>", leaving out unused parts.
func runID(variantName string, point []SweepValue, seed uint64) string {
	var parts []string
	if variantName != "" {
		parts = append(parts, variantName)
	}
	if len(point) > 0 {
		kv := make([]string, len(point))
		for i, sv := range point {
			kv[i] = sv.Path + "=" + formatValue(sv.Value)
		}
		parts = append(parts, strings.Join(kv, ","))
	}
	parts = append(parts, "seed="+strconv.FormatUint(seed, 10))
	return strings.Join(parts, "/")
}

// WithSeed returns a copy of e whose seeds are replaced by seed (the CLI's
// --seed), with its runs re-expanded in the same order. e is not changed;
// the copies share Scenarios, which are read-only.
func (e *Experiment) WithSeed(seed uint64) *Experiment {
	out := *e
	out.Seeds = []uint64{seed}
	out.Runs = nil
	per := max(len(e.Seeds), 1)
	// NB: runs are variant x point x seed with seed innermost, so every
	// block of len(Seeds) runs is one configuration.
	for i := 0; i < len(e.Runs); i += per {
		r := e.Runs[i]
		r.Seed = seed
		r.ID = runID(r.Variant, r.Point, seed)
		out.Runs = append(out.Runs, r)
	}
	return &out
}
