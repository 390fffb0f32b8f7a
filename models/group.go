package models

import (
	"fmt"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// pauseCause says why a partition cannot be fetched (SPEC: partition_pause_s).
type pauseCause int8

const (
	pauseNone       pauseCause = iota
	pauseRebalance             // revoked or awaiting assignment, or its owner has no position yet
	pauseFailure               // its owner is dead or stalled but still holds it
	pauseUnassigned            // nobody in the group at all, or never assigned yet
	numPauseCauses
)

// gpart is one partition as one group sees it: committed offset, processed
// high-water mark, owner and pause accounting.
type gpart struct {
	g   *group
	log *plog
	tp  tpRef

	committed    int64
	hasCommitted bool
	// hw is the processed high-water mark: every offset below it has been
	// processed at least once (or skipped by auto.offset.reset). Batches
	// start at a committed offset <= hw, so processing is contiguous and one
	// number tells first processings from repeats.
	hw int64
	// fetched is the highest offset any member has fetched (poll() returned).
	fetched int64

	owner    *member // member slot whose current assignment holds it
	ownerInc int64   // the owning process incarnation of that slot
	ready    bool    // owner has fetched its position
	// revoking: a KIP-848 owner is giving it up (its reconciliation has
	// started) and no longer fetches it, as Kafka's
	// markPendingRevocationToPauseFetching (KAFKA_MODEL §3).
	revoking     bool
	everAssigned bool
	// lastOwner is the identity (instance id or member id) of the last member
	// that held it, for partitions_moved.
	lastOwner string

	cause      pauseCause
	since      engine.Time // when cause was last set
	pauseStart engine.Time // start of the current continuous pause
	skipped    int64       // records below hw nobody processed (auto.offset.reset = latest, gaps)
	// gaps are ranges below hw that a batch started past while another
	// member still held them in a batch of its own (see processed).
	gaps       []offRange
	sampledLEO int64 // log end at the previous sample
}

// group is one consumer group: its config, partitions, members, coordinator
// and metric accumulators.
type group struct {
	s    *Sim
	idx  int
	name string
	cfg  *scenario.Group
	// procSec is cfg.ProcessingTime in seconds, converted once: every
	// batch needs it.
	procSec float64
	topic   []*topic // subscribed topics, sorted by name
	parts   []*gpart // partitions of subscribed topics, topic by topic
	base    []int    // parts index of each topic's partition 0

	members []*member // slots in join order (index = slot)
	coord   *coordinator
	kc      *kcoord // the KIP-848 coordinator (group.protocol = consumer); nil for classic groups
	auto    *autoscaler

	// rebalance protocol and assignors for the classic protocol
	strategy []string
	protocol assignors.RebalanceProtocol

	met  groupMetrics
	heat heatmap
}

func newGroup(s *Sim, idx int, cfg *scenario.Group) (*group, error) {
	g := &group{s: s, idx: idx, name: cfg.Name, cfg: cfg, strategy: cfg.AssignmentStrategy,
		procSec: cfg.ProcessingTime.Seconds()}
	for _, tn := range cfg.Topics {
		t := s.topicBy[tn]
		if t == nil {
			return nil, fmt.Errorf("group %s reads unknown topic %s", cfg.Name, tn)
		}
		g.topic = append(g.topic, t)
		g.base = append(g.base, len(g.parts))
		for _, l := range t.parts {
			gp := &gpart{g: g, log: l, tp: tpRef{t, l.id}, hasCommitted: l.created == 0, cause: pauseUnassigned}
			// NB: a group starts with its offsets committed at the log start
			// (nothing is produced before t = 0), so records produced while
			// it forms are consumed, not skipped by auto.offset.reset.
			g.parts = append(g.parts, gp)
		}
	}
	if cfg.Protocol == scenario.ProtocolClassic {
		p, err := assignors.ClassicProtocol(cfg.AssignmentStrategy)
		if err != nil {
			return nil, fmt.Errorf("group %s: partition.assignment.strategy: %v", cfg.Name, err)
		}
		g.protocol = p
	}
	g.coord = newCoordinator(g)
	if cfg.Protocol == scenario.ProtocolConsumer {
		g.kc = newKCoord(g)
	}
	g.met.init(len(g.parts), s.warmup() >= 0)
	if s.opt.HeatmapColumns > 0 {
		g.heat.init(len(g.parts), s.opt.HeatmapColumns, engine.FromDuration(s.sc.Duration))
	}
	return g, nil
}

// part returns the group's state for partition p of topic t.
func (g *group) part(t *topic, p int32) *gpart {
	for i, gt := range g.topic {
		if gt == t {
			return g.parts[g.base[i]+int(p)]
		}
	}
	panic(fmt.Sprintf("models: group %s does not read topic %s", g.name, t.name))
}

// existing returns the partitions that exist at time at.
func (g *group) existing(at engine.Time) []*gpart {
	var out []*gpart
	for i, t := range g.topic {
		n := t.partitionsAtTime(at)
		out = append(out, g.parts[g.base[i]:g.base[i]+n]...)
	}
	return out
}

// aliveMembers counts member processes that are running.
func (g *group) aliveMembers() int {
	n := 0
	for _, m := range g.members {
		if m.alive {
			n++
		}
	}
	return n
}

// classify derives a partition's pause cause from the state of its owner
// and the group (SPEC: partition_pause_s).
func (g *group) classify(gp *gpart) pauseCause {
	now := g.s.now()
	if int(gp.tp.p) >= gp.tp.t.partitionsAtTime(now) {
		return pauseNone // does not exist yet: nothing to fetch
	}
	o := gp.owner
	switch {
	case o == nil && (!gp.everAssigned || !g.met.everStable || g.aliveMembers() == 0):
		// Never assigned, the group still forming (its first join, or the
		// consumer protocol's first reconciliation as members arrive one
		// by one), or nobody left at all.
		return pauseUnassigned
	case o == nil:
		return pauseRebalance
	case !o.alive || o.inc != gp.ownerInc || o.stalled:
		// The process that holds it died (a restarted slot is a new
		// process) or is stalled: nobody fetches it until the coordinator
		// notices.
		return pauseFailure
	case !gp.ready || gp.revoking:
		return pauseRebalance
	}
	return pauseNone
}

// refresh re-derives gp's pause cause and accounts the time spent in the
// previous one.
func (g *group) refresh(gp *gpart) {
	c := g.classify(gp)
	if c == gp.cause {
		return
	}
	now := g.s.now()
	g.met.accountPause(gp, now)
	if gp.cause == pauseNone && c != pauseNone {
		gp.pauseStart = now
	}
	if gp.cause != pauseNone && c == pauseNone {
		g.met.endPause(gp.pauseStart, now, g.s.warmup())
	}
	gp.cause, gp.since = c, now
}

func (g *group) refreshAll() {
	for _, gp := range g.parts {
		g.refresh(gp)
	}
}

// setOwner records that m now holds gp (nil: nobody). A partition never has
// two owners in a group: cooperative and eager revocation both release a
// partition before anyone else is given it, so a second owner is a bug.
func (g *group) setOwner(gp *gpart, m *member) {
	if m != nil && gp.owner != nil && !gp.heldBy(m) && gp.owner.alive && gp.owner.inc == gp.ownerInc {
		panic(fmt.Sprintf("models: %s-%d of group %s given to %s while %s holds it",
			gp.tp.t.name, gp.tp.p, g.name, m.describe(), gp.owner.describe()))
	}
	prev := gp.owner
	gp.owner = m
	if m != nil {
		gp.ownerInc = m.inc
	}
	gp.ready, gp.revoking = false, false
	if m != nil {
		gp.everAssigned = true
	}
	g.refresh(gp)
	if prev != nil && prev != m {
		prev.note()
	}
}

// disown clears every partition the coordinator had given m: the member
// was removed from the group. The process, if alive, still believes it owns
// them until it learns otherwise, but it fetches only what it really holds.
func (g *group) disown(m *member, inc int64) {
	for _, gp := range g.parts {
		if gp.owner == m && gp.ownerInc == inc {
			g.setOwner(gp, nil)
		}
	}
}

// heldBy reports whether the running process of m holds gp.
func (gp *gpart) heldBy(m *member) bool { return gp.owner == m && gp.ownerInc == m.inc }

// fetchableBy reports whether m may fetch gp: it holds it, knows its
// position and is not giving it up.
func (gp *gpart) fetchableBy(m *member) bool { return gp.heldBy(m) && gp.ready && !gp.revoking }

// memberCount is the coordinator's member count (what kafka-consumer-groups
// shows as #MEMBERS).
func (g *group) memberCount() int {
	if g.kc != nil {
		return len(g.kc.members)
	}
	return len(g.coord.members)
}

// rebalancing reports whether a rebalance is in progress: classic, between
// leaving Stable and reaching it again; consumer protocol, between a new
// target assignment and every member reconciling to it.
func (g *group) rebalancing() bool {
	if g.kc != nil {
		return g.kc.openRow >= 0
	}
	return g.coord.state == stPreparingRebalance || g.coord.state == stCompletingRebalance
}

// generation is the classic generation or the consumer group's target
// assignment epoch.
func (g *group) generation() int32 {
	if g.kc != nil {
		return g.kc.targetEpoch
	}
	return g.coord.generation
}

// noteRevoked counts revoked partitions into the current rebalance's row.
func (g *group) noteRevoked(n int64) {
	if g.kc != nil {
		gm := &g.met
		i := g.kc.openRow
		if i < 0 {
			i = len(gm.rebalances) - 1
		}
		if i >= 0 {
			gm.rebalances[i].Revoked += n
		}
		return
	}
	g.coord.noteRevoked(n)
}

// formedWith reports whether the group, now stable (classic) or reconciled
// (consumer protocol), holds every initially started consumer that is still
// alive: the end of its first formation. Until then pauses count as
// unassigned and target epochs as formation, not rebalances, whichever
// protocol forms the group (classic merges arrivals with the initial
// rebalance delay; the consumer protocol takes them one epoch at a time).
func (g *group) formedWith(isMember func(*member) bool) bool {
	for slot := 0; slot < g.cfg.Consumers && slot < len(g.members); slot++ {
		m := g.members[slot]
		if m.alive && !isMember(m) {
			return false
		}
	}
	return true
}

// markFormed ends the group's first formation.
func (g *group) markFormed() {
	if g.met.everStable {
		return
	}
	g.met.everStable = true
	g.met.formedAt = g.s.now()
	g.refreshAll() // pauses from now on are the rebalances', not the formation's
}
