package models

import (
	"math"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
)

// groupMetrics accumulates one group's measurements (SPEC "Metrics").
type groupMetrics struct {
	consumed   int64 // processed records, repeats included
	distinct   int64 // first processings
	duplicates int64
	lost       int64

	pause    [numPauseCauses]float64 // partition-seconds by cause
	maxPause engine.Time             // longest continuous pause of one partition

	moved      int64
	rebalances []metrics.RebalanceRow
	// rebalancing periods
	rbOpen      bool
	rbStart     engine.Time
	rbFormation bool // the open period is the group's first formation
	rbTime      engine.Time
	everStable  bool
	formedAt    engine.Time // end of the first formation (when everStable)

	latency latencyHist

	// after warmup (Options.SLOWarmup)
	warmLatency  latencyHist
	warmLagMax   int64
	warmLagTime  float64
	warmPauseMax engine.Time

	// samples
	nSamples     int
	lagSum       float64
	lagMax       int64
	lagTimeMax   float64
	membersMax   int
	idleSum      float64
	idleMax      int
	lastIdle     int
	lastConsumed int64
	series       []metrics.SeriesRow
}

func (gm *groupMetrics) init(parts int, slo bool) {
	gm.latency.init()
	if slo {
		gm.warmLatency.init()
	}
}

// accountPause adds the time gp spent in its current cause up to now.
func (gm *groupMetrics) accountPause(gp *gpart, now engine.Time) {
	if gp.cause != pauseNone {
		gm.pause[gp.cause] += (now - gp.since).Seconds()
	}
	gp.since = now
}

// endPause records a continuous pause of one partition from start to end.
func (gm *groupMetrics) endPause(start, end, warmup engine.Time) {
	if d := end - start; d > gm.maxPause {
		gm.maxPause = d
	}
	if warmup >= 0 && end > warmup {
		if start < warmup {
			start = warmup
		}
		if d := end - start; d > gm.warmPauseMax {
			gm.warmPauseMax = d
		}
	}
}

// latencyHist is a log-linear histogram of latencies in seconds: each
// power of two from 2^-20 s (about 1 microsecond) to 2^20 s (12 days) is cut
// into 128 equal buckets, so a bucket is at most 0.8% wide and the bucket of
// a value comes straight from its float64 bits (no logarithm on the hot
// path). Quantiles cost fixed memory whatever the number of records.
// Weights are record counts.
type latencyHist struct {
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

func (h *latencyHist) init() { h.counts = make([]float64, histBins) }

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

func (h *latencyHist) add(sec float64, weight float64) {
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
func (h *latencyHist) quantile(q float64) float64 {
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
