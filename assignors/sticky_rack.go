package assignors

import "slices"

// Rack awareness of the sticky assignors (KIP-881; AbstractStickyAssignor's
// RackInfo in Kafka 4.4).
//
// It applies when some member has a client.rack, some replica of a
// partition in the assignment is on one of those racks, and not every
// partition has replicas on exactly the same racks; the test is over all
// the partitions of the assignment at once (range decides per topic). Then:
//
//   - a partition "mismatches" a member that has a rack on which the
//     partition has no replica. Members without a rack mismatch nothing.
//   - owned partitions that mismatch their owner are not kept (both
//     builders): in the constrained builder they are given up like
//     over-quota partitions, in the general one they force a revocation.
//   - constrained builder: the unassigned partitions are sorted (stably) by
//     how many members sit on their replicas' racks, fewest first, and
//     dealt first to under-quota members on a matching rack, round-robin
//     from where the last match left off, then to exactly-min members on a
//     matching rack; plain round-robin deals the rest.
//   - general builder: each unassigned partition goes first to the least
//     loaded subscriber it does not mismatch; the partitions no such member
//     takes then go as without racks.
//
// Kafka's reassignment loop also has a rack branch, but it moves a
// partition exactly when the plain branch would, to the same member, so
// it changes nothing and is not reproduced.
//
// Example (constrained): t0 has partitions 0 and 1 on racks a and b; C0
// (rack b) and C1 (rack a) subscribe, nothing is owned. Without racks C0
// would get t0p0 and C1 t0p1; with racks each gets its local partition:
//
//	C0: [t0p1]  C1: [t0p0]

// stickyRacks is the RackInfo of one assignment when rack-aware assignment
// applies (nil otherwise).
type stickyRacks struct {
	// member[m] is member m's rack, "" for none.
	member []string
	// part[g] is the sorted set of racks of partition g's replicas.
	part [][]string
	// consumers[g] is numConsumersByPartition: members on g's racks.
	consumers []int32
	// With at most 64 racks, racks are also interned: bit[m] is member m's
	// rack as a bit (0 for none) and mask[g] the bits of g's racks, so that
	// the hot tests are one AND. nil with more racks.
	bit  []uint64
	mask []uint64
}

// newRacks computes the RackInfo of st, or nil when it does not apply.
func (st *stickyState) newRacks() *stickyRacks {
	g := st.g
	perRack := map[string]int32{}
	for i := range g.Members {
		if r := g.Members[i].Rack; r != "" {
			perRack[r]++
		}
	}
	if len(perRack) == 0 {
		return nil
	}
	rk := &stickyRacks{member: make([]string, st.n), part: make([][]string, st.total), consumers: make([]int32, st.total)}
	for i := range g.Members {
		rk.member[i] = g.Members[i].Rack
	}
	byName := rngTopicRacks(g)
	var in rngRackInterner
	for t, name := range st.names {
		racks := byName[name]
		for p := int32(0); p < st.parts[t]; p++ {
			gi := st.base[t] + p
			rk.part[gi] = in.racks(racks, int(p))
			if len(rk.part[gi]) == 1 {
				rk.consumers[gi] = perRack[rk.part[gi][0]]
				continue
			}
			for _, r := range rk.part[gi] {
				rk.consumers[gi] += perRack[r]
			}
		}
	}
	var union []string
	for _, set := range in.distinct {
		union = append(union, set...)
	}
	slices.Sort(union)
	union = slices.Compact(union)
	consumerRacks := make(map[string]bool, len(perRack))
	for r := range perRack {
		consumerRacks[r] = true
	}
	// rngNeedsRacks is useRackAwareAssignment; here over every partition.
	if !rngNeedsRacks(consumerRacks, in.distinct) {
		return nil
	}
	index := map[string]int{}
	for _, r := range union {
		index[r] = len(index)
	}
	for _, r := range rk.member {
		if _, ok := index[r]; !ok && r != "" {
			index[r] = len(index)
		}
	}
	if len(index) <= 64 {
		rk.bit = make([]uint64, st.n)
		for m, r := range rk.member {
			if r != "" {
				rk.bit[m] = 1 << index[r]
			}
		}
		rk.mask = make([]uint64, st.total)
		for g, rs := range rk.part {
			if g > 0 && len(rs) > 0 && len(rk.part[g-1]) == len(rs) && &rk.part[g-1][0] == &rs[0] {
				rk.mask[g] = rk.mask[g-1] // the same interned set
				continue
			}
			for _, r := range rs {
				rk.mask[g] |= 1 << index[r]
			}
		}
	}
	return rk
}

// mismatch is RackInfo.racksMismatch.
func (rk *stickyRacks) mismatch(m, g int32) bool {
	if rk.bit != nil {
		return rk.bit[m] != 0 && rk.mask[g]&rk.bit[m] == 0
	}
	r := rk.member[m]
	if r == "" {
		return false
	}
	_, ok := slices.BinarySearch(rk.part[g], r)
	return !ok
}

// local reports whether member m has a rack holding a replica of g (the
// test of RackInfo.nextRackConsumer: a member without a rack is not local).
func (rk *stickyRacks) local(m, g int32) bool {
	if rk.bit != nil {
		return rk.mask[g]&rk.bit[m] != 0
	}
	r := rk.member[m]
	if r == "" {
		return false
	}
	_, ok := slices.BinarySearch(rk.part[g], r)
	return ok
}

// next is nextRackConsumer: the first position from first on (circularly)
// in list of a member local to g, or -1.
func (rk *stickyRacks) next(g int32, list []int32, first int) int {
	if len(rk.part[g]) == 0 {
		return -1
	}
	if rk.bit != nil {
		mask := rk.mask[g]
		for k := first; k < len(list); k++ {
			if rk.bit[list[k]]&mask != 0 {
				return k
			}
		}
		for k := 0; k < first && k < len(list); k++ {
			if rk.bit[list[k]]&mask != 0 {
				return k
			}
		}
		return -1
	}
	for i := range list {
		k := (first + i) % len(list)
		if rk.local(list[k], g) {
			return k
		}
	}
	return -1
}

// rackRoundRobin sorts the unassigned partitions by rack consumers and runs
// assignRackAwareRoundRobin; it returns the partitions still unassigned, in
// order.
func (c *stickyConstrained) rackRoundRobin(unassigned []int32) []int32 {
	rk := c.st.rack
	slices.SortStableFunc(unassigned, func(a, b int32) int { return int(rk.consumers[a] - rk.consumers[b]) })
	rest := unassigned[:0:0]
	next := 0
	for _, g := range unassigned {
		m := int32(-1)
		if k := rk.next(g, c.under, next); k >= 0 {
			m = c.under[k]
			if n := c.cnt[m] + 1; n >= c.minQ {
				c.under = slices.Delete(c.under, k, k+1)
				if n < c.maxQ && c.cur < c.expected {
					c.exact = append(c.exact, m)
				}
			} else {
				k++
			}
			next = 0
			if len(c.under) > 0 {
				next = k % len(c.under)
			}
		} else if len(c.exact) > 0 {
			if k := rk.next(g, c.exact, 0); k >= 0 {
				m = c.exact[k]
				if c.cnt[m]+1 == c.maxQ {
					c.exact = slices.Delete(c.exact, k, k+1)
					c.cur++
					if c.cur == c.expected {
						c.exact = c.exact[:0]
					}
				}
			}
		}
		if m >= 0 {
			c.give(g, m)
		} else {
			rest = append(rest, g)
		}
	}
	return rest
}
