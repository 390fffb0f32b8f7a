package charts

// MaxPoints is the number of points a time chart can show: its data area
// is narrower than this many PNG pixels, so more points would only be drawn
// on top of each other. Feed Downsampler and HeatDownsampler with it.
const MaxPoints = 720

// Downsampler reduces a timeseries of any length to at most maxPoints
// buckets of consecutive samples while it is being produced, so memory
// stays bounded however long the run.
//
// Each bucket holds the same number of samples (the last may hold fewer).
// It starts at ceil(expected/maxPoints) samples per bucket; when more
// samples arrive than expected and the buckets are full, neighbouring
// buckets are merged in pairs and the bucket size doubles, so the result
// still covers the whole run evenly: it is never truncated.
//
// A bucket is one Sample: T is its last sample's time (the bucket's end),
// ProducedPerS, ConsumedPerS and CrossZoneBytesPerS the mean, Lag, LagTimeS and
// PausedPartitions the maximum (a peak must survive downsampling),
// Members and IdleMembers the last value, Rebalancing true if any sample
// was rebalancing.
//
//	d := charts.NewDownsampler(int(duration/interval), charts.MaxPoints)
//	for each sample { d.Add(s) }
//	group.Samples = d.Samples()
type Downsampler struct {
	per     int // samples per full bucket
	max     int
	buckets []bucket
}

type bucket struct {
	n                                   int
	sumProduced, sumConsumed, sumCrossZ float64
	s                                   Sample
}

// NewDownsampler returns a Downsampler for about expected samples (a guess
// is fine: more or fewer only changes how evenly they are spread) keeping
// at most maxPoints buckets (at least 1).
func NewDownsampler(expected, maxPoints int) *Downsampler {
	if maxPoints < 1 {
		maxPoints = 1
	}
	return &Downsampler{per: perBucket(expected, maxPoints), max: maxPoints}
}

func perBucket(expected, max int) int {
	if expected <= max {
		return 1
	}
	return (expected + max - 1) / max
}

// Add appends the next sample; samples must come in time order.
func (d *Downsampler) Add(s Sample) {
	if len(d.buckets) == 0 || d.buckets[len(d.buckets)-1].n >= d.per {
		if len(d.buckets) == d.max {
			d.halve()
		}
		// NB: after halving an odd number of buckets the last one is
		// half full and takes this sample; otherwise open a new one.
		if len(d.buckets) == 0 || d.buckets[len(d.buckets)-1].n >= d.per {
			d.buckets = append(d.buckets, bucket{})
		}
	}
	b := &d.buckets[len(d.buckets)-1]
	b.merge(&bucket{n: 1, sumProduced: s.ProducedPerS, sumConsumed: s.ConsumedPerS, sumCrossZ: s.CrossZoneBytesPerS, s: s})
}

// halve merges neighbouring buckets in pairs and doubles the bucket size.
func (d *Downsampler) halve() {
	out := d.buckets[:0]
	for i := 0; i < len(d.buckets); i += 2 {
		b := d.buckets[i]
		if i+1 < len(d.buckets) {
			b.merge(&d.buckets[i+1])
		}
		out = append(out, b)
	}
	d.buckets = out
	d.per *= 2
}

// merge folds the later bucket o into b.
func (b *bucket) merge(o *bucket) {
	if b.n == 0 {
		*b = *o
		return
	}
	b.n += o.n
	b.sumProduced += o.sumProduced
	b.sumConsumed += o.sumConsumed
	b.sumCrossZ += o.sumCrossZ
	b.s.T = o.s.T
	b.s.Lag = max(b.s.Lag, o.s.Lag)
	b.s.LagTimeS = max(b.s.LagTimeS, o.s.LagTimeS)
	b.s.Members = o.s.Members
	b.s.IdleMembers = o.s.IdleMembers
	b.s.PausedPartitions = max(b.s.PausedPartitions, o.s.PausedPartitions)
	b.s.Rebalancing = b.s.Rebalancing || o.s.Rebalancing
}

// Len is the number of buckets so far.
func (d *Downsampler) Len() int { return len(d.buckets) }

// Samples returns one Sample per bucket, in time order. The Downsampler
// can go on taking samples afterwards.
func (d *Downsampler) Samples() []Sample {
	out := make([]Sample, len(d.buckets))
	for i := range d.buckets {
		b := &d.buckets[i]
		out[i] = b.s
		out[i].ProducedPerS = b.sumProduced / float64(b.n)
		out[i].ConsumedPerS = b.sumConsumed / float64(b.n)
		out[i].CrossZoneBytesPerS = b.sumCrossZ / float64(b.n)
	}
	return out
}

// HeatDownsampler does for the per-partition lag heat map what Downsampler
// does for the timeseries: at most maxColumns columns, each the maximum lag
// of each partition over the samples it covers, its time the last sample's.
//
//	h := charts.NewHeatDownsampler(int(duration/interval), charts.MaxPoints)
//	for each sample { h.Add(t, lagPerPartition) }
//	group.Heatmap, group.HeatmapT = h.Result()
type HeatDownsampler struct {
	per  int
	max  int
	cols []heatColumn
}

type heatColumn struct {
	n   int
	t   float64
	lag []int64
}

// NewHeatDownsampler is NewDownsampler's counterpart for the heat map.
func NewHeatDownsampler(expected, maxColumns int) *HeatDownsampler {
	if maxColumns < 1 {
		maxColumns = 1
	}
	return &HeatDownsampler{per: perBucket(expected, maxColumns), max: maxColumns}
}

// Add takes the lag of every partition (in Group.Partitions order) at time
// t. The slice is copied. It may grow between calls (partitions added
// during the run); partitions missing from earlier columns count as 0.
func (h *HeatDownsampler) Add(t float64, lag []int64) {
	if len(h.cols) == 0 || h.cols[len(h.cols)-1].n >= h.per {
		if len(h.cols) == h.max {
			h.halve()
		}
		if len(h.cols) == 0 || h.cols[len(h.cols)-1].n >= h.per {
			h.cols = append(h.cols, heatColumn{})
		}
	}
	c := &h.cols[len(h.cols)-1]
	c.n++
	c.t = t
	c.fold(lag)
}

func (c *heatColumn) fold(lag []int64) {
	for len(c.lag) < len(lag) {
		c.lag = append(c.lag, 0)
	}
	for i, v := range lag {
		c.lag[i] = max(c.lag[i], v)
	}
}

func (h *HeatDownsampler) halve() {
	out := h.cols[:0]
	for i := 0; i < len(h.cols); i += 2 {
		c := h.cols[i]
		if i+1 < len(h.cols) {
			o := &h.cols[i+1]
			c.n += o.n
			c.t = o.t
			c.fold(o.lag)
		}
		out = append(out, c)
	}
	h.cols = out
	h.per *= 2
}

// Result returns Group.Heatmap (partition-major) and Group.HeatmapT.
func (h *HeatDownsampler) Result() (heat [][]int64, t []float64) {
	rows := 0
	for i := range h.cols {
		rows = max(rows, len(h.cols[i].lag))
	}
	heat = make([][]int64, rows)
	for p := range heat {
		heat[p] = make([]int64, len(h.cols))
	}
	t = make([]float64, len(h.cols))
	for j := range h.cols {
		t[j] = h.cols[j].t
		for p, v := range h.cols[j].lag {
			heat[p][j] = v
		}
	}
	return heat, t
}
