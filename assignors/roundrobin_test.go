package assignors

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/
// RoundRobinAssignorTest.java, transcribed. The roundrobin assignor has no
// rack-aware variant (KIP-881 covered range and sticky only), so nothing is
// skipped. Kafka's tests compare exact lists; a plan's order (topics by
// name, partitions ascending) is Kafka's list order, because partitions are
// dealt in (topic, partition) order.
//
// The 13 tests are those of the JUnit 5 revision of the file. Its older
// JUnit 4 revision (the one stored under apache/kafka here) had a different
// testStaticMemberAssignmentPersistentAfterMemberIdChanges (3 partitions per
// topic); it is transcribed too, as a 14th case.
func rrKafkaCases() []rngClassicCase {
	const t1, t2 = "topic1", "topic2"
	all := []string{t1, t2}
	dyn := func(id string, topics ...string) Member { return rngMember(id, "", topics...) }
	statics := func(last Member) []Member {
		return []Member{
			rngMember("consumer1", "instance1", all...), rngMember("consumer2", "instance2", all...),
			rngMember("consumer3", "instance3", all...), last,
		}
	}
	return []rngClassicCase{
		{
			name:    "testOneConsumerNoTopic",
			members: []Member{dyn("consumer")},
			want:    map[string]string{"consumer": ""},
		},
		{
			name:    "testOneConsumerNonexistentTopic",
			members: []Member{dyn("consumer", "topic")},
			want:    map[string]string{"consumer": ""},
		},
		{
			name:    "testOneConsumerOneTopic",
			topics:  rngTopics("topic:3"),
			members: []Member{dyn("consumer", "topic")},
			want:    map[string]string{"consumer": "topic-0, topic-1, topic-2"},
		},
		{
			name:    "testOnlyAssignsPartitionsFromSubscribedTopics",
			topics:  rngTopics("topic:3", "other:3"),
			members: []Member{dyn("consumer", "topic")},
			want:    map[string]string{"consumer": "topic-0, topic-1, topic-2"},
		},
		{
			name:    "testOneConsumerMultipleTopics",
			topics:  rngTopics("topic1:1", "topic2:2"),
			members: []Member{dyn("consumer", all...)},
			want:    map[string]string{"consumer": "topic1-0, topic2-0, topic2-1"},
		},
		{
			name:    "testTwoConsumersOneTopicOnePartition",
			topics:  rngTopics("topic:1"),
			members: []Member{dyn("consumer1", "topic"), dyn("consumer2", "topic")},
			want:    map[string]string{"consumer1": "topic-0", "consumer2": ""},
		},
		{
			name:    "testTwoConsumersOneTopicTwoPartitions",
			topics:  rngTopics("topic:2"),
			members: []Member{dyn("consumer1", "topic"), dyn("consumer2", "topic")},
			want:    map[string]string{"consumer1": "topic-0", "consumer2": "topic-1"},
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
			name:    "testTwoDynamicConsumersTwoTopicsSixPartitions",
			topics:  rngTopics("topic1:3", "topic2:3"),
			members: []Member{dyn("consumer1", all...), dyn("consumer2", all...)},
			want: map[string]string{
				"consumer1": "topic1-0, topic1-2, topic2-1",
				"consumer2": "topic1-1, topic2-0, topic2-2",
			},
		},
		{
			name:    "testTwoStaticConsumersTwoTopicsSixPartitions",
			topics:  rngTopics("topic1:3", "topic2:3"),
			members: []Member{rngMember("consumer-b", "instance1", all...), rngMember("consumer-a", "instance2", all...)},
			want: map[string]string{
				"consumer-b": "topic1-0, topic1-2, topic2-1",
				"consumer-a": "topic1-1, topic2-0, topic2-2",
			},
		},
		{
			name:    "testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions",
			topics:  rngTopics("topic1:3", "topic2:3"),
			members: []Member{rngMember("consumer-b", "instance1", all...), dyn("consumer-a", all...)},
			want: map[string]string{
				"consumer-b": "topic1-0, topic1-2, topic2-1",
				"consumer-a": "topic1-1, topic2-0, topic2-2",
			},
		},
		{
			name:    "testStaticMemberRoundRobinAssignmentPersistent/first",
			topics:  rngTopics("topic1:3", "topic2:3"),
			members: statics(dyn("consumer4", all...)),
			want: map[string]string{
				"consumer1": "topic1-0, topic2-1",
				"consumer2": "topic1-1, topic2-2",
				"consumer3": "topic1-2",
				"consumer4": "topic2-0",
			},
		},
		{
			name:    "testStaticMemberRoundRobinAssignmentPersistent/replaced",
			topics:  rngTopics("topic1:3", "topic2:3"),
			members: statics(dyn("consumer5", all...)),
			want: map[string]string{
				"consumer1": "topic1-0, topic2-1",
				"consumer2": "topic1-1, topic2-2",
				"consumer3": "topic1-2",
				"consumer5": "topic2-0",
			},
		},
	}
}

func TestRoundRobinKafkaCases(t *testing.T) {
	for _, c := range rrKafkaCases() {
		t.Run(c.name, func(t *testing.T) {
			g := &Group{Topics: c.topics, Members: c.members}
			rngExpect(t, rngRun(t, "roundrobin", g), c.want)
			rev := &Group{Topics: c.topics, Members: slices.Clone(c.members)}
			slices.Reverse(rev.Members)
			rngExpect(t, rngRun(t, "roundrobin", rev), c.want)
		})
	}
}

// testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges (JUnit 5
// revision): 5 partitions per topic, then consumer3's instance rejoins as
// consumer4 and consumer2's as consumer5; by instance id nothing changes.
// The JUnit 4 revision's testStaticMemberAssignmentPersistentAfterMemberIdChanges:
// 3 partitions per topic, instance i gets partition i of each topic, and the
// ids then move to consumer4, consumer5 and consumer1.
func TestRoundRobinKafkaStaticAfterMemberIDChanges(t *testing.T) {
	all := []string{"topic1", "topic2"}
	for _, c := range []struct {
		name          string
		topics        []Topic
		before, after []Member
		want          map[string]string
	}{
		{
			name:   "testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges",
			topics: rngTopics("topic1:5", "topic2:5"),
			before: []Member{
				rngMember("consumer1", "instance1", all...), rngMember("consumer2", "instance2", all...),
				rngMember("consumer3", "instance3", all...),
			},
			after: []Member{
				rngMember("consumer1", "instance1", all...), rngMember("consumer5", "instance2", all...),
				rngMember("consumer4", "instance3", all...),
			},
			want: map[string]string{
				"instance1": "topic1-0, topic1-3, topic2-1, topic2-4",
				"instance2": "topic1-1, topic1-4, topic2-2",
				"instance3": "topic1-2, topic2-0, topic2-3",
			},
		},
		{
			name:   "testStaticMemberAssignmentPersistentAfterMemberIdChanges(JUnit4)",
			topics: rngTopics("topic1:3", "topic2:3"),
			before: []Member{
				rngMember("consumer1", "instance1", all...), rngMember("consumer2", "instance2", all...),
				rngMember("consumer3", "instance3", all...),
			},
			after: []Member{
				rngMember("consumer4", "instance1", all...), rngMember("consumer5", "instance2", all...),
				rngMember("consumer1", "instance3", all...),
			},
			want: map[string]string{
				"instance1": "topic1-0, topic2-0",
				"instance2": "topic1-1, topic2-1",
				"instance3": "topic1-2, topic2-2",
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := &Group{Topics: c.topics, Members: c.before}
			rngExpect(t, rngByInstance(before, rngRun(t, "roundrobin", before)), c.want)
			after := &Group{Topics: c.topics, Members: c.after}
			rngExpect(t, rngByInstance(after, rngRun(t, "roundrobin", after)), c.want)
		})
	}
}

// The RoundRobinAssignor javadoc's example of a poor assignment with unequal
// subscriptions: C0 on t0, C1 on t0 and t1, C2 on all
// three, with 1, 2 and 3 partitions.
func TestRoundRobinJavadocUnequalSubscriptions(t *testing.T) {
	g := &Group{
		Topics: rngTopics("t0:1", "t1:2", "t2:3"),
		Members: []Member{
			rngMember("C0", "", "t0"), rngMember("C1", "", "t0", "t1"), rngMember("C2", "", "t0", "t1", "t2"),
		},
	}
	rngExpect(t, rngRun(t, "roundrobin", g), map[string]string{
		"C0": "t0-0",
		"C1": "t1-0",
		"C2": "t1-1, t2-0, t2-1, t2-2",
	})
}

// rrNaive is RoundRobinAssignor.assign written out literally (docs/model.md §6.3): list
// the partitions in (topic, partition) order, walk a circular iterator over
// the sorted members, skip members not subscribed, assign, advance. The fast
// implementation must give the same plan on every input.
func rrNaive(g *Group) Plan {
	sorted := rngKafkaOrder(g.Members)
	exists := map[string]int32{}
	for _, tp := range g.Topics {
		exists[tp.Name] = tp.Partitions
	}
	var topics []string
	for _, m := range g.Members {
		for _, tp := range m.Topics {
			if _, ok := exists[tp]; ok && !slices.Contains(topics, tp) {
				topics = append(topics, tp)
			}
		}
	}
	slices.Sort(topics) // Kafka's TreeSet; topic names are ASCII.
	got := map[string]map[string][]int32{}
	pos := 0
	for _, tp := range topics {
		for p := int32(0); p < exists[tp]; p++ {
			for !slices.Contains(sorted[pos].Topics, tp) {
				pos = (pos + 1) % len(sorted)
			}
			id := sorted[pos].ID
			if got[id] == nil {
				got[id] = map[string][]int32{}
			}
			got[id][tp] = append(got[id][tp], p)
			pos = (pos + 1) % len(sorted)
		}
	}
	plan := make(Plan, len(g.Members))
	for i, m := range g.Members {
		plan[i].MemberID = m.ID
		for _, tp := range topics { // NB: sorted, not map order.
			if ps := got[m.ID][tp]; len(ps) > 0 {
				plan[i].Topics = append(plan[i].Topics, TopicPartitions{Topic: tp, Partitions: ps})
			}
		}
	}
	return plan
}

// Properties on random groups (fixed seeds): valid complete plans equal to
// the literal algorithm, balanced within 1 when subscriptions are equal,
// independent of input order.
func TestRoundRobinRandomProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(0x726f756e64, 3))
	a, _ := New("roundrobin")
	equalSeen := 0
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
			t.Fatalf("group %d: %v", i, err)
		}
		if want := rrNaive(g); !reflect.DeepEqual(rngNormalize(plan), want) {
			t.Fatalf("group %d: differs from the literal algorithm\ngroup: %+v\ngot:  %v\nwant: %v", i, g, plan, want)
		}
		if rrEqualSubscriptions(g) {
			equalSeen++
			if lo, hi := rrSizeRange(plan); hi-lo > 1 {
				t.Fatalf("group %d: equal subscriptions but sizes from %d to %d: %v", i, lo, hi, plan)
			}
		}
		shuffled := &Group{Topics: g.Topics, Members: slices.Clone(g.Members)}
		r.Shuffle(len(shuffled.Members), func(x, y int) {
			shuffled.Members[x], shuffled.Members[y] = shuffled.Members[y], shuffled.Members[x]
		})
		if !rngSamePerMember(plan, rngMust(a.Assign(shuffled))) {
			t.Fatalf("group %d: the input order changed the assignment", i)
		}
	}
	if equalSeen < 500 {
		t.Fatalf("only %d groups with equal subscriptions: the generator no longer covers the balance property", equalSeen)
	}
}

func rrEqualSubscriptions(g *Group) bool {
	for _, m := range g.Members[min(1, len(g.Members)):] {
		if !slices.Equal(m.Topics, g.Members[0].Topics) {
			return false
		}
	}
	return true
}

func rrSizeRange(p Plan) (lo, hi int) {
	for i, a := range p {
		n := 0
		for _, tp := range a.Topics {
			n += len(tp.Partitions)
		}
		if i == 0 || n < lo {
			lo = n
		}
		if n > hi {
			hi = n
		}
	}
	return lo, hi
}

// Cross-check with franz-go's roundrobin balancer on random groups of
// dynamic members; no disagreement with Kafka was found.
func TestRoundRobinMatchesFranzGo(t *testing.T) {
	rngCrossCheckFranz(t, "roundrobin", 0x7272)
}

func TestRoundRobinRegistration(t *testing.T) {
	info, ok := Lookup("roundrobin")
	if !ok || info.Kind != Classic || !reflect.DeepEqual(info.Protocols, []RebalanceProtocol{Eager}) {
		t.Fatalf("roundrobin registered as %+v, %v", info, ok)
	}
	if a, _ := New("roundrobin"); a.Name() != "roundrobin" {
		t.Fatalf("Name() = %q", a.Name())
	}
	// With range in the list, the protocol stays eager (docs/model.md §3).
	if p, err := ClassicProtocol([]string{"range", "roundrobin"}); err != nil || p != Eager {
		t.Fatalf("ClassicProtocol = %v, %v", p, err)
	}
}
