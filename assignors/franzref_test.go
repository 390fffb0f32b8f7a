package assignors

import (
	"fmt"
	"sort"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// franzBalance runs franz-go's balancer of the same name on g: an independent
// implementation of Kafka's client-side assignors, used as a reference in
// cross-checks and benchmarks. franz-go is a test-only dependency.
// Names: range, roundrobin, sticky, cooperative-sticky.
func franzBalance(name string, g *Group) (Plan, error) {
	var bal kgo.GroupBalancer
	switch name {
	case "range":
		bal = kgo.RangeBalancer()
	case "roundrobin":
		bal = kgo.RoundRobinBalancer()
	case "sticky":
		bal = kgo.StickyBalancer()
	case "cooperative-sticky":
		bal = kgo.CooperativeStickyBalancer()
	default:
		return nil, fmt.Errorf("franz-go has no balancer %q", name)
	}
	members := make([]kmsg.JoinGroupResponseMember, len(g.Members))
	for i, m := range g.Members {
		owned := make(map[string][]int32, len(m.Owned))
		for _, tp := range m.Owned {
			owned[tp.Topic] = append([]int32(nil), tp.Partitions...)
		}
		members[i] = kmsg.NewJoinGroupResponseMember()
		members[i].MemberID = m.ID
		if m.InstanceID != "" {
			id := m.InstanceID
			members[i].InstanceID = &id
		}
		members[i].ProtocolMetadata = bal.JoinGroupMetadata(append([]string(nil), m.Topics...), owned, m.Generation)
	}
	// NB: franz-go documents that MemberBalancer's input is sorted by
	// instance id, then member id (the client sorts before balancing).
	sort.SliceStable(members, func(i, j int) bool {
		li, lj := members[i].InstanceID, members[j].InstanceID
		switch {
		case li != nil && lj != nil:
			return *li < *lj
		case li != nil:
			return true
		case lj != nil:
			return false
		}
		return members[i].MemberID < members[j].MemberID
	})
	mb, _, err := bal.MemberBalancer(members)
	if err != nil {
		return nil, err
	}
	topics := make(map[string]int32, len(g.Topics))
	for _, t := range g.Topics {
		topics[t.Name] = t.Partitions
	}
	var into kgo.IntoSyncAssignment
	if me, ok := mb.(kgo.GroupMemberBalancerOrError); ok {
		into, err = me.BalanceOrError(topics)
		if err != nil {
			return nil, err
		}
	} else {
		into = mb.Balance(topics)
	}
	byMember := map[string]map[string][]int32{}
	for _, a := range into.IntoSyncAssignment() {
		parsed, err := bal.ParseSyncAssignment(a.MemberAssignment)
		if err != nil {
			return nil, err
		}
		byMember[a.MemberID] = parsed
	}
	plan := make(Plan, len(g.Members))
	for i, m := range g.Members {
		plan[i] = Assignment{MemberID: m.ID}
		assigned := byMember[m.ID]
		names := make([]string, 0, len(assigned))
		for t, ps := range assigned {
			if len(ps) > 0 {
				names = append(names, t)
			}
		}
		sort.Strings(names) // NB: map order must not reach the plan.
		for _, t := range names {
			ps := append([]int32(nil), assigned[t]...)
			sort.Slice(ps, func(a, b int) bool { return ps[a] < ps[b] })
			plan[i].Topics = append(plan[i].Topics, TopicPartitions{Topic: t, Partitions: ps})
		}
	}
	return plan, nil
}

func TestFranzBalanceAdapter(t *testing.T) {
	g := &Group{
		Topics: []Topic{{Name: "t", Partitions: 3}},
		Members: []Member{
			{ID: "b", Topics: []string{"t"}, Generation: -1},
			{ID: "a", Topics: []string{"t"}, Generation: -1},
		},
	}
	plan, err := franzBalance("range", g)
	if err != nil {
		t.Fatal(err)
	}
	// Range over sorted members a, b: a gets 0-1, b gets 2.
	got := fmt.Sprint(plan)
	want := "[{b [{t [2]}]} {a [{t [0 1]}]}]"
	if got != want {
		t.Fatalf("franz-go range: got %s, want %s", got, want)
	}
}
