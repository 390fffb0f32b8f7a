package assignors

import (
	"fmt"
	"slices"
)

// Classic RangeAssignor (clients/.../RangeAssignor.java, Kafka 4.4).
// Its rack-aware variant (KIP-881) is in range_rack.go; it applies only when
// racks are known on both sides (see rngNeedsRacks).
//
// For each topic on its own, the C members subscribed to it, sorted as in
// docs/model.md §6.1, split the partitions 0..P-1 into contiguous ranges: member k
// (0-based) gets floor(P/C) partitions, plus one when k < P mod C, starting
// at k*floor(P/C) + min(k, P mod C). Topics missing from the metadata are
// skipped.
//
// Example: members C0 and C1 both subscribe to t0 and t1, 3 partitions each:
//
//	C0: [t0p0 t0p1 t1p0 t1p1]
//	C1: [t0p2 t1p2]
//
// C0 gets the extra partition of every topic: range is balanced per topic,
// not across topics.

func init() {
	register(Info{
		Name:      "range",
		Kind:      Classic,
		Protocols: []RebalanceProtocol{Eager},
		Doc:       "classic RangeAssignor: contiguous ranges per topic, extras to the first members (eager)",
	}, func() Assignor { return rngAssignor{} })
}

type rngAssignor struct{}

func (rngAssignor) Name() string { return "range" }

// Assign computes Kafka's range assignment for g. It never fails: Kafka's
// classic assignor validates nothing and skips topics it has no metadata for.
func (rngAssignor) Assign(g *Group) (Plan, error) {
	st, err := rngPrepare(g, false)
	if err != nil {
		return nil, err
	}
	if racks := rngRackStates(st); racks != nil {
		return racks.assign(), nil
	}
	return st.emit(rngContiguous, nil), nil
}

// The three simple assignors (range, roundrobin, server-range) share the
// preparation below. It interns topic names to small ints once, so that the
// per-partition work never touches a string or a map, and lays every
// per-member list out in one buffer.
//
// Cost: O(M log M + S + P) for M members, S subscription entries and P
// assigned partitions, with a fixed number of allocations.

// rngState is a Group interned for the simple assignors.
type rngState struct {
	g *Group
	// names and parts describe the topics in name order (topic index order).
	names []string
	parts []int32
	// subs[m] lists the topic indexes member m subscribes to that exist in
	// the metadata: ascending, distinct. Members with equal subscriptions
	// share one slice.
	subs [][]int32
	// order is the members' input positions in Kafka's member order (docs/model.md §6.1).
	order []int
	// subscribers[t] is how many members subscribe to topic t.
	subscribers []int32
	// rank[m][j] is member m's position, in Kafka's member order, among the
	// subscribers of topic subs[m][j].
	rank [][]int32
}

// rngPrepare interns g. With strict set (the KIP-848 server assignors) a
// subscribed topic missing from the metadata is an error, as Kafka's server
// RangeAssignor throws PartitionAssignorException; without it (the classic
// assignors) such topics are skipped.
func rngPrepare(g *Group, strict bool) (*rngState, error) {
	st := &rngState{g: g}
	index := st.internTopics()

	n := len(g.Members)
	st.subs = make([][]int32, n)
	// A member whose subscription equals the previous member's (the common
	// case: every member of a group subscribes alike) shares its interned
	// list. Comparing equal strings is cheap, and free when they share
	// storage. The first pass finds them and sizes the buffer.
	same := make([]bool, n)
	total := 0
	for i := range g.Members {
		if i > 0 && slices.Equal(g.Members[i].Topics, g.Members[i-1].Topics) {
			same[i] = true
		} else {
			total += len(g.Members[i].Topics)
		}
	}
	buf := make([]int32, 0, total)
	// stamp[t] == i+1 once member i listed topic t: drops duplicates, which
	// Kafka cannot have (a subscription is a set).
	stamp := make([]int32, len(st.names))
	var missing []int // members subscribed to a topic missing from metadata
	for i := range g.Members {
		if same[i] {
			st.subs[i] = st.subs[i-1]
			if len(missing) > 0 && missing[len(missing)-1] == i-1 {
				missing = append(missing, i)
			}
			continue
		}
		start := len(buf)
		sorted, absent := true, false
		for _, name := range g.Members[i].Topics {
			t, ok := index[name]
			if !ok {
				absent = true
				continue
			}
			if stamp[t] == int32(i+1) {
				continue
			}
			stamp[t] = int32(i + 1)
			if len(buf) > start && buf[len(buf)-1] > t {
				sorted = false
			}
			buf = append(buf, t)
		}
		s := buf[start:len(buf):len(buf)]
		if !sorted {
			slices.Sort(s) // NB: the plan lists topics in name order.
		}
		st.subs[i] = s
		if absent {
			missing = append(missing, i)
		}
	}

	st.order = sortMembersKafka(g.Members)

	if strict && len(missing) > 0 {
		// Kafka's message names neither the member nor the topic; ours names
		// the first member in Kafka's member order and its first missing
		// topic in name order, so that the message is deterministic.
		bad := make([]bool, n)
		for _, i := range missing {
			bad[i] = true
		}
		for _, i := range st.order {
			if !bad[i] {
				continue
			}
			m := &g.Members[i]
			var names []string
			for _, name := range m.Topics {
				if _, ok := index[name]; !ok {
					names = append(names, name)
				}
			}
			slices.Sort(names)
			return nil, fmt.Errorf("member %q subscribes to topic %q, which is not in the metadata: "+
				"PartitionAssignorException: Member is subscribed to a non-existent topic", m.ID, names[0])
		}
	}

	// Ranks: visiting members in Kafka's order, each member's position among
	// a topic's subscribers is the number of subscribers seen before it.
	st.subscribers = make([]int32, len(st.names))
	st.rank = make([][]int32, n)
	rankBuf := make([]int32, 0, rngSumLen(st.subs))
	for i := range st.subs {
		start := len(rankBuf)
		rankBuf = rankBuf[:start+len(st.subs[i])]
		st.rank[i] = rankBuf[start:len(rankBuf):len(rankBuf)]
	}
	for _, i := range st.order {
		r := st.rank[i]
		for j, t := range st.subs[i] {
			r[j] = st.subscribers[t]
			st.subscribers[t]++
		}
	}
	return st, nil
}

// internTopics fills names and parts from g.Topics in name order and returns
// the name → topic index map. g.Topics is sorted and distinct by contract;
// if it is not, it is sorted here and the first of equal names wins, so that
// the plan still lists topics in order.
//
// NB: topic index order is Go's byte order, and roundrobin relies on it
// being Java's String order (Kafka sorts topics in a TreeSet). The two agree
// because Kafka's legal topic names are ASCII ([a-zA-Z0-9._-]).
func (st *rngState) internTopics() map[string]int32 {
	ts := st.g.Topics
	ok := true
	for i := 1; i < len(ts); i++ {
		if ts[i-1].Name >= ts[i].Name {
			ok = false
			break
		}
	}
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	if !ok {
		slices.SortStableFunc(idx, func(a, b int) int {
			switch {
			case ts[a].Name < ts[b].Name:
				return -1
			case ts[a].Name > ts[b].Name:
				return 1
			}
			return 0
		})
		idx = slices.CompactFunc(idx, func(a, b int) bool { return ts[a].Name == ts[b].Name })
	}
	st.names = make([]string, len(idx))
	st.parts = make([]int32, len(idx))
	index := make(map[string]int32, len(idx))
	for t, i := range idx {
		st.names[t] = ts[i].Name
		st.parts[t] = max(ts[i].Partitions, 0)
		index[ts[i].Name] = int32(t)
	}
	return index
}

func rngSumLen(s [][]int32) int {
	n := 0
	for _, x := range s {
		n += len(x)
	}
	return n
}

// rngLayout says how a topic's partitions are dealt to its subscribers.
type rngLayout int

const (
	// rngContiguous: range (docs/model.md §6.2, §6.6), member k gets one contiguous range.
	rngContiguous rngLayout = iota
	// rngStrided: roundrobin (docs/model.md §6.3), member k gets every C-th partition from
	// an offset that depends on where the circular iterator stood.
	rngStrided
)

// emit builds the plan. For rngStrided, first[t] is the position, among the
// subscribers of topic t, of the member that gets partition 0; rngContiguous
// ignores it.
//
// Every (member, topic) pair with at least one partition becomes one
// TopicPartitions entry; all entries share one buffer and all partition
// lists share another, each capped so that an append cannot spill into a
// neighbour.
func (st *rngState) emit(layout rngLayout, first []int32) Plan {
	// Per topic, C subscribers share P partitions: each gets quota = P / C,
	// and extra = P mod C of them one more. Computed once per topic so that
	// the loop over (member, topic) pairs divides nothing.
	nt := len(st.names)
	quota, extra := make([]int32, nt), make([]int32, nt)
	entries, total := 0, 0
	for t, c := range st.subscribers {
		if c > 0 {
			quota[t], extra[t] = st.parts[t]/c, st.parts[t]%c
			entries += int(min(c, st.parts[t]))
			total += int(st.parts[t])
		}
	}
	plan := make(Plan, len(st.g.Members))
	eb := make([]TopicPartitions, entries)
	pb := make([]int32, total)
	e, p := 0, 0
	for i := range st.g.Members {
		e0 := e
		rank := st.rank[i]
		for j, t := range st.subs[i] {
			k, q, r := rank[j], quota[t], extra[t]
			var lo, step int32
			switch layout {
			case rngContiguous:
				// Member k's range starts after k ranges, min(k, r) of them
				// with the extra partition.
				lo, step = k*q+min(k, r), 1
			case rngStrided:
				// Member k takes partitions lo, lo+C, ...: q of them, plus
				// one when lo < P mod C.
				lo, step = k-first[t], st.subscribers[t]
				if lo < 0 {
					lo += step
				}
				k = lo
			}
			cnt := q
			if k < r {
				cnt++
			}
			if cnt == 0 {
				continue
			}
			seg := pb[p : p+int(cnt) : p+int(cnt)]
			for x := range seg {
				seg[x] = lo
				lo += step
			}
			p += int(cnt)
			eb[e] = TopicPartitions{Topic: st.names[t], Partitions: seg}
			e++
		}
		plan[i].MemberID = st.g.Members[i].ID
		if e > e0 {
			plan[i].Topics = eb[e0:e:e]
		}
	}
	return plan
}
