package metrics

import "math"

// Hist is a log-linear histogram of latencies in seconds: each
// power of two from 2^-20 s (about 1 microsecond) to 2^20 s (12 days) is cut
// into 128 equal buckets, so a bucket is at most 0.8% wide and the bucket of
// a value comes straight from its float64 bits (no logarithm on the hot
// path). Quantiles cost fixed memory whatever the number of records.
// Weights are record counts.
type Hist struct {
	counts []float64
	total  float64
	max    float64 // seconds, exact
}

const (
	histSubBits = 7 // 128 buckets per power of two
	histMinExp  = 1023 - 20
	histMaxExp  = 1023 + 20
	histBins    = (histMaxExp - histMinExp) << histSubBits
)

// Init allocates the buckets.
func (h *Hist) Init() { h.counts = make([]float64, histBins) }

// histBucket maps a latency to its bucket (values below 2^-20 s share the
// first, values above 2^20 s the last).
func histBucket(sec float64) int {
	bits := math.Float64bits(sec)
	exp := int(bits>>52) & 0x7ff
	if sec <= 0 || exp < histMinExp {
		return 0
	}
	if exp >= histMaxExp {
		return histBins - 1
	}
	return (exp-histMinExp)<<histSubBits | int(bits>>(52-histSubBits))&(1<<histSubBits-1)
}

// histLower is the smallest value of bucket b.
func histLower(b int) float64 {
	exp := histMinExp + b>>histSubBits
	frac := uint64(b & (1<<histSubBits - 1))
	return math.Float64frombits(uint64(exp)<<52 | frac<<(52-histSubBits))
}

func (h *Hist) Add(sec float64, weight float64) {
	if weight <= 0 {
		return
	}
	if sec > h.max {
		h.max = sec
	}
	h.counts[histBucket(sec)] += weight
	h.total += weight
}

// quantile returns the q-quantile in seconds, interpolated linearly inside
// its bucket and never above the exact maximum.
func (h *Hist) Quantile(q float64) float64 {
	if h.total == 0 {
		return 0
	}
	target := q * h.total
	var acc float64
	for b, c := range h.counts {
		if c > 0 && acc+c >= target {
			frac := (target - acc) / c
			lo := histLower(b)
			hi := histLower(b + 1)
			if b == 0 {
				lo = 0
			}
			return math.Min(lo+(hi-lo)*frac, h.max)
		}
		acc += c
	}
	return h.max
}

// Max is the exact largest value added.
func (h *Hist) Max() float64 { return h.max }

// Observe raises the exact maximum without adding weight (the ends of a
// range whose interior is added in chunks).
func (h *Hist) Observe(sec float64) {
	if sec > h.max {
		h.max = sec
	}
}
