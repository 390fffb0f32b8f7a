package assignors

import (
	"fmt"
	"slices"
)

// UniformHomogeneousAssignmentBuilder, used when every
// member subscribes to the same topics:
//
//  1. unassigned = the partitions of the subscribed topics that no member
//     holds, topic by topic in HashSet<Uuid> order, partitions ascending;
//  2. min = T / N, extra = T mod N;
//  3. members in memberIds() order are offered quota min+1 while extra
//     lasts, then min; a member whose owned partitions do not fill the
//     extra slot hands it to a later member, as long as the members left
//     (itself included) outnumber the extras left (Kafka 4.4);
//  4. each member keeps its owned partitions topic by topic (owned-map
//     order) while its quota lasts; the rest of a topic that does not fit
//     is kept up to the quota in HashSet<Integer> order and the remainder
//     appended to unassigned;
//  5. members with quota left, in the same order, take the next partitions
//     of the unassigned list.
//
// Example: topic t with 3 partitions, A owns [t0], B owns [t1 t2], visited
// A then B. A is offered the extra quota (2) but owns only one partition,
// and two members remain for one extra, so A hands the extra on: A's quota
// is 1, B's is 2 and B keeps both: A: [t0] B: [t1 t2], nothing moves.
// (Before Kafka 4.x, A kept the extra and took t2 from B.)

func (u *uniGroup) homogeneous() (Plan, error) {
	first := u.order[0]
	n := len(u.g.Members)
	include := make([]bool, u.nTopics)
	if len(u.subs[first]) == 0 {
		// NB: an empty subscription returns an empty GroupAssignment; every
		// member then gets an empty assignment.
		return u.uniPlan(u.owner, include), nil
	}
	topics := u.subscribedTopicOrder(first)

	// Build the unassigned list, topic by topic.
	total := 0
	unowned := 0
	for _, t := range topics {
		if int(t) >= u.nTopics {
			// NB: the first missing topic in subscribedTopicIds order throws.
			return nil, u.missingTopicError(t)
		}
		include[t] = true
		total += int(u.parts[t])
		for _, m := range u.owner[u.off[t]:u.off[t+1]] {
			if m < 0 {
				unowned++
			}
		}
	}
	// NB: topics in subscribedTopicIds order, partitions ascending;
	// partitions revoked below are appended after them, member by member.
	unassigned := make([]int32, 0, unowned+64)
	for _, t := range topics {
		for slot := u.off[t]; slot < u.off[t+1]; slot++ {
			if u.owner[slot] < 0 {
				unassigned = append(unassigned, slot)
			}
		}
	}

	minQuota := total / n
	extra := total % n

	// Revoke what exceeds each member's quota.
	type unfilled struct{ member, quota int32 }
	var fill []unfilled
	var order []int32
	var buckets []uint32
	for idx, m := range u.order {
		// The extra partitions are offered to the members in memberIds()
		// order; see the end of the loop for when one is handed back.
		quota := minQuota
		hasExtra := false
		if extra > 0 {
			quota++
			hasExtra = true
		}
		order, buckets = u.ownedOrder(m, order, buckets)
		for _, j := range order {
			t := u.ownedTopic[m][j]
			if int(t) >= u.nTopics || !include[t] {
				continue // unsubscribed (or deleted) topic: dropped.
			}
			parts := u.ownedParts[m][j]
			if len(parts) <= quota {
				quota -= len(parts)
				continue
			}
			// NB: the partitions beyond the quota are chosen in the set's
			// iteration order, not ascending.
			for _, p := range uniSetOrder(parts) {
				if quota > 0 {
					quota--
					continue
				}
				slot := u.off[t] + p
				u.owner[slot] = -1
				unassigned = append(unassigned, slot)
			}
		}
		// Kafka 4.4: a member whose owned partitions do not reach its extra
		// slot hands the slot on while enough members remain to take every
		// remaining extra, so that members that already own more partitions
		// keep them instead of the first members taking new ones.
		if quota > 0 && hasExtra && n-idx > extra {
			quota--
			hasExtra = false
		}
		if quota > 0 {
			fill = append(fill, unfilled{m, int32(quota)})
		}
		if hasExtra {
			extra--
		}
	}

	// Hand out the unassigned partitions.
	// NB: unfilled members in memberIds() order, each taking a consecutive
	// run of the unassigned list.
	next := 0
	for _, f := range fill {
		for i := int32(0); i < f.quota && next < len(unassigned); i++ {
			u.owner[unassigned[next]] = f.member
			next++
		}
	}
	if next < len(unassigned) {
		// Unreachable with a valid input (quotas add up to the total).
		return nil, fmt.Errorf("uniform: PartitionAssignorException: Partitions were left unassigned")
	}
	return u.uniPlan(u.owner, include), nil
}

// subscribedTopicOrder is the iteration order of the homogeneous builder's
// subscribedTopicIds = new HashSet<>(first member's TopicIds).
//
// NB: a HashSet<Uuid> copy: table size JavaHashSetCopyCapacity(n) with n =
// TopicIds.size() (the number of names), buckets of Uuid.hashCode, ties in
// TopicIds iteration order (nameSetOrder).
func (u *uniGroup) subscribedTopicOrder(m int32) []int32 {
	byName := u.nameSetOrder(m)
	capacity := JavaHashSetCopyCapacity(len(byName))
	buckets := make([]uint32, len(byName))
	for i, t := range byName {
		buckets[i] = spread(u.topicHash[t]) & uint32(capacity-1)
	}
	out := make([]int32, len(byName))
	for i, pos := range uniBucketOrder(buckets, capacity, nil) {
		out[i] = byName[pos]
	}
	return out
}

// ownedOrder returns the positions of member m's owned topics in the
// iteration order of its current target assignment map.
//
// NB: production replays the target assignment record with Collectors.toMap,
// a default HashMap<Uuid, Set<Integer>>: buckets of Uuid.hashCode in a table
// of JavaDefaultCapacity(k), ties in record order (we take the input's order,
// sorted by topic name). Kafka's tests use LinkedHashMap (ownedInInputOrder).
func (u *uniGroup) ownedOrder(m int32, order []int32, buckets []uint32) ([]int32, []uint32) {
	topics := u.ownedTopic[m]
	k := len(topics)
	if k <= 1 || u.opts.ownedInInputOrder {
		order = slices.Grow(order[:0], k)[:k]
		for i := range order {
			order[i] = int32(i)
		}
		return order, buckets
	}
	capacity := JavaDefaultCapacity(k)
	buckets = slices.Grow(buckets[:0], k)[:k]
	for i, t := range topics {
		buckets[i] = spread(u.topicHash[t]) & uint32(capacity-1)
	}
	return uniBucketOrder(buckets, capacity, order), buckets
}

// uniSetOrder returns parts (ascending) in the iteration order of
// new HashSet<>(parts).
//
// NB: HashSet copy: table size JavaHashSetCopyCapacity(n), Integer.hashCode
// is the value, ties in list order (ascending, see uniform.go). When every
// partition is below the table size the order is ascending.
func uniSetOrder(parts []int32) []int32 {
	capacity := JavaHashSetCopyCapacity(len(parts))
	if int(parts[len(parts)-1]) < capacity {
		return parts
	}
	mask := uint32(capacity - 1)
	keys := make([]uint64, len(parts))
	for i, p := range parts {
		keys[i] = uint64(spread(p)&mask)<<32 | uint64(i)
	}
	slices.Sort(keys) // keys are distinct, so this is the stable bucket order
	out := make([]int32, len(parts))
	for i, k := range keys {
		out[i] = parts[uint32(k)]
	}
	return out
}
