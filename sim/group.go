package sim

import (
	"fmt"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/protocol"
	"github.com/rebalance-sim/rebalance-sim/protocol/classic"
	"github.com/rebalance-sim/rebalance-sim/protocol/consumer"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// gpart is one partition as one group sees it in the world: processed
// high-water mark, who holds it, and pause accounting. Its committed offset
// lives in the coordinator.
type gpart struct {
	g   *group
	log *plog
	tp  protocol.TP
	idx int

	// hw is the processed high-water mark: every offset below it has been
	// processed at least once (or skipped by auto.offset.reset). Batches
	// start at a committed offset <= hw, so processing is contiguous and one
	// number tells first processings from repeats.
	hw int64
	// fetched is the highest offset any member has fetched (poll() returned).
	fetched int64

	// holder is the process the protocol gave it to and that has not given
	// it up (nil: nobody); ready: the holder knows its position; revoking:
	// the holder stopped fetching it to give it up.
	holder       *member
	holderInc    int32
	holderGen    int32 // the generation (classic) or epoch that gave it to the holder
	ready        bool
	revoking     bool
	everAssigned bool
	// lostInFailure: its holder lost it (poll timeout, fenced) while the
	// group was not rebalancing, so nobody will take it over until the
	// coordinator notices the failure (a static member's session expiring).
	lostInFailure bool

	cause      int
	since      engine.Time // when cause was last set
	pauseStart engine.Time // start of the current continuous pause
	skipped    int64       // records below hw nobody processed (auto.offset.reset = latest, gaps)
	reset      int64       // of which skipped by auto.offset.reset
	// gaps are ranges below hw that a batch started past while another
	// member still held them in a batch of its own (see processed).
	gaps       []offRange
	sampledLEO int64 // log end at the previous sample
}

// group is one consumer group in the world: its partitions, member slots,
// coordinator machine and metrics recorder.
type group struct {
	s    *Sim
	idx  int
	name string
	cfg  *scenario.Group
	// procSec is cfg.ProcessingTime in seconds, converted once.
	procSec float64
	topic   []*topic // subscribed topics, sorted by name
	top     *protocol.Topology
	parts   []*gpart // dense index order (topic by topic)
	lost    []*gpart // partitions marked lostInFailure (maybe since cleared)

	members []*member // slots in join order (index = slot)
	alive   int       // running member processes
	coord   protocol.Coordinator
	kind    scenario.GroupProtocol
	auto    *autoscaler
	// rebalance protocol of classic members (from partition.assignment.strategy)
	rebalance assignors.RebalanceProtocol

	rec  *metrics.Group
	heat heatmap
	// zones is where the replicas are for this group's fetches (racks.go);
	// nil without a broker layout.
	zones *zoneView
	// unavailableUntil: the coordinator fails over until then.
	unavailableUntil engine.Time
}

func newGroup(s *Sim, idx int, cfg *scenario.Group) (*group, error) {
	g := &group{s: s, idx: idx, name: cfg.Name, cfg: cfg, procSec: cfg.ProcessingTime.Seconds(), kind: cfg.Protocol}
	var counts [][]protocol.CountStep
	for _, tn := range cfg.Topics {
		t := s.topicBy[tn]
		if t == nil {
			return nil, fmt.Errorf("group %s reads unknown topic %s", cfg.Name, tn)
		}
		g.topic = append(g.topic, t)
		var cs []protocol.CountStep
		for _, c := range t.counts {
			cs = append(cs, protocol.CountStep{At: engine.Time(c.tick) * s.dt, N: int32(c.n)})
		}
		counts = append(counts, cs)
	}
	g.top = protocol.NewTopology(cfg.Topics, counts)
	for ti, t := range g.topic {
		for _, l := range t.parts {
			gp := &gpart{g: g, log: l, tp: protocol.TP{Topic: int32(ti), Part: l.id}, idx: len(g.parts), cause: metrics.PauseUnassigned}
			g.parts = append(g.parts, gp)
		}
	}
	// NB: a group starts with its offsets committed at the log start
	// (nothing is produced before t = 0), so records produced while it forms
	// are consumed, not skipped by auto.offset.reset.
	committed := func(tp protocol.TP) bool { return g.part(tp).log.created == 0 }
	trace := s.opt.Trace != nil
	if cfg.Protocol == scenario.ProtocolConsumer {
		name := cfg.RemoteAssignor
		if name == "range" {
			name = "server-range" // group.remote.assignor names the server-side range assignor "range"
		}
		g.coord = consumer.NewCoordinator(consumer.CoordinatorConfig{Group: cfg.Name, Assignor: name,
			HeartbeatInterval:  engine.FromDuration(s.sc.Broker.ConsumerHeartbeatInterval),
			SessionTimeout:     engine.FromDuration(s.sc.Broker.ConsumerSessionTimeout),
			AssignmentInterval: engine.FromDuration(s.sc.Broker.ConsumerAssignmentInterval),
			Topology:           g.top, Committed: committed}, trace)
	} else {
		p, err := assignors.ClassicProtocol(cfg.AssignmentStrategy)
		if err != nil {
			return nil, fmt.Errorf("group %s: partition.assignment.strategy: %v", cfg.Name, err)
		}
		g.rebalance = p
		g.coord = classic.NewCoordinator(classic.CoordinatorConfig{Group: cfg.Name,
			InitialRebalanceDelay: engine.FromDuration(s.sc.Broker.InitialRebalanceDelay),
			Topology:              g.top, Committed: committed,
			IDs: engine.Stream(s.seed, "coordinator/"+cfg.Name, "member-ids")}, trace)
	}
	g.rec = metrics.NewGroup(cfg.Name, cfg.Protocol == scenario.ProtocolConsumer, s.warmup(), s.opt.OnSample == nil)
	if s.opt.HeatmapColumns > 0 {
		g.heat.init(len(g.parts), s.opt.HeatmapColumns, engine.FromDuration(s.sc.Duration))
	}
	return g, nil
}

// part is the group's state of partition tp.
func (g *group) part(tp protocol.TP) *gpart { return g.parts[g.top.Index(tp)] }

func (g *group) exists(gp *gpart, at engine.Time) bool {
	return gp.tp.Part < g.top.Partitions(int(gp.tp.Topic), at)
}

// existing returns the partitions that exist at time at.
func (g *group) existing(at engine.Time) []*gpart {
	var out []*gpart
	for _, gp := range g.parts {
		if g.exists(gp, at) {
			out = append(out, gp)
		}
	}
	return out
}

// committedOr0 is gp's committed offset, 0 when there is none (lag counts
// from the log start then).
func (g *group) committedOr0(gp *gpart) int64 {
	off, _ := g.coord.Committed(gp.tp)
	return off
}

// classify derives a partition's pause cause from the state of its holder
// and the group (docs/metrics.md, partition_pause_s).
func (g *group) classify(gp *gpart) int {
	if !g.exists(gp, g.s.now()) {
		return metrics.PauseNone // does not exist yet: nothing to fetch
	}
	o := gp.holder
	switch {
	case o == nil && (!gp.everAssigned || !g.rec.Formed() || g.alive == 0):
		// Never assigned, the group still forming, or nobody left at all.
		return metrics.PauseUnassigned
	case o == nil && gp.lostInFailure:
		return metrics.PauseFailure
	case o == nil:
		return metrics.PauseRebalance
	case !o.alive || o.inc != gp.holderInc || o.stalled:
		// The process that holds it died (a restarted slot is a new
		// process) or is stalled: nobody fetches it until the coordinator
		// notices.
		return metrics.PauseFailure
	case !gp.ready || gp.revoking:
		if !g.rec.Formed() {
			return metrics.PauseUnassigned // the group's formation, not a rebalance
		}
		return metrics.PauseRebalance
	}
	return metrics.PauseNone
}

// refresh re-derives gp's pause cause and accounts the time spent in the
// previous one.
func (g *group) refresh(gp *gpart) {
	c := g.classify(gp)
	if c == gp.cause {
		return
	}
	now := g.s.now()
	g.accountPause(gp, now)
	if gp.cause == metrics.PauseNone && c != metrics.PauseNone {
		gp.pauseStart = now
	}
	if gp.cause != metrics.PauseNone && c == metrics.PauseNone {
		g.rec.PauseEnded(gp.pauseStart, now)
	}
	gp.cause, gp.since = c, now
}

func (g *group) accountPause(gp *gpart, now engine.Time) {
	if gp.cause != metrics.PauseNone {
		g.rec.PauseTime(gp.cause, (now - gp.since).Seconds())
	}
	gp.since = now
}

func (g *group) refreshAll() {
	for _, gp := range g.parts {
		g.refresh(gp)
	}
}

// heldBy reports whether the running process of m holds gp.
func (gp *gpart) heldBy(m *member) bool { return gp.holder == m && gp.holderInc == m.inc }

// fetchableBy reports whether m may fetch gp: it holds it, knows its
// position and is not giving it up.
func (gp *gpart) fetchableBy(m *member) bool { return gp.heldBy(m) && gp.ready && !gp.revoking }

// assignTo gives gp to m by generation (or epoch) gen. A partition never has
// two holders in a group: the protocols release a partition before anyone
// else is given it, so a second live holder is a broken invariant, with one
// exception the classic protocol has by design: a member of an older
// generation that has not rejoined yet (a static member slower than the
// rebalance timeout, kept by the coordinator) still processes what it held
// until its next poll(); a newer generation's plan may give those
// partitions away, and generation fencing makes the new holder the owner
// (the old one finishes its batch in hand, a zombie's work; model.md §2.5).
func (g *group) assignTo(gp *gpart, m *member, gen int32) {
	if o := gp.holder; o != nil && !gp.heldBy(m) && o.alive && o.inc == gp.holderInc {
		if g.kind != scenario.ProtocolClassic || gen <= gp.holderGen || o.client.View().Generation >= gen {
			panic(fmt.Sprintf("sim: %s of group %s given to %s (generation %d) while %s holds it (generation %d)",
				g.top.TPString(gp.tp), g.name, m.describe(), gen, o.describe(), gp.holderGen))
		}
		g.s.tracef("%s#%d holds %s from generation %d: generation %d gives it to %s#%d", g.name, o.slot,
			g.top.TPString(gp.tp), gp.holderGen, gen, g.name, m.slot)
		g.setHolder(gp, nil)
	}
	g.setHolder(gp, m)
	gp.holderGen = gen
}

// setHolder records that m now holds gp (nil: nobody).
func (g *group) setHolder(gp *gpart, m *member) {
	prev := gp.holder
	gp.holder = m
	if m != nil {
		gp.holderInc = m.inc
		gp.everAssigned = true
		gp.lostInFailure = false
	}
	gp.ready, gp.revoking = false, false
	g.refresh(gp)
	if prev != nil && prev != m {
		prev.note()
	}
}

// disown clears every partition process p holds: the coordinator removed
// it from the group. The process, if alive, still believes it owns them
// until it learns otherwise, but it fetches only what it holds.
func (g *group) disown(p protocol.Proc) {
	m := g.members[p.Slot]
	for _, op := range m.owned {
		if op.gp.holder == m && op.gp.holderInc == p.Inc {
			g.setHolder(op.gp, nil)
		}
	}
	if m.inc == p.Inc {
		m.dropUnheld()
	}
}

// applyCoord applies the effects the coordinator produced.
func (g *group) applyCoord() {
	s := g.s
	out := g.coord.Out()
	for out.Pending() {
		for _, e := range out.Drain() {
			switch e.Kind {
			case protocol.Respond:
				s.toClient(g, e.Msg)
			case protocol.Arm:
				s.q.Push(engine.Event{At: e.At, Kind: evCoordTimer, Target: int32(g.idx),
					Arg: int64(e.Timer.Kind) | int64(e.Timer.Key)<<8, Token: uint64(e.Token)})
			case protocol.Removed:
				g.disown(e.Proc)
			case protocol.Committed:
				g.checkCommit(e.Offsets)
			case protocol.Observe:
				g.rec.Note(s.now(), e.Note)
				if e.Note.Kind == protocol.RebalanceOpened {
					g.failureNoticed()
				}
				if e.Note.Procs != nil {
					g.maybeFormed(e.Note.Procs)
				}
			case protocol.Trace:
				s.trace(e.Text)
			default:
				panic(fmt.Sprintf("sim: coordinator effect %v", e.Kind))
			}
		}
	}
}

// lostInFailure marks partitions a member lost while the group was not
// rebalancing: their pause is failure detection until a rebalance opens.
func (g *group) lostInFailure(tps []protocol.TP) {
	if g.coord.Rebalancing() {
		return
	}
	for _, tp := range tps {
		gp := g.part(tp)
		if gp.holder == nil && !gp.lostInFailure {
			gp.lostInFailure = true
			g.lost = append(g.lost, gp)
			g.refresh(gp)
		}
	}
}

// failureNoticed: a rebalance opened, so the coordinator knows; what
// waits from now on waits for the rebalance.
func (g *group) failureNoticed() {
	for _, gp := range g.lost {
		if gp.lostInFailure {
			gp.lostInFailure = false
			g.refresh(gp)
		}
	}
	clear(g.lost)
	g.lost = g.lost[:0]
}

// checkCommit is the invariant that a commit never covers records nobody
// fetched: classic consumers commit inside poll(), after the previous batch
// (what was processed); the KIP-848 client commits from its background
// thread what poll() returned (fetched, maybe still in processing).
func (g *group) checkCommit(offs []protocol.Offset) {
	for _, o := range offs {
		gp := g.part(o.TP)
		if o.Off > gp.fetched && o.Off > gp.hw {
			panic(fmt.Sprintf("sim: %s group %s committed %d beyond what was fetched (%d)", g.top.TPString(o.TP), g.name, o.Off, gp.fetched))
		}
	}
}

// maybeFormed ends the group's first formation once the group, stable
// (classic) or reconciled (KIP-848), holds every initially started consumer
// that is still alive. Until then pauses count as unassigned and
// generations or target epochs as formation, whichever protocol forms the
// group (classic merges arrivals with the initial rebalance delay; KIP-848
// takes them one epoch at a time).
func (g *group) maybeFormed(procs []protocol.Proc) {
	if g.rec.Formed() {
		return
	}
	for slot := 0; slot < g.cfg.Consumers && slot < len(g.members); slot++ {
		m := g.members[slot]
		if !m.alive {
			continue
		}
		in := false
		for _, p := range procs {
			if p.Slot == int32(slot) && p.Inc == m.inc {
				in = true
				break
			}
		}
		if !in {
			return
		}
	}
	g.rec.Form(g.s.now())
	g.refreshAll() // pauses from now on are the rebalances', not the formation's
}
