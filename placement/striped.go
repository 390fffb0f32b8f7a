package placement

import (
	"fmt"
	"slices"

	"github.com/rebalance-sim/rebalance-sim/assignors"
)

// Broker is one broker as the placer sees it: its node.id and its
// broker.rack ("" when it has none, Kafka's Optional.empty()). Every broker
// of the model is registered and unfenced.
type Broker struct {
	ID   int32
	Rack string
}

// Place returns the replicas (broker ids, preferred leader first) of
// `partitions` new partitions with replicationFactor replicas each, as one
// call of Kafka's StripedReplicaPlacer.place does, drawing from rnd.
//
// The rule, in short: racks are taken round-robin from a random starting
// rack that moves one rack further for every partition (the "stripes"), and
// within a rack brokers are taken round-robin from a random start as well,
// each broker at most once until every broker has been used once (an
// epoch), after which the rack order and every rack's broker order are
// shuffled. Racks in sorted order (a broker without a rack sorts first),
// brokers within a rack by id.
//
// Kafka walks two HashMaps whose order decides which rack draws which
// random number: its brokers (Integer keys, registered, we assume, in id
// order) and its racks (first seen in that order). Both are reproduced.
func Place(brokers []Broker, partitions, replicationFactor int, rnd *JavaRandom) ([][]int32, error) {
	if replicationFactor <= 0 {
		return nil, fmt.Errorf("invalid replication factor %d: the replication factor must be positive", replicationFactor)
	}
	if len(brokers) == 0 {
		return nil, fmt.Errorf("all brokers are currently fenced") // Kafka's words for "no usable broker"
	}
	if replicationFactor > len(brokers) {
		return nil, fmt.Errorf("the target replication factor of %d cannot be reached because only %d broker(s) are registered",
			replicationFactor, len(brokers))
	}
	rl := newRackList(brokers, rnd)
	out := make([][]int32, partitions)
	for p := range out {
		out[p] = rl.place(replicationFactor)
	}
	return out, nil
}

// brokerList is one rack's brokers with the cursor StripedReplicaPlacer
// keeps: index counts the brokers handed out in the current epoch, offset
// rotates the starting point (random at first, one further each epoch).
type brokerList struct {
	ids                  []int32
	index, offset, epoch int
}

func (l *brokerList) initialize(rnd *JavaRandom) {
	if len(l.ids) > 0 {
		slices.Sort(l.ids)
		l.offset = int(rnd.NextInt(int32(len(l.ids))))
	}
}

// next is the next broker of this epoch, or -1 once every broker of the
// list was handed out in it.
func (l *brokerList) next(epoch int) int32 {
	if len(l.ids) == 0 {
		return -1
	}
	if l.epoch != epoch {
		l.epoch, l.index = epoch, 0
		l.offset = (l.offset + 1) % len(l.ids)
	}
	if l.index >= len(l.ids) {
		return -1
	}
	b := l.ids[(l.index+l.offset)%len(l.ids)]
	l.index++
	return b
}

// rackList is StripedReplicaPlacer.RackList for a cluster whose brokers
// are all unfenced (fenced lists are empty, so they draw nothing).
type rackList struct {
	rnd    *JavaRandom
	racks  []*brokerList // in order of first appearance
	names  []string      // racks[i]'s name
	byHash []int         // racks in the order Kafka's HashMap iterates them
	order  []int         // rackNames: indexes into racks, sorted, then shuffled
	total  int
	epoch  int
	offset int
}

func newRackList(brokers []Broker, rnd *JavaRandom) *rackList {
	// NB: the controller iterates its brokers in the order of a
	// HashMap<Integer, ...> filled as they register (in id order here).
	sorted := slices.Clone(brokers)
	slices.SortFunc(sorted, func(a, b Broker) int { return int(a.ID) - int(b.ID) })
	ids := make([]int32, len(sorted))
	for i, b := range sorted {
		ids[i] = b.ID // Integer.hashCode is the value
	}
	rl := &rackList{rnd: rnd, total: len(brokers)}
	index := map[string]int{} // NB: lookup only
	for _, i := range assignors.JavaHashOrder(ids, assignors.JavaDefaultCapacity(len(ids))) {
		b := sorted[i]
		k, ok := index[b.Rack]
		if !ok {
			k = len(rl.racks)
			index[b.Rack] = k
			rl.racks = append(rl.racks, &brokerList{})
			rl.names = append(rl.names, b.Rack)
		}
		rl.racks[k].ids = append(rl.racks[k].ids, b.ID)
	}
	// Optional<String>.hashCode: the string's hash, 0 when empty (and ""
	// hashes to 0 too).
	hashes := make([]int32, len(rl.names))
	for i, n := range rl.names {
		hashes[i] = assignors.JavaStringHash(n)
	}
	rl.byHash = assignors.JavaHashOrder(hashes, assignors.JavaDefaultCapacity(len(hashes)))
	for _, k := range rl.byHash {
		rl.racks[k].initialize(rnd)
	}
	rl.order = make([]int, len(rl.racks))
	for i := range rl.order {
		rl.order[i] = i
	}
	// OptionalStringComparator: no rack first, then String.compareTo.
	slices.SortFunc(rl.order, func(a, b int) int {
		x, y := rl.names[a], rl.names[b]
		switch {
		case x == y:
			return 0
		case x == "":
			return -1
		case y == "":
			return 1
		}
		return assignors.JavaStringCompare(x, y)
	})
	rl.offset = int(rnd.NextInt(int32(len(rl.order))))
	return rl
}

// rack is the rack at position i of the current rack order.
func (rl *rackList) rack(i int) *brokerList { return rl.racks[rl.order[i]] }

// place is RackList.place: the leader from the first rack at or after the
// offset that still has a broker in this epoch, then one replica from each
// following rack in turn (skipping the leader's rack once), then the
// offset moves one rack on.
func (rl *rackList) place(rf int) []int32 {
	n := len(rl.order)
	if rl.epoch == rl.total && rl.total > 1 {
		// Every broker was used once: reshuffle so the next round of
		// partitions does not repeat the same replica sets.
		shuffle(rl.order, rl.rnd)
		for _, k := range rl.byHash {
			shuffle(rl.racks[k].ids, rl.rnd)
		}
		rl.epoch = 0
	}
	if rl.offset == n {
		rl.offset = 0
	}
	out := make([]int32, 0, rf)
	first := rl.offset
	for {
		if b := rl.rack(first).next(rl.epoch); b >= 0 {
			out = append(out, b)
			break
		}
		first = (first + 1) % n
	}
	i := rl.offset
	for len(out) < rf {
		b := int32(-1)
		for b < 0 {
			if i == first {
				first = -1 // the leader's rack is passed over once
			} else {
				b = rl.rack(i).next(rl.epoch)
			}
			i = (i + 1) % n
		}
		out = append(out, b)
	}
	rl.epoch++
	rl.offset++
	return out
}
