package models

import (
	"fmt"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
)

// assign runs the leader's assignor on the members of its JoinGroup
// response, with the topic metadata the leader knows (KAFKA_MODEL §1.1).
// The assignor instance belongs to this process: the sticky assignors
// remember the highest generation they have seen, and a new leader starts
// with a fresh instance, as in Kafka.
func (m *member) assign(members []assignors.Member) ([]memberPlan, error) {
	name := m.g.strategy[0]
	if m.assignor == nil {
		a, err := assignors.New(name)
		if err != nil {
			return nil, err
		}
		m.assignor = a
	}
	in := &assignors.Group{Members: members}
	m.assignedWith = m.assignedWith[:0]
	for _, t := range m.g.topic {
		n := m.knownPartitions(t)
		m.assignedWith = append(m.assignedWith, n)
		in.Topics = append(in.Topics, assignors.Topic{Name: t.name, Partitions: int32(n)})
	}
	plan, err := m.assignor.Assign(in)
	if err != nil {
		return nil, err
	}
	if err := assignors.CheckPlan(in, plan, !m.g.cooperative()); err != nil {
		panic(fmt.Sprintf("models: assignor %s broke its contract: %v", name, err))
	}
	out := make([]memberPlan, len(plan))
	for i, a := range plan {
		out[i].memberID = a.MemberID
		for _, tps := range a.Topics {
			t := m.s.topicBy[tps.Topic]
			for _, p := range tps.Partitions {
				out[i].assignment = append(out[i].assignment, tpRef{t, p})
			}
		}
	}
	return out, nil
}

// knownPartitions is the partition count of t in this member's metadata: as
// of its last refresh, which happens when it starts and every
// metadata.max.age.ms after (KAFKA_MODEL §1.3: metadata changes are found by
// clients, not by the broker).
func (m *member) knownPartitions(t *topic) int {
	return t.partitionsAtTime(m.lastMetadataRefresh())
}

func (m *member) lastMetadataRefresh() engine.Time {
	age := engine.FromDuration(m.cfg().MetadataMaxAge)
	now := m.s.now()
	if age <= 0 || now < m.startedAt {
		return now
	}
	return m.startedAt + (now-m.startedAt)/age*age
}

func (g *group) cooperative() bool { return g.protocol == assignors.Cooperative }

// partitionsAdded schedules, for every running member, a metadata refresh at
// its next refresh time (every metadata.max.age.ms from its start): the
// leader's refresh is what finds the new partitions.
func (g *group) partitionsAdded(now engine.Time) {
	age := engine.FromDuration(g.cfg.MetadataMaxAge)
	for _, m := range g.members {
		if !m.alive || age <= 0 {
			continue
		}
		next := m.startedAt + ((now-m.startedAt)/age+1)*age
		g.s.control(engine.Event{At: next, Kind: evMetadataRefresh, Target: int32(m.idx), Arg: m.inc})
	}
}
