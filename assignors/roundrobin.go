package assignors

// Classic RoundRobinAssignor (clients/.../RoundRobinAssignor.java;
// Kafka 4.4).
//
// Kafka lists every partition of every subscribed topic that exists, sorted
// by (topic, partition), and deals them to the members, sorted as in docs/model.md §6.1,
// with a circular iterator: for each partition the iterator first skips the
// members not subscribed to its topic (they lose that turn), gives the
// partition to the member it stops at, and advances once more.
//
// Example: members C0 and C1 both subscribe to t0 and t1, 3 partitions each:
//
//	C0: [t0p0 t0p2 t1p1]
//	C1: [t0p1 t1p0 t1p2]
//
// With unequal subscriptions the skipping can unbalance the result badly:
// C0 on {t0}, C1 on {t0, t1}, C2 on {t0, t1, t2}, with 1, 2 and 3
// partitions gives C0: [t0p0], C1: [t1p0], C2: [t1p1 t2p0 t2p1 t2p2]
// (the javadoc's example).
//
// How this computes it without walking the iterator: within one topic the
// iterator visits the topic's subscribers cyclically, so if the subscriber
// at position s (among the topic's C subscribers, in member order) takes
// partition 0, the subscriber at position k takes partitions
// (k-s) mod C, then every C-th one. s is the first subscriber at or after
// the iterator's position when the topic starts, and the iterator leaves the
// topic just past the member that took its last partition. That is O(1) per
// partition and O(log C) per topic, with no per-partition branching.

func init() {
	register(Info{
		Name:      "roundrobin",
		Kind:      Classic,
		Protocols: []RebalanceProtocol{Eager},
		Doc:       "classic RoundRobinAssignor: all partitions dealt in (topic, partition) order to members in turn (eager)",
	}, func() Assignor { return rrAssignor{} })
}

type rrAssignor struct{}

func (rrAssignor) Name() string { return "roundrobin" }

// Assign computes Kafka's roundrobin assignment for g. It never fails: like
// Kafka's, it validates nothing and skips topics missing from the metadata.
func (rrAssignor) Assign(g *Group) (Plan, error) {
	st, err := rngPrepare(g, false)
	if err != nil {
		return nil, err
	}
	return st.emit(rngStrided, rrFirst(st)), nil
}

// rrFirst walks Kafka's circular iterator topic by topic (topics in name
// order, as Kafka's TreeSet gives them) and returns, per topic, the position
// among its subscribers of the member that takes partition 0.
func rrFirst(st *rngState) []int32 {
	nt, n := len(st.names), int32(len(st.g.Members))
	first := make([]int32, nt)

	// The subscribers of a topic that not every member subscribes to, as
	// member-order ranks (ascending), laid out one topic after another.
	// Topics everyone subscribes to need no list: position k is rank k.
	off := make([]int32, nt+1)
	partial := false
	for t, c := range st.subscribers {
		off[t+1] = off[t]
		if c > 0 && c < n {
			off[t+1] += c
			partial = true
		}
	}
	var ranks []int32
	if partial {
		ranks = make([]int32, off[nt])
		for r, i := range st.order {
			rank := st.rank[i]
			for j, t := range st.subs[i] {
				if c := st.subscribers[t]; c < n {
					ranks[off[t]+rank[j]] = int32(r)
				}
			}
		}
	}

	var pos int32 // rank of the member the iterator points at
	for t, c := range st.subscribers {
		p := st.parts[t]
		if c == 0 || p == 0 {
			// No partitions to deal: Kafka's loop never sees this topic,
			// so the iterator does not move.
			continue
		}
		var s, last int32
		if c == n {
			s = pos
			last = (s + (p-1)%c) % c
		} else {
			subs := ranks[off[t]:off[t+1]]
			s = rrLowerBound(subs, pos)
			if s == c {
				s = 0 // wrap around: the iterator is circular
			}
			last = subs[(s+(p-1)%c)%c]
		}
		first[t] = s
		pos = (last + 1) % n
	}
	return first
}

// rrLowerBound is the index of the first element of the ascending xs that is
// >= v, or len(xs).
func rrLowerBound(xs []int32, v int32) int32 {
	lo, hi := 0, len(xs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if xs[mid] < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return int32(lo)
}
