package assignors

import (
	"fmt"
	"sort"
	"strings"
)

// TopicPartitions names some partitions of one topic.
// Contract: Partitions are ascending and distinct.
type TopicPartitions struct {
	Topic      string
	Partitions []int32
}

// Member is one group member as the assignor sees it.
type Member struct {
	// ID is the member id (classic: clientId-UUID; KIP-848: a base64 Uuid).
	ID string
	// InstanceID is group.instance.id for a static member, "" for a dynamic one.
	InstanceID string
	// Topics is the subscription: sorted, distinct.
	Topics []string
	// Owned holds the partitions the member owned before this assignment
	// (sticky: its previous assignment; cooperative: the owned partitions of
	// the subscription; KIP-848: its current target assignment).
	// Sorted by topic; partitions ascending.
	Owned []TopicPartitions
	// Generation is the generation in which Owned was assigned; -1 when unknown.
	Generation int32
	// Rack is the member's client.rack, "" when it has none (KIP-881; Kafka
	// also treats an empty client.rack as none).
	Rack string
}

// Topic is the metadata the assignor sees for one topic.
type Topic struct {
	Name       string
	Partitions int32
	// ID is the KIP-848 topic id. The zero Uuid means "derive it from the
	// name" (TopicIDFor), which keeps answers deterministic.
	ID Uuid
	// Racks[p] lists the racks of partition p's replicas (in any order,
	// duplicates allowed; "" stands for a broker without broker.rack and is
	// ignored, as Kafka ignores a null Node.rack). nil, or an entry missing
	// past the end, means no rack is known for those partitions, which is
	// what every assignor sees when brokers set no broker.rack.
	Racks [][]string
}

// Group is the whole input of one assignment.
//
// NB: Members are in the order Kafka inserted them into the map the assignor
// iterates (for the classic protocol, the order of the leader's JoinGroup
// response; for `simulate assign`, the order of the input file). Only ties
// between ids that fall into the same Java HashMap bucket depend on it.
type Group struct {
	// Topics is the cluster metadata: sorted by name, distinct.
	Topics  []Topic
	Members []Member
}

// Assignment is what one member receives.
// Contract: Topics sorted by name, partitions ascending, no empty entries.
type Assignment struct {
	MemberID string
	Topics   []TopicPartitions
}

// Plan holds one Assignment per member, in the order of Group.Members.
type Plan []Assignment

// Assignor computes a plan. Implementations may keep state between calls
// where Kafka's do (the sticky assignors remember the highest generation they
// have seen), so one instance belongs to one group.
type Assignor interface {
	Name() string
	Assign(g *Group) (Plan, error)
}

// RebalanceProtocol is the classic protocol's rebalance mode (KIP-429).
type RebalanceProtocol int

const (
	// Eager: every member revokes everything before rejoining.
	Eager RebalanceProtocol = iota
	// Cooperative: members keep what they own; moving partitions take two rounds.
	Cooperative
)

func (p RebalanceProtocol) String() string {
	switch p {
	case Eager:
		return "eager"
	case Cooperative:
		return "cooperative"
	}
	return fmt.Sprintf("RebalanceProtocol(%d)", int(p))
}

// Kind says where an assignor runs.
type Kind int

const (
	// Classic assignors run on the group leader (partition.assignment.strategy).
	Classic Kind = iota
	// Server assignors run on the KIP-848 coordinator (group.remote.assignor).
	Server
)

// Info is the protocol side of an assignor: what the coordinator needs to know.
type Info struct {
	Name string
	Kind Kind
	// Protocols lists the supported rebalance protocols (classic only).
	Protocols []RebalanceProtocol
	// Doc is one line for `simulate list`.
	Doc string
}

type registration struct {
	info Info
	make func() Assignor
}

var registry = map[string]registration{}

// register is called from init functions of the files that implement each
// assignor, so that the files stay independent of one another.
func register(info Info, make func() Assignor) {
	if _, dup := registry[info.Name]; dup {
		panic("assignors: duplicate registration of " + info.Name)
	}
	registry[info.Name] = registration{info: info, make: make}
}

// New returns a fresh instance of the named assignor.
func New(name string) (Assignor, error) {
	r, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown assignor %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return r.make(), nil
}

// Lookup returns the protocol facts of the named assignor.
func Lookup(name string) (Info, bool) {
	r, ok := registry[name]
	return r.info, ok
}

// Names lists every registered assignor, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names) // NB: map order must not reach the output.
	return names
}

// ClassicProtocol returns the rebalance protocol a classic member uses with
// the given assignors: the highest protocol that every one of them supports
// (ConsumerCoordinator's constructor). The client default
// [range, cooperative-sticky] is therefore eager.
func ClassicProtocol(names []string) (RebalanceProtocol, error) {
	if len(names) == 0 {
		return Eager, fmt.Errorf("no assignor configured")
	}
	common := map[RebalanceProtocol]int{}
	for _, n := range names {
		info, ok := Lookup(n)
		if !ok {
			return Eager, fmt.Errorf("unknown assignor %q", n)
		}
		if info.Kind != Classic {
			return Eager, fmt.Errorf("assignor %q runs on the coordinator (KIP-848), not in partition.assignment.strategy", n)
		}
		for _, p := range info.Protocols {
			common[p]++
		}
	}
	// NB: checked from the highest protocol down, so map order is irrelevant.
	for _, p := range []RebalanceProtocol{Cooperative, Eager} {
		if common[p] == len(names) {
			return p, nil
		}
	}
	return Eager, fmt.Errorf("assignors %s share no rebalance protocol", strings.Join(names, ", "))
}
