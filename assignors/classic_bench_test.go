package assignors

import (
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Benchmarks of range, roundrobin and server-range at the sizes of
// large sizes, with franz-go's balancers on the same inputs as
// sub-benchmarks, so that one run compares them.
//
//	go test ./assignors -run '^$' -bench 'Range|RoundRobin' -benchmem
//
// Anchors (Kafka's own assignors, one cold run on 2 vCPU): range 1.69 s,
// roundrobin 0.71 s, server range 0.22 s for 1,000,000 partitions over 2000
// members.
//
// Shapes:
//   - 500x2000: 500 topics of 2000 partitions (1,000,000 partitions), 2000
//     members all subscribed to all (AbstractStickyAssignorTest's
//     testLargeAssignmentAndGroupWithUniformSubscription).
//   - 1x1000000: one topic of 1,000,000 partitions, 2000 members (the shape
//     franz-go quotes).
//
// Inputs are built once, outside the timer. franz-go's part is timed from
// its member balancer (the decoded JoinGroup metadata, built outside the
// timer) to its plan, which is what our Assign does from a decoded Group.

type rngBenchShape struct {
	name            string
	topics, parts   int
	members         int
	group           *Group
	franzTopics     map[string]int32
	franzByBalancer map[string]kgo.GroupMemberBalancerOrError
}

var rngBenchShapes = []*rngBenchShape{
	{name: "500x2000", topics: 500, parts: 2000, members: 2000},
	{name: "1x1000000", topics: 1, parts: 1000000, members: 2000},
}

// build makes the Group (every member shares one subscription slice, as a
// decoded JoinGroup would give equal contents) and franz-go's inputs.
func (s *rngBenchShape) build(b *testing.B) {
	if s.group != nil {
		return
	}
	g := &Group{}
	names := make([]string, s.topics)
	for t := range names {
		names[t] = fmt.Sprintf("topic-%04d", t)
		g.Topics = append(g.Topics, Topic{Name: names[t], Partitions: int32(s.parts)})
	}
	for m := range s.members {
		g.Members = append(g.Members, Member{
			ID:         fmt.Sprintf("consumer-%04d-4f1d3c2a-9b8e-4d6f-a1b2-%012d", m, m),
			Topics:     names,
			Generation: -1,
		})
	}
	s.group = g
	s.franzTopics = make(map[string]int32, len(g.Topics))
	for _, t := range g.Topics {
		s.franzTopics[t.Name] = t.Partitions
	}
	s.franzByBalancer = map[string]kgo.GroupMemberBalancerOrError{}
	for _, bal := range []kgo.GroupBalancer{kgo.RangeBalancer(), kgo.RoundRobinBalancer()} {
		members := make([]kmsg.JoinGroupResponseMember, len(g.Members))
		for i, m := range g.Members {
			members[i] = kmsg.NewJoinGroupResponseMember()
			members[i].MemberID = m.ID
			members[i].ProtocolMetadata = bal.JoinGroupMetadata(m.Topics, nil, -1)
		}
		mb, _, err := bal.MemberBalancer(members)
		if err != nil {
			b.Fatal(err)
		}
		s.franzByBalancer[bal.ProtocolName()] = mb.(kgo.GroupMemberBalancerOrError)
	}
}

func rngBenchOurs(b *testing.B, name string, s *rngBenchShape) {
	a, err := New(name)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Assign(s.group); err != nil {
			b.Fatal(err)
		}
	}
}

func rngBenchFranz(b *testing.B, name string, s *rngBenchShape) {
	mb := s.franzByBalancer[name]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mb.BalanceOrError(s.franzTopics); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRange(b *testing.B) {
	for _, s := range rngBenchShapes {
		s.build(b)
		b.Run(s.name+"/ours", func(b *testing.B) { rngBenchOurs(b, "range", s) })
		b.Run(s.name+"/franz-go", func(b *testing.B) { rngBenchFranz(b, "range", s) })
	}
}

func BenchmarkRoundRobin(b *testing.B) {
	for _, s := range rngBenchShapes {
		s.build(b)
		b.Run(s.name+"/ours", func(b *testing.B) { rngBenchOurs(b, "roundrobin", s) })
		b.Run(s.name+"/franz-go", func(b *testing.B) { rngBenchFranz(b, "roundrobin", s) })
	}
}

// franz-go has no KIP-848 server assignor; the anchor is Kafka's 0.22 s.
func BenchmarkServerRange(b *testing.B) {
	for _, s := range rngBenchShapes {
		s.build(b)
		b.Run(s.name+"/ours", func(b *testing.B) { rngBenchOurs(b, "server-range", s) })
	}
}
