package models

import (
	"math"

	"github.com/rebalance-sim/rebalance-sim/engine"
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
	rebalances []RebalanceRow
	// rebalancing periods
	rbOpen      bool
	rbStart     engine.Time
	rbFormation bool // the open period is the group's first formation
	rbTime      engine.Time
	everStable  bool

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
	series       []SeriesRow
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

// latencyHist is a log-bucketed histogram of latencies (1% wide buckets from
// 1 microsecond to about 11 days), so quantiles cost fixed memory whatever
// the number of records. Weights are record counts.
type latencyHist struct {
	counts []float64
	total  float64
	max    float64 // seconds, exact
}

const (
	histMin    = 1e-6
	histGrowth = 1.01
	histBins   = 2800
)

var histLogGrowth = math.Log(histGrowth)

func (h *latencyHist) init() { h.counts = make([]float64, histBins) }

func (h *latencyHist) add(sec float64, weight float64) {
	if weight <= 0 {
		return
	}
	if sec > h.max {
		h.max = sec
	}
	b := 0
	if sec > histMin {
		b = int(math.Log(sec/histMin) / histLogGrowth)
		if b >= histBins {
			b = histBins - 1
		}
	}
	h.counts[b] += weight
	h.total += weight
}

// quantile returns the q-quantile in seconds, interpolated inside the 1%
// bucket that holds it (geometrically, as the buckets are), and never above
// the exact maximum.
func (h *latencyHist) quantile(q float64) float64 {
	if h.total == 0 {
		return 0
	}
	target := q * h.total
	var acc float64
	for b, c := range h.counts {
		if c > 0 && acc+c >= target {
			frac := (target - acc) / c
			v := histMin * math.Pow(histGrowth, float64(b)+frac)
			if b == 0 {
				v = histMin * frac
			}
			return math.Min(v, h.max)
		}
		acc += c
	}
	return h.max
}
