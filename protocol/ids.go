package protocol

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
)

// Time is the simulation's virtual time (nanoseconds).
type Time = engine.Time

// Never is a time after every other.
const Never = engine.Never

// Proc names one consumer process: its member slot in the group (dense,
// in join order) and the slot's incarnation (a restart is a new process
// in the same slot). Messages carry it instead of pointers.
type Proc struct {
	Slot int32
	Inc  int32
}

func (p Proc) String() string { return fmt.Sprintf("#%d.%d", p.Slot, p.Inc) }

// TP names one partition: the topic's index among the group's subscribed
// topics (Topology.Names) and the partition number.
type TP struct {
	Topic int32
	Part  int32
}

// Less orders partitions by topic, then partition: the order of every
// assignment the machines hand out.
func (a TP) Less(b TP) bool {
	if a.Topic != b.Topic {
		return a.Topic < b.Topic
	}
	return a.Part < b.Part
}

// Compare is Less as a three-way comparison, for slices.SortFunc.
func (a TP) Compare(b TP) int {
	if a.Topic != b.Topic {
		return int(a.Topic - b.Topic)
	}
	return int(a.Part - b.Part)
}

// SortTPs sorts tps in place by (topic, partition) and returns it.
func SortTPs(tps []TP) []TP {
	slices.SortFunc(tps, TP.Compare)
	return tps
}

// Topology is what every machine of one group knows about the topics the
// group reads: their names (sorted; a TP's Topic indexes them) and how
// many partitions each has at any time (a schedule fixed before the run:
// add_partitions events are known up front).
type Topology struct {
	Names []string
	// Counts[i] lists topic i's partition count over time, oldest first.
	Counts [][]CountStep
	// Base[i] is the dense index of topic i's partition 0: Index(tp) =
	// Base[tp.Topic] + tp.Part covers every partition the topic will ever
	// have.
	Base []int32
	// Total is the number of dense indexes.
	Total int32
	// Racks[i][p] lists the racks of the replicas of topic i's partition p
	// ("" for a broker without broker.rack), for every partition the topic
	// will ever have (partitions added later are placed when the run
	// starts, as their schedule is known). nil when the cluster has no
	// rack layout: then no rack is known, as for a cluster without
	// broker.rack. Every machine reads it as its metadata's replica racks.
	Racks [][][]string
}

// CountStep says a topic has N partitions from time At on.
type CountStep struct {
	At Time
	N  int32
}

// NewTopology builds the topology of topics names (sorted), each with its
// partition count schedule.
func NewTopology(names []string, counts [][]CountStep) *Topology {
	t := &Topology{Names: names, Counts: counts}
	for _, c := range counts {
		t.Base = append(t.Base, t.Total)
		t.Total += c[len(c)-1].N
	}
	return t
}

// Partitions is the partition count of topic i at time at.
func (t *Topology) Partitions(i int, at Time) int32 {
	c := t.Counts[i]
	n := c[0].N
	for _, s := range c[1:] {
		if s.At > at {
			break
		}
		n = s.N
	}
	return n
}

// ReplicaRacks is the replica racks of topic i's first n partitions, in
// the assignors' form (nil when none are known).
func (t *Topology) ReplicaRacks(i int, n int32) [][]string {
	if t.Racks == nil {
		return nil
	}
	return t.Racks[i][:n]
}

// Index is tp's dense index.
func (t *Topology) Index(tp TP) int32 { return t.Base[tp.Topic] + tp.Part }

// TPString names tp as Kafka does: topic-partition.
func (t *Topology) TPString(tp TP) string { return fmt.Sprintf("%s-%d", t.Names[tp.Topic], tp.Part) }

// Join names tps for traces.
func (t *Topology) Join(tps []TP) string {
	var b strings.Builder
	for i, tp := range tps {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.TPString(tp))
	}
	return b.String()
}

// Lookup finds topic name's index, or -1.
func (t *Topology) Lookup(name string) int32 {
	for i, n := range t.Names {
		if n == name {
			return int32(i)
		}
	}
	return -1
}

// ToAssignor converts sorted partitions to the assignors' form (topics by
// name, partitions ascending).
func ToAssignor(top *Topology, tps []TP) []assignors.TopicPartitions {
	var out []assignors.TopicPartitions
	for _, tp := range tps {
		name := top.Names[tp.Topic]
		if n := len(out); n > 0 && out[n-1].Topic == name {
			out[n-1].Partitions = append(out[n-1].Partitions, tp.Part)
			continue
		}
		out = append(out, assignors.TopicPartitions{Topic: name, Partitions: []int32{tp.Part}})
	}
	return out
}

// FromAssignor converts an assignor's answer back to sorted partitions.
func FromAssignor(top *Topology, tps []assignors.TopicPartitions) []TP {
	var out []TP
	for _, x := range tps {
		t := top.Lookup(x.Topic)
		for _, p := range x.Partitions {
			out = append(out, TP{Topic: t, Part: p})
		}
	}
	return SortTPs(out)
}
