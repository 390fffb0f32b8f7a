package assignors

import (
	"errors"
	"slices"
)

// The constrained builder (AbstractStickyAssignor.ConstrainedAssignmentBuilder,
// KAFKA_MODEL §6.4), used when every member has the same subscription.
//
// With N members and T partitions, every member ends with minQuota = T/N or
// maxQuota = ceil(T/N) partitions, and exactly T mod N of them get maxQuota.
//
// Step 1 visits members in the HashMap order of their ids (NB) and keeps
// owned partitions, sorted by (partition, topic):
//
//   - fewer than minQuota owned: keep them all; the member is "under";
//   - at least maxQuota owned while fewer than T mod N members were promised
//     maxQuota: keep maxQuota of them (a promise);
//   - otherwise keep minQuota; the member may still get one more ("exactly
//     min") while promises remain.
//
// Step 2 deals the other partitions, in (topic, partition) order, round-robin
// over the "under" members sorted by id; once none is left, to the "exactly
// min" members first come, first served.
//
// Example: partitions t0p0..t0p4, C0 owned all five, C1 and C2 join. Quotas
// are 1..2 with two members at 2. C0 keeps [t0p0 t0p1] (first in (partition,
// topic) order) and gives up t0p2..t0p4, which go round-robin to C1 and C2:
//
//	C0: [t0p0 t0p1]  C1: [t0p2 t0p4]  C2: [t0p3]
//
// Every given-up (or multiply claimed) partition that another member receives
// is "transferring ownership"; cooperative-sticky withholds those this round.
//
// Java HashMap orders: only the visit of step 1 depends on one (NB below).
// Kafka also iterates partitionsWithMultiplePreviousOwners (a HashSet) to
// drop those partitions and the transfers map to withhold them; removal
// does not depend on order.

// constrained runs the builder and returns owner: partition -> member, or -1
// for a partition cooperative-sticky withholds this round. It fails where
// Kafka throws IllegalStateException (not reachable with valid quotas, but
// Kafka checks, so we do).
func (st *stickyState) constrained(cooperative bool) ([]int32, error) {
	n, total := int32(st.n), st.total
	owner := make([]int32, total)
	for i := range owner {
		owner[i] = -1
	}
	if n == 0 || total == 0 {
		return owner, nil
	}
	minQ := total / n
	maxQ := minQ
	if total%n != 0 {
		maxQ++
	}
	expected := total % n // members that end with maxQ
	cur := int32(0)       // members promised or given maxQ so far
	cnt := make([]int32, n)
	var revoked []bool
	var under, exact []int32

	// Step 1: keep owned partitions, visiting members in HashMap order.
	// NB: consumerToOwnedPartitions is a default HashMap filled while
	// iterating the subscriptions map, so it iterates in st.hashOrder; this is
	// where Kafka's HashMap order decides which over-quota owners keep maxQ.
	owned := st.ownedByPartitionThenTopic()
	for _, m := range st.hashOrder {
		var own []int32
		if owned != nil {
			own = owned[m]
		}
		k := int32(len(own))
		keep := k
		switch {
		case k < minQ:
			under = append(under, m)
		case k >= maxQ && cur < expected:
			cur++
			if cur == expected {
				exact = exact[:0]
			}
			keep = maxQ
		default:
			keep = minQ
			if cur < expected {
				exact = append(exact, m)
			}
		}
		for _, g := range own[:keep] {
			owner[g] = m
		}
		cnt[m] = keep
		if keep < k {
			if revoked == nil {
				revoked = make([]bool, total)
			}
			for _, g := range own[keep:] {
				revoked[g] = true
			}
		}
	}

	// Both lists are sorted by member id (Collections.sort; ids are unique).
	byRank := func(a, b int32) int { return int(st.rank[a] - st.rank[b]) }
	slices.SortFunc(under, byRank)
	slices.SortFunc(exact, byRank)

	// Step 2: deal the rest. under is walked by an iterator that restarts at
	// the head when it runs out; a member reaching minQ is removed through
	// the iterator (marked -1 here, compacted at the next restart) and joins
	// the tail of exact.
	it, head, live := 0, 0, len(under)
	for g := int32(0); g < total; g++ {
		if owner[g] >= 0 {
			continue
		}
		var c int32
		fromUnder := true
		if it < len(under) {
			c = under[it]
			it++
		} else {
			under = slices.DeleteFunc(under, func(m int32) bool { return m < 0 })
			it = 0
			switch {
			case live == 0 && head == len(exact):
				return nil, errors.New("sticky: IllegalStateException: No more unfilled consumers to be assigned.")
			case live == 0:
				c = exact[head]
				head++
				fromUnder = false
			default:
				c = under[0]
				it = 1
			}
		}
		owner[g] = c
		cnt[c]++
		if cooperative && ((revoked != nil && revoked[g]) || (st.multi != nil && st.multi[g])) {
			// partitionsTransferringOwnership: adjustAssignment removes it
			// from its new owner for this round (KAFKA_MODEL §2).
			owner[g] = -1
		}
		switch cnt[c] {
		case minQ:
			if !fromUnder {
				return nil, errors.New("sticky: IllegalStateException: iterator removal after the under-quota list ran out")
			}
			under[it-1] = -1
			live--
			exact = append(exact, c)
		case maxQ:
			cur++
		}
	}

	// verifyUnfilledMembers.
	if live > 0 {
		if cur != expected {
			return nil, errors.New("sticky: IllegalStateException: We haven't reached the expected number of members with " +
				"more than the minQuota partitions, but no more partitions to be assigned")
		}
		for _, m := range under {
			if m >= 0 && cnt[m] != minQ {
				return nil, errors.New("sticky: IllegalStateException: Consumer: [" + st.g.Members[m].ID +
					"] doesn't reach minQuota partitions, and no more partitions to be assigned")
			}
		}
	}
	return owner, nil
}

// ownedByPartitionThenTopic returns, per member, the partitions its owned
// list holds after normalization, minus multiply claimed ones, sorted by
// (partition, topic) as assignOwnedPartitions sorts them; nil when nobody
// owns anything. The lists share one buffer.
//
// Instead of sorting each list, one pass visits the whole partition space in
// (partition, topic) order and appends each held partition to its holder's
// list: O(T + topics) for T partitions.
func (st *stickyState) ownedByPartitionThenTopic() [][]int32 {
	if st.holder == nil {
		return nil
	}
	n := st.n
	off := make([]int32, n+1)
	for g, h := range st.holder {
		if h >= 0 && (st.multi == nil || !st.multi[g]) {
			off[h+1]++
		}
	}
	for m := 0; m < n; m++ {
		off[m+1] += off[m]
	}
	buf := make([]int32, off[n])
	lists := make([][]int32, n)
	for m := 0; m < n; m++ {
		lists[m] = buf[off[m]:off[m]:off[m+1]]
	}
	// active lists the topics that still have a partition p, in topic order.
	active := make([]int32, len(st.names))
	for t := range active {
		active[t] = int32(t)
	}
	for p := int32(0); len(active) > 0; p++ {
		ended := false
		for _, t := range active {
			g := st.base[t] + p
			if h := st.holder[g]; h >= 0 && (st.multi == nil || !st.multi[g]) {
				lists[h] = append(lists[h], g)
			}
			if st.parts[t] == p+1 {
				ended = true
			}
		}
		if ended {
			active = slices.DeleteFunc(active, func(t int32) bool { return st.parts[t] <= p+1 })
		}
	}
	return lists
}
