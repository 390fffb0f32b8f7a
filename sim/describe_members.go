package sim

import (
	"sort"

	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// MemberSnapshot is one member of a group as `kafka-consumer-groups.sh
// --describe --members` shows it: every member the coordinator has,
// whether or not it owns partitions.
type MemberSnapshot struct {
	ConsumerID string
	InstanceID string // group.instance.id; "" for a dynamic member
	Host       string
	ClientID   string
	// Assignment is what the coordinator gives the member (classic: empty
	// while the group prepares a rebalance), by topic name then partition.
	Assignment []TopicPartition
}

// TopicPartition names one partition.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// memberSnapshots lists the view's members in the coordinator's order.
func (g *group) memberSnapshots(v protocol.GroupView) []MemberSnapshot {
	out := make([]MemberSnapshot, 0, len(v.Members))
	for _, mv := range v.Members {
		m := g.members[mv.Proc.Slot]
		ms := MemberSnapshot{ConsumerID: mv.ID, InstanceID: mv.InstanceID, Host: m.host(), ClientID: m.clientID}
		for _, tp := range mv.Assignment {
			ms.Assignment = append(ms.Assignment, TopicPartition{Topic: g.top.Names[tp.Topic], Partition: tp.Part})
		}
		sort.Slice(ms.Assignment, func(i, j int) bool {
			a, b := ms.Assignment[i], ms.Assignment[j]
			return a.Topic < b.Topic || a.Topic == b.Topic && a.Partition < b.Partition
		})
		out = append(out, ms)
	}
	return out
}
