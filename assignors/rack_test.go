package assignors

import (
	"testing"
)

// Rack-aware assignment (KIP-881): small cases whose expected plans are
// Kafka 4.4's own (its classes run through the oracle driver on these very
// inputs); the random groups of oracle_cases_test.go cover the rest.
func TestRackAwareCases(t *testing.T) {
	t0 := Topic{Name: "t0", Partitions: 3, Racks: [][]string{{"a"}, {"b"}, {"a"}}}
	t1 := Topic{Name: "t1", Partitions: 3, Racks: [][]string{{"a"}, {"b"}, {"b"}}}
	m := func(id, rack string, topics []string, gen int32, owned ...TopicPartitions) Member {
		return Member{ID: id, Rack: rack, Topics: topics, Generation: gen, Owned: owned}
	}
	both := []string{"t0", "t1"}
	cases := []struct {
		name, assignor string
		g              Group
		want           string // oracleFormat
	}{
		{
			// range_rack.go's example: C0 takes its only local partition.
			name: "range one topic", assignor: "range",
			g:    Group{Topics: []Topic{t0}, Members: []Member{m("C0", "b", []string{"t0"}, -1), m("C1", "a", []string{"t0"}, -1)}},
			want: "C0: t0[1]  C1: t0[0 2]",
		},
		{
			// Co-partitioned topics: partition p goes to one member in both;
			// p2 is local to nobody in both, so plain range places it.
			name: "range co-partitioned", assignor: "range",
			g:    Group{Topics: []Topic{t0, t1}, Members: []Member{m("C0", "b", both, -1), m("C1", "a", both, -1)}},
			want: "C0: t0[1 2] t1[1 2]  C1: t0[0] t1[0]",
		},
		{
			// Every partition on every rack: locality cannot improve, plain range.
			name: "range every rack", assignor: "range",
			g: Group{Topics: []Topic{{Name: "t0", Partitions: 3, Racks: [][]string{{"a", "b"}, {"b", "a"}, {"a", "b"}}}},
				Members: []Member{m("C0", "b", []string{"t0"}, -1), m("C1", "a", []string{"t0"}, -1)}},
			want: "C0: t0[0 1]  C1: t0[2]",
		},
		{
			// Consumer racks hold no replica: plain range.
			name: "range disjoint racks", assignor: "range",
			g:    Group{Topics: []Topic{t0}, Members: []Member{m("C0", "x", []string{"t0"}, -1), m("C1", "y", []string{"t0"}, -1)}},
			want: "C0: t0[0 1]  C1: t0[2]",
		},
		{
			// sticky_rack.go's example (constrained builder).
			name: "sticky constrained", assignor: "sticky",
			g: Group{Topics: []Topic{{Name: "t0", Partitions: 2, Racks: [][]string{{"a"}, {"b"}}}},
				Members: []Member{m("C0", "b", []string{"t0"}, -1), m("C1", "a", []string{"t0"}, -1)}},
			want: "C0: t0[1]  C1: t0[0]",
		},
		{
			// Each owns the other's local partition: both give theirs up,
			// and cooperative-sticky withholds both this round.
			name: "cooperative-sticky gives up remote owned", assignor: "cooperative-sticky",
			g: Group{Topics: []Topic{{Name: "t0", Partitions: 2, Racks: [][]string{{"a"}, {"b"}}}},
				Members: []Member{
					m("C0", "b", []string{"t0"}, 1, TopicPartitions{"t0", []int32{0}}),
					m("C1", "a", []string{"t0"}, 1, TopicPartitions{"t0", []int32{1}}),
				}},
			want: "C0:  C1:",
		},
		{
			// General builder: local partitions first, to the least loaded.
			name: "sticky general", assignor: "sticky",
			g: Group{Topics: []Topic{t0, t1}, Members: []Member{
				m("C0", "b", both, -1), m("C1", "a", []string{"t0"}, -1), m("C2", "a", []string{"t1"}, -1)}},
			want: "C0: t0[1] t1[2]  C1: t0[0 2]  C2: t1[0 1]",
		},
		{
			name: "cooperative-sticky general with owned", assignor: "cooperative-sticky",
			g: Group{Topics: []Topic{t0, t1}, Members: []Member{
				m("C0", "b", both, 1, TopicPartitions{"t0", []int32{0, 1, 2}}),
				m("C1", "a", []string{"t0"}, 1),
				m("C2", "a", []string{"t1"}, 1, TopicPartitions{"t1", []int32{0, 1, 2}}),
			}},
			want: "C0: t0[1]  C1:  C2: t1[0 1]",
		},
	}
	for _, c := range cases {
		a, err := New(c.assignor)
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Assign(&c.g)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := oracleFormat(p); got != c.want {
			t.Errorf("%s: got  %s\nwant %s", c.name, got, c.want)
		}
		if err := CheckPlan(&c.g, p, c.assignor != "cooperative-sticky"); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestRackAwareOffWithoutRacks: racks on one side only change nothing.
func TestRackAwareOffWithoutRacks(t *testing.T) {
	for _, name := range []string{"range", "sticky", "cooperative-sticky"} {
		plain := &Group{Topics: []Topic{{Name: "t", Partitions: 7}}}
		memberRacks := &Group{Topics: plain.Topics}
		replicaRacks := &Group{Topics: []Topic{{Name: "t", Partitions: 7, Racks: [][]string{{"a"}, {"b"}, {"a"}, {"b"}, {"a"}, {"b"}, {"a"}}}}}
		for i, id := range []string{"x", "y", "z"} {
			plain.Members = append(plain.Members, Member{ID: id, Topics: []string{"t"}, Generation: -1})
			memberRacks.Members = append(memberRacks.Members, Member{ID: id, Topics: []string{"t"}, Generation: -1, Rack: []string{"a", "b", "a"}[i]})
			replicaRacks.Members = append(replicaRacks.Members, Member{ID: id, Topics: []string{"t"}, Generation: -1})
		}
		want := ""
		for _, g := range []*Group{plain, memberRacks, replicaRacks} {
			a, _ := New(name)
			p, err := a.Assign(g)
			if err != nil {
				t.Fatal(err)
			}
			if want == "" {
				want = oracleFormat(p)
			} else if got := oracleFormat(p); got != want {
				t.Errorf("%s: %s, want the rack-unaware %s", name, got, want)
			}
		}
	}
}
