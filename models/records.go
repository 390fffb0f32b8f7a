package models

import (
	"fmt"

	"github.com/rebalance-sim/rebalance-sim/engine"
)

// processed accounts records [from, to) of gp finishing between c0 (the
// first) and c1 (the last): repeats below the high-water mark are
// duplicates; first processings feed throughput and latency.
func (g *group) processed(gp *gpart, from, to int64, c0, c1 engine.Time) {
	if to <= from {
		return
	}
	gm := &g.met
	n := to - from
	gm.consumed += n
	if from > gp.hw {
		// The batch starts past records nobody processed: their offsets
		// were committed before they were processed (the KIP-848 client
		// commits what poll() returned before revoking, and the process
		// died with that batch in hand). They are lost.
		gm.lost += from - gp.hw
		gp.skipped += from - gp.hw
		gp.hw = from
	}
	first := from
	if gp.hw > first {
		first = gp.hw
	}
	if to <= first {
		gm.duplicates += n
		return
	}
	gm.duplicates += first - from
	gm.distinct += to - first
	gp.hw = to
	// Latency of records first..to-1. Completion times are even between c0
	// and c1; produce times come from the index at both ends of the range
	// and are even in between (exact within one batch interval, where they
	// are spread evenly by construction; a close approximation when a range
	// spans several). A few chunks per range keep the histogram accurate
	// without a sample per record.
	c0s, c1s := c0.Seconds(), c1.Seconds()
	// completion(i) = c0 + (c1-c0)*(i-from)/(to-1-from)
	cSlope := 0.0
	if to-1 > from {
		cSlope = (c1s - c0s) / float64(to-1-from)
	}
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
	if latFirst > gm.latency.max {
		gm.latency.max = latFirst
	}
	if l := latFirst + latSlope*float64(k-1); l > gm.latency.max {
		gm.latency.max = l
	}
	chunks := int64(4)
	if k < chunks {
		chunks = k
	}
	warm := g.s.warmup()
	for j := int64(0); j < chunks; j++ {
		a := k * j / chunks
		b := k * (j + 1) / chunks
		mid := float64(a+b-1) / 2
		l := latFirst + latSlope*mid
		gm.latency.add(l, float64(b-a))
		if warm >= 0 && c0s+cSlope*(float64(first-from)+mid) >= warm.Seconds() {
			gm.warmLatency.add(l, float64(b-a))
		}
	}
}

// commit records a committed offset. Committed offsets never go backwards
// in this model: generation checks fence every late commit (§1.2, §5).
func (g *group) commit(gp *gpart, off int64) {
	if gp.hasCommitted && off < gp.committed {
		panic(fmt.Sprintf("models: committed offset of %s-%d in group %s goes back from %d to %d",
			gp.tp.t.name, gp.tp.p, g.name, gp.committed, off))
	}
	gp.committed = off
	gp.hasCommitted = true
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
		g.met.lost += leo - gp.hw
		gp.hw = leo
	}
	return leo
}
