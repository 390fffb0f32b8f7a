package assignors

import (
	"fmt"
	"slices"
)

// Classic StickyAssignor and CooperativeStickyAssignor (KIP-54, KIP-341,
// KIP-429): clients/.../consumer/internals/AbstractStickyAssignor.java and its
// two subclasses, as of Kafka 4.4 (checked plan for plan against its classes
// by oracle_cases_test.go).
// With racks on both sides, both builders prefer rack-local partitions
// (sticky_rack.go).
//
// Goals, in priority order: balance, then keep what members owned. Kafka has
// two builders:
//
//   - all subscriptions equal: the constrained builder (sticky_constrained.go),
//     quota-driven and exact given Java's HashMap order of member ids;
//   - otherwise: the general builder (sticky_general.go), a greedy fill plus
//     repeated single-partition moves until Kafka's isBalanced holds.
//
// Example: t0 has 3 partitions; C0 owned [t0p0 t0p1 t0p2] in generation 1 and
// C1 joins. Both subscribe to t0, so the constrained builder runs: quota 1..2,
// one member may keep 2. C0 keeps [t0p0 t0p1] (owned, sorted by partition),
// C1 gets t0p2:
//
//	C0: [t0p0 t0p1]  C1: [t0p2]
//
// cooperative-sticky withholds t0p2 in this round because it is moving from
// C0: C1 gets it in the next round, after C0 revoked it.
//
// Where Kafka iterates a HashMap, the order is reproduced with javaorder.go
// and the site is marked NB. Plans are sorted (topics by name, partitions
// ascending) per the package contract; that drops Kafka's list order only.
//
// Representation: topics and members are interned to small ints, a partition
// is an int32 index into one flat space ordered by (topic in Java String
// order, partition), and per-partition state lives in flat arrays, so that
// the per-partition work never hashes a string.

func init() {
	register(Info{
		Name:      "sticky",
		Kind:      Classic,
		Protocols: []RebalanceProtocol{Eager},
		Doc:       "classic StickyAssignor: balanced, then keeps previous assignments (eager)",
	}, func() Assignor { return &stickyAssignor{maxGeneration: stickyNoGeneration} })
	register(Info{
		Name:      "cooperative-sticky",
		Kind:      Classic,
		Protocols: []RebalanceProtocol{Cooperative, Eager},
		Doc:       "classic CooperativeStickyAssignor: sticky plan, moving partitions withheld one round (KIP-429)",
	}, func() Assignor { return &stickyAssignor{cooperative: true, maxGeneration: stickyNoGeneration} })
}

// stickyNoGeneration is AbstractStickyAssignor.DEFAULT_GENERATION. A member
// whose Generation is -1 behaves exactly like one whose generation Kafka
// could not read (Optional.empty()): every use goes through orElse(-1) or
// compares "absent" with maxGeneration > -1, which gives the same answers.
const stickyNoGeneration = -1

// stickyAssignor is one Kafka assignor instance. Like Kafka's, it remembers
// the highest generation it has seen (AbstractStickyAssignor.maxGeneration is
// an instance field that is never reset), so one instance serves one group.
type stickyAssignor struct {
	cooperative   bool
	maxGeneration int32
}

func (a *stickyAssignor) Name() string {
	if a.cooperative {
		return "cooperative-sticky"
	}
	return "sticky"
}

// Assign computes Kafka's sticky plan for g. It fails only on input Kafka
// cannot receive (two members with one id) or where Kafka itself throws
// IllegalStateException (the constrained builder's internal checks).
func (a *stickyAssignor) Assign(g *Group) (Plan, error) {
	st, err := stickyIntern(g)
	if err != nil {
		return nil, err
	}
	st.rack = st.newRacks()
	equal := st.normalize(&a.maxGeneration)
	if equal && st.total > 0 && st.anyEmptySubscription() {
		// Kafka's equality test re-initialises its reference subscription
		// while it is empty, so members with no topics visited first are
		// taken to subscribe like the others, and the constrained builder
		// may hand them partitions they did not subscribe to. Where
		// cooperative-sticky withholds all of those this round, Kafka's plan
		// is still valid and is ours too. Deviation: otherwise it is
		// invalid, and ours is the general builder's, which Kafka runs when
		// such a member is visited later.
		owner, err := st.constrained(a.cooperative)
		if err == nil && st.subscribedOwners(owner) {
			return st.plan(owner), nil
		}
		equal = false
	}
	var owner []int32
	if equal {
		owner, err = st.constrained(a.cooperative)
		if err != nil {
			return nil, err
		}
	} else {
		owner = st.general(a.maxGeneration)
		if a.cooperative {
			// Kafka's general builder leaves partitionsTransferringOwnership
			// null, so CooperativeStickyAssignor recomputes it.
			st.withholdTransfers(owner)
		}
	}
	return st.plan(owner), nil
}

// stickyState is a Group interned for the sticky assignors.
type stickyState struct {
	g *Group
	n int

	// Topics that take part: in the metadata with at least one partition and
	// subscribed by at least one member, exactly the keys of Kafka's
	// partitionsPerTopic (AbstractPartitionAssignor.assign skips the others).
	// Indexed in Java String order, which is also the order of the flat
	// partition space: partition p of topic t is base[t]+p.
	names []string
	parts []int32
	base  []int32 // len(names)+1; base[len(names)] is the partition count
	total int32
	index map[string]int32
	// goOrder is false when Java's topic order differs from Go's (names with
	// runes above U+FFFF); the plan is then re-sorted for the contract.
	goOrder bool

	// subs[m] lists the existing topics member m subscribes to, ascending.
	subs [][]int32
	// rank[m] is m's position in Java String order of member ids; byRank is
	// the inverse. Every sorted set of members in Kafka's code compares ids.
	rank   []int32
	byRank []int32
	// hashOrder is the iteration order of Kafka's subscriptions map, a
	// default-constructed HashMap<String, Subscription> filled in Group.Members
	// order (ConsumerCoordinator.onLeaderElected).
	hashOrder []int32
	gen       []int32

	// Normalization results (allSubscriptionsEqual).
	//
	// holder[g] is the member whose consumerToOwnedPartitions list holds
	// partition g after generation conflicts were settled, or -1; nil when no
	// member owns anything.
	holder []int32
	// multi[g]: two members of the same generation claimed g
	// (partitionsWithMultiplePreviousOwners); nil when none did.
	multi []bool

	// rack is the RackInfo when rack-aware assignment applies, else nil
	// (sticky_rack.go).
	rack *stickyRacks
}

// stickyIntern builds the interned state. Cost: O(S + O + M log M) for S
// subscription entries, O owned partitions and M members.
func stickyIntern(g *Group) (*stickyState, error) {
	n := len(g.Members)
	st := &stickyState{g: g, n: n, goOrder: true}

	meta := make(map[string]int32, len(g.Topics))
	for i, t := range g.Topics {
		if _, dup := meta[t.Name]; !dup {
			meta[t.Name] = int32(i)
		}
	}
	// Which metadata topics some member subscribes to. Consecutive members
	// with equal subscriptions (the usual case) are looked up once.
	used := make([]bool, len(g.Topics))
	for i := range g.Members {
		if i > 0 && slices.Equal(g.Members[i].Topics, g.Members[i-1].Topics) {
			continue
		}
		for _, name := range g.Members[i].Topics {
			if j, ok := meta[name]; ok {
				used[j] = true
			}
		}
	}
	for j, t := range g.Topics {
		if used[j] && t.Partitions > 0 && meta[t.Name] == int32(j) {
			st.names = append(st.names, t.Name)
		}
	}
	if !slices.IsSortedFunc(st.names, JavaStringCompare) {
		// NB: Kafka sorts topic names with String.compareTo; the contract's
		// order is Go's. They differ only for runes above U+FFFF.
		if slices.IsSorted(st.names) {
			st.goOrder = false
		}
		slices.SortFunc(st.names, JavaStringCompare)
		if !slices.IsSorted(st.names) {
			st.goOrder = false
		}
	}
	nt := len(st.names)
	st.parts = make([]int32, nt)
	st.base = make([]int32, nt+1)
	st.index = make(map[string]int32, nt)
	for t, name := range st.names {
		st.parts[t] = g.Topics[meta[name]].Partitions
		st.index[name] = int32(t)
		if int64(st.base[t])+int64(st.parts[t]) > 1<<31-1 {
			return nil, fmt.Errorf("sticky: more than 2^31-1 partitions in total")
		}
		st.base[t+1] = st.base[t] + st.parts[t]
	}
	st.total = st.base[nt]

	// Subscriptions, interned; members with the same subscription as the
	// previous one share its slice.
	st.subs = make([][]int32, n)
	st.gen = make([]int32, n)
	for i := range g.Members {
		m := &g.Members[i]
		st.gen[i] = m.Generation
		if i > 0 && slices.Equal(m.Topics, g.Members[i-1].Topics) {
			st.subs[i] = st.subs[i-1]
			continue
		}
		s := make([]int32, 0, len(m.Topics))
		for _, name := range m.Topics {
			if t, ok := st.index[name]; ok {
				s = append(s, t)
			}
		}
		slices.Sort(s)
		st.subs[i] = slices.Compact(s)
	}

	// Member ranks by id in Java String order.
	st.byRank = make([]int32, n)
	for i := range st.byRank {
		st.byRank[i] = int32(i)
	}
	slices.SortFunc(st.byRank, func(a, b int32) int {
		return JavaStringCompare(g.Members[a].ID, g.Members[b].ID)
	})
	st.rank = make([]int32, n)
	for r, m := range st.byRank {
		if r > 0 && g.Members[st.byRank[r-1]].ID == g.Members[m].ID {
			return nil, fmt.Errorf("sticky: member id %q appears twice", g.Members[m].ID)
		}
		st.rank[m] = int32(r)
	}

	// NB: the subscriptions map is a default HashMap with one entry per
	// member, inserted in Group.Members order; consumerToOwnedPartitions is
	// built by iterating it into another default HashMap of the same size, so
	// both iterate in this order.
	ids := make([]string, n)
	for i := range g.Members {
		ids[i] = g.Members[i].ID
	}
	order := JavaStringHashOrder(ids, JavaDefaultCapacity(n))
	st.hashOrder = make([]int32, n)
	for i, m := range order {
		st.hashOrder[i] = int32(m)
	}
	return st, nil
}

// ownedPartitions calls f for each partition member m reports as owned whose
// topic takes part in the assignment, in the member's list order.
//
// Deviation: a partition number outside the topic's current range is
// skipped. Kafka never sees one (partition counts only grow); its builders
// would keep it as a phantom partition and break their merge of sorted lists.
func (st *stickyState) ownedPartitions(m int, f func(g int32)) {
	next := int32(0) // owned topics are sorted: try the next topic index first
	for _, tp := range st.g.Members[m].Owned {
		t := int32(-1)
		if next < int32(len(st.names)) && st.names[next] == tp.Topic {
			t = next
		} else if x, ok := st.index[tp.Topic]; ok {
			t = x
		}
		if t < 0 {
			continue
		}
		next = t + 1
		n, b := st.parts[t], st.base[t]
		for _, p := range tp.Partitions {
			if p >= 0 && p < n {
				f(b + p)
			}
		}
	}
}

// normalize is allSubscriptionsEqual: it reports whether every member has the
// same subscription, raises *maxGeneration, and settles which member's owned
// list holds each previously owned partition (holder, multi).
//
// Members are visited in the subscriptions map's HashMap order (NB), which
// decides two things: the first visited member's subscription is the
// reference (Kafka re-initialises the reference while it is still empty, so
// members with empty subscriptions visited first do not count), and which
// claimer keeps a partition in generation conflicts:
//
//   - unclaimed: the member claims it;
//   - claimed by a member of the same generation: removed from both lists and
//     recorded as multiply claimed; the newcomer becomes the last claimer;
//   - claimed by a member of a lower generation: moves to the newcomer;
//   - otherwise the earlier claimer keeps it.
func (st *stickyState) normalize(maxGeneration *int32) bool {
	g := st.g
	equal := true
	ref := -1 // member whose subscription is Kafka's subscribedTopics set
	anyOwned := false
	for _, mi := range st.hashOrder {
		m := int(mi)
		topics := g.Members[m].Topics
		if ref < 0 || len(g.Members[ref].Topics) == 0 {
			ref = m
		} else if equal && !stickySameTopics(topics, g.Members[ref].Topics) {
			equal = false
		}
		*maxGeneration = max(*maxGeneration, st.gen[m])
		if len(g.Members[m].Owned) > 0 {
			anyOwned = true
		}
	}
	if !anyOwned || st.total == 0 {
		return equal
	}

	holder := make([]int32, st.total)
	for i := range holder {
		holder[i] = -1
	}
	claim := make([]int32, st.total) // allPreviousPartitionsToOwner
	copy(claim, holder)
	for _, mi := range st.hashOrder {
		m := mi
		gm := st.gen[m]
		st.ownedPartitions(int(m), func(p int32) {
			other := claim[p]
			switch {
			case other < 0:
				holder[p], claim[p] = m, m
			case gm == st.gen[other]:
				if st.multi == nil {
					st.multi = make([]bool, st.total)
				}
				st.multi[p] = true
				if holder[p] == other {
					holder[p] = -1
				}
				claim[p] = m
			case gm > st.gen[other]:
				holder[p], claim[p] = m, m
			}
		})
	}
	st.holder = holder
	return equal
}

// subscribedOwners reports whether every partition in owner goes to a
// member that subscribes to its topic.
func (st *stickyState) subscribedOwners(owner []int32) bool {
	for t := range st.names {
		for g := st.base[t]; g < st.base[t+1]; g++ {
			if m := owner[g]; m >= 0 && !st.subscribes(m, int32(t)) {
				return false
			}
		}
	}
	return true
}

// anyEmptySubscription reports whether some member subscribes to nothing.
func (st *stickyState) anyEmptySubscription() bool {
	for i := range st.g.Members {
		if len(st.g.Members[i].Topics) == 0 {
			return true
		}
	}
	return false
}

// stickySameTopics is Kafka's subscription equality test: the list sizes
// are equal and the reference set (a HashSet of ref) contains every topic of
// a. Subscriptions are sorted and distinct by contract, which makes this
// slice equality; other input is still compared the way Kafka does.
func stickySameTopics(a, ref []string) bool {
	if slices.Equal(a, ref) {
		return true
	}
	set := make(map[string]bool, len(ref))
	for _, t := range ref {
		set[t] = true
	}
	if len(a) != len(set) {
		return false
	}
	for _, t := range a {
		if !set[t] {
			return false
		}
	}
	return true
}

// subscribes reports whether member m subscribes to topic t.
func (st *stickyState) subscribes(m int32, t int32) bool {
	_, ok := slices.BinarySearch(st.subs[m], t)
	return ok
}

// topicOf returns the topic of partition g.
func (st *stickyState) topicOf(g int32) int32 {
	// base is ascending; the topic is the last t with base[t] <= g.
	lo, hi := 0, len(st.names)
	for lo+1 < hi {
		mid := int(uint(lo+hi) >> 1)
		if st.base[mid] <= g {
			lo = mid
		} else {
			hi = mid
		}
	}
	return int32(lo)
}

// plan turns owner (partition -> member, -1 for nobody) into the sorted Plan.
// All partition lists share one buffer and all entries another; each list is
// capped so that an append cannot spill into a neighbour.
//
// A counting sort by member puts each member's partitions, ascending (that
// is, by topic then partition), in its own region of one buffer; each member
// is then walked once, writing its entries in sequence.
func (st *stickyState) plan(owner []int32) Plan {
	n := st.n
	off := make([]int32, n+1)
	entries := 0
	last := make([]int32, n)
	for i := range last {
		last[i] = -1
	}
	for t := range st.names {
		for _, m := range owner[st.base[t]:st.base[t+1]] {
			if m < 0 {
				continue
			}
			off[m+1]++
			if last[m] != int32(t) {
				last[m] = int32(t)
				entries++
			}
		}
	}
	for m := 0; m < n; m++ {
		off[m+1] += off[m]
	}
	pb := make([]int32, off[n])
	pos := slices.Clone(off[:n])
	for g, m := range owner {
		if m >= 0 {
			pb[pos[m]] = int32(g)
			pos[m]++
		}
	}
	eb := make([]TopicPartitions, entries)
	e := 0
	plan := make(Plan, n)
	for m := 0; m < n; m++ {
		plan[m].MemberID = st.g.Members[m].ID
		part := pb[off[m]:off[m+1]]
		if len(part) == 0 {
			continue
		}
		e0 := e
		t, start := int32(-1), 0
		for i, g := range part {
			if t < 0 || g >= st.base[t+1] {
				if t >= 0 {
					eb[e] = TopicPartitions{Topic: st.names[t], Partitions: part[start:i:i]}
					e++
				}
				if t++; g >= st.base[t+1] { // usually the next topic; else search
					t = st.topicOf(g)
				}
				start = i
			}
			part[i] = g - st.base[t]
		}
		eb[e] = TopicPartitions{Topic: st.names[t], Partitions: part[start:len(part):len(part)]}
		e++
		plan[m].Topics = eb[e0:e:e]
		if !st.goOrder {
			slices.SortFunc(plan[m].Topics, func(a, b TopicPartitions) int {
				switch {
				case a.Topic < b.Topic:
					return -1
				case a.Topic > b.Topic:
					return 1
				}
				return 0
			})
		}
	}
	return plan
}
