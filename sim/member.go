package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/protocol"
	"github.com/rebalance-sim/rebalance-sim/protocol/classic"
	"github.com/rebalance-sim/rebalance-sim/protocol/consumer"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// A member is one consumer process: a slot in its group (a restart is a new
// incarnation of the same slot). Its application thread runs the poll loop
// here; its group client (a protocol machine, classic or KIP-848 by its own
// configuration) does the group work and tells the world what to do
// (docs/model.md §1).

type appState int8

const (
	appStopped  appState = iota // not started, or dead
	appIdle                     // inside poll(), waiting for records
	appBlocked                  // inside poll() (or commitSync, close), waiting for the group
	appBusy                     // processing a batch
	appCallback                 // inside a rebalance callback (revoke_time)
)

type member struct {
	s    *Sim
	g    *group
	idx  int // global slot index
	slot int // index in the group, in join order

	alive  bool
	inc    int32 // incarnation: a restart makes stale events harmless
	client protocol.Client
	proc   protocol.Proc

	clientID   string
	instanceID string
	closing    bool // clean shutdown requested
	closed     bool // KafkaConsumer.close() called
	restartIn  engine.Time
	restartSet bool

	app     appState
	stalled bool
	stallAt engine.Time // when the current stall began

	// owned is what this process's client assigned it; only the partitions
	// it still holds (gpart.heldBy) are fetched.
	owned   []*ownedPart
	waiting int // owned partitions whose position is not known yet

	batch    batch
	rot      int
	procRnd  *rand.Rand
	startRnd *rand.Rand
	idRnd    *rand.Rand

	lastPoll   engine.Time
	pollTimer  engine.Timer
	wakeTimer  engine.Timer
	slowFactor float64
	slowUntil  engine.Time
	merged     bool // the current batch's end event was skipped (see fetch)
	// vnow is the member's own clock while it fast-forwards (see fetch);
	// 0 otherwise.
	vnow      engine.Time
	ffNext    engine.Time // the next poll of a fast-forward, 0 when none
	wake      bool        // a Wake effect is waiting to be acted on
	startedAt engine.Time
	spans     []metrics.Span // timeline (Options.Timeline)
}

type ownedPart struct {
	gp  *gpart
	pos int64 // next offset to fetch (the consumed position); -1 until known
}

// batch is the records returned by one poll: a few offset ranges processed
// one after another over dur, at an even pace.
type batch struct {
	active bool
	ranges []brange
	n      int64
	start  engine.Time
	dur    engine.Time
	done   int64 // records already credited
}

type brange struct {
	gp       *gpart
	from, to int64
}

func newMember(g *group, slot int) *member {
	s := g.s
	m := &member{s: s, g: g, idx: len(s.members), slot: slot, slowFactor: 1}
	m.clientID = "consumer-" + g.name + "-1"
	// NB: every consumer is its own process, and Kafka's default client.id
	// is "consumer-<group>-<n>" with n counting consumers in one JVM, so all
	// are "-1": member ids then sort by their random UUID (model.md §3.1).
	if g.cfg.StaticMembership {
		m.instanceID = fmt.Sprintf("%s-%d", g.name, slot)
	}
	entity := fmt.Sprintf("member/%s/%d", g.name, slot)
	m.procRnd = engine.Stream(s.seed, entity, "processing")
	m.startRnd = engine.Stream(s.seed, entity, "startup")
	m.idRnd = engine.Stream(s.seed, entity, "member-id")
	s.members = append(s.members, m)
	g.members = append(g.members, m)
	return m
}

func (m *member) describe() string {
	id := "(no id)"
	if m.client != nil {
		if v := m.client.View(); v.MemberID != "" {
			id = classic.Short(v.MemberID)
			if m.g.kind == scenario.ProtocolConsumer {
				id = consumer.Short(v.MemberID)
			}
		}
	}
	return fmt.Sprintf("%s#%d[%s]", m.g.name, m.slot, id)
}

func (m *member) tracef(format string, args ...any) {
	if m.s.opt.Trace == nil {
		return
	}
	m.s.tracef("%s "+format, append([]any{m.describe()}, args...)...)
}

func (m *member) cfg() *scenario.Group { return m.g.cfg }

// newClient builds this incarnation's group client from its own
// configuration: the protocol a member speaks is its group.protocol.
func (m *member) newClient() protocol.Client {
	cfg := m.cfg()
	s := m.s
	trace := s.opt.Trace != nil
	name := fmt.Sprintf("%s#%d", m.g.name, m.slot)
	if cfg.Protocol == scenario.ProtocolConsumer {
		return consumer.NewClient(consumer.ClientConfig{Proc: m.proc, Name: name, InstanceID: m.instanceID,
			MemberID: consumer.NewMemberID(m.idRnd), Subscription: cfg.Topics, Rack: cfg.ClientRackOf(m.slot),
			RebalanceTimeout: engine.FromDuration(cfg.MaxPollInterval),
			AutoCommit:       cfg.Commit == scenario.CommitAuto, AutoCommitInterval: engine.FromDuration(cfg.AutoCommitInterval),
			RetryBackoff: engine.FromDuration(cfg.RetryBackoff), RetryBackoffMax: engine.FromDuration(cfg.RetryBackoffMax),
			RevokeCallback: cfg.RevokeTime > 0, Topology: m.g.top}, trace)
	}
	return classic.NewClient(classic.ClientConfig{Proc: m.proc, Name: name, ClientID: m.clientID, InstanceID: m.instanceID, Rack: cfg.ClientRackOf(m.slot),
		Subscription: cfg.Topics, Protocols: cfg.AssignmentStrategy, Rebalance: m.g.rebalance,
		SessionTimeout: engine.FromDuration(cfg.SessionTimeout), HeartbeatInterval: engine.FromDuration(cfg.HeartbeatInterval),
		RebalanceTimeout: engine.FromDuration(cfg.MaxPollInterval),
		AutoCommit:       cfg.Commit == scenario.CommitAuto, AutoCommitInterval: engine.FromDuration(cfg.AutoCommitInterval),
		RetryBackoff: engine.FromDuration(cfg.RetryBackoff), RetryBackoffMax: engine.FromDuration(cfg.RetryBackoffMax),
		AssignmentTime: engine.FromDuration(cfg.AssignmentTime), RevokeCallback: cfg.RevokeTime > 0,
		MetadataMaxAge: engine.FromDuration(cfg.MetadataMaxAge), Topology: m.g.top}, trace)
}

// start launches a new process in this slot (t = 0, join, scale, restart).
func (m *member) start() {
	s := m.s
	m.inc++
	m.proc = protocol.Proc{Slot: int32(m.slot), Inc: m.inc}
	m.client = m.newClient()
	m.alive = true
	m.g.alive++
	m.closing, m.closed = false, false
	m.owned, m.waiting = nil, 0
	m.batch = batch{}
	m.stalled, m.merged, m.wake = false, false, false
	m.lastPoll = s.now()
	m.startedAt = s.now()
	m.app = appBlocked
	m.refreshOwned()
	// Processes take a moment to start, and never all the same moment: the
	// spread decides the heartbeat phases of the group, and so how soon a
	// later change is noticed (model.md §1.3).
	var delay engine.Time
	if j := engine.FromDuration(m.cfg().StartupJitter); j > 0 {
		delay = engine.Time(m.startRnd.Int64N(int64(j)))
	}
	s.q.Push(engine.Event{At: s.now() + delay, Kind: evBoot, Target: int32(m.idx), Arg: int64(m.inc)})
}

// boot is the process's first request: KafkaConsumer.subscribe, then the
// first poll() finds the coordinator and joins.
func (m *member) boot(ev engine.Event) {
	if !m.alive || int32(ev.Arg) != m.inc {
		return
	}
	now := m.s.now()
	m.lastPoll = now
	m.startedAt = now
	m.client.Start(now)
	m.applyClient()
	m.note()
}

// crash kills the process: no LeaveGroup, no commit.
func (m *member) crash() {
	if !m.alive {
		return
	}
	m.creditBatch(m.s.now())
	m.tracef("crashes")
	m.die()
}

func (m *member) die() {
	m.alive = false
	m.g.alive--
	m.app = appStopped
	m.batch.active = false
	m.merged = false
	m.wakeTimer.Cancel()
	m.pollTimer.Cancel()
	m.refreshOwned()
}

// refreshOwned re-derives the pause causes the member's state decides:
// its own partitions, or all when the group's first or last process
// started or stopped (unassigned partitions depend on that).
func (m *member) refreshOwned() {
	if m.g.alive <= 1 {
		m.g.refreshAll()
		return
	}
	for _, op := range m.owned {
		m.g.refresh(op.gp)
	}
}

// applyClient applies the effects the client produced, in order; a Wake
// is acted on once they are all applied.
func (m *member) applyClient() {
	out := m.client.Out()
	for {
		for out.Pending() {
			for _, e := range out.Drain() {
				m.applyEffect(e)
				if !m.alive {
					out.Drain()
					return
				}
			}
		}
		if !m.wake {
			return
		}
		m.wake = false
		m.onClientWake()
	}
}

func (m *member) applyEffect(e protocol.Effect) {
	s := m.s
	g := m.g
	switch e.Kind {
	case protocol.Send:
		if e.Msg.Fill {
			m.fillOffsets(e.Msg)
		}
		s.toBroker(g, e.Msg)
	case protocol.Arm:
		s.q.Push(engine.Event{At: e.At, Kind: evClientTimer, Target: int32(m.idx),
			Arg: int64(e.Timer.Kind) | int64(m.inc)<<8, Token: uint64(e.Token)})
	case protocol.Assign:
		for _, tp := range e.Parts {
			gp := g.part(tp)
			g.assignTo(gp, m, e.Gen)
			m.owned = append(m.owned, &ownedPart{gp: gp, pos: -1})
			m.waiting++
		}
	case protocol.Revoke:
		m.release(e.Parts)
		g.rec.Revoked(int64(len(e.Parts)), e.Gen, e.Eager)
	case protocol.Lose:
		m.release(e.Parts)
		g.lostInFailure(e.Parts)
	case protocol.PauseFetch:
		for _, tp := range e.Parts {
			if gp := g.part(tp); gp.heldBy(m) {
				gp.revoking = true
				g.refresh(gp)
			}
		}
	case protocol.Positions:
		for _, o := range e.Offsets {
			m.setPosition(g.part(o.TP), o.Off)
		}
	case protocol.Callback:
		m.callback()
	case protocol.Wake:
		m.wake = true
	case protocol.Stop:
		m.stop()
	case protocol.Trace:
		s.trace(fmt.Sprintf("%s#%d", g.name, m.slot) + e.Text)
	default:
		panic(fmt.Sprintf("sim: client effect %v", e.Kind))
	}
}

// fillOffsets puts the consumed positions of the partitions this process
// holds (and knows the position of) into a commit.
func (m *member) fillOffsets(msg *protocol.Message) {
	for _, op := range m.owned {
		if op.gp.heldBy(m) && op.gp.ready && op.pos >= 0 {
			msg.Offsets = append(msg.Offsets, protocol.Offset{TP: op.gp.tp, Off: op.pos})
		}
	}
}

// release gives up partitions (revoked or lost).
func (m *member) release(tps []protocol.TP) {
	keep := m.owned[:0]
	for _, op := range m.owned {
		if slices.Contains(tps, op.gp.tp) {
			if op.pos < 0 {
				m.waiting--
			}
			if op.gp.heldBy(m) {
				m.g.setHolder(op.gp, nil)
			}
			continue
		}
		keep = append(keep, op)
	}
	clear(m.owned[len(keep):])
	m.owned = keep
	if m.rot >= len(m.owned) {
		m.rot = 0
	}
}

// dropUnheld forgets owned partitions this process no longer holds (the
// coordinator removed it): it can fetch them no more.
func (m *member) dropUnheld() {
	var gone []protocol.TP
	for _, op := range m.owned {
		if !op.gp.heldBy(m) {
			gone = append(gone, op.gp.tp)
		}
	}
	if len(gone) > 0 {
		m.release(gone)
	}
}

// setPosition installs a fetched committed offset (-1: none, so
// auto.offset.reset applies).
func (m *member) setPosition(gp *gpart, off int64) {
	if !gp.heldBy(m) {
		return
	}
	for _, op := range m.owned {
		if op.gp != gp || op.pos >= 0 {
			continue
		}
		if off < 0 {
			off = m.g.resetOffset(gp)
		}
		op.pos = off
		m.waiting--
		gp.ready = true
		m.g.refresh(gp)
		return
	}
}

// stop ends the process after close() (or a fatal fence).
func (m *member) stop() {
	m.tracef("stops")
	m.die()
	if m.restartSet {
		m.restartSet = false
		m.s.q.Push(engine.Event{At: m.s.now().Add(m.restartIn), Kind: evRestart, Target: int32(m.idx), Arg: int64(m.inc)})
	}
}

// callback runs a rebalance callback on the application thread for
// revoke_time; CallbackDone follows.
func (m *member) callback() {
	d := engine.FromDuration(m.cfg().RevokeTime)
	m.settle()
	m.app = appCallback
	m.merged = false
	s := m.s
	s.q.Arm(&m.wakeTimer, engine.Event{At: s.now() + d, Kind: evWake, Target: int32(m.idx), Arg: int64(m.inc)})
	m.armPollTimeout(s.now() + d)
}

// onClientWake acts on a Wake: a thread waiting inside poll() polls again
// now; one processing must not skip its next poll().
func (m *member) onClientWake() {
	if !m.alive || m.stalled {
		return
	}
	m.settle()
	switch m.app {
	case appIdle:
		m.poll()
	case appBlocked:
		if !m.client.Busy() {
			m.poll()
		}
	case appBusy:
		m.unmerge()
	}
}

// requestClose starts a clean shutdown: the current batch finishes, then
// close() commits, revokes and leaves.
func (m *member) requestClose() {
	if !m.alive {
		return
	}
	m.closing = true
	m.wake = true
	m.onClientWake()
	m.wake = false
}

// ---- the application thread: poll() ----

// inPoll reports whether the application thread is inside poll() (waiting
// for records or for the group), where it can react at once.
func (m *member) inPoll() bool {
	m.settle()
	return m.app == appIdle || m.app == appBlocked
}

// unmerge restores the batch-end event of a merged batch still in
// progress: something happened that the poll() at its end must act on.
func (m *member) unmerge() {
	if !m.merged || m.now() >= m.batch.start+m.batch.dur {
		return // nothing merged, or the batch is over: settle() takes it from here
	}
	m.merged = false
	s := m.s
	s.q.Arm(&m.wakeTimer, engine.Event{At: m.batch.start.Add(m.batch.dur), Kind: evWake, Target: int32(m.idx), Arg: int64(m.inc)})
}

// now is the member's clock: the simulation's, or its own while it
// fast-forwards through polls nothing else can observe.
func (m *member) now() engine.Time {
	if m.vnow != 0 {
		return m.vnow
	}
	return m.s.now()
}

// settle completes a merged batch whose end has passed: the member finished
// it and went back into poll(), which found nothing (see fetch), so it is
// idle, waiting for records, with its wake already armed.
func (m *member) settle() {
	if !m.merged || m.now() < m.batch.start+m.batch.dur {
		return
	}
	m.merged = false
	m.creditBatch(m.batch.start.Add(m.batch.dur))
	m.batch.active = false
	m.lastPoll = m.batch.start.Add(m.batch.dur)
	m.app = appIdle
}

// poll is one KafkaConsumer.poll() call: the group client's work first
// (join or rejoin, callbacks, auto commit), then records (model.md §1.2).
func (m *member) poll() {
	if !m.alive || m.stalled {
		return
	}
	s := m.s
	now := s.now()
	m.lastPoll = now
	m.pollTimer.Cancel()
	m.wakeTimer.Cancel()
	if m.closing {
		m.app = appBlocked
		if !m.closed {
			m.closed = true
			m.client.Close(now)
			m.drainClient()
		}
		return
	}
	m.app = appBlocked
	m.client.Poll(now)
	m.drainClient()
	if !m.alive || m.app == appCallback {
		return
	}
	if !m.client.Gate() {
		m.app = appBlocked
		return
	}
	m.pollRecords(now)
}

// drainClient applies the client's effects without acting on a Wake: the
// caller is poll() itself, which goes on anyway.
func (m *member) drainClient() {
	out := m.client.Out()
	for out.Pending() {
		for _, e := range out.Drain() {
			m.applyEffect(e)
			if !m.alive {
				out.Drain()
				return
			}
		}
	}
	m.wake = false
}

// pollRecords is poll()'s record part: fetch what the member may.
func (m *member) pollRecords(now engine.Time) {
	if m.waiting > 0 {
		// poll() waits for the committed offsets of new partitions
		// (updateFetchPositions) before it returns records.
		m.app = appIdle
		return
	}
	if !m.fetch() {
		m.waitForRecords()
		return
	}
	// Fast-forward: fetch found the next poll unobservable (see fetch). Run
	// it now on the member's clock, again and again, until one is not.
	for m.ffNext != 0 {
		next := m.ffNext
		m.ffNext = 0
		m.vnow = next
		if next > m.s.frontier {
			m.s.frontier = next
		}
		if m.merged {
			m.settle() // the batch ended before next: the poll found nothing, it waited
		} else {
			m.creditBatch(next) // the batch ends now; poll() follows at once
			m.batch.active = false
		}
		m.lastPoll = next
		if !m.fetch() {
			m.waitForRecords()
		}
	}
	m.vnow = 0
}

// fetch takes up to max.poll.records records from the owned partitions,
// starting after the partition served last (the fetcher rotates for
// fairness), and starts processing them. It reports whether it got any.
func (m *member) fetch() bool {
	s := m.s
	now := m.now()
	limit := int64(m.cfg().MaxPollRecords)
	b := &m.batch
	b.ranges = b.ranges[:0]
	b.n, b.done = 0, 0
	n := len(m.owned)
	start := m.rot
	drained := true
	for i := 0; i < n && b.n < limit; i++ {
		j := (start + i) % n
		op := m.owned[j]
		if !op.gp.fetchableBy(m) {
			continue
		}
		leo := op.gp.log.leo(now, s.dt)
		if op.pos >= leo {
			continue
		}
		take := leo - op.pos
		if take > limit-b.n {
			take = limit - b.n
			m.rot = j // not drained: resume here next time
			drained = false
		} else {
			m.rot = (j + 1) % n
		}
		b.ranges = append(b.ranges, brange{gp: op.gp, from: op.pos, to: op.pos + take})
		op.pos += take
		b.n += take
		if op.pos > op.gp.fetched {
			op.gp.fetched = op.pos
		}
	}
	if b.n == 0 {
		return false
	}
	m.g.countFetch(m, b.ranges) // fetched and cross-zone bytes (racks.go)
	if b.n == limit {
		drained = false // partitions after the last one taken were not looked at
	}
	b.active = true
	b.start = now
	b.dur = m.serviceTime(b.n)
	m.app = appBusy
	end := now.Add(b.dur)
	m.merged = false
	plain := m.plainPoll(end)
	// NB: when the batch took everything there was and ends before the next
	// batch interval brings records, the poll() at its end can only find
	// nothing and wait: skip that event and wake when records arrive
	// (settle() finishes the batch at its real end). Anything that would
	// make that poll() do work keeps the ordinary batch-end event.
	if drained && plain && int64(end/s.dt) == int64(now/s.dt) {
		if wake, ok := m.fetchWake(end); ok && wake > end {
			m.merged = true
			if !s.opt.NoFastForward && wake < m.horizon() {
				// NB: nothing can reach this member before wake, so its
				// next poll happens now, on its own clock (pollRecords
				// loops): same outcome, one event instead of many.
				m.ffNext = wake
				return true
			}
			s.q.Arm(&m.wakeTimer, engine.Event{At: wake, Kind: evWake, Target: int32(m.idx), Arg: int64(m.inc)})
			m.armPollTimeout(end)
			return true
		}
	}
	if plain && !s.opt.NoFastForward && end < m.horizon() {
		m.ffNext = end // the poll at the batch's end, fast-forwarded too
		return true
	}
	s.q.Arm(&m.wakeTimer, engine.Event{At: end, Kind: evWake, Target: int32(m.idx), Arg: int64(m.inc)})
	m.armPollTimeout(end)
	return true
}

// plainPoll reports whether the poll() at a batch ending at end would be a
// plain fetch: no group work, no commit, no callbacks.
func (m *member) plainPoll(end engine.Time) bool {
	return m.cfg().Commit == scenario.CommitAuto && end < m.client.PollWorkAt() && !m.closing && !m.restartSet
}

// horizon is the earliest time anything can reach this member: its
// client's timers or a response in flight, a coordinator deadline that may
// remove it, its next group work, the next sample (which reads its
// progress), the next scenario or control event, or the end of what is
// being simulated. Before it, the member's polls depend on nothing but its
// own partitions.
func (m *member) horizon() engine.Time {
	s := m.s
	if m.pollTimer.Armed() || m.stalled {
		return 0
	}
	h := min(s.until, s.nextSampleAfter(s.now()), m.client.Horizon(), m.client.PollWorkAt(), m.g.coord.RemovalHorizon())
	if c := s.ctl.Peek(); c < h {
		h = c
	}
	return h
}

// serviceTime draws the time to process n records (one draw per batch: a
// sum of n exponentials is a Gamma, a sum of lognormals is approximated by
// one lognormal of equal mean and variance).
func (m *member) serviceTime(n int64) engine.Time {
	cfg := m.cfg()
	mean := m.g.procSec * m.slowness()
	if mean <= 0 {
		return 0
	}
	var sec float64
	switch cfg.ProcessingDistribution {
	case scenario.DistConstant:
		sec = float64(n) * mean
	case scenario.DistExponential:
		if n <= 8 {
			// A few records: the sum of their exponential times, drawn
			// directly (the same distribution as the Gamma, cheaper).
			for i := int64(0); i < n; i++ {
				sec += m.procRnd.ExpFloat64()
			}
			sec *= mean
		} else {
			sec = engine.Gamma(m.procRnd, float64(n), mean)
		}
	case scenario.DistLognormal:
		sec = engine.LognormalSum(m.procRnd, int(n), mean, cfg.ProcessingCV)
	}
	return engine.FromSeconds(sec)
}

func (m *member) slowness() float64 {
	if m.now() < m.slowUntil {
		return m.slowFactor
	}
	return 1
}

// waitForRecords parks the member in poll() until records arrive: the
// broker holds the fetch until data is there or fetch.max.wait.ms passes,
// and the answer takes one network latency to come back.
func (m *member) waitForRecords() {
	m.app = appIdle
	if wake, ok := m.fetchWake(m.now()); ok {
		m.s.q.Arm(&m.wakeTimer, engine.Event{At: wake, Kind: evWake, Target: int32(m.idx), Arg: int64(m.inc)})
	}
}

// fetchWake is when a fetch sent at time `from` returns: as soon as records
// are there, or after fetch.max.wait.ms, plus the way back. It reports
// false when the member has nothing to fetch.
func (m *member) fetchWake(from engine.Time) (engine.Time, bool) {
	s := m.s
	ready := false
	for _, op := range m.owned {
		if op.gp.fetchableBy(m) {
			ready = true
			break
		}
	}
	if !ready {
		return 0, false // nothing to fetch: sleep until the group changes
	}
	maxWait := engine.FromDuration(m.cfg().FetchMaxWait)
	arrive := from + s.lat // the fetch request reaches the broker
	wake := arrive + maxWait
	horizon := int64(maxWait/s.dt) + 2
	for _, op := range m.owned {
		if !op.gp.fetchableBy(m) {
			continue
		}
		if op.pos < op.gp.log.leo(arrive, s.dt) {
			wake = arrive
			break
		}
		if t := op.gp.log.nextArrival(arrive, s.dt, horizon); t < wake {
			wake = t
		}
	}
	return wake + s.lat, true
}

func (m *member) onWake(ev engine.Event) {
	if !m.wakeTimer.Fired(ev) || !m.alive {
		return
	}
	m.settle()
	switch m.app {
	case appBusy:
		m.finishBatch()
	case appIdle:
		m.poll()
	case appCallback:
		m.app = appBlocked // back inside poll() (or close()) when it returns
		m.client.CallbackDone(m.s.now())
		m.applyClient()
		if m.alive && m.app == appBlocked && !m.client.Busy() {
			m.poll() // the rest of poll()
		}
	}
}

// finishBatch credits the whole batch, then commits (commit = sync) or polls.
func (m *member) finishBatch() {
	m.creditBatch(m.s.now())
	m.batch.active = false
	if m.cfg().Commit == scenario.CommitSync && !m.closing {
		m.app = appBlocked
		m.client.CommitSync(m.s.now())
		m.applyClient()
		return
	}
	m.poll()
}

// creditBatch accounts the records of the current batch processed by t:
// the batch progresses at an even pace over its duration.
func (m *member) creditBatch(t engine.Time) {
	b := &m.batch
	if !b.active {
		return
	}
	if m.stalled && t > m.stallAt {
		t = m.stallAt
	}
	k := b.n
	if t < b.start+b.dur {
		k = int64(float64(b.n) * float64(t-b.start) / float64(b.dur))
	}
	if k <= b.done {
		return
	}
	// Walk the ranges from record b.done to record k.
	idx := int64(0)
	for _, r := range b.ranges {
		size := r.to - r.from
		lo, hi := b.done-idx, k-idx
		idx += size
		if hi <= 0 {
			break
		}
		if lo >= size {
			continue
		}
		lo = max(lo, 0)
		hi = min(hi, size)
		// Records r.from+lo .. r.from+hi-1 finish at batch-relative
		// positions idx-size+lo+1 .. idx-size+hi.
		c0 := b.start + engine.Time(float64(b.dur)*float64(idx-size+lo+1)/float64(b.n))
		c1 := b.start + engine.Time(float64(b.dur)*float64(idx-size+hi)/float64(b.n))
		m.g.processed(r.gp, r.from+lo, r.from+hi, c0, c1)
	}
	b.done = k
}

// ---- max.poll.interval.ms ----

// armPollTimeout arms the poll-interval check if the next poll (at next)
// would come too late; a member that polls in time never needs the timer.
func (m *member) armPollTimeout(next engine.Time) {
	deadline := m.lastPoll + engine.FromDuration(m.cfg().MaxPollInterval)
	if next <= deadline {
		return
	}
	if deadline < m.now() {
		deadline = m.now() // already overdue: the heartbeat thread notices now
	}
	m.s.q.Arm(&m.pollTimer, engine.Event{At: deadline, Kind: evPollTimeout, Target: int32(m.idx), Arg: int64(m.inc)})
}

// onPollTimeout: the heartbeat thread sees that poll() has not been called
// for max.poll.interval.ms (a thread waiting inside poll() does not count).
func (m *member) onPollTimeout(ev engine.Event) {
	if !m.pollTimer.Fired(ev) || !m.alive || m.inPoll() {
		return
	}
	m.client.PollTimeout(m.s.now())
	m.applyClient()
}

// ---- scenario actions ----

// stall freezes the application thread (a GC pause, a stuck call); the
// heartbeat thread goes on.
func (m *member) stall(d engine.Time) {
	if !m.alive || m.stalled {
		return
	}
	s := m.s
	now := s.now()
	m.settle() // a merged batch that ended is done: the thread was in poll()
	m.creditBatch(now)
	m.merged = false
	m.stalled = true
	m.stallAt = now
	m.wakeTimer.Cancel()
	m.tracef("poll loop stalls for %v", d.Duration())
	m.refreshOwned()
	s.q.Push(engine.Event{At: now.Add(d), Kind: evStallEnd, Target: int32(m.idx), Arg: int64(m.inc)})
	if m.app == appIdle || m.app == appBlocked {
		// A thread waiting inside poll() keeps calling it (each poll(timeout)
		// returns empty and the loop calls it again), so its poll timer runs
		// from the moment the stall begins (model.md §1.4).
		m.lastPoll = now
		m.app = appBusy
		if !m.batch.active {
			m.batch = batch{active: true, start: now, dur: 0}
		}
	}
	m.armPollTimeout(now.Add(d).Add(1))
}

func (m *member) onStallEnd(ev engine.Event) {
	if !m.alive || int32(ev.Arg) != m.inc || !m.stalled {
		return
	}
	s := m.s
	now := s.now()
	m.stalled = false
	b := &m.batch
	switch {
	case m.app == appCallback:
		// The callback resumes where it stopped.
		s.q.Arm(&m.wakeTimer, engine.Event{At: now.Add(engine.FromDuration(m.cfg().RevokeTime)), Kind: evWake, Target: int32(m.idx), Arg: int64(m.inc)})
	case b.active && b.n > 0:
		// The batch resumes where it stopped.
		b.start += now - m.stallAt
		s.q.Arm(&m.wakeTimer, engine.Event{At: b.start + b.dur, Kind: evWake, Target: int32(m.idx), Arg: int64(m.inc)})
		m.armPollTimeout(b.start + b.dur)
	default:
		b.active = false
		m.app = appIdle
		m.poll()
	}
	m.tracef("poll loop resumes")
	m.refreshOwned()
}

// host is the member's client address as the broker reports it: each
// consumer is a process of its own, so each gets an address.
func (m *member) host() string {
	return fmt.Sprintf("/10.%d.%d.%d", m.g.idx, m.slot/250, m.slot%250+1)
}
