package sim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/placement"
)

// The broker layout (docs/model.md §8): where each partition's replicas
// are, which racks the group's consumers run in and tell Kafka, and the
// bytes their fetches move within and across racks.

// layout is the cluster's replica placement: per topic (in s.topics
// order), per partition ever, the racks of its replicas, the preferred
// leader's first ("" for a broker without one).
type layout struct {
	racks [][][]string
	// rackIdx numbers the brokers' racks (sorted): bit i of a replica mask
	// is rack i.
	rackIdx map[string]int8 // NB: lookup only
}

// zoneView is one group's view of the layout, made for the fetch path: a
// few integers per partition, no strings. Racks are indexes of
// layout.rackIdx; -1 is a rack that is unknown (a broker or a consumer
// without one) and never counts as near or far.
type zoneView struct {
	leader   []int8   // per gpart.idx: the leader's rack
	replicas []uint64 // per gpart.idx: the racks holding a replica
	size     []int64  // per gpart.idx: its topic's record_size
	zone     []int8   // racks: where slot i runs is zone[i mod len]
	client   []int8   // client.rack, by slot likewise
	follower bool     // the brokers run RackAwareReplicaSelector
}

// buildLayout places every topic's replicas as Kafka's controller does and
// gives each group its view; without a broker layout it does nothing.
//
// Each topic draws from its own java.util.Random, seeded from the run's
// seed and the topic's name: Kafka seeds its placer from the clock, so any
// seed is a placement Kafka could make, and a stream per topic keeps one
// topic's placement from depending on the others (variants that change
// one topic see the same replicas for the rest). The partitions an
// add_partitions event creates are placed by the same placer after the
// topic's first ones, as CreatePartitions does, with the topic's
// replication factor.
func (s *Sim) buildLayout() error {
	nodes := s.sc.Broker.Nodes
	if len(nodes) == 0 {
		return nil
	}
	brokers := make([]placement.Broker, len(nodes))
	rackOf := map[int32]string{} // NB: lookup only
	ly := &layout{rackIdx: map[string]int8{}}
	var names []string
	for i, n := range nodes {
		brokers[i] = placement.Broker{ID: n.ID, Rack: n.Rack}
		rackOf[n.ID] = n.Rack
		if _, seen := ly.rackIdx[n.Rack]; n.Rack != "" && !seen {
			ly.rackIdx[n.Rack] = 0
			names = append(names, n.Rack)
		}
	}
	if len(names) > 64 {
		return fmt.Errorf("the brokers are in %d racks, more than 64", len(names))
	}
	sort.Strings(names)
	for i, n := range names {
		ly.rackIdx[n] = int8(i)
	}
	for ti := range s.topics {
		tc := &s.sc.Topics[ti]
		t := s.topics[ti]
		seed := engine.Stream(s.seed, "topic/"+tc.Name, "replica-placement").Uint64()
		rnd := placement.NewJavaRandom(int64(seed))
		var reps [][]int32
		// NB: t.counts is the topic's partition count over time: the first
		// step is its creation, each later one an add_partitions.
		prev := 0
		for _, c := range t.counts {
			p, err := placement.Place(brokers, c.n-prev, tc.ReplicationFactor, rnd)
			if err != nil {
				return fmt.Errorf("topic %s: %v", tc.Name, err)
			}
			reps = append(reps, p...)
			prev = c.n
		}
		racks := make([][]string, len(reps))
		for p, r := range reps {
			racks[p] = make([]string, len(r))
			for k, b := range r {
				racks[p][k] = rackOf[b]
			}
		}
		ly.racks = append(ly.racks, racks)
		if s.opt.Trace != nil {
			var parts []string
			for p, r := range reps {
				parts = append(parts, fmt.Sprintf("%s-%d=%v", tc.Name, p, r))
			}
			s.tracef("replicas %s", strings.Join(parts, " "))
		}
	}
	for _, g := range s.groups {
		g.buildZones(ly)
	}
	return nil
}

// buildZones gives the group's machines their metadata's replica racks
// (protocol.Topology.Racks) and makes its zone view.
func (g *group) buildZones(ly *layout) {
	s := g.s
	g.top.Racks = make([][][]string, len(g.topic))
	for i, t := range g.topic {
		g.top.Racks[i] = ly.racks[s.topicIndex(t)]
	}
	z := &zoneView{
		leader:   make([]int8, len(g.parts)),
		replicas: make([]uint64, len(g.parts)),
		size:     make([]int64, len(g.parts)),
		follower: s.sc.Broker.FollowerFetching(),
	}
	idx := func(r string) int8 {
		if i, ok := ly.rackIdx[r]; ok && r != "" {
			return i
		}
		return -1
	}
	for _, gp := range g.parts {
		ti := s.topicIndex(gp.log.topic)
		racks := ly.racks[ti][gp.log.id]
		z.leader[gp.idx] = idx(racks[0])
		for _, r := range racks {
			if i := idx(r); i >= 0 {
				z.replicas[gp.idx] |= 1 << uint(i)
			}
		}
		z.size[gp.idx] = s.sc.Topics[ti].RecordSize
	}
	for _, r := range g.cfg.Racks {
		z.zone = append(z.zone, idx(r))
	}
	for _, r := range g.cfg.ClientRack {
		z.client = append(z.client, idx(r))
	}
	g.zones = z
	g.rec.CountCrossZone(s.sc.Cost.CrossZonePerGB)
}

// topicIndex is t's position in s.topics (and in sc.Topics).
func (s *Sim) topicIndex(t *topic) int {
	for i, x := range s.topics {
		if x == t {
			return i
		}
	}
	panic("sim: unknown topic " + t.name)
}

func rackAt(racks []int8, slot int) int8 {
	if len(racks) == 0 {
		return -1
	}
	return racks[slot%len(racks)]
}

// source is the rack a member whose client.rack is client fetches
// partition i from: the leader's, unless the brokers run
// RackAwareReplicaSelector and a replica sits in the client's rack (KIP-392:
// the leader, if it is there, else the most caught-up follower there;
// either way that rack).
func (z *zoneView) source(i int, client int8) int8 {
	if z.follower && client >= 0 && z.replicas[i]&(1<<uint(client)) != 0 {
		return client
	}
	return z.leader[i]
}

// countFetch counts the bytes of one poll's ranges, and those fetched
// from a replica in another rack than the member runs in: O(1) per range,
// so the cost follows fetches, not records.
func (g *group) countFetch(m *member, ranges []brange) {
	z := g.zones
	if z == nil {
		return
	}
	zone, client := rackAt(z.zone, m.slot), rackAt(z.client, m.slot)
	var fetched, cross int64
	for _, r := range ranges {
		i := r.gp.idx
		b := (r.to - r.from) * z.size[i]
		fetched += b
		if src := z.source(i, client); zone >= 0 && src >= 0 && src != zone {
			cross += b
		}
	}
	g.rec.Fetched(fetched, cross)
}
