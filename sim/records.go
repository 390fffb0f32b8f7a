package sim

import (
	"sort"

	"github.com/rebalance-sim/rebalance-sim/engine"
)

// processed accounts records [from, to) of gp finishing between c0 (the
// first) and c1 (the last): repeats below the high-water mark are
// duplicates; first processings feed throughput and latency.
func (g *group) processed(gp *gpart, from, to int64, c0, c1 engine.Time) {
	if to <= from {
		return
	}
	n := to - from
	g.rec.Consumed(n)
	if from > gp.hw {
		// The batch starts past records nobody has processed: their
		// offsets were committed before they were processed (the KIP-848
		// client commits what poll() returned before revoking). If the
		// member that holds them dies, they are lost; if it lives, it
		// processes them later and fillGaps takes them back.
		g.rec.Lost(from - gp.hw)
		gp.skipped += from - gp.hw
		gp.addGap(gp.hw, from)
		gp.hw = from
	}
	first := max(from, gp.hw)
	// completion(i) = c0 + (c1-c0)*(i-from)/(to-1-from): even between the
	// first record and the last.
	c0s, c1s := c0.Seconds(), c1.Seconds()
	cSlope := 0.0
	if to-1 > from {
		cSlope = (c1s - c0s) / float64(to-1-from)
	}
	below := min(to, first) // [from, below) was below the high-water mark
	var filled int64
	if len(gp.gaps) > 0 && from < below {
		filled = g.fillGaps(gp, from, below, c0s, cSlope)
	}
	g.rec.Duplicates(below - from - filled)
	if to <= first {
		return
	}
	g.rec.Distinct(to - first)
	gp.hw = to
	g.latencies(gp, from, first, to, c0s, cSlope)
}

// addGap remembers records [a, b) that a batch jumped over. A handful is
// kept (they are rare: one per revocation that overtakes a batch in
// processing); older ones stay lost.
func (gp *gpart) addGap(a, b int64) {
	const maxGaps = 16
	if len(gp.gaps) == maxGaps {
		gp.gaps = append(gp.gaps[:0], gp.gaps[1:]...)
	}
	gp.gaps = append(gp.gaps, offRange{a, b})
}

// fillGaps credits the records of [from, to) (all below the high-water
// mark) that lie in a gap: their first processing, by the member that held
// them when the next owner started past them (KIP-848 revokes without
// waiting for the batch in hand). It returns how many there were.
func (g *group) fillGaps(gp *gpart, from, to int64, c0s, cSlope float64) int64 {
	var filled int64
	keep := gp.gaps[:0]
	var split []offRange
	for _, r := range gp.gaps {
		a, b := max(r.from, from), min(r.to, to)
		if a >= b {
			keep = append(keep, r)
			continue
		}
		filled += b - a
		g.latencies(gp, from, a, b, c0s, cSlope)
		if r.from < a {
			keep = append(keep, offRange{r.from, a})
		}
		if b < r.to {
			split = append(split, offRange{b, r.to})
		}
	}
	gp.gaps = append(keep, split...)
	sort.Slice(gp.gaps, func(i, j int) bool { return gp.gaps[i].from < gp.gaps[j].from })
	g.rec.Lost(-filled)
	gp.skipped -= filled
	g.rec.Distinct(filled)
	return filled
}

// latencies adds the latency of records [first, to) of a batch range that
// starts at from (completion(i) = c0s + cSlope*(i-from)) to the histograms.
// Produce times come from the index at both ends and are even in between
// (exact within one batch interval, where they are spread evenly by
// construction; a close approximation when a range spans several). A few
// chunks per range keep the histogram accurate without a sample per
// record.
func (g *group) latencies(gp *gpart, from, first, to int64, c0s, cSlope float64) {
	p0, p1 := gp.log.produceTimes(first, to-1, g.s.dt)
	k := to - first
	pSlope := 0.0
	if k > 1 {
		pSlope = (p1 - p0) / float64(k-1)
	}
	// lat(i) = completion(i) - produced(i), linear in i.
	latFirst := c0s + cSlope*float64(first-from) - p0
	latSlope := cSlope - pSlope
	// The exact maximum is at one end of the range.
	g.rec.LatencyEnd(latFirst)
	g.rec.LatencyEnd(latFirst + latSlope*float64(k-1))
	chunks := int64(4)
	if k < chunks {
		chunks = k
	}
	for j := int64(0); j < chunks; j++ {
		a := k * j / chunks
		b := k * (j + 1) / chunks
		mid := float64(a+b-1) / 2
		g.rec.Latency(latFirst+latSlope*mid, float64(b-a), c0s+cSlope*(float64(first-from)+mid))
	}
}

// resetOffset applies auto.offset.reset to a partition without a committed
// offset (one created by add_partitions): latest skips what is already
// there, and those records are lost once a commit passes them.
func (g *group) resetOffset(gp *gpart) int64 {
	if g.cfg.AutoOffsetReset == "earliest" {
		return 0
	}
	leo := gp.log.leo(g.s.now(), g.s.dt)
	if leo > gp.hw {
		gp.skipped += leo - gp.hw
		gp.reset += leo - gp.hw
		g.rec.Lost(leo - gp.hw)
		gp.hw = leo
	}
	return leo
}

// offRange is offsets [from, to) of one partition.
type offRange struct{ from, to int64 }
