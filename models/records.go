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
	// Latency of records first..to-1: completion times are even between c0
	// and c1; produce times come from the index. A few chunks per range keep
	// the histogram accurate without a sample per record.
	dt := g.s.dt
	completion := func(i float64) engine.Time {
		if to-1 == from {
			return c1
		}
		return c0 + engine.Time(float64(c1-c0)*(i-float64(from))/float64(to-1-from))
	}
	lat := func(i int64) float64 {
		return (completion(float64(i)) - gp.log.produceTime(i, dt)).Seconds()
	}
	// The exact maximum is at one end of the range (both times are close to
	// linear in the offset).
	if l := lat(first); l > gm.latency.max {
		gm.latency.max = l
	}
	if l := lat(to - 1); l > gm.latency.max {
		gm.latency.max = l
	}
	k := to - first
	chunks := int64(4)
	if k < chunks {
		chunks = k
	}
	warm := g.s.warmup()
	for j := int64(0); j < chunks; j++ {
		a := first + k*j/chunks
		b := first + k*(j+1)/chunks
		mid := (a + b - 1) / 2
		l := lat(mid)
		gm.latency.add(l, float64(b-a))
		if warm >= 0 && completion(float64(mid)) >= warm {
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
