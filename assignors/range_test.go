package assignors

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Helpers shared by range_test.go, roundrobin_test.go and serverrange_test.go.

// rngTopics builds metadata from "name:partitions" specs, sorted by name as
// the Group contract requires.
func rngTopics(specs ...string) []Topic {
	ts := make([]Topic, 0, len(specs))
	for _, s := range specs {
		name, n, ok := strings.Cut(s, ":")
		p, err := strconv.Atoi(n)
		if !ok || err != nil {
			panic("bad topic spec " + s)
		}
		ts = append(ts, Topic{Name: name, Partitions: int32(p)})
	}
	slices.SortFunc(ts, func(a, b Topic) int { return strings.Compare(a.Name, b.Name) })
	return ts
}

// rngMember builds a member; instance "" makes it dynamic.
func rngMember(id, instance string, topics ...string) Member {
	subs := slices.Clone(topics)
	slices.Sort(subs)
	return Member{ID: id, InstanceID: instance, Topics: subs, Generation: -1}
}

// rngFormat renders one member's assignment the way Kafka's tests write
// expectations ("t1-0, t1-1, t2-0"): topics in name order, partitions
// ascending, which is also the exact list order of Kafka's roundrobin.
func rngFormat(a Assignment) string {
	var parts []string
	for _, tp := range a.Topics {
		for _, p := range tp.Partitions {
			parts = append(parts, fmt.Sprintf("%s-%d", tp.Topic, p))
		}
	}
	return strings.Join(parts, ", ")
}

// rngRun runs the named assignor, checks the plan contract (complete: every
// subscribed partition of an existing topic is assigned) and returns
// member id → rngFormat.
func rngRun(t *testing.T, name string, g *Group) map[string]string {
	t.Helper()
	a, err := New(name)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := a.Assign(g)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := CheckPlan(g, plan, true); err != nil {
		t.Fatalf("%s: invalid plan: %v", name, err)
	}
	got := make(map[string]string, len(plan))
	for _, as := range plan {
		got[as.MemberID] = rngFormat(as)
	}
	return got
}

// rngByInstance re-keys a result by instance id, as Kafka's
// checkStaticAssignment does.
func rngByInstance(g *Group, byMember map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range g.Members {
		if m.InstanceID != "" {
			out[m.InstanceID] = byMember[m.ID]
		}
	}
	return out
}

// rngExpect compares a result with an expectation that lists every member.
func rngExpect(t *testing.T, got, want map[string]string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		var b strings.Builder
		keys := make([]string, 0, len(want)+len(got))
		for k := range want {
			keys = append(keys, k)
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys) // NB: stable failure messages.
		for _, k := range keys {
			mark := "  "
			if got[k] != want[k] {
				mark = "!="
			}
			fmt.Fprintf(&b, "\n  %s %-12s got [%s] want [%s]", mark, k, got[k], want[k])
		}
		t.Errorf("assignment differs:%s", b.String())
	}
}

// rngClassicCase is one transcribed case of a Kafka client assignor test.
type rngClassicCase struct {
	name    string // Kafka's test method (and step)
	topics  []Topic
	members []Member
	want    map[string]string // every member's partitions, "" for none
}

// rngRandomOpts shapes rngRandomGroup.
type rngRandomOpts struct {
	maxTopics, maxPartitions, maxMembers int
	static                               bool // some members get instance ids
	missing                              bool // some subscriptions name topics missing from metadata
	unicode                              bool // some member and instance ids are non-ASCII
}

// rngRandomGroup draws a group from r. Topic names are ASCII, as Kafka's
// legal topic names ([a-zA-Z0-9._-]) are.
func rngRandomGroup(r *rand.Rand, o rngRandomOpts) *Group {
	g := &Group{}
	nt := r.IntN(o.maxTopics + 1)
	names := make([]string, 0, nt)
	for len(names) < nt {
		// Names of varied length and shared prefixes exercise the ordering.
		name := fmt.Sprintf("t%d", r.IntN(4*o.maxTopics+1))
		if r.IntN(4) == 0 {
			name += "." + strconv.Itoa(r.IntN(3))
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		g.Topics = append(g.Topics, Topic{Name: n, Partitions: int32(r.IntN(o.maxPartitions + 1))})
	}
	nm := r.IntN(o.maxMembers + 1)
	ids := map[string]bool{}
	instances := map[string]bool{}
	mode := r.IntN(3) // 0: everyone subscribes alike, 1: a few shapes, 2: anything
	var shapes [][]string
	for range 3 {
		shapes = append(shapes, rngRandomSubscription(r, names, o.missing))
	}
	for len(g.Members) < nm {
		id := rngRandomID(r, "consumer", o.unicode)
		if ids[id] {
			continue
		}
		ids[id] = true
		m := Member{ID: id, Generation: -1}
		if o.static && r.IntN(2) == 0 {
			inst := rngRandomID(r, "instance", o.unicode)
			if !instances[inst] {
				instances[inst] = true
				m.InstanceID = inst
			}
		}
		switch mode {
		case 0:
			m.Topics = shapes[0]
		case 1:
			m.Topics = shapes[r.IntN(len(shapes))]
		default:
			m.Topics = rngRandomSubscription(r, names, o.missing)
		}
		g.Members = append(g.Members, m)
	}
	return g
}

func rngRandomSubscription(r *rand.Rand, names []string, missing bool) []string {
	var subs []string
	for _, n := range names {
		if r.IntN(3) != 0 {
			subs = append(subs, n)
		}
	}
	if missing && r.IntN(4) == 0 {
		subs = append(subs, "zz-missing-"+strconv.Itoa(r.IntN(3)))
	}
	slices.Sort(subs)
	return slices.Compact(subs)
}

func rngRandomID(r *rand.Rand, prefix string, unicode bool) string {
	id := fmt.Sprintf("%s-%d-%04x", prefix, r.IntN(40), r.IntN(1<<16))
	if unicode && r.IntN(3) == 0 {
		// U+FFFD sorts after U+1F600 in Java (UTF-16 surrogates are
		// 0xD83D...) but before it in byte order (EF BF BD < F0 9F 98 80).
		id = []string{"\U0001F600", "\uFFFD", "é", "z"}[r.IntN(4)] + id
	}
	return id
}

// rngKafkaOrder is a direct transcription of docs/model.md §6.1 used to check the
// assignors' member order: static members by instance id, then dynamic
// members by member id, comparing Java strings.
func rngKafkaOrder(ms []Member) []Member {
	out := slices.Clone(ms)
	slices.SortStableFunc(out, func(a, b Member) int {
		if (a.InstanceID != "") != (b.InstanceID != "") {
			if a.InstanceID != "" {
				return -1
			}
			return 1
		}
		if a.InstanceID != "" {
			return JavaStringCompare(a.InstanceID, b.InstanceID)
		}
		return JavaStringCompare(a.ID, b.ID)
	})
	return out
}

// Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/
// RangeAssignorTest.java (trunk, Oct 2024), transcribed. Each Kafka test runs
// for every RackConfig; with those tests' replication factor every rack holds
// every partition, so the rack-aware code changes nothing and one case covers
// them. Kafka's assertAssignment compares sets, and so does a plan (sorted).
//
// Transcribed without their rack-aware variants (rack-aware assignment is out
// of scope):
//   - testRackAwareAssignmentWithUniformSubscription, ...WithNonEqualSubscription,
//     ...WithUniformPartitions, ...WithUniformPartitionsNonEqualSubscription:
//     the verifyNonRackAwareAssignment expectation only; the
//     verifyRackAssignment calls with replication factor 1 or 2, or with
//     brokers on fewer racks than consumers, are skipped.
//   - testRackAwareAssignmentWithCoPartitioning: the two nonRackAwareAssignment
//     expectations (replication factor 3 on 2 racks, so racks cannot matter);
//     the replication factor 1 variants are skipped.
//   - testCoPartitionedAssignmentWithSameSubscription: the nullRacks variant;
//     the rackAwareAssignment expectation is skipped.
//
// Skipped entirely: testRackAwareStaticMemberRangeAssignmentPersistentAfterMemberIdChanges
// (its expected assignment is the rack-aware one).
func rngKafkaRangeCases() []rngClassicCase {
	const t1, t2 = "topic1", "topic2"
	all := []string{t1, t2}
	dyn := func(id string, topics ...string) Member { return rngMember(id, "", topics...) }
	consumers := func(subs ...[]string) []Member {
		var ms []Member
		for i, s := range subs {
			ms = append(ms, dyn("consumer"+strconv.Itoa(i), s...))
		}
		return ms
	}
	want := func(assignments ...string) map[string]string {
		w := map[string]string{}
		for i, a := range assignments {
			w["consumer"+strconv.Itoa(i)] = a
		}
		return w
	}
	tAll := []string{"t1", "t2", "t3"}
	tNon := []string{"t1", "t3"}
	t4All := []string{"t1", "t2", "t3", "t4"}
	t9 := []string{"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"}
	return []rngClassicCase{
		{
			name:    "testOneConsumerNoTopic",
			members: []Member{dyn("consumer1")},
			want:    map[string]string{"consumer1": ""},
		},
		{
			name:    "testOneConsumerNonexistentTopic",
			members: []Member{dyn("consumer1", t1)},
			want:    map[string]string{"consumer1": ""},
		},
		{
			name:    "testOneConsumerOneTopic",
			topics:  rngTopics("topic1:3"),
			members: []Member{dyn("consumer1", t1)},
			want:    map[string]string{"consumer1": "topic1-0, topic1-1, topic1-2"},
		},
		{
			name:    "testOnlyAssignsPartitionsFromSubscribedTopics",
			topics:  rngTopics("topic1:3", "other:3"),
			members: []Member{dyn("consumer1", t1)},
			want:    map[string]string{"consumer1": "topic1-0, topic1-1, topic1-2"},
		},
		{
			name:    "testOneConsumerMultipleTopics",
			topics:  rngTopics("topic1:1", "topic2:2"),
			members: []Member{dyn("consumer1", all...)},
			want:    map[string]string{"consumer1": "topic1-0, topic2-0, topic2-1"},
		},
		{
			name:    "testTwoConsumersOneTopicOnePartition",
			topics:  rngTopics("topic1:1"),
			members: []Member{dyn("consumer1", t1), dyn("consumer2", t1)},
			want:    map[string]string{"consumer1": "topic1-0", "consumer2": ""},
		},
		{
			name:    "testTwoConsumersOneTopicTwoPartitions",
			topics:  rngTopics("topic1:2"),
			members: []Member{dyn("consumer1", t1), dyn("consumer2", t1)},
			want:    map[string]string{"consumer1": "topic1-0", "consumer2": "topic1-1"},
		},
		{
			name:    "testMultipleConsumersMixedTopics",
			topics:  rngTopics("topic1:3", "topic2:2"),
			members: []Member{dyn("consumer1", t1), dyn("consumer2", all...), dyn("consumer3", t1)},
			want: map[string]string{
				"consumer1": "topic1-0",
				"consumer2": "topic1-1, topic2-0, topic2-1",
				"consumer3": "topic1-2",
			},
		},
		{
			name:    "testTwoConsumersTwoTopicsSixPartitions",
			topics:  rngTopics("topic1:3", "topic2:3"),
			members: []Member{dyn("consumer1", all...), dyn("consumer2", all...)},
			want: map[string]string{
				"consumer1": "topic1-0, topic1-1, topic2-0, topic2-1",
				"consumer2": "topic1-2, topic2-2",
			},
		},
		{
			// consumer-a sorts before consumer-b, but instance ids decide.
			name:    "testTwoStaticConsumersTwoTopicsSixPartitions",
			topics:  rngTopics("topic1:3", "topic2:3"),
			members: []Member{rngMember("consumer-b", "instance1", all...), rngMember("consumer-a", "instance2", all...)},
			want: map[string]string{
				"consumer-b": "topic1-0, topic1-1, topic2-0, topic2-1",
				"consumer-a": "topic1-2, topic2-2",
			},
		},
		{
			// A static member sorts before a dynamic one.
			name:    "testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions",
			topics:  rngTopics("topic1:3", "topic2:3"),
			members: []Member{rngMember("consumer-b", "instance1", all...), dyn("consumer-a", all...)},
			want: map[string]string{
				"consumer-b": "topic1-0, topic1-1, topic2-0, topic2-1",
				"consumer-a": "topic1-2, topic2-2",
			},
		},
		{
			name:   "testStaticMemberRangeAssignmentPersistent/first",
			topics: rngTopics("topic1:5", "topic2:4"),
			members: []Member{
				rngMember("consumer1", "instance1", all...), rngMember("consumer2", "instance2", all...),
				rngMember("consumer3", "instance3", all...), dyn("consumer4", all...),
			},
			want: map[string]string{
				"consumer1": "topic1-0, topic1-1, topic2-0",
				"consumer2": "topic1-2, topic2-1",
				"consumer3": "topic1-3, topic2-2",
				"consumer4": "topic1-4, topic2-3",
			},
		},
		{
			// The dynamic consumer4 is replaced by consumer5, which takes its place.
			name:   "testStaticMemberRangeAssignmentPersistent/replaced",
			topics: rngTopics("topic1:5", "topic2:4"),
			members: []Member{
				rngMember("consumer1", "instance1", all...), rngMember("consumer2", "instance2", all...),
				rngMember("consumer3", "instance3", all...), dyn("consumer5", all...),
			},
			want: map[string]string{
				"consumer1": "topic1-0, topic1-1, topic2-0",
				"consumer2": "topic1-2, topic2-1",
				"consumer3": "topic1-3, topic2-2",
				"consumer5": "topic1-4, topic2-3",
			},
		},
		// testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges is in
		// TestRangeKafkaStaticAfterMemberIDChanges (it compares by instance id).
		{
			name:    "testRackAwareAssignmentWithUniformSubscription/nonRack",
			topics:  rngTopics("t1:6", "t2:7", "t3:2"),
			members: consumers(tAll, tAll, tAll),
			want: want("t1-0, t1-1, t2-0, t2-1, t2-2, t3-0",
				"t1-2, t1-3, t2-3, t2-4, t3-1",
				"t1-4, t1-5, t2-5, t2-6"),
		},
		{
			// Sizes 7, 6, 2.
			name:    "testRackAwareAssignmentWithNonEqualSubscription/nonRack",
			topics:  rngTopics("t1:6", "t2:7", "t3:2"),
			members: consumers(tAll, tAll, tNon),
			want: want("t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
				"t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
				"t1-4, t1-5"),
		},
		{
			name:    "testRackAwareAssignmentWithUniformPartitions/nonRack",
			topics:  rngTopics("t1:5", "t2:5", "t3:5"),
			members: consumers(tAll, tAll, tAll),
			want: want("t1-0, t1-1, t2-0, t2-1, t3-0, t3-1",
				"t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
				"t1-4, t2-4, t3-4"),
		},
		{
			name:    "testRackAwareAssignmentWithUniformPartitionsNonEqualSubscription/nonRack",
			topics:  rngTopics("t1:5", "t2:5", "t3:5"),
			members: consumers(tAll, tAll, tNon),
			want: want("t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
				"t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
				"t1-4, t3-4"),
		},
		{
			name:    "testRackAwareAssignmentWithCoPartitioning/nonRack/split",
			topics:  rngTopics("t1:6", "t2:6", "t3:2", "t4:2"),
			members: consumers([]string{"t1", "t2"}, []string{"t1", "t2"}, []string{"t3", "t4"}, []string{"t3", "t4"}),
			want: want("t1-0, t1-1, t1-2, t2-0, t2-1, t2-2",
				"t1-3, t1-4, t1-5, t2-3, t2-4, t2-5",
				"t3-0, t4-0",
				"t3-1, t4-1"),
		},
		{
			name:    "testRackAwareAssignmentWithCoPartitioning/nonRack/all",
			topics:  rngTopics("t1:6", "t2:6", "t3:2", "t4:2"),
			members: consumers(t4All, t4All, t4All, t4All),
			want: want("t1-0, t1-1, t2-0, t2-1, t3-0, t4-0",
				"t1-2, t1-3, t2-2, t2-3, t3-1, t4-1",
				"t1-4, t2-4",
				"t1-5, t2-5"),
		},
		{
			// t7, t8 and t9 are subscribed but absent from the metadata: skipped.
			name:    "testCoPartitionedAssignmentWithSameSubscription/nonRack",
			topics:  rngTopics("t1:6", "t2:6", "t3:2", "t4:2", "t5:4", "t6:4"),
			members: consumers(t9, t9, t9),
			want: want("t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
				"t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
				"t1-4, t1-5, t2-4, t2-5, t5-3, t6-3"),
		},
	}
}

func TestRangeKafkaCases(t *testing.T) {
	for _, c := range rngKafkaRangeCases() {
		t.Run(c.name, func(t *testing.T) {
			g := &Group{Topics: c.topics, Members: c.members}
			rngExpect(t, rngRun(t, "range", g), c.want)
			// Kafka iterates HashMaps; the input order must not matter.
			rev := &Group{Topics: c.topics, Members: slices.Clone(c.members)}
			slices.Reverse(rev.Members)
			rngExpect(t, rngRun(t, "range", rev), c.want)
		})
	}
}

// testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges: three static
// members; then consumer3's instance rejoins as consumer4 and consumer2's as
// consumer5. The assignment by instance id must not change.
func TestRangeKafkaStaticAfterMemberIDChanges(t *testing.T) {
	all := []string{"topic1", "topic2"}
	topics := rngTopics("topic1:5", "topic2:5")
	before := &Group{Topics: topics, Members: []Member{
		rngMember("consumer1", "instance1", all...),
		rngMember("consumer2", "instance2", all...),
		rngMember("consumer3", "instance3", all...),
	}}
	want := map[string]string{
		"instance1": "topic1-0, topic1-1, topic2-0, topic2-1",
		"instance2": "topic1-2, topic1-3, topic2-2, topic2-3",
		"instance3": "topic1-4, topic2-4",
	}
	got := rngByInstance(before, rngRun(t, "range", before))
	rngExpect(t, got, want)

	after := &Group{Topics: topics, Members: []Member{
		rngMember("consumer1", "instance1", all...),
		rngMember("consumer5", "instance2", all...),
		rngMember("consumer4", "instance3", all...),
	}}
	rngExpect(t, rngByInstance(after, rngRun(t, "range", after)), got)
}

// Member order is Java's String order (UTF-16 code units), not Go's byte
// order: "\U0001F600x" (surrogates D83D DE00) sorts before
// "\uFFFDx" in Java, after it in bytes. The first member gets the extra.
func TestRangeJavaStringMemberOrder(t *testing.T) {
	g := &Group{
		Topics:  rngTopics("t:3"),
		Members: []Member{rngMember("\uFFFDx", "", "t"), rngMember("\U0001F600x", "", "t")},
	}
	rngExpect(t, rngRun(t, "range", g), map[string]string{"\U0001F600x": "t-0, t-1", "\uFFFDx": "t-2"})
	// Same rule for instance ids.
	g.Members[0].InstanceID, g.Members[1].InstanceID = "\uFFFD", "\U0001F600"
	g.Members[0].ID, g.Members[1].ID = "a", "b"
	rngExpect(t, rngRun(t, "range", g), map[string]string{"b": "t-0, t-1", "a": "t-2"})
}

func TestRangeEmptyAndOddInputs(t *testing.T) {
	a, _ := New("range")
	plan, err := a.Assign(&Group{Topics: rngTopics("t:3")})
	if err != nil || len(plan) != 0 {
		t.Fatalf("no members: got %v, %v; want an empty plan", plan, err)
	}
	// Kafka's metadata never lists a topic with no partitions (the client
	// skips it), so it gets nothing; a member without topics gets an entry
	// with no topics.
	g := &Group{
		Topics:  rngTopics("empty:0", "t:2"),
		Members: []Member{rngMember("a", "", "empty", "t"), rngMember("b", "")},
	}
	plan, err = a.Assign(g)
	if err != nil {
		t.Fatal(err)
	}
	want := Plan{
		{MemberID: "a", Topics: []TopicPartitions{{Topic: "t", Partitions: []int32{0, 1}}}},
		{MemberID: "b"},
	}
	if !reflect.DeepEqual(plan, want) {
		t.Fatalf("got %v, want %v", plan, want)
	}
	// Subscriptions out of order or with duplicates (the contract forbids
	// them; Kafka's are sets) give the same plan.
	g2 := &Group{Topics: g.Topics, Members: []Member{
		{ID: "a", Topics: []string{"t", "empty", "t"}}, {ID: "b"},
	}}
	if plan2, _ := a.Assign(g2); !reflect.DeepEqual(plan2, want) {
		t.Fatalf("unsorted subscription: got %v, want %v", plan2, want)
	}
}

// Appending to one member's partitions must not overwrite another's: the
// plan's slices share buffers but are capped.
func TestRangePlanSlicesAreCapped(t *testing.T) {
	g := &Group{Topics: rngTopics("a:4", "b:4"), Members: []Member{
		rngMember("m1", "", "a", "b"), rngMember("m2", "", "a", "b"),
	}}
	for _, name := range []string{"range", "roundrobin", "server-range"} {
		a, _ := New(name)
		plan, _ := a.Assign(g)
		before := fmt.Sprint(plan)
		plan[0].Topics[0].Partitions = append(plan[0].Topics[0].Partitions, 99)
		plan[0].Topics = append(plan[0].Topics, TopicPartitions{Topic: "zz"})
		plan[0].Topics = plan[0].Topics[:len(plan[0].Topics)-1]
		plan[0].Topics[0].Partitions = plan[0].Topics[0].Partitions[:len(plan[0].Topics[0].Partitions)-1]
		if after := fmt.Sprint(plan); after != before {
			t.Errorf("%s: appending changed the plan: %s -> %s", name, before, after)
		}
	}
}

// rngCheckRangeSpec checks a range plan against docs/model.md §6.2 topic by topic: the
// subscribers of a topic, in Kafka's member order, hold consecutive ranges
// from partition 0, and the first P mod C of them one partition more.
func rngCheckRangeSpec(g *Group, plan Plan) error {
	byID := map[string]Assignment{}
	for _, a := range plan {
		byID[a.MemberID] = a
	}
	sorted := rngKafkaOrder(g.Members)
	for _, topic := range g.Topics {
		var subs []Member
		for _, m := range sorted {
			if slices.Contains(m.Topics, topic.Name) {
				subs = append(subs, m)
			}
		}
		if len(subs) == 0 {
			continue
		}
		c, p := int32(len(subs)), topic.Partitions
		next := int32(0)
		for k, m := range subs {
			var got []int32
			for _, tp := range byID[m.ID].Topics {
				if tp.Topic == topic.Name {
					got = tp.Partitions
				}
			}
			size := p / c
			if int32(k) < p%c {
				size++
			}
			if int32(len(got)) != size {
				return fmt.Errorf("topic %s: member %s (rank %d of %d) has %d partitions, want %d", topic.Name, m.ID, k, c, len(got), size)
			}
			for _, q := range got {
				if q != next {
					return fmt.Errorf("topic %s: member %s has %v, want a range from %d", topic.Name, m.ID, got, next)
				}
				next++
			}
		}
		if next != p {
			return fmt.Errorf("topic %s: %d of %d partitions assigned", topic.Name, next, p)
		}
	}
	return nil
}

// Properties on random groups (fixed seeds): a valid complete plan that
// follows docs/model.md §6.2 exactly, independent of the input order, and deterministic.
func TestRangeRandomProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(0x72616e6765, 1))
	a, _ := New("range")
	for i := range 3000 {
		o := rngRandomOpts{maxTopics: 8, maxPartitions: 12, maxMembers: 10, static: true, missing: true, unicode: true}
		if i%10 == 0 {
			o = rngRandomOpts{maxTopics: 40, maxPartitions: 60, maxMembers: 80, static: true, missing: true}
		}
		g := rngRandomGroup(r, o)
		plan, err := a.Assign(g)
		if err != nil {
			t.Fatalf("group %d: %v", i, err)
		}
		if err := CheckPlan(g, plan, true); err != nil {
			t.Fatalf("group %d: %v\n%+v", i, err, g)
		}
		if err := rngCheckRangeSpec(g, plan); err != nil {
			t.Fatalf("group %d: %v\n%+v\n%v", i, err, g, plan)
		}
		again, _ := a.Assign(g)
		if !reflect.DeepEqual(plan, again) {
			t.Fatalf("group %d: two runs differ", i)
		}
		shuffled := &Group{Topics: g.Topics, Members: slices.Clone(g.Members)}
		r.Shuffle(len(shuffled.Members), func(x, y int) {
			shuffled.Members[x], shuffled.Members[y] = shuffled.Members[y], shuffled.Members[x]
		})
		if !rngSamePerMember(plan, rngMust(a.Assign(shuffled))) {
			t.Fatalf("group %d: the input order changed the assignment", i)
		}
	}
}

func rngMust(p Plan, err error) Plan {
	if err != nil {
		panic(err)
	}
	return p
}

// rngSamePerMember reports whether two plans give every member the same
// partitions, whatever the order of their entries.
func rngSamePerMember(a, b Plan) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]string{}
	for _, x := range a {
		m[x.MemberID] = rngFormat(x)
	}
	for _, x := range b {
		if v, ok := m[x.MemberID]; !ok || v != rngFormat(x) {
			return false
		}
	}
	return true
}

// Cross-check with franz-go's range balancer, an independent implementation
// (franzref_test.go), on random groups of dynamic members with ASCII ids
// (franz-go sorts by byte order, which is Java's order for ASCII).
// No disagreement with Kafka's algorithm was found, so every plan must match.
func TestRangeMatchesFranzGo(t *testing.T) {
	rngCrossCheckFranz(t, "range", 0x6672616e7a)
}

func rngCrossCheckFranz(t *testing.T, name string, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 2))
	a, _ := New(name)
	shared := 0 // groups where at least two members got partitions
	for i := range 1500 {
		o := rngRandomOpts{maxTopics: 8, maxPartitions: 16, maxMembers: 12, missing: true}
		if i%10 == 0 {
			o = rngRandomOpts{maxTopics: 30, maxPartitions: 40, maxMembers: 60, missing: true}
		}
		g := rngRandomGroup(r, o)
		ours, err := a.Assign(g)
		if err != nil {
			t.Fatalf("group %d: %v", i, err)
		}
		theirs, err := franzBalance(name, g)
		if err != nil {
			t.Fatalf("group %d: franz-go: %v", i, err)
		}
		if !reflect.DeepEqual(rngNormalize(ours), rngNormalize(theirs)) {
			t.Fatalf("group %d: %s differs from franz-go\ngroup: %+v\nours:   %v\nfranz:  %v", i, name, g, ours, theirs)
		}
		if lo := slices.IndexFunc(ours, func(a Assignment) bool { return len(a.Topics) > 0 }); lo >= 0 &&
			slices.ContainsFunc(ours[lo+1:], func(a Assignment) bool { return len(a.Topics) > 0 }) {
			shared++
		}
	}
	t.Logf("%s: %d of 1500 groups split partitions between members; all match franz-go", name, shared)
	if shared < 1000 {
		t.Fatalf("only %d of the groups split partitions between members: the cross-check is too weak", shared)
	}
}

// rngNormalize maps empty topic lists to nil so that "no topics" compares
// equal however it was built.
func rngNormalize(p Plan) Plan {
	out := slices.Clone(p)
	for i := range out {
		if len(out[i].Topics) == 0 {
			out[i].Topics = nil
		}
	}
	return out
}

func TestRangeRegistration(t *testing.T) {
	info, ok := Lookup("range")
	if !ok || info.Kind != Classic || !reflect.DeepEqual(info.Protocols, []RebalanceProtocol{Eager}) {
		t.Fatalf("range registered as %+v, %v", info, ok)
	}
	if p, err := ClassicProtocol([]string{"range"}); err != nil || p != Eager {
		t.Fatalf("ClassicProtocol(range) = %v, %v", p, err)
	}
	if a, _ := New("range"); a.Name() != "range" {
		t.Fatalf("Name() = %q", a.Name())
	}
}
