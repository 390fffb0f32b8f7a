package models

import (
	"fmt"
	"sort"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// Snapshot is every group as `kafka-consumer-groups.sh --describe` would
// show it at one simulated moment.
type Snapshot struct {
	AtS    float64
	Groups []GroupSnapshot
}

// GroupSnapshot is one group's describe output.
type GroupSnapshot struct {
	Group      string
	State      string
	Generation int32
	Protocol   string // the selected assignor ("" when Empty)
	Members    int
	Rows       []DescribeRow
}

// DescribeRow is one partition: its committed offset (CURRENT-OFFSET, -1
// when the group has none), the log end, the lag, and the member the
// coordinator's current assignment gives it to ("" when none).
type DescribeRow struct {
	Topic         string
	Partition     int32
	CurrentOffset int64
	LogEndOffset  int64
	Lag           int64
	ConsumerID    string
	Host          string
	ClientID      string
}

// Describe runs the scenario up to at and snapshots every group.
func Describe(sc *scenario.Scenario, seed uint64, at engine.Time) (*Snapshot, error) {
	if at < 0 || at > engine.FromDuration(sc.Duration) {
		return nil, fmt.Errorf("--at %v is outside the run (0 to %v)", at.Duration(), sc.Duration)
	}
	s, err := newSim(sc, seed, Options{})
	if err != nil {
		return nil, err
	}
	s.runUntil(at)
	snap := &Snapshot{AtS: at.Seconds()}
	for _, g := range s.groups {
		c := g.coord
		gs := GroupSnapshot{Group: g.name, State: c.state.String(), Generation: c.generation, Protocol: c.protocol, Members: len(c.members)}
		type holder struct {
			memberID string
			m        *member
		}
		owner := map[*gpart]holder{}
		if g.kc != nil {
			gs.State, gs.Generation, gs.Protocol, gs.Members = g.kc.stateName(), g.kc.targetEpoch, g.kc.assignor.Name(), len(g.kc.members)
			for _, km := range g.kc.members {
				for _, gp := range km.assigned {
					owner[gp] = holder{km.memberID, km.m}
				}
			}
		} else if c.state == stStable || c.state == stCompletingRebalance {
			for _, cm := range c.members {
				for _, tp := range cm.assignment {
					owner[g.part(tp.t, tp.p)] = holder{cm.memberID, cm.m}
				}
			}
		}
		for _, gp := range g.existing(at) {
			leo := gp.log.leo(at, s.dt)
			row := DescribeRow{Topic: gp.tp.t.name, Partition: gp.tp.p, CurrentOffset: -1, LogEndOffset: leo, Lag: -1}
			if gp.hasCommitted {
				row.CurrentOffset = gp.committed
				row.Lag = leo - gp.committed
			}
			if h, ok := owner[gp]; ok {
				row.ConsumerID = h.memberID
				row.Host = h.m.host()
				row.ClientID = h.m.clientID
			}
			gs.Rows = append(gs.Rows, row)
		}
		// kafka-consumer-groups sorts by topic then partition.
		sort.SliceStable(gs.Rows, func(i, j int) bool {
			if gs.Rows[i].Topic != gs.Rows[j].Topic {
				return gs.Rows[i].Topic < gs.Rows[j].Topic
			}
			return gs.Rows[i].Partition < gs.Rows[j].Partition
		})
		snap.Groups = append(snap.Groups, gs)
	}
	return snap, nil
}

// host is the member's client address as the broker reports it: each
// consumer is a process of its own, so each gets an address.
func (m *member) host() string {
	return fmt.Sprintf("/10.%d.%d.%d", m.g.idx, m.slot/250, m.slot%250+1)
}
