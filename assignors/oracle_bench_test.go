package assignors

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkVsKafka times ours, Kafka 4.4's own classes (through the oracle
// driver, which times its assign calls itself: inputs built once, a fresh
// assignor instance per call, after JIT warm-up by the first requests) and
// franz-go (classic balancers, no racks) on the same inputs:
//
//	go test ./assignors -run '^$' -bench VsKafka -benchtime 2s
//
// The "kafka" sub-benchmarks report the driver's own time per assignment as
// ns/op (without the JSON round trip); they skip without java and mvn.
//
// Shapes: homog (20 topics x 500 partitions, 200 members, all subscribed;
// "fresh" from nothing, "churn" with one member joined after a plan),
// hetero (20 topics x 100 partitions, 100 members on 5 to 15 topics each),
// racks (homog with 3 racks, replication factor 2, members spread over
// the racks).
func BenchmarkVsKafka(b *testing.B) {
	for _, sh := range vsKafkaShapes() {
		for _, name := range oracleAssignors {
			if sh.onlyRack && (name == "roundrobin" || name == "uniform" || name == "server-range") {
				continue // rack-unaware in Kafka 4.4: the homog shape covers them
			}
			g := sh.group(name)
			b.Run(sh.name+"/"+name+"/ours", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					a, _ := New(name)
					if _, err := a.Assign(g); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(sh.name+"/"+name+"/kafka", func(b *testing.B) {
				p := oracle(b)
				if _, _, err := p.ask(name, []*Group{g}, 3); err != nil { // warm the JIT
					b.Fatal(err)
				}
				b.ResetTimer()
				_, nanos, err := p.ask(name, []*Group{g}, b.N)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(nanos[0])/float64(b.N), "ns/op")
			})
			bal := vsKafkaFranz(name)
			if bal == nil || sh.onlyRack {
				continue
			}
			b.Run(sh.name+"/"+name+"/franz-go", func(b *testing.B) {
				members, topics := stickyBenchFranzInput(bal, g)
				b.ReportAllocs()
				for b.Loop() {
					mb, _, err := bal.MemberBalancer(slices.Clone(members))
					if err != nil {
						b.Fatal(err)
					}
					if me, ok := mb.(kgo.GroupMemberBalancerOrError); ok {
						if _, err := me.BalanceOrError(topics); err != nil {
							b.Fatal(err)
						}
					} else {
						mb.Balance(topics)
					}
				}
			})
		}
	}
}

func vsKafkaFranz(name string) kgo.GroupBalancer {
	switch name {
	case "range":
		return kgo.RangeBalancer()
	case "roundrobin":
		return kgo.RoundRobinBalancer()
	case "sticky":
		return kgo.StickyBalancer()
	case "cooperative-sticky":
		return kgo.CooperativeStickyBalancer()
	}
	return nil
}

type vsKafkaShape struct {
	name     string
	onlyRack bool
	group    func(assignor string) *Group
}

func vsKafkaShapes() []vsKafkaShape {
	homog := func(racks bool) *Group {
		r := rand.New(rand.NewPCG(7, 7))
		g := &Group{}
		var names []string
		for t := range 20 {
			name := fmt.Sprintf("topic-%02d", t)
			names = append(names, name)
			topic := Topic{Name: name, Partitions: 500, ID: oracleUuid(r)}
			if racks {
				for range 500 {
					k := r.IntN(3)
					topic.Racks = append(topic.Racks, []string{fmt.Sprint("zone-", k), fmt.Sprint("zone-", (k+1)%3)})
				}
			}
			g.Topics = append(g.Topics, topic)
		}
		for m := range 200 {
			mem := Member{ID: fmt.Sprintf("consumer-%03d-%08x", m, r.Uint32()), Topics: names, Generation: -1}
			if racks {
				mem.Rack = fmt.Sprint("zone-", m%3)
			}
			g.Members = append(g.Members, mem)
		}
		return g
	}
	churn := func(base *Group, assignor string) *Group {
		a, _ := New(assignor)
		plan, err := a.Assign(base)
		if err != nil {
			panic(err)
		}
		g := oracleFollowUp(base, plan)
		g.Members = append(g.Members, Member{ID: "consumer-new", Topics: base.Members[0].Topics, Generation: -1, Rack: base.Members[0].Rack})
		return g
	}
	hetero := func() *Group {
		r := rand.New(rand.NewPCG(8, 8))
		g := &Group{}
		var names []string
		for t := range 20 {
			name := fmt.Sprintf("topic-%02d", t)
			names = append(names, name)
			g.Topics = append(g.Topics, Topic{Name: name, Partitions: 100, ID: oracleUuid(r)})
		}
		for m := range 100 {
			k := 5 + r.IntN(11)
			perm := r.Perm(20)[:k]
			slices.Sort(perm)
			var subs []string
			for _, t := range perm {
				subs = append(subs, names[t])
			}
			g.Members = append(g.Members, Member{ID: fmt.Sprintf("consumer-%03d-%08x", m, r.Uint32()), Topics: subs, Generation: -1})
		}
		return g
	}
	h, hr, he := homog(false), homog(true), hetero()
	return []vsKafkaShape{
		{name: "homog-fresh", group: func(string) *Group { return h }},
		{name: "homog-churn", group: func(a string) *Group { return churn(h, a) }},
		{name: "hetero-fresh", group: func(string) *Group { return he }},
		{name: "hetero-churn", group: func(a string) *Group { return churn(he, a) }},
		{name: "racks-fresh", onlyRack: true, group: func(string) *Group { return hr }},
		{name: "racks-churn", onlyRack: true, group: func(a string) *Group { return churn(hr, a) }},
	}
}
