package assignors

import "slices"

// The rack-aware path of the classic RangeAssignor (KIP-881, Kafka 3.5+;
// RangeAssignor.assignPartitions in Kafka 4.4).
//
// When it applies: for some topic, (1) at least one of its subscribers has a
// client.rack, (2) that rack set and the racks of the topic's replicas
// intersect, and (3) not every partition of the topic has replicas on
// exactly the same racks (when every partition is on every rack, locality
// cannot be improved). If no topic qualifies the plan is plain range.
//
// When it applies, the plan is built in two passes:
//
//  1. Rack matching. Topics with the same subscribers and the same number
//     of partitions are co-partitioned: partition p of each goes, together,
//     to the first subscriber (in member order) that has room in all of
//     them and whose rack holds a replica of p in all of them. A topic on
//     its own, if it qualifies, goes member by member: each takes, up to its
//     quota, the lowest unassigned partitions with a replica on its rack.
//     A member without a rack matches every partition.
//  2. Plain range over what is left: each member in order takes the lowest
//     unassigned partitions up to its quota.
//
// Quotas are range's: floor(P/C) each, one more for the first P mod C
// members to reach it (not the first P mod C members in order, as in plain
// range: a member that fills up during rack matching uses up an extra).
//
// Example: t0 has partitions 0..2 on racks a, b, a; C0 (rack b) and C1 (rack
// a) subscribe. Quotas are 2 and 1 with one extra. Rack matching: C0 takes
// t0p1 (its only rack-b partition); C1 takes t0p0, then has room for one
// more (the extra is still free) and takes t0p2. Plain range has nothing
// left to do:
//
//	C0: [t0p1]  C1: [t0p0 t0p2]
//
// (plain range would give C0 [t0p0 t0p1], C1 [t0p2]).

// rngTopicState is RangeAssignor.TopicAssignmentState for one topic.
type rngTopicState struct {
	t int32
	// consumers are the topic's subscribers in member order.
	consumers []int32
	// racks[p] is the set of racks holding a replica of partition p, nil
	// when no subscriber has a rack (Kafka leaves the map empty then).
	racks [][]string
	needs bool

	owner []int32 // per partition, -1 while unassigned
	left  int32   // unassigned partitions
	// next is at most the lowest unassigned partition; byRack lists, per
	// rack, the partitions with a replica there, and rackAt[r] is at most
	// the position in byRack[r] of the lowest unassigned one.
	next       int
	byRack     map[string][]int32
	rackAt     map[string]int
	assigned   []int32 // per consumer position
	quota      int32
	extraSlots int32
}

type rngRacks struct {
	st     *rngState
	rack   []string // per member
	states []*rngTopicState
}

// rngRackStates returns the rack-aware states, or nil when no topic needs
// rack-aware assignment (the plain path is then exact and much faster).
func rngRackStates(st *rngState) *rngRacks {
	g := st.g
	anyRack := false
	for i := range g.Members {
		if g.Members[i].Rack != "" {
			anyRack = true
			break
		}
	}
	if !anyRack {
		return nil
	}
	rr := &rngRacks{st: st, rack: make([]string, len(g.Members))}
	for i := range g.Members {
		rr.rack[i] = g.Members[i].Rack
	}
	topicRacks := rngTopicRacks(g)
	subs := make([][]int32, len(st.names))
	for _, i := range st.order {
		for _, t := range st.subs[i] {
			subs[t] = append(subs[t], int32(i))
		}
	}
	need := false
	for t := range st.names {
		n := st.parts[t]
		if n == 0 || len(subs[t]) == 0 {
			continue // Kafka's partitionsPerTopic holds neither
		}
		s := &rngTopicState{t: int32(t), consumers: subs[t], owner: make([]int32, n), left: n,
			assigned: make([]int32, len(subs[t]))}
		for p := range s.owner {
			s.owner[p] = -1
		}
		c := int32(len(subs[t]))
		s.quota, s.extraSlots = n/c, n%c
		consumerRacks := map[string]bool{}
		for _, m := range subs[t] {
			if rr.rack[m] != "" {
				consumerRacks[rr.rack[m]] = true
			}
		}
		if len(consumerRacks) > 0 {
			var in rngRackInterner
			s.racks = make([][]string, n)
			for p := range s.racks {
				s.racks[p] = in.racks(topicRacks[st.names[t]], p)
			}
			s.needs = rngNeedsRacks(consumerRacks, in.distinct)
		}
		need = need || s.needs
		rr.states = append(rr.states, s)
	}
	if !need {
		return nil
	}
	return rr
}

// rngTopicRacks maps topic names to their replica racks.
func rngTopicRacks(g *Group) map[string][][]string {
	m := make(map[string][][]string, len(g.Topics))
	for _, t := range g.Topics {
		if _, dup := m[t.Name]; !dup {
			m[t.Name] = t.Racks
		}
	}
	return m
}

// rngRackInterner turns replica rack lists into sets: sorted, without ""
// (a broker without a rack), and shared: partitions with the same list get
// the same slice, so the usual few distinct layouts cost one allocation each.
// The sets it returns must not be modified.
type rngRackInterner struct {
	buf  []byte
	sets map[string][]string
	// distinct lists every set handed out (one per distinct input list).
	distinct [][]string
}

// racks returns the set of partition p's replica racks in racks (empty
// when racks has no entry for p).
func (in *rngRackInterner) racks(racks [][]string, p int) []string {
	var raw []string
	if p < len(racks) {
		raw = racks[p]
	}
	in.buf = in.buf[:0]
	for _, r := range raw {
		in.buf = append(in.buf, r...)
		in.buf = append(in.buf, 0)
	}
	if set, ok := in.sets[string(in.buf)]; ok {
		return set
	}
	set := make([]string, 0, len(raw))
	for _, r := range raw {
		if r != "" {
			set = append(set, r)
		}
	}
	slices.Sort(set)
	set = slices.Clip(slices.Compact(set))
	if in.sets == nil {
		in.sets = map[string][]string{}
	}
	in.sets[string(in.buf)] = set
	in.distinct = append(in.distinct, set)
	return set
}

// rngNeedsRacks is AbstractPartitionAssignor.useRackAwareAssignment, given
// the distinct replica rack sets of the partitions concerned: some consumer
// rack holds a replica, and not every partition's replicas span exactly the
// union of all replica racks.
func rngNeedsRacks(consumerRacks map[string]bool, sets [][]string) bool {
	union := map[string]bool{}
	for _, rs := range sets {
		for _, r := range rs {
			union[r] = true
		}
	}
	disjoint := true
	for r := range union { // NB: only tests membership; order is irrelevant
		if consumerRacks[r] {
			disjoint = false
			break
		}
	}
	if disjoint {
		return false
	}
	// Each set (sorted, distinct) is a subset of the union: it equals the
	// union exactly when it is as large.
	for _, rs := range sets {
		if len(rs) != len(union) {
			return true
		}
	}
	return false
}

func (s *rngTopicState) maxAssignable(k int) int32 {
	m := s.quota - s.assigned[k]
	if s.extraSlots > 0 {
		m++
	}
	return max(0, m)
}

// onAssigned is TopicAssignmentState.onAssigned for n partitions given to
// the consumer at position k.
func (s *rngTopicState) onAssigned(k int, n int32) {
	s.assigned[k] += n
	if s.assigned[k] > s.quota {
		s.extraSlots--
	}
}

// matches is racksMatch: a consumer without a rack matches everything.
func (rr *rngRacks) matches(s *rngTopicState, m int32, p int) bool {
	r := rr.rack[m]
	if r == "" {
		return true
	}
	if s.racks == nil {
		return false
	}
	_, ok := slices.BinarySearch(s.racks[p], r)
	return ok
}

// ranges is assignRanges: each consumer in order takes the lowest
// unassigned partitions that pass the rack test (rackOnly) or any, up to
// what it may still take.
//
// Partitions only ever become assigned, so "the lowest unassigned" is kept
// by cursors that never move back: one over all partitions and, for the
// rack test, one per rack over the partitions with a replica there. That
// makes a pass linear in partitions plus members where a literal
// transcription (Kafka's) is their product.
func (rr *rngRacks) ranges(s *rngTopicState, rackOnly bool) {
	if rackOnly && s.byRack == nil && s.racks != nil {
		s.byRack = map[string][]int32{}
		for p, rs := range s.racks {
			for _, r := range rs {
				s.byRack[r] = append(s.byRack[r], int32(p))
			}
		}
		s.rackAt = map[string]int{}
	}
	for k, m := range s.consumers {
		if s.left == 0 {
			break
		}
		limit := s.maxAssignable(k)
		if limit == 0 {
			continue
		}
		var got int32
		r := rr.rack[m]
		if !rackOnly || r == "" {
			// Every partition matches: the lowest unassigned ones.
			for s.next < len(s.owner) && got < limit {
				if s.owner[s.next] < 0 {
					s.owner[s.next] = m
					got++
				}
				s.next++
			}
			for s.next < len(s.owner) && s.owner[s.next] >= 0 {
				s.next++
			}
		} else if list := s.byRack[r]; list != nil {
			i := s.rackAt[r]
			for i < len(list) && got < limit {
				if p := list[i]; s.owner[p] < 0 {
					s.owner[p] = m
					got++
				}
				i++
			}
			for i < len(list) && s.owner[list[i]] >= 0 {
				i++
			}
			s.rackAt[r] = i
		}
		if got > 0 {
			s.left -= got
			s.onAssigned(k, got)
		}
	}
}

// coPartitioned is assignCoPartitionedWithRackMatching over topics with the
// same consumers and partition count: partition p of every topic goes to
// the first consumer (in member order) that matches p's racks in every
// topic and may take one more in every topic.
//
// "May take one more" only ever turns false, so per rack a cursor over the
// consumers on that rack skips the ones that can take no more, and the
// first candidate for p is the earliest of the cursors of p's common racks
// and of the consumers without a rack (who match everything).
func (rr *rngRacks) coPartitioned(states []*rngTopicState, n int) {
	consumers := states[0].consumers
	byRack := map[string][]int{}
	for k, m := range consumers {
		byRack[rr.rack[m]] = append(byRack[rr.rack[m]], k)
	}
	at := map[string]int{}
	open := func(k int) bool {
		for _, s := range states {
			if s.maxAssignable(k) <= 0 {
				return false
			}
		}
		return true
	}
	head := func(r string) int {
		list := byRack[r]
		i := at[r]
		for i < len(list) && !open(list[i]) {
			i++
		}
		at[r] = i
		if i < len(list) {
			return list[i]
		}
		return -1
	}
	for p := 0; p < n; p++ {
		best := head("")
		if states[0].racks != nil {
			for _, r := range states[0].racks[p] {
				common := true
				for _, s := range states[1:] {
					if _, ok := slices.BinarySearch(s.racks[p], r); !ok {
						common = false
						break
					}
				}
				if !common {
					continue
				}
				if k := head(r); k >= 0 && (best < 0 || k < best) {
					best = k
				}
			}
		}
		if best < 0 {
			continue
		}
		m := consumers[best]
		for _, s := range states {
			// NB: Kafka adds p to the consumer's list even if p were already
			// taken; here p is always free (each topic's first pass).
			if s.owner[p] < 0 {
				s.left--
			}
			s.owner[p] = m
			s.onAssigned(best, 1)
		}
	}
}

// assign runs both passes and builds the plan.
func (rr *rngRacks) assign() Plan {
	// Group topics by (consumers, partition-rack map size). The groups are
	// independent (every topic has its own quotas), so their order does not
	// matter; Kafka's is a HashMap's.
	done := make([]bool, len(rr.states))
	for i, s := range rr.states {
		if done[i] {
			continue
		}
		group := []*rngTopicState{s}
		done[i] = true
		for j := i + 1; j < len(rr.states); j++ {
			o := rr.states[j]
			if !done[j] && slices.Equal(o.consumers, s.consumers) && len(o.racks) == len(s.racks) {
				group = append(group, o)
				done[j] = true
			}
		}
		switch {
		case len(group) > 1:
			rr.coPartitioned(group, len(s.racks))
		case s.needs:
			rr.ranges(s, true)
		}
	}
	for _, s := range rr.states {
		rr.ranges(s, false)
	}
	return rr.plan()
}

func (rr *rngRacks) plan() Plan {
	st := rr.st
	n := len(st.g.Members)
	plan := make(Plan, n)
	// Two passes: count each member's partitions and topic entries, then
	// carve every list from one buffer. States are in topic (name) order
	// and partitions ascending, so every member's list comes out sorted.
	cnt, ent, last := make([]int, n), make([]int, n), make([]int32, n)
	for i := range last {
		last[i] = -1
	}
	total, entries := 0, 0
	for _, s := range rr.states {
		for _, m := range s.owner {
			if m < 0 {
				continue
			}
			cnt[m]++
			total++
			if last[m] != s.t {
				last[m] = s.t
				ent[m]++
				entries++
			}
		}
	}
	buf := make([]int32, 0, total)
	eb := make([]TopicPartitions, 0, entries)
	pos := make([]int, n) // next free entry of each member in eb
	for m := 0; m < n; m++ {
		plan[m].MemberID = st.g.Members[m].ID
		pos[m] = len(eb)
		eb = eb[:len(eb)+ent[m]]
		if ent[m] > 0 {
			plan[m].Topics = eb[pos[m] : pos[m]+ent[m] : pos[m]+ent[m]]
		}
	}
	starts := make([]int, n) // where member m's partitions start in buf
	for m, off := 0, 0; m < n; m++ {
		starts[m] = off
		off += cnt[m]
	}
	buf = buf[:total]
	fill := slices.Clone(starts)
	for i := range last {
		last[i] = -1
	}
	for _, s := range rr.states {
		name := st.names[s.t]
		for p, m := range s.owner {
			if m < 0 {
				continue
			}
			if last[m] != s.t {
				if last[m] >= 0 {
					e := &eb[pos[m]]
					e.Partitions = slices.Clip(e.Partitions)
					pos[m]++
				}
				last[m] = s.t
				eb[pos[m]] = TopicPartitions{Topic: name, Partitions: buf[fill[m]:fill[m]]}
			}
			buf[fill[m]] = int32(p)
			fill[m]++
			e := &eb[pos[m]]
			e.Partitions = e.Partitions[:len(e.Partitions)+1]
		}
	}
	for m := 0; m < n; m++ {
		if last[m] >= 0 {
			e := &eb[pos[m]]
			e.Partitions = slices.Clip(e.Partitions)
		}
	}
	return plan
}
