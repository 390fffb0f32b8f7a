package assignors

import (
	"fmt"
	"sort"
)

// CheckPlan verifies the contract of a plan against its group: one entry per
// member in input order; topics sorted and partitions ascending; every
// partition of an existing topic given to at most one member, and only to a
// member subscribed to its topic. With complete set, every partition of every
// subscribed topic must be given to someone (cooperative-sticky's first round
// legitimately withholds partitions, so it is checked with complete unset).
// It returns a reason, never panics: tests and the simulator's invariant
// checks both use it.
func CheckPlan(g *Group, p Plan, complete bool) error {
	if len(p) != len(g.Members) {
		return fmt.Errorf("plan has %d entries for %d members", len(p), len(g.Members))
	}
	parts := map[string]int32{}
	for _, t := range g.Topics {
		parts[t.Name] = t.Partitions
	}
	subscribed := map[string]bool{}
	type tp struct {
		topic string
		p     int32
	}
	seen := map[tp]string{}
	for i, a := range p {
		m := g.Members[i]
		if a.MemberID != m.ID {
			return fmt.Errorf("plan entry %d is for %q, member %d is %q", i, a.MemberID, i, m.ID)
		}
		subs := map[string]bool{}
		for _, t := range m.Topics {
			subs[t] = true
			if _, ok := parts[t]; ok {
				subscribed[t] = true
			}
		}
		if !sort.SliceIsSorted(a.Topics, func(x, y int) bool { return a.Topics[x].Topic < a.Topics[y].Topic }) {
			return fmt.Errorf("member %s: topics not sorted", m.ID)
		}
		for j, t := range a.Topics {
			if j > 0 && a.Topics[j-1].Topic == t.Topic {
				return fmt.Errorf("member %s: topic %s listed twice", m.ID, t.Topic)
			}
			if len(t.Partitions) == 0 {
				return fmt.Errorf("member %s: empty entry for topic %s", m.ID, t.Topic)
			}
			n, ok := parts[t.Topic]
			if !ok {
				return fmt.Errorf("member %s: assigned topic %s, which does not exist", m.ID, t.Topic)
			}
			if !subs[t.Topic] {
				return fmt.Errorf("member %s: assigned %s-%d but does not subscribe to %s", m.ID, t.Topic, t.Partitions[0], t.Topic)
			}
			for k, q := range t.Partitions {
				if k > 0 && t.Partitions[k-1] >= q {
					return fmt.Errorf("member %s: partitions of %s not ascending and distinct", m.ID, t.Topic)
				}
				if q < 0 || q >= n {
					return fmt.Errorf("member %s: %s-%d out of range (topic has %d)", m.ID, t.Topic, q, n)
				}
				if prev, dup := seen[tp{t.Topic, q}]; dup {
					return fmt.Errorf("%s-%d given to both %s and %s", t.Topic, q, prev, m.ID)
				}
				seen[tp{t.Topic, q}] = m.ID
			}
		}
	}
	if complete {
		for _, t := range g.Topics { // NB: sorted slice, so the first gap reported is stable.
			if !subscribed[t.Name] {
				continue
			}
			for q := int32(0); q < t.Partitions; q++ {
				if _, ok := seen[tp{t.Name, q}]; !ok {
					return fmt.Errorf("%s-%d is subscribed but given to nobody", t.Name, q)
				}
			}
		}
	}
	return nil
}
