package sim

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/rebalance-sim/rebalance-sim/engine"
)

// Production model.
//
// Time is cut into batch intervals of length dt (the scenario's
// batch_interval, Kafka's linger.ms in spirit: producers send each
// partition's records as one batch per interval). The records of interval k,
// [k*dt, (k+1)*dt), arrive at the broker together at (k+1)*dt and become
// fetchable then; their produce times are spread evenly over the interval,
// so latency and lag in seconds are measured from when each record was
// produced, not from when its batch landed.
//
// Counts per interval are drawn on that fixed grid from the partition's own
// random stream, in grid order, whatever asks for them and whenever: so two
// variants of one experiment see exactly the same traffic.

// indexEntry says that the offsets from Offset up to the next entry's were
// produced over intervals [Tick, End). A fresh entry is one interval (End =
// Tick+1); merged entries span more and spread their records evenly.
type indexEntry struct {
	Tick, End int64
	Offset    int64
}

// plog is one partition's log as the simulator sees it.
type plog struct {
	topic *topic
	id    int32
	rnd   *rand.Rand

	// genTick is the first interval not generated yet; end is the offset
	// after the last generated record (the log end once genTick's start has
	// passed).
	genTick int64
	end     int64
	// index covers generated intervals: index[i] starts at its Tick and runs
	// to index[i+1] (or genTick). Old entries are merged pairwise when the
	// index grows past indexCap, so memory stays bounded however far a group
	// falls behind; entries below every group's processed offset are dropped.
	index []indexEntry
	head  int // index[head:] is live
	// created is the interval in which the partition was created (0, or the
	// add_partitions time).
	created int64
	// carry holds the fractional record of constant arrivals.
	carry float64
	// nextArr is the next arrival of a sparse Poisson process (ns), drawn
	// from gapFrom, the first interval of its rate segment.
	nextArr float64
	gapFrom int64
	// cursor remembers the live index entry of the last produce-time
	// lookup: consumers read forward, so the next lookup is almost always
	// in the same entry or the next one.
	cursor int
	// expected counts per interval, valid for intervals [meanFrom, meanTo)
	meanFrom, meanTo int64
	poisson          engine.PoissonDist
	fluidMean        float64
}

// indexCap is the live index size compaction brings a partition back to at
// each sample; hardIndexCap bounds it between samples.
const (
	indexCap     = 1024
	hardIndexCap = 64 * indexCap
)

// sparseMean is the expected records per batch interval below which Poisson
// arrivals are drawn as a process (one exponential gap per record) instead
// of one count per interval: the same distribution, but a partition that
// gets a record every few intervals costs one draw per record, and the
// intervals in between cost nothing.
const sparseMean = 1.0

// generate draws counts for intervals up to (not including) tick.
func (l *plog) generate(tick int64) {
	dt := l.topic.dt
	for l.genTick < tick {
		k := l.genTick
		if k < l.meanFrom || k >= l.meanTo {
			l.topic.means(l, k)
			l.gapFrom = -1 // a new rate: the next gap starts from here
		}
		if pm := l.poisson.Mean(); pm > 0 && pm < sparseMean && l.fluidMean == 0 {
			if l.gapFrom != l.meanFrom {
				// Memoryless: restart the process at the segment's first
				// interval generated.
				l.gapFrom = l.meanFrom
				l.nextArr = float64(engine.Time(k)*dt) + l.gap(pm, dt)
			}
			if next := engine.CountFromFloat(l.nextArr / float64(dt)); next > k {
				// Nothing arrives until interval next: skip to it.
				l.genTick = min(next, tick, l.meanTo)
				continue
			}
			var n int64
			for end := float64(engine.Time(k+1) * dt); l.nextArr < end; n++ {
				l.nextArr += l.gap(pm, dt)
			}
			l.append(k, n)
			l.genTick++
			continue
		}
		l.append(k, l.topic.count(l, k))
		l.genTick++
	}
}

// gap draws the time to the next arrival, in nanoseconds, for a process
// with pm arrivals per interval of length dt.
func (l *plog) gap(pm float64, dt engine.Time) float64 {
	return l.rnd.ExpFloat64() * float64(dt) / pm
}

// append records n records produced in interval k.
func (l *plog) append(k, n int64) {
	{
		if n > 0 {
			// Only intervals that produced records need an entry.
			l.index = append(l.index, indexEntry{Tick: k, End: k + 1, Offset: l.end})
			l.end += n
			if len(l.index)-l.head > hardIndexCap {
				// Only with very long sample intervals: compaction normally
				// happens at samples (trim), see compactPast.
				l.compact(len(l.index) - l.head)
			}
		}
	}
}

// compactPast compacts the entries of intervals before tick when they are
// more than indexCap. It runs at samples only, on past intervals only, so
// that a produce-time lookup between two samples gives the same answer
// whenever it happens (members fast-forward between samples).
func (l *plog) compactPast(tick int64) {
	live := l.index[l.head:]
	past := sort.Search(len(live), func(i int) bool { return live[i].Tick >= tick })
	for past > indexCap {
		before := len(l.index) - l.head
		l.compact(past)
		past -= before - (len(l.index) - l.head)
	}
}

// compact merges the older half of the first n live entries pairwise:
// records keep their order, and produce times of old records lose
// resolution gracefully.
func (l *plog) compact(n int) {
	live := l.index[l.head:]
	half := n / 2
	w := 0
	for r := 0; r+1 < half; r += 2 {
		live[w] = indexEntry{Tick: live[r].Tick, End: live[r+1].End, Offset: live[r].Offset}
		w++
	}
	if half%2 == 1 {
		live[w] = live[half-1]
		w++
	}
	kept := copy(live[w:], live[half:])
	l.index = append(l.index[:l.head], live[:w+kept]...)
}

// trim drops entries wholly below offset off (no group needs their produce
// times any more).
func (l *plog) trim(off int64) {
	for l.head+1 < len(l.index) && l.index[l.head+1].Offset <= off {
		l.head++
	}
	if l.head > 16 && l.head > len(l.index)/2 {
		n := copy(l.index, l.index[l.head:])
		l.index = l.index[:n]
		l.head = 0
	}
}

// leo is the log-end offset at time t: every record of intervals that ended
// by t.
func (l *plog) leo(t engine.Time, dt engine.Time) int64 {
	k := int64(t / dt)
	l.generate(k)
	return l.offsetAtTick(k)
}

// offsetAtTick is the first offset produced in interval k or later
// (generated intervals only).
func (l *plog) offsetAtTick(k int64) int64 {
	if k >= l.genTick {
		return l.end
	}
	live := l.index[l.head:]
	// NB: almost every query is about the last few intervals, so look from
	// the end first.
	i := len(live)
	for steps := 0; i > 0 && live[i-1].Tick >= k; steps++ {
		if steps == 8 {
			i = sort.Search(i, func(j int) bool { return live[j].Tick >= k })
			break
		}
		i--
	}
	if i == len(live) {
		return l.end
	}
	return live[i].Offset
}

// produceTime is when offset off was produced: its entry's records are
// spread evenly over the entry's intervals, record j of n at the end of the
// j-th slice.
func (l *plog) produceTime(off int64, dt engine.Time) engine.Time {
	live := l.index[l.head:]
	i := l.entryOf(live, off)
	if i < 0 {
		return engine.Time(l.created) * dt
	}
	e := live[i]
	endOff := l.end
	if i+1 < len(live) {
		endOff = live[i+1].Offset
	}
	n := endOff - e.Offset
	span := engine.Time(e.End-e.Tick) * dt
	return engine.Time(e.Tick)*dt + engine.Time(float64(span)*float64(off-e.Offset+1)/float64(n))
}

// produceTimes returns the produce times (in seconds) of offsets a <= b,
// looking the index up once.
func (l *plog) produceTimes(a, b int64, dt engine.Time) (float64, float64) {
	live := l.index[l.head:]
	i := l.entryOf(live, a)
	ta := l.timeIn(live, i, a, dt)
	if b == a {
		return ta, ta
	}
	for i+1 < len(live) && live[i+1].Offset <= b {
		i++
	}
	if i >= 0 {
		l.cursor = l.head + i
	}
	return ta, l.timeIn(live, i, b, dt)
}

// timeIn is the produce time in seconds of offset off, which entry i holds.
func (l *plog) timeIn(live []indexEntry, i int, off int64, dt engine.Time) float64 {
	if i < 0 {
		return (engine.Time(l.created) * dt).Seconds()
	}
	e := live[i]
	endOff := l.end
	if i+1 < len(live) {
		endOff = live[i+1].Offset
	}
	n := endOff - e.Offset
	span := float64(e.End-e.Tick) * dt.Seconds()
	return float64(e.Tick)*dt.Seconds() + span*float64(off-e.Offset+1)/float64(n)
}

// entryOf returns the index in live of the entry holding offset off (-1 if
// off is below every entry), trying the cursor and its successor first.
func (l *plog) entryOf(live []indexEntry, off int64) int {
	n := len(live)
	// NB: walk forward a few entries from the cursor (a reader moves ahead a
	// little at a time), else binary search.
	if c := l.cursor - l.head; c >= 0 && c < n && live[c].Offset <= off {
		for i := c; i < n && i < c+4; i++ {
			if i+1 == n || live[i+1].Offset > off {
				l.cursor = l.head + i
				return i
			}
		}
	}
	i := sort.Search(n, func(i int) bool { return live[i].Offset > off }) - 1
	if i >= 0 {
		l.cursor = l.head + i
	}
	return i
}

// nextArrival returns the first interval end strictly after t at which
// records become fetchable, looking at most `horizon` intervals ahead;
// engine.Never if none.
func (l *plog) nextArrival(t, dt engine.Time, horizon int64) engine.Time {
	k := int64(t/dt) + 1 // interval k-1 ends at k*dt > t
	for j := int64(0); j < horizon; j++ {
		kk := k + j - 1 // the interval whose end is (k+j)*dt
		l.generate(kk + 1)
		if l.offsetAtTick(kk) < l.offsetAtTick(kk+1) {
			return engine.Time(k+j) * dt
		}
	}
	return engine.Never
}

// fluidCount turns an expected count into a whole number of records,
// carrying the fraction to the next interval.
func fluidCount(carry *float64, mean float64) int64 {
	x := *carry + mean
	n := math.Floor(x)
	*carry = x - n
	return int64(n)
}
