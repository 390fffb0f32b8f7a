package sim

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// topic holds every partition the topic will ever have (add_partitions
// events are known up front) and the producers writing to it.
type topic struct {
	name  string
	parts []*plog
	// counts is the partition count the broker has over time: counts[i].n
	// from interval counts[i].tick on. The first entry is at tick 0.
	counts []countStep
	// writeCounts is the partition count producers write to: a producer
	// learns of new partitions only at its next metadata refresh
	// (metadata.max.age.ms, 5 minutes, from its start at t = 0).
	writeCounts []countStep
	feeds       []*feed
	dt          engine.Time
	// changes lists, sorted, every time a producer's rate or the partition
	// count changes.
	changes []engine.Time
}

type countStep struct {
	tick int64
	n    int
}

// partitionsAt is the partition count in interval k.
func (t *topic) partitionsAt(k int64) int {
	i := sort.Search(len(t.counts), func(i int) bool { return t.counts[i].tick > k }) - 1
	return t.counts[i].n
}

// writablePartitionsAt is the partition count producers use in interval k.
func (t *topic) writablePartitionsAt(k int64) int {
	i := sort.Search(len(t.writeCounts), func(i int) bool { return t.writeCounts[i].tick > k }) - 1
	return t.writeCounts[i].n
}

// partitionsAtTime is the partition count the broker has at time at.
func (t *topic) partitionsAtTime(at engine.Time) int { return t.partitionsAt(int64(at / t.dt)) }

// count draws the number of records partition l receives in interval k.
func (t *topic) count(l *plog, k int64) int64 {
	if k < l.meanFrom || k >= l.meanTo {
		t.means(l, k)
	}
	var c int64
	if l.fluidMean > 0 {
		c += fluidCount(&l.carry, l.fluidMean)
	}
	if l.poisson.Mean() > 0 {
		c += l.poisson.Rand(l.rnd)
	}
	return c
}

// means computes partition l's expected counts for interval k and caches
// them for every following interval with the same rates and partition count
// (up to the next change), so most intervals cost one random draw.
func (t *topic) means(l *plog, k int64) {
	from, to := engine.Time(k)*t.dt, engine.Time(k+1)*t.dt
	n := t.writablePartitionsAt(k)
	var poisson float64
	l.fluidMean = 0
	if int(l.id) < n {
		for _, f := range t.feeds {
			mean := f.shares(n)[l.id] * f.integral(from, to)
			if f.poisson {
				poisson += mean
			} else {
				l.fluidMean += mean
			}
		}
	}
	l.poisson = engine.NewPoisson(poisson)
	l.meanFrom, l.meanTo = k, k+1
	// The next change of rate or partition count after the start of k.
	i := sort.Search(len(t.changes), func(i int) bool { return t.changes[i] > from })
	if i == len(t.changes) {
		l.meanTo = 1 << 62
	} else if end := int64(t.changes[i] / t.dt); end > k {
		l.meanTo = end // intervals before the one holding the change
	}
}

// feed is one producer writing to a topic.
type feed struct {
	name    string
	poisson bool
	// steps is the rate schedule: steps[i].rate records/s from steps[i].at on.
	steps []rateStep
	// cum[i] is the integral of the rate from 0 to steps[i].at.
	cum []float64
	// keyWeights is the popularity of each key (nil when keys = none).
	keyWeights []float64
	byCount    map[int][]float64 // NB: lookup only, never iterated.
}

type rateStep struct {
	at   engine.Time
	rate float64
}

func newFeed(p *scenario.Producer, changes []rateStep) *feed {
	f := &feed{name: p.Name, poisson: p.Arrivals == scenario.Poisson, byCount: map[int][]float64{}}
	f.steps = append(f.steps, rateStep{0, p.Rate})
	for _, rc := range p.RateChanges {
		f.steps = append(f.steps, rateStep{engine.FromDuration(rc.At), rc.Rate})
	}
	f.steps = append(f.steps, changes...)
	// NB: stable, so a producer_rate event at the same time as a
	// rate_changes entry wins (it is listed later).
	sort.SliceStable(f.steps, func(i, j int) bool { return f.steps[i].at < f.steps[j].at })
	f.cum = make([]float64, len(f.steps))
	for i := 1; i < len(f.steps); i++ {
		f.cum[i] = f.cum[i-1] + f.steps[i-1].rate*(f.steps[i].at-f.steps[i-1].at).Seconds()
	}
	switch p.Keys {
	case scenario.KeysUniform:
		f.keyWeights = make([]float64, p.KeyCount)
		for i := range f.keyWeights {
			f.keyWeights[i] = 1 / float64(p.KeyCount)
		}
	case scenario.KeysZipf:
		f.keyWeights = make([]float64, p.KeyCount)
		var sum float64
		for i := range f.keyWeights {
			f.keyWeights[i] = math.Pow(float64(i+1), -p.ZipfS)
			sum += f.keyWeights[i]
		}
		for i := range f.keyWeights {
			f.keyWeights[i] /= sum
		}
	}
	return f
}

// rateAt is the producer's rate at time at.
func (f *feed) rateAt(at engine.Time) float64 {
	i := sort.Search(len(f.steps), func(i int) bool { return f.steps[i].at > at }) - 1
	return f.steps[i].rate
}

// cumulative is the expected number of records produced in [0, at).
func (f *feed) cumulative(at engine.Time) float64 {
	i := sort.Search(len(f.steps), func(i int) bool { return f.steps[i].at > at }) - 1
	return f.cum[i] + f.steps[i].rate*(at-f.steps[i].at).Seconds()
}

func (f *feed) integral(from, to engine.Time) float64 { return f.cumulative(to) - f.cumulative(from) }

// shares is each partition's fraction of the producer's records when the
// topic has n partitions. Keyless records spread evenly; keyed records go
// where Kafka's default partitioner sends their key:
// toPositive(murmur2(key)) % n, with keys "key-0", "key-1", ... serialized
// as UTF-8 strings. That is why a few hot keys can overload one partition,
// and why adding partitions moves keys.
func (f *feed) shares(n int) []float64 {
	if s, ok := f.byCount[n]; ok {
		return s
	}
	s := make([]float64, n)
	if f.keyWeights == nil {
		for i := range s {
			s[i] = 1 / float64(n)
		}
	} else {
		buf := make([]byte, 0, 24)
		for k, w := range f.keyWeights {
			buf = strconv.AppendInt(append(buf[:0], "key-"...), int64(k), 10)
			s[int(murmur2(buf)&0x7fffffff)%n] += w
		}
	}
	f.byCount[n] = s
	return s
}

// murmur2 is Kafka's Utils.murmur2, the hash of its default partitioner.
func murmur2(data []byte) int32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	length := len(data)
	h := seed ^ uint32(length)
	n := length / 4
	for i := 0; i < n; i++ {
		k := uint32(data[4*i]) | uint32(data[4*i+1])<<8 | uint32(data[4*i+2])<<16 | uint32(data[4*i+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	rest := data[4*n:]
	switch len(rest) {
	case 3:
		h ^= uint32(rest[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(rest[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(rest[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

func (t *topic) String() string { return fmt.Sprintf("%s(%d)", t.name, len(t.parts)) }
