package charts

import (
	"testing"
)

func feed(expected, max, n int) []Sample {
	d := NewDownsampler(expected, max)
	for i := range n {
		d.Add(Sample{
			T: float64(i + 1), ProducedPerS: 100, ConsumedPerS: float64(i % 10),
			Lag: int64(i % 97), LagTimeS: float64(i%89) / 10,
			Members: i, IdleMembers: i % 3, PausedPartitions: i % 5, Rebalancing: i == n/2,
		})
	}
	return d.Samples()
}

func TestDownsamplerBounded(t *testing.T) {
	for _, c := range []struct{ expected, max, n int }{
		{10, 100, 10},       // fewer than max: every sample kept
		{1000, 100, 1000},   // as expected
		{1000, 100, 999},    // a few short
		{100, 100, 100_000}, // far more than expected: buckets merge
		{0, 7, 1000},        // no idea, odd max
		{50, 1, 50},
	} {
		got := feed(c.expected, c.max, c.n)
		if len(got) > c.max {
			t.Errorf("%+v: %d buckets > %d", c, len(got), c.max)
		}
		if c.n <= c.max && len(got) != c.n {
			t.Errorf("%+v: %d buckets, want every sample", c, len(got))
		}
		// Never truncated: the last bucket ends at the last sample.
		if got[len(got)-1].T != float64(c.n) {
			t.Errorf("%+v: ends at %v, want %d", c, got[len(got)-1].T, c.n)
		}
		if got[len(got)-1].Members != c.n-1 {
			t.Errorf("%+v: last members %d, want the last sample's", c, got[len(got)-1].Members)
		}
		// Peaks survive: the largest lag is in some bucket.
		var lag int64
		rebalancing := false
		for i, s := range got {
			lag = max(lag, s.Lag)
			rebalancing = rebalancing || s.Rebalancing
			if i > 0 && s.T <= got[i-1].T {
				t.Fatalf("%+v: times not ascending at %d", c, i)
			}
			if s.ProducedPerS != 100 {
				t.Errorf("%+v: mean of a constant is %v", c, s.ProducedPerS)
			}
		}
		if want := int64(min(c.n-1, 96)); lag != want {
			t.Errorf("%+v: max lag %d, want %d", c, lag, want)
		}
		if !rebalancing {
			t.Errorf("%+v: a one-sample rebalance was lost", c)
		}
	}
}

func TestDownsamplerAggregates(t *testing.T) {
	d := NewDownsampler(4, 2)
	for _, s := range []Sample{
		{T: 1, ConsumedPerS: 10, Lag: 5, LagTimeS: 1, Members: 3, IdleMembers: 1, PausedPartitions: 2},
		{T: 2, ConsumedPerS: 30, Lag: 9, LagTimeS: 0.5, Members: 4, IdleMembers: 0, PausedPartitions: 1, Rebalancing: true},
		{T: 3, ConsumedPerS: 7, Lag: 1},
	} {
		d.Add(s)
	}
	got := d.Samples()
	want := []Sample{
		{T: 2, ConsumedPerS: 20, Lag: 9, LagTimeS: 1, Members: 4, IdleMembers: 0, PausedPartitions: 2, Rebalancing: true},
		{T: 3, ConsumedPerS: 7, Lag: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("bucket %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// Merging when more arrive than expected keeps the mean exact.
	d.Add(Sample{T: 4, ConsumedPerS: 13})
	d.Add(Sample{T: 5, ConsumedPerS: 50})
	got = d.Samples()
	if len(got) != 2 || got[0].ConsumedPerS != 15 || got[0].T != 4 || got[1].ConsumedPerS != 50 {
		t.Errorf("after merging: %+v", got)
	}
}

func TestHeatDownsampler(t *testing.T) {
	h := NewHeatDownsampler(10, 4)
	for i := range 25 {
		lag := []int64{int64(i), int64(100 - i)}
		if i >= 20 {
			lag = append(lag, 7) // a partition added late
		}
		h.Add(float64(i+1), lag)
	}
	heat, ts := h.Result()
	if len(ts) > 4 || len(heat) != 3 {
		t.Fatalf("%d columns, %d rows", len(ts), len(heat))
	}
	if ts[len(ts)-1] != 25 {
		t.Errorf("ends at %v", ts[len(ts)-1])
	}
	for p := range heat {
		if len(heat[p]) != len(ts) {
			t.Fatalf("row %d has %d columns", p, len(heat[p]))
		}
	}
	if heat[0][len(ts)-1] != 24 || heat[1][0] != 100 || heat[2][0] != 0 || heat[2][len(ts)-1] != 7 {
		t.Errorf("heat %v at %v", heat, ts)
	}
}

// Memory stays bounded: a very long feed allocates nothing per sample once
// the buckets are full.
func TestDownsamplerAllocations(t *testing.T) {
	d := NewDownsampler(100, 100)
	s := Sample{T: 1}
	for range 1000 {
		d.Add(s)
	}
	if a := testing.AllocsPerRun(1000, func() { s.T++; d.Add(s) }); a != 0 {
		t.Errorf("%v allocations per sample", a)
	}
}
