package metrics

import (
	"math"
	"testing"
)

func TestLatencyQuantiles(t *testing.T) {
	var h Hist
	h.Init()
	// 1,000 records: latencies 1 ms .. 1000 ms, one each.
	for i := 1; i <= 1000; i++ {
		h.Add(float64(i)/1000, 1)
	}
	near := func(name string, got, want, tol float64) {
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %v, want %v ± %v", name, got, want, tol)
		}
	}
	near("p50", h.Quantile(0.5), 0.5, 0.5*0.011)
	near("p99", h.Quantile(0.99), 0.99, 0.99*0.011)
	if h.Quantile(1) != 1 || h.Max() != 1 {
		t.Errorf("p100 = %v, max = %v, want 1", h.Quantile(1), h.Max())
	}
}
