package assignors

import (
	"math/bits"
	"slices"
)

// The general builder (AbstractStickyAssignor.GeneralAssignmentBuilder,
// Kafka 4.4), used when subscriptions differ. The Java code is the
// specification; this is the same algorithm on interned data:
//
//  1. Keep each member's still-valid owned partitions (dropping those of
//     topics it no longer subscribes to, which makes revocationRequired).
//  2. Give every other partition, topics ordered by (number of subscribers,
//     name), to the first member of the order (size, id) that subscribes.
//  3. performReassignments, over the newly assigned partitions first (only
//     when nothing had to be revoked), then over all of them, until Kafka's
//     isBalanced holds or a full pass moves nothing. A visited partition
//     moves back to its previous-generation owner when that owner has 2+
//     fewer partitions; else to the least loaded subscriber when its owner
//     has 2+ more than some subscriber. The movement tracker may substitute
//     another partition of the same topic (to undo an earlier move instead
//     of making a new one).
//  4. If the pass moved something and the balance score (sum of pairwise
//     size differences) did not improve, revert to the plan before step 3,
//     unless the plan was built from nothing.
//
// Example (StickyAssignor javadoc): t0 has 1 partition, t1 2, t2 3; C0
// subscribes to t0, C1 to t0 and t1, C2 to all three. Topics by subscriber
// count are t2, t1, t0; step 2 gives t2 to C2 (the only subscriber), t1p0 to
// C1 (empty, before C2), t1p1 to C1 (size 1 < C2's 3), t0p0 to C0:
//
//	C0: [t0p0]  C1: [t1p0 t1p1]  C2: [t2p0 t2p1 t2p2]
//
// Kafka's loop in step 3 can run forever. Ours is bounded: past the bound it goes back to the
// most balanced plan the loop produced and finishes with plain moves that
// always terminate (see stickyGeneral.finish).
//
// Java HashMap orders: the subscriptions map decides prevAssignment ties
// (prepopulatePrev, NB) and the movement tracker's HashSet decides which
// partition moves (stickyMoves, NB). Kafka iterates other HashMaps here too
// (currentAssignment in assignOwnedPartitions and balance,
// topic2AllPotentialConsumers, fixedAssignments, getBalanceScore's sizes,
// the consumer lists of topic2AllPotentialConsumers), but only to build sets
// that are sorted later, to sum, or to test existence, so their order cannot
// reach the plan.
//
// Cost: Kafka's isBalanced walks every subscribed partition of every member
// and its maybeAssign scans List.contains per member; here isBalanced is
// cached between moves and answered from per-topic minima (see isBalanced),
// and "first member of the order subscribing to t" is a word-wise AND of a
// size bucket with the topic's subscriber bitset.

// stickyGeneral is the state of one general build.
type stickyGeneral struct {
	st    *stickyState
	words int // uint64 words per member bitset

	// owner[g] is the current consumer of partition g (-1 while unassigned);
	// cnt[m] the size of m's current assignment.
	owner []int32
	cnt   []int32
	// maxSize[m] is getMaxAssignmentSize: all partitions m could get.
	maxSize []int32
	// consumers[t] is the number of members subscribing to topic t
	// (topic2AllPotentialConsumers sizes).
	consumers []int32
	// class[t] indexes classBits: one bitset over member ranks per distinct
	// set of subscribers.
	class     []int32
	classBits []uint64
	classRep  []int32 // a topic of each class

	// prevOwner/prevGen: prevAssignment, the owner of each partition in the
	// most recent generation below maxGeneration; nil when empty.
	prevOwner []int32
	prevGen   []int32

	ladder stickyLadder
	moves  stickyMoves

	revocationRequired bool

	// version counts changes of owner/cnt; the caches below are valid for
	// one version.
	version     uint64
	balancedVer uint64
	balancedVal bool
	minVer      []uint64 // per class
	minSize     []int32  // per class: min size among subscribers in the ladder
	minMember   []int32  // per class: first of them in (size, id) order
	// witness of imbalance: partition wg and member wc subscribing to its
	// topic with cnt[owner[wg]] >= cnt[wc]+2; wc < 0 when none.
	wg, wc int32

	// Steps 2 to 4 work on these (set by newGeneral).
	order        []int32
	unassigned   []stickySeg
	initializing bool

	// Livelock bound (see perform). rawAtLimit, set only by tests, leaves
	// the plan as Kafka's loop had it when the bound was hit, so that the
	// trajectory can be compared with Kafka's.
	steps, stepLimit int64
	livelock         bool
	rawAtLimit       bool

	// kafkaStray allows Kafka's move of a partition back to a previous
	// owner that no longer subscribes to its topic; strayMoves counts them.
	kafkaStray bool
	strayMoves int

	// localMasks caches firstLocal's masks.
	localMasks map[[2]uint64][]uint64
	bestScore  int64
	bestOwner  []int32
}

// stickySeg is one topic's part of a partition list: all its partitions
// (ps == nil) or the listed partition numbers, ascending.
type stickySeg struct {
	t  int32
	ps []int32
}

// general runs the builder and returns owner (partition -> member).
//
// Kafka moves a partition back to its previous-generation owner without
// checking that the owner still subscribes to its topic. The first run does
// the same; usually such a stray partition moves on again and the plan
// ends valid, and then it is Kafka's plan. Deviation: when a stray
// partition is left with a member that does not subscribe to its topic
// (Kafka's plan is invalid), the builder runs again without such moves.
func (st *stickyState) general(maxGeneration int32) []int32 {
	b := st.newGeneral(maxGeneration)
	b.kafkaStray = true
	b.run()
	if b.strayMoves == 0 || st.subscribedOwners(b.owner) {
		return b.owner
	}
	b = st.newGeneral(maxGeneration)
	b.run()
	return b.owner
}

// newGeneral prepares the builder: step 1 and the data for the others.
func (st *stickyState) newGeneral(maxGeneration int32) *stickyGeneral {
	b := &stickyGeneral{st: st, words: (st.n + 63) / 64, wc: -1}
	nt := len(st.names)
	n := st.n
	b.cnt = make([]int32, n)
	b.maxSize = make([]int32, n)
	b.consumers = make([]int32, nt)
	for m := 0; m < n; m++ {
		for _, t := range st.subs[m] {
			b.consumers[t]++
			b.maxSize[m] += st.parts[t]
		}
	}
	b.buildClasses()

	// sortedAllPartitions: topics by (subscriber count, name); topic indexes
	// are already in name order.
	order := make([]int32, nt)
	for t := range order {
		order[t] = int32(t)
	}
	slices.SortStableFunc(order, func(x, y int32) int { return int(b.consumers[x] - b.consumers[y]) })

	// Step 1: currentAssignment is the normalized owned lists minus the
	// partitions of topics the holder no longer subscribes to.
	b.owner = make([]int32, st.total)
	for i := range b.owner {
		b.owner[i] = -1
	}
	anyValid := false
	if st.holder != nil {
		for t := int32(0); t < int32(nt); t++ {
			for g := st.base[t]; g < st.base[t+1]; g++ {
				h := st.holder[g]
				if h < 0 {
					continue
				}
				if !b.subscribed(h, t) || (st.rack != nil && st.rack.mismatch(h, g)) {
					// Unsubscribed, or (with racks) not on the holder's
					// rack: given up, which requires a revocation.
					b.revocationRequired = true
					continue
				}
				b.owner[g] = h
				b.cnt[h]++
				anyValid = true
			}
		}
		b.prepopulatePrev(maxGeneration)
	}

	// Unassigned partitions in sortedAllPartitions order. NB: when nothing
	// was kept, Kafka passes sortedAllPartitions itself; the content is the
	// same.
	var unassigned []stickySeg
	var buf []int32
	for _, t := range order {
		if !anyValid {
			unassigned = append(unassigned, stickySeg{t: t})
			continue
		}
		start, all := len(buf), true
		for p := int32(0); p < st.parts[t]; p++ {
			if b.owner[st.base[t]+p] < 0 {
				buf = append(buf, p)
			} else {
				all = false
			}
		}
		switch {
		case all:
			buf = buf[:start]
			unassigned = append(unassigned, stickySeg{t: t})
		case len(buf) > start:
			unassigned = append(unassigned, stickySeg{t: t, ps: buf[start:len(buf):len(buf)]})
		}
	}

	b.ladder.init(st, b.cnt)
	for m := 0; m < n; m++ {
		b.ladder.add(int32(m))
	}
	b.order, b.unassigned, b.initializing = order, unassigned, !anyValid
	total := int64(0)
	for t := range st.names {
		if b.consumers[t] >= 2 {
			total += int64(st.parts[t])
		}
	}
	b.stepLimit = stickyStepLimit(total)
	return b
}

// run executes steps 2 to 4.
func (b *stickyGeneral) run() { b.balance(b.order, b.unassigned, b.initializing) }

// buildClasses groups topics by their set of subscribers and stores one
// bitset over member ranks per distinct set, so that "first member of the
// order subscribing to t" is a word-wise AND. When those bitsets would be
// too large (very many distinct subscriber sets times very many members),
// classBits stays nil and membership falls back to a binary search in the
// member's subscription.
func (b *stickyGeneral) buildClasses() {
	st := b.st
	nt, w := len(st.names), b.words
	// Subscriber ranks per topic, ascending (members visited in rank order).
	off := make([]int32, nt+1)
	for t := 0; t < nt; t++ {
		off[t+1] = off[t] + b.consumers[t]
	}
	ranks := make([]int32, off[nt])
	fill := slices.Clone(off[:nt])
	for _, m := range st.byRank {
		for _, t := range st.subs[m] {
			ranks[fill[t]] = st.rank[m]
			fill[t]++
		}
	}
	// Dedupe by content; the map is used for lookups only and class ids are
	// given in topic order, so nothing depends on map order.
	b.class = make([]int32, nt)
	seen := make(map[string]int32)
	var rep []int32 // one topic per class
	key := make([]byte, 0, 64)
	for t := 0; t < nt; t++ {
		key = key[:0]
		for _, r := range ranks[off[t]:off[t+1]] {
			key = append(key, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
		}
		c, ok := seen[string(key)]
		if !ok {
			c = int32(len(rep))
			seen[string(key)] = c
			rep = append(rep, int32(t))
		}
		b.class[t] = c
	}
	nc := len(rep)
	if nc*w <= stickyClassBitsBudget {
		b.classBits = make([]uint64, nc*w)
		for c, t := range rep {
			row := b.classBits[c*w : (c+1)*w]
			for _, r := range ranks[off[t]:off[t+1]] {
				row[r>>6] |= 1 << (r & 63)
			}
		}
	}
	b.classRep = rep
	b.minVer = make([]uint64, nc)
	b.minSize = make([]int32, nc)
	b.minMember = make([]int32, nc)
	for c := range b.minVer {
		b.minVer[c] = ^uint64(0)
	}
}

// stickyClassBitsBudget caps the subscriber bitsets at 32 MiB (in words).
// A variable so that tests can force the fallback.
var stickyClassBitsBudget = 1 << 22

// prepopulatePrev is prepopulateCurrentAssignments: the partitions reported
// by members of a generation below maxGeneration, kept for the most recent
// such generation.
//
// NB: members are visited in the subscriptions map's HashMap order and a
// later member replaces an entry only with a strictly higher generation, so
// among equal generations the first member in HashMap order wins. The
// partitions are the member's raw list (its topics need not be subscribed).
func (b *stickyGeneral) prepopulatePrev(maxGeneration int32) {
	st := b.st
	for _, m := range st.hashOrder {
		gm := st.gen[m]
		if gm >= maxGeneration || len(st.g.Members[m].Owned) == 0 {
			continue
		}
		if b.prevOwner == nil {
			b.prevOwner = make([]int32, st.total)
			b.prevGen = make([]int32, st.total)
			for i := range b.prevOwner {
				b.prevOwner[i] = -1
			}
		}
		st.ownedPartitions(int(m), func(g int32) {
			if b.prevOwner[g] < 0 || gm > b.prevGen[g] {
				b.prevOwner[g], b.prevGen[g] = m, gm
			}
		})
	}
}

// subscribed reports whether member m subscribes to topic t.
func (b *stickyGeneral) subscribed(m, t int32) bool {
	if b.classBits == nil {
		return b.st.subscribes(m, t)
	}
	r := b.st.rank[m]
	return b.classBits[int(b.class[t])*b.words+int(r>>6)]&(1<<(r&63)) != 0
}

// firstSub returns the first member of the (size, id) order that subscribes
// to a topic of class cls, and its size; -1 when there is none.
func (b *stickyGeneral) firstSub(cls int32) (int32, int32) {
	if b.classBits != nil {
		return b.ladder.firstIn(b.classBits[int(cls)*b.words : int(cls+1)*b.words])
	}
	t := b.classRep[cls]
	return b.ladder.firstWhere(func(m int32) bool { return b.st.subscribes(m, t) })
}

// firstLocal returns the first member of the (size, id) order that
// subscribes to topic t and does not mismatch partition g, or -1. With
// interned racks and class bitsets it is one masked ladder walk: the mask
// is the topic's subscribers among the members without a rack or on one of
// g's racks, cached per (topic class, racks of g).
func (b *stickyGeneral) firstLocal(t, g int32) int32 {
	rk := b.st.rack
	if rk.bit == nil || b.classBits == nil {
		m, _ := b.ladder.firstWhere(func(m int32) bool { return b.subscribed(m, t) && !rk.mismatch(m, g) })
		return m
	}
	key := [2]uint64{uint64(b.class[t]), rk.mask[g]}
	mask, ok := b.localMasks[key]
	if !ok {
		if b.localMasks == nil {
			b.localMasks = map[[2]uint64][]uint64{}
		}
		w := b.words
		mask = make([]uint64, w)
		cls := b.classBits[int(b.class[t])*w : int(b.class[t]+1)*w]
		for m := int32(0); m < int32(b.st.n); m++ {
			if bit := rk.bit[m]; bit == 0 || bit&rk.mask[g] != 0 {
				r := b.st.rank[m]
				mask[r>>6] |= 1 << (r & 63)
			}
		}
		for i := range mask {
			mask[i] &= cls[i]
		}
		b.localMasks[key] = mask
	}
	m, _ := b.ladder.firstIn(mask)
	return m
}

// balance is GeneralAssignmentBuilder.balance.
func (b *stickyGeneral) balance(order []int32, unassigned []stickySeg, initializing bool) {
	st := b.st
	// With racks, a first maybeAssign gives each unassigned partition to the
	// first member of the (size, id) order that subscribes to its topic and
	// does not mismatch it; the partitions it places are taken out of the
	// second, plain pass (but not out of the list reassignment visits).
	var placed []bool
	if rk := st.rack; rk != nil {
		placed = make([]bool, st.total)
		for _, s := range unassigned {
			if b.consumers[s.t] == 0 {
				continue
			}
			t := s.t
			b.forEach(s, func(g int32) bool {
				m := b.firstLocal(t, g)
				if m < 0 {
					return true
				}
				b.ladder.remove(m)
				b.cnt[m]++
				b.owner[g] = m
				b.ladder.add(m)
				placed[g] = true
				return true
			})
		}
	}
	// maybeAssign: each unassigned partition to the first member of the
	// (size, id) order that subscribes to its topic.
	for _, s := range unassigned {
		cls := b.class[s.t]
		b.forEach(s, func(g int32) bool {
			if placed != nil && placed[g] {
				return true
			}
			m, _ := b.firstSub(cls)
			if m < 0 {
				return true // no subscriber: Kafka skips the topic
			}
			b.ladder.remove(m)
			b.cnt[m]++
			b.owner[g] = m
			b.ladder.add(m)
			return true
		})
	}
	b.version++

	// Only topics with two or more subscribers and members that could still
	// change take part in reassignment.
	keep := func(segs []stickySeg) []stickySeg {
		return slices.DeleteFunc(slices.Clone(segs), func(s stickySeg) bool { return b.consumers[s.t] < 2 })
	}
	all := make([]stickySeg, len(order))
	for i, t := range order {
		all[i] = stickySeg{t: t}
	}
	all, unassigned = keep(all), keep(unassigned)
	for m := int32(0); m < int32(st.n); m++ {
		if b.cnt[m] < b.maxSize[m] {
			continue
		}
		fixed := true
		for _, t := range st.subs[m] {
			if b.consumers[t] >= 2 {
				fixed = false
				break
			}
		}
		if fixed {
			b.ladder.remove(m)
		}
	}

	var preOwner []int32
	var preScore int64
	if !initializing {
		preOwner = slices.Clone(b.owner)
		preScore = b.score()
	}
	b.bestScore = -1

	if !b.revocationRequired {
		b.perform(unassigned)
	}
	performed := b.perform(all)
	if b.livelock {
		if !b.rawAtLimit {
			b.finish()
		}
		return
	}
	if !initializing && performed && b.score() >= preScore {
		copy(b.owner, preOwner)
		b.recount()
	}
}

// stickyStepLimit bounds performReassignments: partition visits made while
// the plan is unbalanced, over both calls. Terminating runs of Kafka's loop
// need a handful of passes over the list; the bound allows 64 passes plus
// slack for tiny groups before declaring a livelock.
func stickyStepLimit(partitions int64) int64 {
	return 64*partitions + 100_000
}

// forEach calls f(g) for the partitions of s in order until f returns false;
// it reports whether it ran to the end.
func (b *stickyGeneral) forEach(s stickySeg, f func(g int32) bool) bool {
	base := b.st.base[s.t]
	if s.ps == nil {
		for g := base; g < b.st.base[s.t+1]; g++ {
			if !f(g) {
				return false
			}
		}
		return true
	}
	for _, p := range s.ps {
		if !f(base + p) {
			return false
		}
	}
	return true
}

// perform is performReassignments over list; it reports whether it moved a
// partition.
func (b *stickyGeneral) perform(list []stickySeg) bool {
	performed := false
	for {
		modified := false
	segments:
		for _, s := range list {
			t := s.t
			cls := int(b.class[t])
			ok := b.forEach(s, func(g int32) bool {
				if b.isBalanced() {
					return false
				}
				b.steps++
				if b.steps > b.stepLimit {
					b.livelock = true
					return false
				}
				c := b.owner[g]
				if b.prevOwner != nil {
					// Kafka applies this rule without checking that the
					// previous owner still subscribes to the topic (see
					// general), and throws NullPointerException when the
					// owner no longer takes part in reassignment (deviation:
					// the rule is skipped then).
					if po := b.prevOwner[g]; po >= 0 && po != c && b.ladder.in[po] &&
						b.cnt[c] > b.cnt[po]+1 {
						sub := b.subscribed(po, t)
						if sub || b.kafkaStray {
							if !sub {
								b.strayMoves++
							}
							b.reassign(g, t, po)
							performed, modified = true, true
							return true
						}
					}
				}
				// Some subscriber has 2+ fewer partitions than the owner:
				// move to the first subscriber of the (size, id) order,
				// which is that minimum.
				if ms, mm := b.minOf(cls); mm >= 0 && b.cnt[c] > ms+1 {
					b.reassign(g, t, mm)
					performed, modified = true, true
				}
				return true
			})
			if !ok {
				break segments
			}
		}
		if b.livelock {
			return performed
		}
		if modified {
			b.noteBest()
		}
		if !modified {
			return performed
		}
	}
}

// reassign is reassignPartition(partition, newConsumer): the movement
// tracker may substitute another partition of the same topic.
func (b *stickyGeneral) reassign(g, t, to int32) {
	q := b.moves.actual(b, g, t, b.owner[g], to)
	b.move(q, t, to)
}

// move is processPartitionMovement.
func (b *stickyGeneral) move(q, t, to int32) {
	from := b.owner[q]
	b.ladder.remove(from)
	if to != from {
		b.ladder.remove(to)
	}
	b.moves.record(b, q, t, from, to)
	b.cnt[from]--
	b.cnt[to]++
	b.owner[q] = to
	b.ladder.add(to)
	if to != from {
		b.ladder.add(from)
	}
	b.version++
}

// minOf returns the smallest size among the subscribers of a class that take
// part in reassignment, and the first of them in (size, id) order.
func (b *stickyGeneral) minOf(cls int) (int32, int32) {
	if b.minVer[cls] != b.version {
		m, s := b.firstSub(int32(cls))
		b.minVer[cls], b.minMember[cls], b.minSize[cls] = b.version, m, s
	}
	return b.minSize[cls], b.minMember[cls]
}

// isBalanced is Kafka's isBalanced, cached per version.
//
// Kafka returns true when the sizes differ by at most one; otherwise false
// iff some member c (not full) could take some partition of a subscribed
// topic from an owner with at least 2 more partitions. A full member owns
// every partition of its topics, so "not full" adds nothing, and members
// outside reassignment never pair up with others (they only subscribe to
// topics nobody else subscribes to). So: false iff some partition g of a
// topic t has cnt[owner[g]] >= minSize(t) + 2. That is checked per topic,
// skipping topics whose minimum is within 1 of the largest size, and the
// last violation found is re-checked first.
func (b *stickyGeneral) isBalanced() bool {
	if b.balancedVer == b.version && b.version != 0 {
		return b.balancedVal
	}
	b.balancedVer = b.version
	b.balancedVal = b.checkBalanced()
	return b.balancedVal
}

func (b *stickyGeneral) checkBalanced() bool {
	lo, hi, ok := b.ladder.minMax()
	if !ok || lo >= hi-1 {
		return true
	}
	if b.wc >= 0 && b.ladder.in[b.wc] && b.cnt[b.owner[b.wg]] >= b.cnt[b.wc]+2 {
		return false
	}
	st := b.st
	for t := int32(0); t < int32(len(st.names)); t++ {
		if b.consumers[t] < 2 {
			continue
		}
		ms, mm := b.minOf(int(b.class[t]))
		if mm < 0 || hi < ms+2 {
			continue
		}
		for g := st.base[t]; g < st.base[t+1]; g++ {
			if b.cnt[b.owner[g]] >= ms+2 {
				b.wg, b.wc = g, mm
				return false
			}
		}
	}
	return true
}

// score is getBalanceScore over the members taking part in reassignment: the
// sum over pairs of their size difference. Kafka sums in an int, so the
// result wraps like Java's (only for enormous groups).
func (b *stickyGeneral) score() int64 { return int64(int32(b.exactScore())) }

// recount recomputes cnt from owner (after a revert or a restore); the
// caller rebuilds the ladder if it still needs it.
func (b *stickyGeneral) recount() {
	for m := range b.cnt {
		b.cnt[m] = 0
	}
	for _, m := range b.owner {
		if m >= 0 {
			b.cnt[m]++
		}
	}
	b.version++
}

// noteBest remembers the most balanced plan seen at the end of a pass of
// performReassignments, for use if the loop turns out not to terminate. It
// only starts keeping copies once the loop has run longer than any
// terminating run normally does, so ordinary runs copy nothing.
func (b *stickyGeneral) noteBest() {
	if b.steps < b.stepLimit/4 {
		return
	}
	s := b.exactScore()
	if b.bestOwner == nil || s < b.bestScore {
		b.bestScore = s
		b.bestOwner = append(b.bestOwner[:0], b.owner...)
	}
}

// exactScore is the balance score without Java's int wrap:
// sum over i of (2i - (k-1)) * size_i over the k sizes in ascending order.
func (b *stickyGeneral) exactScore() int64 {
	sizes := make([]int64, 0, b.st.n)
	for m := 0; m < b.st.n; m++ {
		if b.ladder.in[m] {
			sizes = append(sizes, int64(b.cnt[m]))
		}
	}
	slices.Sort(sizes)
	var sum int64
	k := int64(len(sizes))
	for i, s := range sizes {
		sum += (2*int64(i) - (k - 1)) * s
	}
	return sum
}

// finish ends a run whose reassignment loop hit the bound: Kafka would spin
// forever here. Starting from the most balanced plan the loop produced, it
// moves, while Kafka's isBalanced fails, the witness partition from its
// owner to the witness member: a subscriber of its topic with at least 2
// fewer partitions. So the sum of squared sizes drops with every move and
// the loop ends, with a plan that Kafka's isBalanced accepts. Kafka's score-based revert is not applied:
// the plan before reassignment was unbalanced, or Kafka's loop would have
// stopped at once.
func (b *stickyGeneral) finish() {
	if b.bestOwner != nil && b.bestScore < b.exactScore() {
		copy(b.owner, b.bestOwner)
		fixedIn := slices.Clone(b.ladder.in)
		b.recount()
		b.ladder.init(b.st, b.cnt)
		for m, in := range fixedIn {
			if in {
				b.ladder.add(int32(m))
			}
		}
	}
	// isBalanced leaves a witness whenever it answers false (computed now,
	// or cached from a computation with no move since).
	for !b.isBalanced() {
		g, c := b.wg, b.wc
		b.move(g, b.st.topicOf(g), c)
	}
}

// stickyLadder is sortedCurrentSubscriptions, the TreeSet of members ordered
// by (assignment size, member id): one bitset over member ranks per size
// present, with the present sizes in a sorted slice.
type stickyLadder struct {
	words  int
	byRank []int32
	rank   []int32
	cnt    []int32 // shared with the builder; a member's key while it is in
	in     []bool
	sizes  []int32 // sizes present, ascending
	bucket []int32 // bucket of sizes[i]
	bits   []uint64
	pop    []int32
	free   []int32
	// lead[b] is at most the index of bucket b's first non-zero word: the
	// members leave the smallest bucket roughly in rank order, and the hint
	// spares rescanning the emptied words.
	lead []int32
}

func (l *stickyLadder) init(st *stickyState, cnt []int32) {
	l.words = (st.n + 63) / 64
	l.byRank, l.rank, l.cnt = st.byRank, st.rank, cnt
	l.in = make([]bool, st.n)
	l.sizes, l.bucket, l.bits, l.pop, l.free, l.lead = l.sizes[:0], l.bucket[:0], l.bits[:0], l.pop[:0], l.free[:0], l.lead[:0]
}

func (l *stickyLadder) find(s int32) (int, bool) {
	// Few sizes are present at a time; a binary search over them.
	return slices.BinarySearch(l.sizes, s)
}

// add inserts m under its current size.
func (l *stickyLadder) add(m int32) {
	s := l.cnt[m]
	i, ok := l.find(s)
	var b int32
	if ok {
		b = l.bucket[i]
	} else {
		if k := len(l.free); k > 0 {
			b = l.free[k-1]
			l.free = l.free[:k-1]
		} else {
			b = int32(len(l.pop))
			l.pop = append(l.pop, 0)
			l.lead = append(l.lead, int32(l.words))
			l.bits = append(l.bits, make([]uint64, l.words)...)
		}
		l.sizes = slices.Insert(l.sizes, i, s)
		l.bucket = slices.Insert(l.bucket, i, b)
	}
	r := l.rank[m]
	l.bits[int(b)*l.words+int(r>>6)] |= 1 << (r & 63)
	l.lead[b] = min(l.lead[b], r>>6)
	l.pop[b]++
	l.in[m] = true
}

// remove takes m out; its size must not have changed since it was added.
func (l *stickyLadder) remove(m int32) {
	if !l.in[m] {
		return
	}
	i, ok := l.find(l.cnt[m])
	if !ok {
		panic("sticky: ladder lost a member (size changed while inside)")
	}
	b := l.bucket[i]
	r := l.rank[m]
	l.bits[int(b)*l.words+int(r>>6)] &^= 1 << (r & 63)
	l.pop[b]--
	l.in[m] = false
	if l.pop[b] == 0 {
		l.lead[b] = int32(l.words)
		l.free = append(l.free, b)
		l.sizes = slices.Delete(l.sizes, i, i+1)
		l.bucket = slices.Delete(l.bucket, i, i+1)
	}
}

// minMax returns the smallest and largest sizes present.
func (l *stickyLadder) minMax() (int32, int32, bool) {
	if len(l.sizes) == 0 {
		return 0, 0, false
	}
	return l.sizes[0], l.sizes[len(l.sizes)-1], true
}

// firstIn returns the first member, in (size, id) order, whose rank bit is
// set in mask, and its size; -1 when there is none.
func (l *stickyLadder) firstIn(mask []uint64) (int32, int32) {
	for i, b := range l.bucket {
		row := l.bits[int(b)*l.words : int(b+1)*l.words]
		w := l.lead[b]
		for row[w] == 0 {
			w++ // a bucket in the list is never empty
		}
		l.lead[b] = w
		for ; int(w) < len(row); w++ {
			if x := row[w] & mask[w]; x != 0 {
				r := int(w)*64 + bits.TrailingZeros64(x)
				return l.byRank[r], l.sizes[i]
			}
		}
	}
	return -1, 0
}

// firstWhere is firstIn with a predicate instead of a mask.
func (l *stickyLadder) firstWhere(ok func(m int32) bool) (int32, int32) {
	for i, b := range l.bucket {
		row := l.bits[int(b)*l.words : int(b+1)*l.words]
		for w := int(l.lead[b]); w < len(row); w++ {
			x := row[w]
			for x != 0 {
				r := w*64 + bits.TrailingZeros64(x)
				x &= x - 1
				if m := l.byRank[r]; ok(m) {
					return m, l.sizes[i]
				}
			}
		}
	}
	return -1, 0
}

// stickyMoves is PartitionMovements: for each moved partition its first
// source and current destination, and per (topic, source, destination) the
// set of such partitions.
//
// NB: that set is a default-constructed HashSet<TopicPartition>, and
// getTheActualPartitionToBeMoved returns its iterator().next(): Java's
// HashSet order over partitions decides which partition moves. It is the
// only place where an order over partitions is Java's hash order, so hashes
// are computed only there, when the set is asked for its first element.
type stickyMoves struct {
	src, dst  []int32 // per partition; -1 when it has no record (nil until the first move)
	pos       []int32 // index of the partition in its set's elems
	perTopic  map[int32]int32
	sets      map[stickyPairKey]*stickyMoveSet
	seq       uint64
	topicHash map[int32]int32
}

type stickyPairKey struct{ t, src, dst int32 }

// stickyMoveSet is one HashSet<TopicPartition>. A Java HashSet iterates by
// bucket (hash spread, masked by its table size) and, within a bucket, in
// insertion order; the table never shrinks, so its size follows the largest
// element count the set ever had. Treeified bins (9+ partitions of one topic
// in one bucket) are not modelled.
type stickyMoveSet struct {
	elems  []int32
	seqs   []uint64
	maxLen int
}

func (mv *stickyMoves) lazyInit(total int32) {
	if mv.src != nil {
		return
	}
	mv.src = make([]int32, total)
	mv.dst = make([]int32, total)
	mv.pos = make([]int32, total)
	for i := range mv.src {
		mv.src[i], mv.dst[i] = -1, -1
	}
	mv.perTopic = make(map[int32]int32)
	mv.sets = make(map[stickyPairKey]*stickyMoveSet)
	mv.topicHash = make(map[int32]int32)
}

// actual is getTheActualPartitionToBeMoved(partition g of topic t, from its
// owner old, to member to).
func (mv *stickyMoves) actual(b *stickyGeneral, g, t, old, to int32) int32 {
	if mv.src == nil || mv.perTopic[t] == 0 {
		return g
	}
	if mv.src[g] >= 0 {
		old = mv.src[g]
	}
	set := mv.sets[stickyPairKey{t, to, old}]
	if set == nil {
		return g
	}
	return set.first(mv, b.st, t)
}

// record is movePartition(q, from, to).
func (mv *stickyMoves) record(b *stickyGeneral, q, t, from, to int32) {
	mv.lazyInit(b.st.total)
	if s := mv.src[q]; s >= 0 {
		mv.drop(q, t)
		if s != to {
			mv.put(q, t, s, to)
		}
		return
	}
	mv.put(q, t, from, to)
}

func (mv *stickyMoves) put(q, t, src, dst int32) {
	mv.src[q], mv.dst[q] = src, dst
	mv.perTopic[t]++
	k := stickyPairKey{t, src, dst}
	set := mv.sets[k]
	if set == nil {
		set = &stickyMoveSet{}
		mv.sets[k] = set
	}
	mv.pos[q] = int32(len(set.elems))
	set.elems = append(set.elems, q)
	mv.seq++
	set.seqs = append(set.seqs, mv.seq)
	set.maxLen = max(set.maxLen, len(set.elems))
}

func (mv *stickyMoves) drop(q, t int32) {
	k := stickyPairKey{t, mv.src[q], mv.dst[q]}
	set := mv.sets[k]
	i := mv.pos[q]
	last := int32(len(set.elems) - 1)
	if i != last {
		set.elems[i], set.seqs[i] = set.elems[last], set.seqs[last]
		mv.pos[set.elems[i]] = i
	}
	set.elems, set.seqs = set.elems[:last], set.seqs[:last]
	if last == 0 {
		delete(mv.sets, k) // a later record of this pair gets a new HashSet
	}
	mv.perTopic[t]--
	mv.src[q], mv.dst[q] = -1, -1
}

// first is set.iterator().next(): the element in the lowest bucket, earliest
// inserted within it.
func (s *stickyMoveSet) first(mv *stickyMoves, st *stickyState, t int32) int32 {
	th, ok := mv.topicHash[t]
	if !ok {
		th = JavaStringHash(st.names[t])
		mv.topicHash[t] = th
	}
	mask := uint32(JavaDefaultCapacity(s.maxLen) - 1)
	best, bestB, bestSeq := int32(-1), uint32(0), uint64(0)
	for i, q := range s.elems {
		p := q - st.base[t]
		// TopicPartition.hashCode: 31*(31+partition) + topic.hashCode().
		h := 31*(31+p) + th
		bk := spread(h) & mask
		if best < 0 || bk < bestB || (bk == bestB && s.seqs[i] < bestSeq) {
			best, bestB, bestSeq = q, bk, s.seqs[i]
		}
	}
	return best
}
