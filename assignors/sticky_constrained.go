package assignors

import (
	"errors"
	"slices"
)

// The constrained builder (AbstractStickyAssignor.ConstrainedAssignmentBuilder,
// Kafka 4.4), used when every member has the same subscription.
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
//
// With racks (sticky_rack.go), step 1 first drops owned partitions with no
// replica on the owner's rack, and step 2 is preceded by a rack-matching
// round-robin (rackRoundRobin) over the unassigned partitions, sorted so
// that those with the fewest consumers on their replicas' racks go first.
func (st *stickyState) constrained(cooperative bool) ([]int32, error) {
	n, total := int32(st.n), st.total
	owner := make([]int32, total)
	for i := range owner {
		owner[i] = -1
	}
	if n == 0 || total == 0 {
		return owner, nil
	}
	c := &stickyConstrained{st: st, owner: owner, cooperative: cooperative, cnt: make([]int32, n)}
	c.minQ = total / n
	c.maxQ = c.minQ
	if total%n != 0 {
		c.maxQ++
	}
	c.expected = total % n // members that end with maxQ

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
		if st.rack != nil && len(own) > 0 {
			// RackInfo.racksMismatch: given up (maybe revoked), not kept.
			kept := own[:0:0]
			for _, g := range own {
				if st.rack.mismatch(m, g) {
					c.revoke(g, m)
				} else {
					kept = append(kept, g)
				}
			}
			own = kept
		}
		k := int32(len(own))
		keep := k
		switch {
		case k < c.minQ:
			c.under = append(c.under, m)
		case k >= c.maxQ && c.cur < c.expected:
			c.cur++
			if c.cur == c.expected {
				c.exact = c.exact[:0]
			}
			keep = c.maxQ
		default:
			keep = c.minQ
			if c.cur < c.expected {
				c.exact = append(c.exact, m)
			}
		}
		for _, g := range own[:keep] {
			owner[g] = m
		}
		c.cnt[m] = keep
		for _, g := range own[keep:] {
			c.revoke(g, m)
		}
	}

	// Both lists are sorted by member id (Collections.sort; ids are unique).
	byRank := func(a, b int32) int { return int(st.rank[a] - st.rank[b]) }
	slices.SortFunc(c.under, byRank)
	slices.SortFunc(c.exact, byRank)

	// The unassigned partitions in (topic, partition) order.
	var unassigned []int32
	for g := int32(0); g < total; g++ {
		if owner[g] < 0 {
			unassigned = append(unassigned, g)
		}
	}
	if st.rack != nil {
		unassigned = c.rackRoundRobin(unassigned)
	}
	if err := c.roundRobin(unassigned); err != nil {
		return nil, err
	}

	// verifyUnfilledMembers.
	if len(c.under) > 0 {
		if c.cur != c.expected {
			return nil, errors.New("sticky: IllegalStateException: We haven't reached the expected number of members with " +
				"more than the minQuota partitions, but no more partitions to be assigned")
		}
		for _, m := range c.under {
			if c.cnt[m] != c.minQ {
				return nil, errors.New("sticky: IllegalStateException: Consumer: [" + st.g.Members[m].ID +
					"] doesn't reach minQuota partitions, and no more partitions to be assigned")
			}
		}
	}
	return owner, nil
}

// stickyConstrained is the state of one constrained build.
type stickyConstrained struct {
	st          *stickyState
	owner       []int32
	cnt         []int32
	cooperative bool

	minQ, maxQ    int32
	expected, cur int32 // members that end with maxQ; promised or given so far
	// under and exact are unfilledMembersWithUnderMinQuotaPartitions and
	// unfilledMembersWithExactlyMinQuotaPartitions.
	under, exact []int32
	// revokedBy[g] is the member that gave g up in step 1
	// (maybeRevokedPartitions), -1 for none; nil while nobody gave up any.
	revokedBy []int32
}

func (c *stickyConstrained) revoke(g, m int32) {
	if c.revokedBy == nil {
		c.revokedBy = make([]int32, c.st.total)
		for i := range c.revokedBy {
			c.revokedBy[i] = -1
		}
	}
	c.revokedBy[g] = m
}

// give is assignNewPartition: g goes to m; cooperative-sticky withholds it
// this round when another member gave it up or several members claimed it
// (partitionsTransferringOwnership, applied by adjustAssignment).
func (c *stickyConstrained) give(g, m int32) int32 {
	c.owner[g] = m
	c.cnt[m]++
	if c.cooperative && ((c.revokedBy != nil && c.revokedBy[g] >= 0 && c.revokedBy[g] != m) || (c.st.multi != nil && c.st.multi[g])) {
		c.owner[g] = -1
	}
	return c.cnt[m]
}

// roundRobin is assignRoundRobin: the partitions go round-robin over the
// under-quota members (an iterator that restarts at the head when it runs
// out; a member reaching minQ is removed through it and joins the tail of
// exact); once none is left, to the exactly-min members first come, first
// served.
func (c *stickyConstrained) roundRobin(unassigned []int32) error {
	under := c.under
	it, head := 0, 0
	live := len(under)
	for _, g := range unassigned {
		var m int32
		fromUnder := true
		if it < len(under) {
			m = under[it]
			it++
		} else {
			under = slices.DeleteFunc(under, func(m int32) bool { return m < 0 })
			it = 0
			switch {
			case live == 0 && head == len(c.exact):
				return errors.New("sticky: IllegalStateException: No more unfilled consumers to be assigned.")
			case live == 0:
				m = c.exact[head]
				head++
				fromUnder = false
			default:
				m = under[0]
				it = 1
			}
		}
		switch c.give(g, m) {
		case c.minQ:
			if !fromUnder {
				return errors.New("sticky: IllegalStateException: iterator removal after the under-quota list ran out")
			}
			under[it-1] = -1
			live--
			c.exact = append(c.exact, m)
		case c.maxQ:
			c.cur++
		}
	}
	c.under = slices.DeleteFunc(under, func(m int32) bool { return m < 0 })
	c.exact = c.exact[head:]
	return nil
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
