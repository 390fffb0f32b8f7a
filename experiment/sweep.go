package experiment

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// isRange tells a {from, to, step} value from a nested table of paths.
func isRange(m map[string]any) bool {
	for _, k := range []string{"from", "to", "step"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// readSweep reads [sweep]; targets[i] is where Axes[i] lands in the tree.
func readSweep(c *checker, top tbl, root map[string]any) (sw *Sweep, targets []keyPath) {
	t, ok := c.table(top, "sweep", "[sweep]")
	if !ok {
		return nil, nil
	}
	var leaves []leaf
	flatten(t, "", "", isRange, &leaves)
	if len(leaves) == 0 {
		c.fail(t.p, `needs at least one parameter path, e.g. "groups.NAME.consumers" = [1, 2, 4]`)
		return nil, nil
	}
	// File order: the decoded map has lost it, the scanner has not.
	sortLeaves(c, leaves)
	sw = &Sweep{}
	setAt := map[string]keyPath{}
	points := 1
	for _, l := range leaves {
		target, msg := resolveParam(root, l.param)
		if msg != "" {
			c.fail(l.src, msg)
			continue
		}
		if prev, dup := setAt[target.canon()]; dup {
			c.fail(l.src, fmt.Sprintf("%s is already swept at line %d", l.param, c.lines.line(prev)))
			continue
		}
		setAt[target.canon()] = l.src
		values := sweepValues(c, l)
		if values == nil {
			continue
		}
		sw.Axes = append(sw.Axes, SweepAxis{Path: l.param, Line: c.lines.line(l.src), Values: values})
		targets = append(targets, target)
		if points <= maxGridSize {
			points *= len(values) // NB: each factor <= maxGridSize, so no overflow before the check
		}
	}
	if points > maxGridSize {
		c.fail(t.p, fmt.Sprintf("the grid has more than %d points; sweep fewer values", maxGridSize))
	}
	return sw, targets
}

// sortLeaves puts leaves in file order (stable: leaves the scanner did not
// see keep their sorted-key order, ahead of the others).
func sortLeaves(c *checker, leaves []leaf) {
	ranks := make([]int, len(leaves))
	for i := range leaves {
		ranks[i] = c.lines.rank(leaves[i].src)
	}
	idx := make([]int, len(leaves))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ranks[idx[a]] < ranks[idx[b]] })
	sorted := make([]leaf, len(leaves))
	for i, j := range idx {
		sorted[i] = leaves[j]
	}
	copy(leaves, sorted)
}

// sweepValues reads one axis: a list of scalars or a {from, to, step} range.
func sweepValues(c *checker, l leaf) []any {
	switch v := l.value.(type) {
	case []any:
		if len(v) == 0 {
			c.fail(l.src, "must list at least one value")
			return nil
		}
		seen := map[string]int{}
		ok := true
		for i, e := range v {
			switch e.(type) {
			case int64, float64, string, bool:
			default:
				c.fail(l.src.at(i), "a swept value must be a number, a string or a boolean, not "+describe(e))
				ok = false
				continue
			}
			f := formatValue(e)
			if _, dup := seen[f]; dup {
				c.fail(l.src.at(i), fmt.Sprintf("%s is listed twice", f))
				ok = false
			}
			seen[f] = i
		}
		if !ok {
			return nil
		}
		return v
	case map[string]any:
		return rangeValues(c, l.src, v)
	}
	return failNil(c, l.src, "must be a list of values, e.g. [1, 2, 4], or a range {from = 1, to = 8, step = 1}, not "+describe(l.value))
}

func failNil(c *checker, p keyPath, msg string) []any {
	c.fail(p, msg)
	return nil
}

// rangeValues expands {from, to, step}: integers when all three are
// integers, else floats rounded to the decimals written, so that 0.1 steps
// give 0.3 and not 0.30000000000000004.
func rangeValues(c *checker, p keyPath, m map[string]any) []any {
	ok := true
	for _, k := range sortedKeys(m) {
		if k != "from" && k != "to" && k != "step" {
			c.fail(p.key(k), "unknown key in a range; allowed: from, to, step")
			ok = false
		}
	}
	nums := map[string]float64{}
	allInt := true
	for _, k := range []string{"from", "to", "step"} {
		switch x := m[k].(type) {
		case nil:
			c.fail(p.key(k), "required key is missing (a range is {from, to, step})")
			ok = false
		case int64:
			nums[k] = float64(x)
		case float64:
			allInt = false
			if math.IsNaN(x) || math.IsInf(x, 0) {
				c.fail(p.key(k), "must be a finite number, not "+formatFloat(x))
				ok = false
			}
			nums[k] = x
		default:
			c.fail(p.key(k), "must be a number, not "+describe(x))
			ok = false
		}
	}
	if !ok {
		return nil
	}
	from, to, step := nums["from"], nums["to"], nums["step"]
	switch {
	case step <= 0:
		return failNil(c, p.key("step"), formatFloat(step)+" must be greater than 0")
	case from > to:
		return failNil(c, p.key("from"), fmt.Sprintf("%s must not be greater than to (%s)", formatFloat(from), formatFloat(to)))
	}
	if allInt {
		f, t, s := m["from"].(int64), m["to"].(int64), m["step"].(int64)
		// NB: t-f can overflow int64 but never uint64 (t >= f); the values
		// themselves all lie within [f, t].
		n := (uint64(t) - uint64(f)) / uint64(s)
		if n >= maxGridSize {
			return failNil(c, p, fmt.Sprintf("gives more than %d values; use a larger step", maxGridSize))
		}
		out := make([]any, 0, n+1)
		for i := uint64(0); i <= n; i++ {
			out = append(out, int64(uint64(f)+i*uint64(s)))
		}
		return out
	}
	n := (to - from) / step
	n += 1e-9 * max(1, n) // 0.3/0.1 is 2.9999999999999996: count the 0.3
	if n >= maxGridSize || math.IsInf(n, 0) {
		return failNil(c, p, fmt.Sprintf("gives more than %d values; use a larger step", maxGridSize))
	}
	dec := max(decimals(from), decimals(step))
	var out []any
	for i := 0; i <= int(n); i++ {
		v := from + float64(i)*step
		if r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'f', dec, 64), 64); err == nil {
			v = r
		}
		out = append(out, v)
	}
	return out
}

// decimals is how many digits after the point the shortest form of f has.
func decimals(f float64) int {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return min(len(s)-i-1, 15)
	}
	return 0
}

// checkVariedAndSwept rejects a parameter that a variant sets and the sweep
// also sweeps: one would silently win over the other.
func checkVariedAndSwept(c *checker, variants []variant, sw *Sweep, targets []keyPath) {
	swept := make(map[string]int, len(targets)) // canonical target -> axis
	for i, t := range targets {
		swept[t.canon()] = i
	}
	for _, v := range variants {
		for _, o := range v.overrides {
			if i, ok := swept[o.target.canon()]; ok {
				c.fail(o.src, fmt.Sprintf("%s is also swept in [sweep] (line %d); vary it in one place", o.param, sw.Axes[i].Line))
			}
		}
	}
}
