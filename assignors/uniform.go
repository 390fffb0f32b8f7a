package assignors

import (
	"fmt"
	"slices"
)

// The KIP-848 server-side UniformAssignor (the coordinator's default,
// group.consumer.assignors = [uniform, range]) as of Kafka 4.4:
// group-coordinator/.../assignor/UniformAssignor.java dispatches to UniformHomogeneousAssignmentBuilder when every member
// subscribes to the same topic names (uniform_homogeneous.go) and to
// UniformHeterogeneousAssignmentBuilder otherwise (uniform_heterogeneous.go,
// the KAFKA-17710 rework).
//
// Kafka 4.4's server assignors ignore racks (MemberSubscription.rackId and
// SubscribedTopicDescriber.racksForPartition exist, but neither builder
// reads them), so Member.Rack and Topic.Racks change nothing here.
//
// Input mapping. Member.Owned is the member's current *target* assignment
// (what the coordinator hands the assignor, not what the client reports);
// Member.ID is the member id; Topic.ID is the topic id (zero: TopicIDFor).
//
// Kafka's answer depends on Java iteration orders that Kafka's inputs carry
// from how the coordinator stores them. We rebuild
// them from the input, as production builds them:
//   - memberIds(): TargetAssignmentBuilder puts the member specs into a
//     default HashMap<String, ...>, inserted in Group.Members order.
//   - a member's subscription: ConsumerGroupMember keeps new HashSet<>(names)
//     and the assignor sees it through TopicIds, which iterates that name set
//     and maps each name to its topic id (TopicIds.size() counts names).
//   - a member's current target assignment: Assignment.fromRecord replays it
//     as Collectors.toMap (a default HashMap<Uuid, Set<Integer>>) of
//     new HashSet<>(partition list).
//
// Where the iteration order of such a collection depends on its history
// (entries in the same hash bucket keep their insertion order, and Kafka's
// insertion order is the iteration order of an earlier collection), we take
// the order of the input: subscription names and owned topics sorted by
// name, partitions ascending. This is the one modelling choice; it only
// matters for keys that share a bucket.
//
// Kafka's own tests build their inputs differently (TreeMap members,
// LinkedHashMap owned assignments, an explicit SubscriptionType); uniOptions
// lets the transcribed tests reproduce that (uniform_kafka_test.go).

func init() {
	register(Info{
		Name: "uniform",
		Kind: Server,
		Doc:  "KIP-848 coordinator default: balanced, sticky within quota (homogeneous and heterogeneous builders, Kafka 4.4)",
	}, func() Assignor { return uniAssignor{} })
}

// uniKind chooses the builder. Production decides (uniKindAuto); Kafka's
// builder tests pass the SubscriptionType explicitly.
type uniKind int

const (
	uniKindAuto uniKind = iota
	uniKindHomogeneous
	uniKindHeterogeneous
)

// uniOptions reproduces how Kafka's unit tests feed the assignor. The zero
// value is production.
type uniOptions struct {
	// membersInInputOrder: memberIds() iterates Group.Members in input order
	// (Kafka's tests use a TreeMap or a sorted list, so pass the members
	// sorted) instead of the production HashMap<String> order.
	membersInInputOrder bool
	// ownedInInputOrder: a member's owned topics are iterated in Owned order
	// (Kafka's tests use LinkedHashMap/TreeMap) instead of HashMap<Uuid> order.
	ownedInInputOrder bool
	// kind forces the builder (Kafka's tests set GroupSpec.subscriptionType).
	kind uniKind
}

type uniAssignor struct{ opts uniOptions }

func (uniAssignor) Name() string { return "uniform" }

func (a uniAssignor) Assign(g *Group) (Plan, error) { return uniAssign(g, a.opts) }

// uniGroup is the interned input: topics and members are small ints, every
// partition is a slot of one flat array (topic t's partitions are
// [off[t], off[t+1])).
type uniGroup struct {
	g    *Group
	opts uniOptions

	nTopics   int     // topics that exist (Group.Topics)
	topicID   []Uuid  // by topic index; missing names (see below) follow the real topics
	topicHash []int32 // Uuid.hashCode by topic index
	parts     []int32 // partition count by real topic index
	off       []int32 // flat offsets, len nTopics+1
	missing   []string

	// subs[m] holds member m's subscription as topic indices, in the input's
	// (sorted) name order. Names that are not in Group.Topics get indices
	// >= nTopics so that subscriptions still compare exactly.
	subs [][]int32
	// owned[m] lists member m's non-empty Owned entries: ownedTopic is the
	// topic index (>= nTopics for a topic missing from the metadata).
	ownedTopic [][]int32
	ownedParts [][][]int32

	// owner is the current target owner (member index in Group.Members) of
	// every partition, -1 for none.
	owner []int32

	// order is memberIds(): order[k] is a member index.
	order []int32
}

// uniAssign is the whole assignor.
func uniAssign(g *Group, opts uniOptions) (Plan, error) {
	u, err := uniPrepare(g, opts)
	if err != nil {
		return nil, err
	}
	if len(g.Members) == 0 {
		// UniformAssignor.assign: no member, empty GroupAssignment.
		return Plan{}, nil
	}
	u.order = u.memberOrder()
	homogeneous := false
	switch opts.kind {
	case uniKindHomogeneous:
		homogeneous = true
	case uniKindHeterogeneous:
	default:
		homogeneous = u.sameSubscriptions()
	}
	if homogeneous {
		return u.homogeneous()
	}
	return u.heterogeneous()
}

// uniPrepare validates the input and interns it.
func uniPrepare(g *Group, opts uniOptions) (*uniGroup, error) {
	u := &uniGroup{g: g, opts: opts, nTopics: len(g.Topics)}
	index := make(map[string]int32, len(g.Topics)) // build-time lookups only
	ids := make(map[Uuid]string, len(g.Topics))
	u.topicID = make([]Uuid, len(g.Topics))
	u.topicHash = make([]int32, len(g.Topics))
	u.parts = make([]int32, len(g.Topics))
	u.off = make([]int32, len(g.Topics)+1)
	total := int64(0)
	for i, t := range g.Topics {
		if i > 0 && g.Topics[i-1].Name >= t.Name {
			return nil, fmt.Errorf("uniform: Group.Topics must be sorted by name and distinct (%q then %q)", g.Topics[i-1].Name, t.Name)
		}
		if t.Partitions < 0 {
			return nil, fmt.Errorf("uniform: topic %q: Partitions is %d", t.Name, t.Partitions)
		}
		id := t.ID
		if id.IsZero() {
			id = TopicIDFor(t.Name)
		}
		if other, dup := ids[id]; dup {
			return nil, fmt.Errorf("uniform: topics %q and %q have the same topic id %s", other, t.Name, id)
		}
		ids[id] = t.Name
		index[t.Name] = int32(i)
		u.topicID[i] = id
		u.topicHash[i] = id.JavaHash()
		u.parts[i] = t.Partitions
		u.off[i] = int32(total)
		total += int64(t.Partitions)
		if total > 1<<31-1 {
			return nil, fmt.Errorf("uniform: more than 2^31-1 partitions")
		}
	}
	u.off[len(g.Topics)] = int32(total)

	// intern gives names missing from the metadata their own indices.
	intern := func(name string) int32 {
		if t, ok := index[name]; ok {
			return t
		}
		t := int32(len(u.topicID))
		index[name] = t
		id := TopicIDFor(name)
		u.topicID = append(u.topicID, id)
		u.topicHash = append(u.topicHash, id.JavaHash())
		u.missing = append(u.missing, name)
		return t
	}

	u.owner = make([]int32, total)
	for i := range u.owner {
		u.owner[i] = -1
	}
	n := len(g.Members)
	u.subs = make([][]int32, n)
	u.ownedTopic = make([][]int32, n)
	u.ownedParts = make([][][]int32, n)
	memberIDs := make(map[string]struct{}, n)
	nSubs := 0
	for _, m := range g.Members {
		nSubs += len(m.Topics)
	}
	subsBuf := make([]int32, 0, nSubs)
	for mi := range g.Members {
		m := &g.Members[mi]
		if _, dup := memberIDs[m.ID]; dup {
			return nil, fmt.Errorf("uniform: member id %q appears twice in Group.Members", m.ID)
		}
		memberIDs[m.ID] = struct{}{}
		// Members usually share subscriptions (often the very same slice):
		// reuse the previous member's interned list when the names are equal.
		if mi > 0 && slices.Equal(m.Topics, g.Members[mi-1].Topics) {
			u.subs[mi] = u.subs[mi-1]
		} else {
			start := len(subsBuf)
			for j, name := range m.Topics {
				if j > 0 && m.Topics[j-1] >= name {
					return nil, fmt.Errorf("uniform: member %q: Topics must be sorted and distinct (%q then %q)", m.ID, m.Topics[j-1], name)
				}
				subsBuf = append(subsBuf, intern(name))
			}
			u.subs[mi] = subsBuf[start:len(subsBuf):len(subsBuf)]
		}
		for j, tp := range m.Owned {
			if j > 0 && m.Owned[j-1].Topic >= tp.Topic {
				return nil, fmt.Errorf("uniform: member %q: Owned must be sorted by topic and distinct (%q then %q)", m.ID, m.Owned[j-1].Topic, tp.Topic)
			}
			if len(tp.Partitions) == 0 {
				continue // Kafka never stores an empty topic entry.
			}
			t := intern(tp.Topic)
			u.ownedTopic[mi] = append(u.ownedTopic[mi], t)
			u.ownedParts[mi] = append(u.ownedParts[mi], tp.Partitions)
			for k, p := range tp.Partitions {
				if k > 0 && tp.Partitions[k-1] >= p {
					return nil, fmt.Errorf("uniform: member %q: Owned partitions of %q must be ascending and distinct", m.ID, tp.Topic)
				}
				if p < 0 {
					return nil, fmt.Errorf("uniform: member %q: Owned lists %s-%d", m.ID, tp.Topic, p)
				}
				if int(t) >= u.nTopics {
					continue // a deleted topic: Kafka drops it, nothing to check.
				}
				if p >= u.parts[t] {
					return nil, fmt.Errorf("uniform: member %q: Owned lists %s-%d but the topic has %d partitions", m.ID, tp.Topic, p, u.parts[t])
				}
				slot := u.off[t] + p
				if prev := u.owner[slot]; prev >= 0 {
					return nil, fmt.Errorf("uniform: %s-%d is in the Owned target assignment of both %q and %q", tp.Topic, p, g.Members[prev].ID, m.ID)
				}
				u.owner[slot] = int32(mi)
			}
		}
	}
	return u, nil
}

// memberOrder is groupSpec.memberIds().
//
// NB: production iterates TargetAssignmentBuilder's HashMap<String, ...> of
// member specs: by bucket of String.hashCode in a
// default-sized table, ties in insertion (Group.Members) order.
func (u *uniGroup) memberOrder() []int32 {
	n := len(u.g.Members)
	if u.opts.membersInInputOrder {
		order := make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		return order
	}
	buckets := make([]uint32, n)
	mask := uint32(JavaDefaultCapacity(n) - 1)
	for i := range u.g.Members {
		buckets[i] = spread(JavaStringHash(u.g.Members[i].ID)) & mask
	}
	return uniBucketOrder(buckets, int(mask)+1, nil)
}

// sameSubscriptions is ModernGroup.subscriptionType: HOMOGENEOUS when every
// subscribed topic name has as many subscribers as the group has members,
// i.e. every member subscribes to the same names (missing topics included).
func (u *uniGroup) sameSubscriptions() bool {
	first := u.subs[0]
	for _, s := range u.subs[1:] {
		if !slices.Equal(s, first) {
			return false
		}
	}
	return true
}

// nameSetOrder returns member m's subscription (topic indices) in the
// iteration order of its HashSet<String> of names, which is TopicIds'
// iteration order.
//
// NB: ConsumerGroupMember stores new HashSet<>(list of names): table size
// JavaHashSetCopyCapacity(n), buckets of String.hashCode, ties in list order
// (we take the input's sorted order).
func (u *uniGroup) nameSetOrder(m int32) []int32 {
	subs := u.subs[m]
	names := u.g.Members[m].Topics
	capacity := JavaHashSetCopyCapacity(len(names))
	buckets := make([]uint32, len(names))
	for i, name := range names {
		buckets[i] = spread(JavaStringHash(name)) & uint32(capacity-1)
	}
	out := make([]int32, len(subs))
	for i, pos := range uniBucketOrder(buckets, capacity, nil) {
		out[i] = subs[pos]
	}
	return out
}

// missingTopicError is the PartitionAssignorException both builders throw
// for a subscribed topic id that the topic metadata does not know.
//
// NB: in production TopicIds resolves names through the same metadata
// image, so Kafka only reaches this when its subscription metadata lags the
// image; in this model any subscribed name missing from Group.Topics does.
func (u *uniGroup) missingTopicError(t int32) error {
	name := u.missing[int(t)-u.nTopics]
	return fmt.Errorf("uniform: PartitionAssignorException: Members are subscribed to topic %s which doesn't exist in the topic metadata. (topic %q is not in the group's topics)", u.topicID[t], name)
}

// uniBucketOrder returns 0..n-1 ordered by bucket, ties by position: the
// iteration order of a Java HashMap/HashSet whose keys were inserted in
// position order and fall into the given buckets of a table of the given
// size. Treeified bins are not modelled (javaorder.go).
func uniBucketOrder(buckets []uint32, capacity int, out []int32) []int32 {
	n := len(buckets)
	out = slices.Grow(out[:0], n)[:n]
	if n <= 32 {
		// Stable insertion sort: small sets are the common case.
		for i := 0; i < n; i++ {
			j := i
			for j > 0 && buckets[out[j-1]] > buckets[i] {
				out[j] = out[j-1]
				j--
			}
			out[j] = int32(i)
		}
		return out
	}
	// Counting sort over the table: stable, O(n + capacity), and the table
	// is at most a few times n.
	count := make([]int32, capacity+1)
	for _, b := range buckets {
		count[b+1]++
	}
	for i := 1; i <= capacity; i++ {
		count[i] += count[i-1]
	}
	for i, b := range buckets {
		out[count[b]] = int32(i)
		count[b]++
	}
	return out
}

// uniPlan turns a final owner array (member index per partition slot) into
// the sorted Plan, reading only the topics marked in include. Topics are
// visited in Group.Topics order (sorted by name) and partitions ascending,
// so every member's list comes out sorted; all partition lists are carved
// from one buffer. Owners come in runs (a member's partitions of a topic
// are mostly consecutive), so both passes walk runs.
func (u *uniGroup) uniPlan(owner []int32, include []bool) Plan {
	n := len(u.g.Members)
	nEntries := make([]int32, n)
	nParts := make([]int32, n)
	last := make([]int32, n)
	for i := range last {
		last[i] = -1
	}
	for t := 0; t < u.nTopics; t++ {
		if !include[t] {
			continue
		}
		own := owner[u.off[t]:u.off[t+1]]
		for i := 0; i < len(own); {
			m := own[i]
			j := i + 1
			for j < len(own) && own[j] == m {
				j++
			}
			if m >= 0 {
				nParts[m] += int32(j - i)
				if last[m] != int32(t) {
					last[m] = int32(t)
					nEntries[m]++
				}
			}
			i = j
		}
	}
	totalEntries, totalParts := 0, 0
	entryAt := make([]int32, n) // next free entry of each member
	partAt := make([]int32, n)  // next free partition slot of each member
	for m := 0; m < n; m++ {
		entryAt[m] = int32(totalEntries)
		partAt[m] = int32(totalParts)
		totalEntries += int(nEntries[m])
		totalParts += int(nParts[m])
		last[m] = -1
	}
	entries := make([]TopicPartitions, totalEntries)
	entryStart := make([]int32, totalEntries+1) // first buf slot of each entry
	buf := make([]int32, totalParts)
	plan := make(Plan, n)
	for m := 0; m < n; m++ {
		plan[m].MemberID = u.g.Members[m].ID
		if nEntries[m] > 0 {
			s := entryAt[m]
			plan[m].Topics = entries[s : s+nEntries[m] : s+nEntries[m]]
		}
	}
	for t := 0; t < u.nTopics; t++ {
		if !include[t] {
			continue
		}
		name := u.g.Topics[t].Name
		own := owner[u.off[t]:u.off[t+1]]
		for i := 0; i < len(own); {
			m := own[i]
			j := i + 1
			for j < len(own) && own[j] == m {
				j++
			}
			if m >= 0 {
				if last[m] != int32(t) {
					last[m] = int32(t)
					entries[entryAt[m]].Topic = name
					entryStart[entryAt[m]] = partAt[m]
					entryAt[m]++
				}
				at := partAt[m]
				for p := i; p < j; p++ {
					buf[at] = int32(p)
					at++
				}
				partAt[m] = at
			}
			i = j
		}
	}
	// Each member's entries are consecutive, and so are their partitions:
	// an entry ends where the next one starts, the last at the member's end.
	for m := 0; m < n; m++ {
		first := entryAt[m] - nEntries[m]
		for e := first; e < entryAt[m]; e++ {
			end := partAt[m]
			if e+1 < entryAt[m] {
				end = entryStart[e+1]
			}
			entries[e].Partitions = buf[entryStart[e]:end:end]
		}
	}
	return plan
}
