package assignors

import (
	"cmp"
	"slices"
)

// UniformHeterogeneousAssignmentBuilder as reworked in KAFKA-17710
//, used when subscriptions differ:
//
//  1. each member keeps its owned partitions of topics it still subscribes to;
//  2. the unassigned partitions are handed out topic by topic, topics sorted
//     by partitions per subscriber (descending), then subscriber count
//     (ascending), then topic id (Uuid.compareTo); within a topic each
//     partition, ascending, goes to the least-loaded subscriber (total
//     partitions), ties by member index (position in memberIds());
//  3. up to 16 passes over the topics with at least two subscribers, in the
//     same order: while a topic's subscribers differ by more than one,
//     move the topic's partitions from the most to the least loaded.
//
// The result is nearly balanced: with overlapping subscriptions it can end
// at 9/10/11 (the builder's javadoc). Only the member order comes from a
// Java collection; every other order here is a total order Kafka sorts by.
//
// Example (Kafka's testFirstAssignmentTwoMembersTwoTopics): A subscribes to
// t1 (3 partitions) and t3 (6), B to t3. t1 and t3 both have 3 partitions
// per subscriber; t1 has fewer subscribers and goes first: A takes t1p0-2.
// For t3 the balancer sorts the subscribers once, (size, index): B (0), A
// (3), and fills level by level: B alone takes t3p0-p2; at level 3 both
// take one per round, in that sorted order: B t3p3, A t3p4, B t3p5.
// Balance finds t3's subscribers at 4 and 5 and moves nothing:
// A: [t1p0 t1p1 t1p2 t3p4] B: [t3p0 t3p1 t3p2 t3p3 t3p5].

// uniHet is the heterogeneous builder's state. Members are positions in
// memberIds() order (Kafka's member indices).
type uniHet struct {
	u      *uniGroup
	pos    []int32 // member index -> position
	size   []int32 // memberTargetAssignmentSizes, by position
	own    []int32 // owner position per partition slot, -1 for none
	subOff []int32 // topicSubscribers: subList[subOff[t]:subOff[t+1]], positions ascending
	subs   []int32
	bal    uniBalancer
}

func (u *uniGroup) heterogeneous() (Plan, error) {
	n := len(u.g.Members)
	h := &uniHet{u: u, pos: make([]int32, n), size: make([]int32, n)}
	for k, m := range u.order {
		h.pos[m] = int32(k)
	}

	// Subscribers per topic. Members are visited in memberIds() order, so
	// each topic's list is ascending by position.
	count := make([]int32, u.nTopics+1)
	for _, m := range u.order {
		for _, t := range u.subs[m] {
			if int(t) >= u.nTopics {
				// NB: the first member in memberIds() order, and its first
				// missing topic in TopicIds (name set) order, throws.
				for _, t := range u.nameSetOrder(m) {
					if int(t) >= u.nTopics {
						return nil, u.missingTopicError(t)
					}
				}
			}
			count[t+1]++
		}
	}
	h.subOff = make([]int32, u.nTopics+1)
	for t := 0; t < u.nTopics; t++ {
		h.subOff[t+1] = h.subOff[t] + count[t+1]
	}
	h.subs = make([]int32, h.subOff[u.nTopics])
	fillAt := slices.Clone(h.subOff[:u.nTopics])
	subscribed := make([]bool, u.nTopics)
	anySubscribed := false
	for k, m := range u.order {
		for _, t := range u.subs[m] {
			h.subs[fillAt[t]] = int32(k)
			fillAt[t]++
			subscribed[t] = true
			anySubscribed = true
		}
	}
	if !anySubscribed {
		// NB: no subscribed topic: empty GroupAssignment.
		return u.uniPlan(u.owner, subscribed), nil
	}

	// maybeRevokePartitions: keep owned partitions of subscribed topics.
	h.own = make([]int32, len(u.owner))
	for i := range h.own {
		h.own[i] = -1
	}
	for _, m := range u.order {
		k := h.pos[m]
		// Both lists are sorted by name, and so are the indices of topics
		// that exist (missing subscriptions were refused above), so a merge
		// walk over the indices finds the owned topics still subscribed.
		subs := u.subs[m]
		s := 0
		for j, t := range u.ownedTopic[m] {
			if int(t) >= u.nTopics {
				continue // a deleted topic: dropped.
			}
			for s < len(subs) && subs[s] < t {
				s++
			}
			if s == len(subs) || subs[s] != t {
				continue // no longer subscribed: dropped.
			}
			parts := u.ownedParts[m][j]
			h.size[k] += int32(len(parts))
			for _, p := range parts {
				h.own[u.off[t]+p] = k
			}
		}
	}

	h.bal.size = h.size

	// assignRemainingPartitions: topics with unassigned partitions, sorted.
	var topics []int32
	for t := 0; t < u.nTopics; t++ {
		if !subscribed[t] {
			continue
		}
		if slices.Contains(h.own[u.off[t]:u.off[t+1]], -1) {
			topics = append(topics, int32(t))
		}
	}
	slices.SortFunc(topics, h.compareTopics)
	for _, t := range topics {
		h.bal.initialize(h.subscribers(t))
		for slot := u.off[t]; slot < u.off[t+1]; slot++ {
			if h.own[slot] == -1 {
				h.assign(slot, h.bal.nextLeastLoaded())
			}
		}
	}

	// balance: topics with two or more subscribers, sorted the same way.
	topics = topics[:0]
	for t := 0; t < u.nTopics; t++ {
		if subscribed[t] && h.subOff[t+1]-h.subOff[t] >= 2 {
			topics = append(topics, int32(t))
		}
	}
	if len(topics) > 0 {
		slices.SortFunc(topics, h.compareTopics)
		h.balanceTopics(topics)
	}

	final := make([]int32, len(h.own))
	for i, k := range h.own {
		final[i] = -1
		if k >= 0 {
			final[i] = u.order[k]
		}
	}
	return u.uniPlan(final, subscribed), nil
}

func (h *uniHet) subscribers(t int32) []int32 { return h.subs[h.subOff[t]:h.subOff[t+1]] }

// compareTopics is the builder's topicComparator: partitions per subscriber
// descending (as Java doubles: Double.compare of the two quotients),
// subscriber count ascending, topic id ascending (Uuid.compareTo).
func (h *uniHet) compareTopics(a, b int32) int {
	sa := h.subOff[a+1] - h.subOff[a]
	sb := h.subOff[b+1] - h.subOff[b]
	ra := float64(h.u.parts[a]) / float64(sa)
	rb := float64(h.u.parts[b]) / float64(sb)
	if c := cmp.Compare(rb, ra); c != 0 {
		return c
	}
	if c := cmp.Compare(sa, sb); c != 0 {
		return c
	}
	return h.u.topicID[a].Compare(h.u.topicID[b])
}

// assign is assignPartition: move a partition slot to member position k.
func (h *uniHet) assign(slot int32, k int32) {
	if old := h.own[slot]; old >= 0 {
		h.size[old]--
	}
	h.own[slot] = k
	h.size[k]++
}

// balanceTopics repeats passes over the sorted topics until a whole lap
// makes no move, at most 16 times (MAX_ITERATION_COUNT).
func (h *uniHet) balanceTopics(topics []int32) {
	const maxIterations = 16
	last := -1
	var scratch uniBalanceScratch
	for i := 0; i < maxIterations; i++ {
		for ti, t := range topics {
			if ti == last {
				return
			}
			moved := h.balanceTopic(t, &scratch)
			if moved > 0 || last == -1 {
				last = ti
			}
		}
	}
}

type uniBalanceScratch struct {
	slot       []int32 // member position -> index in the topic's subscriber list
	start, end []int32 // per subscriber index: its range in parts
	parts      []int32 // the topic's partitions grouped by owner, ascending
}

// balanceTopic moves one topic's partitions from its most to its least
// loaded subscribers and returns how many moved.
func (h *uniHet) balanceTopic(t int32, s *uniBalanceScratch) int {
	subs := h.subscribers(t)
	if h.bal.initialize(subs) <= 1 {
		return 0
	}
	u := h.u
	off, n := u.off[t], u.parts[t]

	// The partitions sorted by (owner, partition); owners are subscribers
	// and subs is ascending, so a counting sort over subs gives that order.
	if len(s.slot) < len(h.size) {
		s.slot = make([]int32, len(h.size))
	}
	s.start = slices.Grow(s.start[:0], len(subs))[:len(subs)]
	s.end = slices.Grow(s.end[:0], len(subs))[:len(subs)]
	for i, k := range subs {
		s.slot[k] = int32(i)
		s.end[i] = 0
	}
	for _, k := range h.own[off : off+n] {
		s.end[s.slot[k]]++
	}
	at := int32(0)
	for i := range subs {
		c := s.end[i]
		s.start[i], s.end[i] = at, at
		at += c
	}
	s.parts = slices.Grow(s.parts[:0], int(n))[:n]
	for p, k := range h.own[off : off+n] {
		i := s.slot[k]
		s.parts[s.end[i]] = int32(p)
		s.end[i]++
	}

	moved := 0
	b := &h.bal
	for !b.isBalanced() {
		most := int32(-1)
		for {
			most = b.nextMostLoaded()
			if most == -1 {
				break
			}
			if i := s.slot[most]; s.end[i]-s.start[i] <= 0 {
				b.excludeMostLoaded()
				continue
			}
			break
		}
		if most == -1 {
			break // nobody has a partition of this topic to give up
		}
		i := s.slot[most]
		p := s.parts[s.end[i]-1]
		s.end[i]--
		least := b.nextLeastLoaded()
		if b.isBalanced() {
			break
		}
		h.assign(off+p, least)
		moved++
	}
	return moved
}

// uniBalancer is the builder's MemberAssignmentBalancer: two ranges over
// the subscribers sorted by (size, position), the least loaded growing
// rightwards and the most loaded leftwards. Sizes are read live.
type uniBalancer struct {
	size   []int32
	sorted []int32
	keys   []uint64

	leastEnd, leastCount, nextLeast int
	mostStart, mostEnd, mostCount   int
	nextMost                        int
}

// initialize sorts the members by (assigned partitions, position) and
// returns max - min.
func (b *uniBalancer) initialize(members []int32) int {
	// NB: memberComparator is a total order, so sorting (size<<32 | position)
	// keys gives exactly the order of Java's List.sort.
	b.keys = slices.Grow(b.keys[:0], len(members))[:len(members)]
	for i, k := range members {
		b.keys[i] = uint64(b.size[k])<<32 | uint64(k)
	}
	slices.Sort(b.keys)
	n := len(members)
	b.sorted = slices.Grow(b.sorted[:0], n)[:n]
	for i, key := range b.keys {
		b.sorted[i] = int32(uint32(key))
	}
	b.leastEnd = 0
	b.leastCount = int(b.size[b.sorted[0]]) - 1
	b.nextLeast = 0
	b.mostStart = n
	b.mostEnd = n
	b.mostCount = int(b.size[b.sorted[n-1]]) + 1
	b.nextMost = n - 1
	return int(b.size[b.sorted[n-1]] - b.size[b.sorted[0]])
}

func (b *uniBalancer) nextLeastLoaded() int32 {
	if b.nextLeast >= b.leastEnd {
		b.leastCount++
		for b.leastEnd < len(b.sorted) && int(b.size[b.sorted[b.leastEnd]]) == b.leastCount {
			b.leastEnd++
		}
		b.nextLeast = 0
	}
	k := b.sorted[b.nextLeast]
	b.nextLeast++
	return k
}

func (b *uniBalancer) nextMostLoaded() int32 {
	if b.nextMost < b.mostStart {
		if b.mostEnd <= b.mostStart && b.mostStart > 0 {
			b.mostCount = int(b.size[b.sorted[b.mostStart-1]])
		} else {
			b.mostCount--
		}
		for b.mostStart > 0 && int(b.size[b.sorted[b.mostStart-1]]) == b.mostCount {
			b.mostStart--
		}
		b.nextMost = b.mostEnd - 1
	}
	if b.nextMost < 0 {
		return -1
	}
	k := b.sorted[b.nextMost]
	b.nextMost--
	return k
}

func (b *uniBalancer) excludeMostLoaded() {
	k := b.sorted[b.nextMost+1]
	b.sorted[b.nextMost+1] = b.sorted[b.mostEnd-1]
	b.sorted[b.mostEnd-1] = k
	b.mostEnd--
}

func (b *uniBalancer) isBalanced() bool { return b.mostCount-b.leastCount <= 1 }
