package assignors

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Kafka's group-coordinator/src/test/java/org/apache/kafka/coordinator/group/
// assignor/RangeAssignorTest.java (the KIP-848 server assignor) at the
// revision of Oct 2024, after KAFKA-16944, transcribed: 13 tests, none
// skipped (that revision has no rack-aware case). Later revisions add
// testReassignmentStickiness and server-side rack-aware cases, which are not
// part of the Oct 2024 assignor.
//
// Kafka's members carry their current target assignment; it is copied into
// Member.Owned, and the expectations show that the assignor ignores it.
// Kafka uses random topic ids; the names are what matter here.

// srangeCase is one transcribed case; want lists every member of the
// result, "" for a member with an empty assignment.
type srangeCase struct {
	name    string
	topics  []Topic
	members []Member
	want    map[string]string
}

// srangeOwned sets the member's current assignment (Kafka's
// MemberSubscriptionAndAssignmentImpl assignment).
func srangeOwned(m Member, owned ...TopicPartitions) Member {
	m.Owned = owned
	return m
}

func srangeTP(topic string, ps ...int32) TopicPartitions {
	return TopicPartitions{Topic: topic, Partitions: ps}
}

func srangeKafkaCases() []srangeCase {
	const t1, t2, t3 = "topic1", "topic2", "topic3"
	m := func(id string, topics ...string) Member { return rngMember(id, "", topics...) }
	return []srangeCase{
		{
			// Kafka: the result has member A with an empty assignment.
			name:    "testOneMemberNoTopic",
			topics:  rngTopics("topic1:3"),
			members: []Member{m("A")},
			want:    map[string]string{"A": ""},
		},
		{
			name:    "testFirstAssignmentTwoMembersTwoTopicsSameSubscriptions",
			topics:  rngTopics("topic1:3", "topic3:2"),
			members: []Member{m("A", t1, t3), m("B", t1, t3)},
			want: map[string]string{
				"A": "topic1-0, topic1-1, topic3-0",
				"B": "topic1-2, topic3-1",
			},
		},
		{
			name:    "testFirstAssignmentThreeMembersThreeTopicsDifferentSubscriptions",
			topics:  rngTopics("topic1:3", "topic2:3", "topic3:2"),
			members: []Member{m("A", t1, t2), m("B", t3), m("C", t2, t3)},
			want: map[string]string{
				"A": "topic1-0, topic1-1, topic1-2, topic2-0, topic2-1",
				"B": "topic3-0",
				"C": "topic2-2, topic3-1",
			},
		},
		{
			// topic3 has 2 partitions for 3 members: C gets none of it.
			name:    "testFirstAssignmentNumMembersGreaterThanNumPartitions",
			topics:  rngTopics("topic1:3", "topic3:2"),
			members: []Member{m("A", t1, t3), m("B", t1, t3), m("C", t1, t3)},
			want: map[string]string{
				"A": "topic1-0, topic3-0",
				"B": "topic1-1, topic3-1",
				"C": "topic1-2",
			},
		},
		{
			name:   "testReassignmentNumMembersGreaterThanNumPartitionsWhenOneMemberAdded",
			topics: rngTopics("topic1:2", "topic2:2"),
			members: []Member{
				srangeOwned(m("A", t1, t2), srangeTP(t1, 0), srangeTP(t2, 0)),
				srangeOwned(m("B", t1, t2), srangeTP(t1, 1), srangeTP(t2, 1)),
				m("C", t1, t2),
			},
			want: map[string]string{
				"A": "topic1-0, topic2-0",
				"B": "topic1-1, topic2-1",
				"C": "",
			},
		},
		{
			// topic1 and topic2 grew from 3 to 4 partitions.
			name:   "testReassignmentWhenOnePartitionAddedForTwoMembersTwoTopics",
			topics: rngTopics("topic1:4", "topic2:4"),
			members: []Member{
				srangeOwned(m("A", t1, t2), srangeTP(t1, 0, 1), srangeTP(t2, 0, 1)),
				srangeOwned(m("B", t1, t2), srangeTP(t1, 2), srangeTP(t2, 2)),
			},
			want: map[string]string{
				"A": "topic1-0, topic1-1, topic2-0, topic2-1",
				"B": "topic1-2, topic1-3, topic2-2, topic2-3",
			},
		},
		{
			// Not sticky (KAFKA-16944): A's topic1-1 and topic2-1 move to B,
			// B's topic1-2 and topic2-2 to the new member C.
			name:   "testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics",
			topics: rngTopics("topic1:3", "topic2:3"),
			members: []Member{
				srangeOwned(m("A", t1, t2), srangeTP(t1, 0, 1), srangeTP(t2, 0, 1)),
				srangeOwned(m("B", t1, t2), srangeTP(t1, 2), srangeTP(t2, 2)),
				m("C", t1, t2),
			},
			want: map[string]string{
				"A": "topic1-0, topic2-0",
				"B": "topic1-1, topic2-1",
				"C": "topic1-2, topic2-2",
			},
		},
		{
			// topic1 grew from 3 to 4 partitions; C subscribes to topic1 only
			// (heterogeneous).
			name:   "testReassignmentWhenOneMemberAddedAndOnePartitionAfterInitialAssignmentWithTwoMembersTwoTopics",
			topics: rngTopics("topic1:4", "topic2:3"),
			members: []Member{
				srangeOwned(m("A", t1, t2), srangeTP(t1, 0, 1), srangeTP(t2, 0, 1)),
				srangeOwned(m("B", t1, t2), srangeTP(t1, 2), srangeTP(t2, 2)),
				m("C", t1),
			},
			want: map[string]string{
				"A": "topic1-0, topic1-1, topic2-0, topic2-1",
				"B": "topic1-2, topic2-2",
				"C": "topic1-3",
			},
		},
		{
			// Member A was removed.
			name:   "testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithTwoMembersTwoTopics",
			topics: rngTopics("topic1:3", "topic2:3"),
			members: []Member{
				srangeOwned(m("B", t1, t2), srangeTP(t1, 2), srangeTP(t2, 2)),
			},
			want: map[string]string{"B": "topic1-0, topic1-1, topic1-2, topic2-0, topic2-1, topic2-2"},
		},
		{
			// Subscriptions were A: t1,t2  B: t2  C: t2,t3 and became
			// A: t1  B: t1,t2,t3  C: t2; owned partitions of topics no longer
			// subscribed are simply dropped.
			name:   "testReassignmentWhenMultipleSubscriptionsRemovedAfterInitialAssignmentWithThreeMembersTwoTopics",
			topics: rngTopics("topic1:3", "topic2:3", "topic3:2"),
			members: []Member{
				srangeOwned(m("A", t1), srangeTP(t1, 0, 1, 2), srangeTP(t2, 0)),
				srangeOwned(m("B", t1, t2, t3), srangeTP(t2, 1)),
				srangeOwned(m("C", t2), srangeTP(t2, 2), srangeTP(t3, 0, 1)),
			},
			want: map[string]string{
				"A": "topic1-0, topic1-1",
				"B": "topic1-2, topic2-0, topic2-1, topic3-0, topic3-1",
				"C": "topic2-2",
			},
		},
	}
}

func TestServerRangeKafkaCases(t *testing.T) {
	for _, c := range srangeKafkaCases() {
		t.Run(c.name, func(t *testing.T) {
			g := &Group{Topics: c.topics, Members: c.members}
			rngExpect(t, rngRun(t, "server-range", g), c.want)
			rev := &Group{Topics: c.topics, Members: slices.Clone(c.members)}
			slices.Reverse(rev.Members)
			rngExpect(t, rngRun(t, "server-range", rev), c.want)
		})
	}
}

// testOneMemberSubscribedToNonExistentTopic: Kafka throws
// PartitionAssignorException("Member is subscribed to a non-existent topic").
func TestServerRangeKafkaNonExistentTopic(t *testing.T) {
	g := &Group{Topics: rngTopics("topic1:3"), Members: []Member{rngMember("A", "", "topic2")}}
	a, _ := New("server-range")
	plan, err := a.Assign(g)
	if err == nil {
		t.Fatalf("want an error, got plan %v", plan)
	}
	if !strings.Contains(err.Error(), "Member is subscribed to a non-existent topic") ||
		!strings.Contains(err.Error(), `"topic2"`) || !strings.Contains(err.Error(), `"A"`) {
		t.Fatalf("error %q does not give Kafka's reason, the member and the topic", err)
	}
	// The classic assignors skip the topic instead.
	rngExpect(t, rngRun(t, "range", g), map[string]string{"A": ""})
}

// testStaticMembership and testMixedStaticMembership: a static member that
// rejoins with a new member id (memberA1) keeps exactly its partitions, and
// so does everyone else. Kafka asserts only that equality.
func TestServerRangeKafkaStaticMembership(t *testing.T) {
	for _, c := range []struct {
		name          string
		topics        []Topic
		before, after []Member
	}{
		{
			name:   "testStaticMembership",
			topics: rngTopics("topic1:3"),
			before: []Member{rngMember("A", "instanceA", "topic1"), rngMember("B", "instanceB", "topic1")},
			after:  []Member{rngMember("B", "instanceB", "topic1"), rngMember("memberA1", "instanceA", "topic1")},
		},
		{
			name:   "testMixedStaticMembership",
			topics: rngTopics("topic1:5"),
			before: []Member{
				rngMember("A", "instanceA", "topic1"), rngMember("C", "instanceC", "topic1"), rngMember("B", "", "topic1"),
			},
			after: []Member{
				rngMember("C", "instanceC", "topic1"), rngMember("B", "", "topic1"), rngMember("memberA1", "instanceA", "topic1"),
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := rngRun(t, "server-range", &Group{Topics: c.topics, Members: c.before})
			after := rngRun(t, "server-range", &Group{Topics: c.topics, Members: c.after})
			before["memberA1"] = before["A"]
			delete(before, "A")
			rngExpect(t, after, before)
		})
	}
}

// Properties on random groups (fixed seeds). Without missing topics: a
// valid complete plan, the classic range plan exactly (docs/model.md §6.6: each topic is
// split as in docs/model.md §6.2), and the same ranges per instance id when static members
// rejoin with new member ids. With a missing topic: an error.
func TestServerRangeRandomProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(0x7372616e6765, 4))
	srv, _ := New("server-range")
	classic, _ := New("range")
	errors := 0
	for i := range 3000 {
		o := rngRandomOpts{maxTopics: 8, maxPartitions: 12, maxMembers: 10, static: true, missing: i%3 == 0, unicode: true}
		if i%10 == 0 {
			o = rngRandomOpts{maxTopics: 40, maxPartitions: 60, maxMembers: 80, static: true}
		}
		g := rngRandomGroup(r, o)
		plan, err := srv.Assign(g)
		if srangeMissing(g) {
			errors++
			if err == nil || !strings.Contains(err.Error(), "Member is subscribed to a non-existent topic") {
				t.Fatalf("group %d: a subscribed topic is missing, want Kafka's error, got %v", i, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("group %d: %v", i, err)
		}
		if err := CheckPlan(g, plan, true); err != nil {
			t.Fatalf("group %d: %v", i, err)
		}
		if len(plan) != len(g.Members) {
			t.Fatalf("group %d: %d entries for %d members", i, len(plan), len(g.Members))
		}
		if want := rngMust(classic.Assign(g)); !reflect.DeepEqual(plan, want) {
			t.Fatalf("group %d: differs from classic range\nserver:  %v\nclassic: %v", i, plan, want)
		}
		// Static members rejoin with fresh member ids (KIP-345 fencing gives
		// them new ids); nothing moves.
		moved := &Group{Topics: g.Topics, Members: slices.Clone(g.Members)}
		for j := range moved.Members {
			if moved.Members[j].InstanceID != "" {
				moved.Members[j].ID = "rejoined-" + moved.Members[j].ID
			}
		}
		if !reflect.DeepEqual(rngByInstance(g, srangeFormat(plan)), rngByInstance(moved, srangeFormat(rngMust(srv.Assign(moved))))) {
			t.Fatalf("group %d: a static member's partitions changed with its member id", i)
		}
	}
	if errors < 100 {
		t.Fatalf("only %d groups with a missing topic: the generator no longer covers the error", errors)
	}
}

func srangeMissing(g *Group) bool {
	for _, m := range g.Members {
		for _, tp := range m.Topics {
			if !slices.ContainsFunc(g.Topics, func(x Topic) bool { return x.Name == tp }) {
				return true
			}
		}
	}
	return false
}

func srangeFormat(p Plan) map[string]string {
	out := map[string]string{}
	for _, a := range p {
		out[a.MemberID] = rngFormat(a)
	}
	return out
}

// The error names no member, but ours must be the same
// every time; it names the first offending member in Kafka's member order.
func TestServerRangeErrorIsDeterministic(t *testing.T) {
	g := &Group{Topics: rngTopics("t:1"), Members: []Member{
		rngMember("z", "", "t", "nope2"), rngMember("b", "", "nope1"), rngMember("a", "static", "t", "nope3", "nope0"),
	}}
	a, _ := New("server-range")
	_, err := a.Assign(g)
	if err == nil || !strings.Contains(err.Error(), `member "a" subscribes to topic "nope0"`) {
		t.Fatalf("got %v, want the static member a and its first missing topic nope0", err)
	}
}

func TestServerRangeRegistration(t *testing.T) {
	info, ok := Lookup("server-range")
	if !ok || info.Kind != Server {
		t.Fatalf("server-range registered as %+v, %v", info, ok)
	}
	if a, _ := New("server-range"); a.Name() != "server-range" {
		t.Fatalf("Name() = %q", a.Name())
	}
	if _, err := ClassicProtocol([]string{"server-range"}); err == nil {
		t.Fatal("server-range must not be usable as a classic assignor")
	}
	a, _ := New("server-range")
	plan, err := a.Assign(&Group{})
	if err != nil || len(plan) != 0 {
		t.Fatalf("empty group: %v, %v", plan, err)
	}
}
