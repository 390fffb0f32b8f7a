package sim

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
	// MemberList is every member (describe_members.go).
	MemberList []MemberSnapshot
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
		v := g.coord.Describe()
		gs := GroupSnapshot{Group: g.name, State: v.State, Generation: v.Generation, Protocol: v.Protocol, Members: len(v.Members),
			MemberList: g.memberSnapshots(v)}
		type holder struct {
			id string
			m  *member
		}
		owner := map[*gpart]holder{} // NB: lookup only
		for _, mv := range v.Members {
			for _, tp := range mv.Assignment {
				owner[g.part(tp)] = holder{mv.ID, g.members[mv.Proc.Slot]}
			}
		}
		for _, gp := range g.existing(at) {
			leo := gp.log.leo(at, s.dt)
			row := DescribeRow{Topic: g.top.Names[gp.tp.Topic], Partition: gp.tp.Part, CurrentOffset: -1, LogEndOffset: leo, Lag: -1}
			if off, ok := g.coord.Committed(gp.tp); ok {
				row.CurrentOffset = off
				row.Lag = leo - off
			}
			if h, ok := owner[gp]; ok {
				row.ConsumerID = h.id
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
