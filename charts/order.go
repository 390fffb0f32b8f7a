package charts

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// naturalCompare orders names as a person would: runs of digits compare as
// numbers, so "seed=2" < "seed=10" and "consumers=4" < "consumers=16".
// Distinct strings never compare equal (plain byte order breaks ties, e.g.
// "01" and "1"), so sorting by it is a total order.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if c := cmp.Compare(a[i], b[j]); c != 0 {
			return c
		}
		i++
		j++
	}
	if c := cmp.Compare(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// compareSweep orders sweep points axis by axis: numbers by value, other
// values by their label.
func compareSweep(a, b []SweepValue) int {
	for k := 0; k < len(a) && k < len(b); k++ {
		if c := compareSweepValue(a[k], b[k]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func compareSweepValue(a, b SweepValue) int {
	if a.Numeric && b.Numeric {
		if c := cmp.Compare(a.Value, b.Value); c != 0 {
			return c
		}
	}
	return naturalCompare(a.Label, b.Label)
}

// runOrder returns the indices of x.Runs sorted by name: variant, then
// sweep point, then seed. Series take their colour from this order.
func runOrder(x *Experiment) []int {
	idx := make([]int, len(x.Runs))
	for i := range idx {
		idx[i] = i
	}
	// Sorted for determinism and so colours follow names; stable on the
	// experiment's own order for runs that compare equal.
	slices.SortStableFunc(idx, func(a, b int) int {
		ra, rb := &x.Runs[a], &x.Runs[b]
		if c := naturalCompare(ra.Variant, rb.Variant); c != 0 {
			return c
		}
		if c := compareSweep(ra.Sweep, rb.Sweep); c != 0 {
			return c
		}
		return cmp.Compare(ra.Seed, rb.Seed)
	})
	return idx
}

// groupNames lists the groups of the experiment in the order they first
// appear in its runs.
func groupNames(x *Experiment) []string {
	var names []string
	seen := map[string]bool{} // NB: membership only; order comes from the runs
	for i := range x.Runs {
		for j := range x.Runs[i].Groups {
			n := x.Runs[i].Groups[j].Name
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return names
}

// group returns run r's group called name, or nil.
func (r *Run) group(name string) *Group {
	for i := range r.Groups {
		if r.Groups[i].Name == name {
			return &r.Groups[i]
		}
	}
	return nil
}

// config is a run without its seed: a variant at one sweep point. Bars and
// sweep points are the mean over its runs.
type config struct {
	label string
	first *Run  // its first run in runOrder, for the variant and sweep values
	runs  []int // indices into x.Runs, in runOrder
}

// configs groups the runs by variant and sweep point, in runOrder.
func configs(x *Experiment, lab labeler) []config {
	var out []config
	at := map[string]int{} // NB: lookup only; out keeps runOrder
	for _, i := range runOrder(x) {
		r := &x.Runs[i]
		k := configKey(r)
		c, ok := at[k]
		if !ok {
			c = len(out)
			at[k] = c
			out = append(out, config{label: lab.config(r), first: r})
		}
		out[c].runs = append(out[c].runs, i)
	}
	return out
}

func configKey(r *Run) string {
	var b strings.Builder
	b.WriteString(r.Variant)
	for _, s := range r.Sweep {
		b.WriteByte(0)
		b.WriteString(s.Path)
		b.WriteByte('=')
		b.WriteString(s.Label)
	}
	return b.String()
}

// labeler names runs and configurations in legends, showing only what
// tells them apart: the variant when the experiment has variants, the sweep
// point with a sweep, the seed with several seeds.
type labeler struct {
	variants, seeds bool
	axes            []string // display name of each sweep path
}

func newLabeler(x *Experiment) labeler {
	var l labeler
	seeds := map[uint64]bool{} // NB: counted only
	for i := range x.Runs {
		if x.Runs[i].Variant != "" {
			l.variants = true
		}
		seeds[x.Runs[i].Seed] = true
	}
	l.seeds = len(seeds) > 1
	l.axes = axisNames(x.SweepPaths)
	return l
}

// axisNames shortens sweep paths to their key ("groups.g.consumers" ->
// "consumers") unless two axes would then read the same.
func axisNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = shortPath(p)
	}
	for i := range out {
		for j := range out {
			if i != j && out[i] == out[j] {
				copy(out, paths)
				return out
			}
		}
	}
	return out
}

func shortPath(p string) string {
	for _, pre := range []string{"topics.", "producers.", "groups."} {
		if rest, ok := strings.CutPrefix(p, pre); ok {
			if i := strings.IndexByte(rest, '.'); i >= 0 {
				return rest[i+1:]
			}
		}
	}
	return p
}

func (l labeler) axis(k int, path string) string {
	if k < len(l.axes) {
		return l.axes[k]
	}
	return shortPath(path)
}

// sweepLabel prints sweep values from axis `from` on: "consumers=4 rate=5000".
func (l labeler) sweepLabel(r *Run, from int) string {
	var parts []string
	for k := from; k < len(r.Sweep); k++ {
		parts = append(parts, l.axis(k, r.Sweep[k].Path)+"="+r.Sweep[k].Label)
	}
	return strings.Join(parts, " ")
}

func (l labeler) variant(r *Run) string {
	if !l.variants {
		return ""
	}
	if r.Variant == "" {
		return "default"
	}
	return r.Variant
}

func (l labeler) config(r *Run) string {
	s := joinNonEmpty(l.variant(r), l.sweepLabel(r, 0))
	if s == "" {
		return "all runs"
	}
	return s
}

func (l labeler) run(r *Run) string {
	seed := ""
	if l.seeds {
		seed = "seed=" + strconv.FormatUint(r.Seed, 10)
	}
	s := joinNonEmpty(l.variant(r), l.sweepLabel(r, 0), seed)
	if s == "" {
		s = r.ID
	}
	if s == "" {
		s = "run"
	}
	return s
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}
