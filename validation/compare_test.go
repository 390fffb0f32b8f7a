package validation

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/metrics"
)

func groups(dups ...int64) []*metrics.GroupResult {
	var out []*metrics.GroupResult
	for _, d := range dups {
		out = append(out, &metrics.GroupResult{Duplicates: d, Rebalances: int(d % 3)})
	}
	return out
}

func find(cs []Comparison, metric string) *Comparison {
	for i := range cs {
		if cs[i].Metric == metric {
			return &cs[i]
		}
	}
	return nil
}

func TestCompareAgreement(t *testing.T) {
	sc := Scale{Partitions: 4, Rate: 100} // duplicates: max(10, 25%, 0.3 s x 100/s = 30)
	cases := []struct {
		sim, real []int64
		agree     bool
	}{
		{[]int64{100, 120, 140}, []int64{130, 150, 170}, true},  // median 150 inside [100, 140] + 30
		{[]int64{100, 120, 140}, []int64{160, 165, 190}, true},  // 165 <= 140 + 30 (0.25 x 120 = 30)
		{[]int64{100, 120, 140}, []int64{180, 200, 220}, false}, // 200 > 170
		{[]int64{100, 120, 140}, []int64{0, 60, 500}, false},    // 60 < 100 - 30
		{[]int64{0, 0, 0}, []int64{0, 25, 40}, true},            // within 0.3 s of input
		{[]int64{0, 0, 0}, []int64{31, 35, 40}, false},
	}
	for _, c := range cases {
		cmp := find(Compare("v", "g", groups(c.sim...), groups(c.real...), sc), "duplicates")
		if cmp.Agree != c.agree {
			lo, hi := cmp.Allowed()
			t.Errorf("sim %v real %v: agree %v, want %v (allowed [%v, %v])", c.sim, c.real, cmp.Agree, c.agree, lo, hi)
		}
	}
	// A count has no tolerance: the real median must be a value the
	// simulator's seeds span.
	cmp := find(Compare("v", "g", groups(3, 4, 6), groups(5, 5, 7), sc), "rebalances") // sim 0,1,0; real 2,2,1
	if cmp.Tolerance != 0 || cmp.Agree {
		t.Errorf("rebalances: %+v", cmp)
	}
	// No real runs: nothing agrees.
	if find(Compare("v", "g", groups(1), nil, sc), "duplicates").Agree {
		t.Error("a comparison without real runs agrees")
	}
}

func TestToleranceEffective(t *testing.T) {
	tol := Tolerance{Abs: 0.5, Rel: 0.2, PerPartition: 0.3}
	if got := tol.Effective(1, Scale{Partitions: 6}); math.Abs(got-1.8) > 1e-12 {
		t.Errorf("6 partitions: %v, want 1.8", got)
	}
	if got := tol.Effective(20, Scale{Partitions: 1}); got != 4 {
		t.Errorf("relative: %v, want 4", got)
	}
	if got := tol.Describe(); got != "max(0.50, 20% of the sim median, 0.30 x partitions)" {
		t.Errorf("describe: %q", got)
	}
	for _, m := range Metrics {
		if m.Tol.Why == "" {
			t.Errorf("%s: a tolerance without its reason", m.Name)
		}
	}
}

func TestStat(t *testing.T) {
	s := stat([]float64{3, 1, 2, 10})
	if s.Median != 2.5 || s.Min != 1 || s.Max != 10 {
		t.Errorf("%+v", s)
	}
	if s := stat([]float64{5}); s.Median != 5 || s.String() != "5" {
		t.Errorf("%+v %q", s, s.String())
	}
}

func TestKnown(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "known.txt")
	os.WriteFile(p, []byte("# comment\nscale-out kip848-uniform * pause_unassigned_s | the assignment interval\nx * g lost | y\n"), 0o644)
	k, err := ReadKnown(p)
	if err != nil {
		t.Fatal(err)
	}
	c := &Comparison{Variant: "kip848-uniform", Group: "workers", Metric: "pause_unassigned_s"}
	if k.Reason("scale-out", c) != "the assignment interval" {
		t.Errorf("reason %q", k.Reason("scale-out", c))
	}
	if k.Reason("scale-out", &Comparison{Variant: "range", Group: "workers", Metric: "pause_unassigned_s"}) != "" {
		t.Error("matched another variant")
	}
	if k.Reason("x", &Comparison{Variant: "any", Group: "g", Metric: "lost"}) != "y" {
		t.Error("a wildcard variant did not match")
	}
	os.WriteFile(p, []byte("scale-out range workers no_such_metric | x\n"), 0o644)
	if _, err := ReadKnown(p); err == nil || !strings.Contains(err.Error(), "known.txt:1") {
		t.Errorf("a bad metric: %v", err)
	}
	if k, err := ReadKnown(filepath.Join(dir, "absent")); err != nil || k.Reason("a", c) != "" {
		t.Errorf("a missing file: %v", err)
	}
}

// --gate protocol reports host-timing disagreements without failing, and
// still fails on every other metric.
func TestUngateSparesOnlyHostTiming(t *testing.T) {
	o := &Outcome{Comparisons: []Comparison{
		{Metric: "latency_p50_ms", Agree: false},
		{Metric: "lag_time_s_max", Agree: false},
		{Metric: "rebalances", Agree: false},
		{Metric: "duplicates", Agree: true},
	}}
	if got := o.Failures(); got != 3 {
		t.Fatalf("before: %d failures, want 3", got)
	}
	o.Ungate(HostTimingMetrics, "host timing")
	if got := o.Failures(); got != 1 {
		t.Errorf("after: %d failures, want 1 (rebalances)", got)
	}
	if v := o.Comparisons[0].Verdict(); v != "disagrees (not gated)" {
		t.Errorf("verdict %q", v)
	}
	if v := o.Comparisons[2].Verdict(); v != "DISAGREE" {
		t.Errorf("a gated metric's verdict %q", v)
	}
}
