package models

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// A member is one consumer process (a slot in its group; a restart is a new
// incarnation of the same slot). Its application thread runs the poll loop;
// its heartbeat thread runs independently (KAFKA_MODEL §5).

type appState int8

const (
	appStopped    appState = iota // not started, or dead
	appIdle                       // inside poll(), waiting for records
	appBusy                       // processing a batch
	appJoining                    // inside poll(), blocked in a rebalance
	appCommitting                 // blocked in commitSync
	appFetching                   // inside poll(), waiting for OffsetFetch
	appRevoking                   // inside onPartitionsRevoked (revoke_time)
)

// retryKind is a coordinator request to send again after a backoff, when
// the coordinator was unavailable.
type retryKind int8

const (
	retryFind retryKind = iota
	retryCommit
	retryOffsetFetch
	retryJoin
)

// backoff is the next retry delay: retry.backoff.ms doubling up to
// retry.backoff.max.ms (KIP-580).
func (m *member) backoff() engine.Time {
	d := engine.FromDuration(m.cfg().RetryBackoff)
	max := engine.FromDuration(m.cfg().RetryBackoffMax)
	for i := 0; i < m.retries && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	m.retries++
	return d
}

// retryAfterBackoff resends what after a backoff.
func (m *member) retryAfterBackoff(what retryKind) {
	s := m.s
	m.retryWhat = what
	s.q.Arm(&m.retryTimer, engine.Event{At: s.now() + m.backoff(), Kind: evRetry, Target: int32(m.idx), Arg: m.inc})
}

func (m *member) onRetry(ev engine.Event) {
	if !m.retryTimer.Fired(ev) || !m.alive {
		return
	}
	switch m.retryWhat {
	case retryFind:
		id, msg := m.s.msgs.get()
		msg.kind, msg.m, msg.inc = mFindCoordinator, m, m.inc
		m.s.toBroker(id)
	case retryCommit:
		m.commit(m.retryPurpose)
	case retryOffsetFetch:
		var parts []*gpart
		for _, op := range m.owned {
			if op.gp.heldBy(m) && !op.gp.ready {
				parts = append(parts, op.gp)
			}
		}
		if len(parts) > 0 {
			m.fetchOffsets(parts)
		}
	case retryJoin:
		m.rejoin = true
		m.pollSoon()
	}
}

// afterRevoke is what the application thread does once its
// onPartitionsRevoked callback returns.
type afterRevoke int8

const (
	thenJoin   afterRevoke = iota // eager onJoinPrepare: send JoinGroup
	thenPoll                      // cooperative onJoinComplete: carry on polling (and rejoin)
	thenLeave                     // close(): send LeaveGroup and stop
	thenAssign                    // KIP-848 reconciliation: assign and acknowledge
)

type clientState int8

const (
	csUnjoined clientState = iota
	csFinding              // FindCoordinator in flight
	csJoining              // JoinGroup in flight
	csSyncing              // SyncGroup in flight
	csStable
)

type member struct {
	s    *Sim
	g    *group
	idx  int // global slot index
	slot int // index in the group, in join order

	alive   bool
	inc     int64 // incarnation: a restart makes stale events harmless
	removed bool  // the coordinator removed this incarnation

	clientID   string
	instanceID string
	memberID   string
	generation int32
	cstate     clientState
	rejoin     bool // rejoin requested (heartbeat error, cooperative revocation, ...)
	prepared   bool // onJoinPrepare done for the join in progress
	lost       bool // generation reset: onJoinPrepare loses partitions instead of revoking
	closing    bool // clean shutdown requested
	restartIn  engine.Time
	restartSet bool

	app     appState
	stalled bool
	stallAt engine.Time // when the current stall began

	owned []*ownedPart
	// lastAssignment is the last assignment received and its generation:
	// the sticky assignor's userData (KAFKA_MODEL §6.4).
	lastAssignment    []tpRef
	lastAssignmentGen int32
	assigned          bool // has received an assignment in this incarnation
	pendingAssign     []tpRef
	hasPendingAssign  bool

	batch    batch
	rot      int
	procRnd  *rand.Rand
	startRnd *rand.Rand

	lastPoll       engine.Time
	nextAutoCommit engine.Time
	hbTimer        engine.Timer
	hbInFlight     bool
	pollTimer      engine.Timer
	wakeTimer      engine.Timer
	slowFactor     float64
	slowUntil      engine.Time
	assignor       assignors.Assignor
	pendingPlan    []memberPlan
	revokeNext     afterRevoke
	merged         bool // the current batch's end event was skipped (see fetch)
	// vnow is the member's own clock while it fast-forwards (see fetch);
	// 0 otherwise.
	vnow   engine.Time
	ffNext engine.Time // the next poll of a fast-forward, 0 when none
	// retries counts failed coordinator requests in a row (exponential
	// backoff, KAFKA_MODEL 5); retryTimer resends retryWhat.
	retries      int
	retryTimer   engine.Timer
	retryWhat    retryKind
	retryPurpose commitPurpose
	assignedWith []int // partition counts this member's last plan used (leader)

	// KIP-848 (group.protocol = consumer)
	kEpoch       int32
	kInterval    engine.Time
	kReconciling bool    // a reconciliation is under way
	kAck         bool    // acknowledge with an immediate heartbeat
	kAgain       bool    // a heartbeat is wanted once the one in flight returns
	kCallbackDue bool    // onPartitionsRevoked waits for the next poll()
	kTarget      []tpRef // the assignment being reconciled to
	kRevoked     []tpRef // partitions it is revoking
	kSeq         int64   // numbers reconciliations; stale continuations are dropped
	kCallbackSeq int64   // the reconciliation whose callback is running
	startedAt    engine.Time
	spans        []metrics. // timeline (Options.Timeline)
			Span
}

type ownedPart struct {
	gp  *gpart
	pos int64 // next offset to fetch (the consumed position)
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
	// are "-1": member ids then sort by their random UUID (KAFKA_MODEL 9.6).
	if g.cfg.StaticMembership {
		m.instanceID = fmt.Sprintf("%s-%d", g.name, slot)
	}
	m.procRnd = engine.Stream(s.seed, fmt.Sprintf("member/%s/%d", g.name, slot), "processing")
	m.startRnd = engine.Stream(s.seed, fmt.Sprintf("member/%s/%d", g.name, slot), "startup")
	s.members = append(s.members, m)
	g.members = append(g.members, m)
	return m
}

func (m *member) describe() string {
	id := m.memberID
	if id == "" {
		id = "(no id)"
	} else {
		id = short(id)
	}
	return fmt.Sprintf("%s#%d[%s]", m.g.name, m.slot, id)
}

func (m *member) tracef(format string, args ...any) {
	m.s.tracef("%s "+format, append([]any{m.describe()}, args...)...)
}

func (m *member) cfg() *scenario.Group { return m.g.cfg }

func (m *member) autoCommit() bool { return m.cfg().Commit == scenario.CommitAuto }

func (m *member) eager() bool { return m.g.protocol == assignors.Eager }

// start launches a new process in this slot (t = 0, join, scale, restart).
func (m *member) start() {
	s := m.s
	m.inc++
	m.alive = true
	m.removed = false
	m.closing = false
	m.memberID = ""
	m.generation = -1
	m.cstate = csUnjoined
	m.rejoin, m.prepared, m.lost = false, false, false
	m.owned = nil
	m.lastAssignment, m.lastAssignmentGen, m.assigned = nil, -1, false
	m.hasPendingAssign = false
	m.kEpoch, m.kReconciling, m.kAck, m.kAgain, m.kCallbackDue = 0, false, false, false, false
	m.kTarget, m.kRevoked = nil, nil
	m.batch = batch{}
	m.stalled = false
	m.hbInFlight = false
	m.assignor = nil
	m.lastPoll = s.now()
	m.startedAt = s.now()
	m.app = appJoining
	m.cstate = csFinding
	m.g.refreshAll()
	// Processes take a moment to start, and never all the same moment: the
	// spread decides the heartbeat phases of the group, and so how soon a
	// later change is noticed (KAFKA_MODEL §1.7).
	var delay engine.Time
	if j := engine.FromDuration(m.cfg().StartupJitter); j > 0 {
		delay = engine.Time(m.startRnd.Int64N(int64(j)))
	}
	s.q.Push(engine.Event{At: s.now() + delay, Kind: evBoot, Target: int32(m.idx), Arg: m.inc})
}

// boot is the process's first request: KafkaConsumer.subscribe, then poll
// finds the coordinator, then joins.
func (m *member) boot(ev engine.Event) {
	if !m.alive || ev.Arg != m.inc {
		return
	}
	s := m.s
	m.lastPoll = s.now()
	m.startedAt = s.now()
	m.tracef("starts")
	id, msg := s.msgs.get()
	msg.kind, msg.m, msg.inc = mFindCoordinator, m, m.inc
	s.toBroker(id)
}

// crash kills the process: no LeaveGroup, no commit (§1.6).
func (m *member) crash() {
	if !m.alive {
		return
	}
	now := m.s.now()
	m.creditBatch(now)
	m.tracef("crashes")
	m.die()
}

func (m *member) die() {
	m.alive = false
	m.app = appStopped
	m.batch.active = false
	m.wakeTimer.Cancel()
	m.pollTimer.Cancel()
	m.hbTimer.Cancel()
	m.retryTimer.Cancel()
	m.g.refreshAll()
}

// receive handles a response from the coordinator.
func (m *member) receive(msg *message) {
	switch msg.kind {
	case mFindCoordinator:
		m.onFindCoordinator(msg)
	case mJoinGroup:
		m.onJoinResponse(msg)
	case mSyncGroup:
		m.onSyncResponse(msg)
	case mHeartbeat:
		m.onHeartbeatResponse(msg)
	case mOffsetCommit:
		m.onCommitResponse(msg)
	case mOffsetFetch:
		m.onOffsetFetchResponse(msg)
	case mConsumerHeartbeat:
		m.onKHeartbeatResponse(msg)
	}
}

func (m *member) onFindCoordinator(msg *message) {
	if m.cstate != csFinding {
		return
	}
	if msg.err == errCoordinatorNotAvailable {
		m.retryAfterBackoff(retryFind)
		return
	}
	m.retries = 0
	if m.g.consumerProtocol() {
		m.kstart()
		m.poll()
		return
	}
	m.cstate = csUnjoined
	m.rejoin = true
	m.poll()
}

// ---- the application thread: poll() ----

// inPoll reports whether the application thread is inside poll() (waiting
// for records or for the group), where it can react at once.
func (m *member) inPoll() bool {
	m.settle()
	return m.app == appIdle || m.app == appJoining || m.app == appFetching
}

// pollSoon makes the application thread act on a change: at once when it
// is inside poll(), else at its next poll() (a merged batch gets its
// batch-end poll back).
func (m *member) pollSoon() {
	if m.inPoll() {
		m.poll()
		return
	}
	m.unmerge()
}

// unmerge restores the batch-end event of a merged batch still in
// progress: something happened that the poll() at its end must act on.
func (m *member) unmerge() {
	if !m.merged || m.now() >= m.batch.start+m.batch.dur {
		return // nothing merged, or the batch is over: settle() takes it from here
	}
	m.merged = false
	s := m.s
	s.q.Arm(&m.wakeTimer, engine.Event{At: m.batch.start + m.batch.dur, Kind: evWake, Target: int32(m.idx), Arg: m.inc})
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
	m.creditBatch(m.batch.start + m.batch.dur)
	m.batch.active = false
	m.lastPoll = m.batch.start + m.batch.dur
	m.app = appIdle
}

// poll is one KafkaConsumer.poll() call: coordinator work first (join or
// rejoin if needed, auto commit), then records (KAFKA_MODEL §1.3, §5).
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
		m.close()
		return
	}
	if m.cstate == csFinding {
		m.app = appJoining
		return
	}
	if m.g.consumerProtocol() {
		// No barrier: the heartbeat thread reconciles; poll() only runs
		// callbacks that need the application thread.
		if m.kpoll() {
			return
		}
		m.pollRecords(now)
		return
	}
	if m.hasPendingAssign {
		m.onJoinComplete()
		if m.app == appRevoking {
			return
		}
	}
	if m.cstate == csUnjoined || (m.rejoin && m.cstate == csStable) {
		if m.ensureActiveGroup() {
			return // blocked inside poll until the group answers
		}
	}
	if m.cstate != csStable && (m.eager() || len(m.owned) == 0) {
		m.app = appJoining
		return
	}
	m.pollRecords(now)
}

// pollRecords is poll()'s record part: auto commit when due, then fetch.
func (m *member) pollRecords(now engine.Time) {
	if m.waitingForPositions() {
		m.app = appFetching
		return
	}
	inGroup := m.generation >= 0 && m.cstate == csStable
	if m.g.consumerProtocol() {
		inGroup = m.cstate == csStable && m.kEpoch > 0
	}
	if m.autoCommit() && inGroup && now >= m.nextAutoCommit {
		m.commit(commitAsync)
		m.nextAutoCommit = now + engine.FromDuration(m.cfg().AutoCommitInterval)
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

// waitingForPositions reports whether some owned partition still awaits its
// OffsetFetch answer: poll() cannot fetch it yet.
func (m *member) waitingForPositions() bool {
	for _, op := range m.owned {
		if op.gp.heldBy(m) && !op.gp.ready {
			return true
		}
	}
	return false
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
	if b.n == limit {
		drained = false // partitions after the last one taken were not looked at
	}
	b.active = true
	b.start = now
	b.dur = m.serviceTime(b.n)
	m.app = appBusy
	end := now + b.dur
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
			s.q.Arm(&m.wakeTimer, engine.Event{At: wake, Kind: evWake, Target: int32(m.idx), Arg: m.inc})
			m.armPollTimeout(end)
			return true
		}
	}
	if plain && !s.opt.NoFastForward && end < m.horizon() {
		m.ffNext = end // the poll at the batch's end, fast-forwarded too
		return true
	}
	s.q.Arm(&m.wakeTimer, engine.Event{At: end, Kind: evWake, Target: int32(m.idx), Arg: m.inc})
	m.armPollTimeout(end)
	return true
}

// plainPoll reports whether the poll() at a batch ending at end would be a
// plain fetch: no coordinator work, no commit, no callbacks.
func (m *member) plainPoll(end engine.Time) bool {
	return m.cfg().Commit == scenario.CommitAuto && end < m.nextAutoCommit && !m.rejoin && !m.closing &&
		!m.hasPendingAssign && !m.kCallbackDue && !m.kReconciling && m.cstate == csStable && !m.restartSet
}

// horizon is the earliest time anything can reach this member: its own
// timers (heartbeat, poll timeout, retries), an answer in flight, a due auto
// commit, the next sample (which reads its progress), the next scenario or
// control event, or the end of what is being simulated. Before it, the
// member's polls depend on nothing but its own partitions.
func (m *member) horizon() engine.Time {
	s := m.s
	if m.hbInFlight || m.pollTimer.Armed() || m.retryTimer.Armed() || m.stalled {
		return 0
	}
	h := s.until
	if next := s.nextSampleAfter(s.now()); next < h {
		h = next
	}
	if m.hbTimer.Armed() && m.hbTimer.When() < h {
		h = m.hbTimer.When()
	}
	if m.nextAutoCommit < h {
		h = m.nextAutoCommit
	}
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
	s := m.s
	m.app = appIdle
	if wake, ok := m.fetchWake(m.now()); ok {
		s.q.Arm(&m.wakeTimer, engine.Event{At: wake, Kind: evWake, Target: int32(m.idx), Arg: m.inc})
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
	case appRevoking:
		m.onRevokeDone()
	}
}

// finishBatch credits the whole batch, then commits (commit = sync) or polls.
func (m *member) finishBatch() {
	m.creditBatch(m.s.now())
	m.batch.active = false
	if m.cfg().Commit == scenario.CommitSync && m.generation >= 0 && m.cstate == csStable {
		m.commit(commitAfterBatch)
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
		if lo < 0 {
			lo = 0
		}
		if hi > size {
			hi = size
		}
		// Records r.from+lo .. r.from+hi-1 finish at batch-relative
		// positions idx-size+lo+1 .. idx-size+hi.
		c0 := b.start + engine.Time(float64(b.dur)*float64(idx-size+lo+1)/float64(b.n))
		c1 := b.start + engine.Time(float64(b.dur)*float64(idx-size+hi)/float64(b.n))
		m.g.processed(r.gp, r.from+lo, r.from+hi, c0, c1)
	}
	b.done = k
}

// ---- commits ----

// commit sends the consumed positions of the owned partitions. Async commits
// (auto commit inside poll) do not block; the others block the application
// thread until the answer.
func (m *member) commit(purpose commitPurpose) {
	s := m.s
	id, msg := s.msgs.get()
	msg.kind, msg.m, msg.inc = mOffsetCommit, m, m.inc
	msg.memberID, msg.generation = m.memberID, m.generation
	msg.purpose = purpose
	for _, op := range m.owned {
		if op.gp.heldBy(m) && op.gp.ready {
			msg.offsets = append(msg.offsets, offsetEntry{gp: op.gp, off: op.pos})
		}
	}
	if purpose != commitAsync && purpose != commitRevoke {
		m.app = appCommitting
	}
	if m.g.consumerProtocol() {
		msg.generation = m.kEpoch
		msg.token = m.kSeq
	}
	s.toBroker(id)
}

func (m *member) onCommitResponse(msg *message) {
	if msg.err != errNone {
		m.tracef("commit failed: %v", msg.err)
	}
	if msg.err == errCoordinatorNotAvailable {
		// The coordinator is moving: a synchronous commit is retried after
		// a backoff, blocking the application thread; an asynchronous one
		// is dropped (the next auto commit carries newer offsets).
		if msg.purpose == commitRevoke {
			if m.kReconciling && msg.token == m.kSeq {
				m.kRevokeStep() // the revocation goes on without it
			}
			return
		}
		if msg.purpose != commitAsync {
			m.retryPurpose = msg.purpose
			m.retryAfterBackoff(retryCommit)
		}
		return
	}
	m.retries = 0
	switch msg.purpose {
	case commitAfterBatch:
		if msg.err == errRebalanceInProgress || msg.err == errIllegalGeneration || msg.err == errUnknownMemberID {
			// CommitFailedException: the application goes on; the next poll
			// rejoins.
			m.rejoin = true
		}
		m.poll()
	case commitJoinPrepare:
		m.joinPrepareRevoke()
	case commitClose:
		m.leave()
	case commitRevoke:
		if m.kReconciling && msg.token == m.kSeq {
			m.kRevokeStep()
		}
	}
}

// ---- the group protocol, client side ----

// ensureActiveGroup starts (or continues) a join inside poll(). It reports
// whether poll() must block: always for eager members, and for cooperative
// members that own nothing to process meanwhile (KAFKA_MODEL §1.5, §2).
func (m *member) ensureActiveGroup() bool {
	if m.cstate == csJoining || m.cstate == csSyncing {
		return m.eager() || len(m.owned) == 0
	}
	if !m.prepared {
		m.prepared = true
		if m.lost {
			// onPartitionsLost: the member was kicked out; no commit.
			m.lost = false
			m.tracef("lost its partitions")
			m.dropOwned()
		} else if m.autoCommit() && m.generation >= 0 && len(m.owned) > 0 {
			// onJoinPrepare: commit all consumed positions and wait for it.
			m.commit(commitJoinPrepare)
			return true
		}
	}
	return m.joinPrepareRevoke()
}

// joinPrepareRevoke is the second half of onJoinPrepare: eager members
// revoke everything; cooperative members keep what they own (their
// subscription never changes here). Then JoinGroup goes out.
func (m *member) joinPrepareRevoke() bool {
	if !m.alive {
		return true
	}
	if m.eager() && len(m.owned) > 0 {
		if m.revokeThen(m.ownedRefs(), thenJoin) {
			return true
		}
	}
	return m.joinAfterPrepare()
}

// joinAfterPrepare sends JoinGroup and either blocks poll() (eager, or
// nothing to process) or goes on processing (cooperative).
func (m *member) joinAfterPrepare() bool {
	m.sendJoin()
	block := m.eager() || len(m.owned) == 0
	if block {
		m.app = appJoining
	} else {
		m.poll()
	}
	return block
}

// revokeThen revokes tps (onPartitionsRevoked): the partitions are released
// at once, and the application thread spends revoke_time in the callback
// before doing next. It reports whether the thread is now busy in the
// callback (false: no callback time, the caller goes on itself).
func (m *member) revokeThen(tps []tpRef, next afterRevoke) bool {
	m.revoke(tps)
	d := engine.FromDuration(m.cfg().RevokeTime)
	if d <= 0 || len(tps) == 0 {
		return false
	}
	s := m.s
	m.app = appRevoking
	m.revokeNext = next
	s.q.Arm(&m.wakeTimer, engine.Event{At: s.now() + d, Kind: evWake, Target: int32(m.idx), Arg: m.inc})
	m.armPollTimeout(s.now() + d)
	return true
}

func (m *member) onRevokeDone() {
	m.app = appBusy // not in poll() until the continuation says so
	switch m.revokeNext {
	case thenJoin:
		m.joinAfterPrepare()
	case thenPoll:
		m.poll()
	case thenLeave:
		m.leaveAfterRevoke()
	case thenAssign:
		m.app = appIdle
		if m.kReconciling && m.kCallbackSeq == m.kSeq {
			m.kAssignStep()
		}
		if m.app == appIdle {
			m.poll()
		}
	}
}

// notIn lists the owned partitions that assignment does not keep, in the
// order they are owned.
func (m *member) notIn(assignment []tpRef) []tpRef {
	want := map[tpRef]bool{} // NB: lookup only
	for _, tp := range assignment {
		want[tp] = true
	}
	var out []tpRef
	for _, op := range m.owned {
		if !want[op.gp.tp] {
			out = append(out, op.gp.tp)
		}
	}
	return out
}

func (m *member) ownedRefs() []tpRef {
	out := make([]tpRef, 0, len(m.owned))
	for _, op := range m.owned {
		out = append(out, op.gp.tp)
	}
	return out
}

// revoke gives up the listed partitions (onPartitionsRevoked).
func (m *member) revoke(tps []tpRef) {
	if len(tps) == 0 {
		return
	}
	keep := m.owned[:0]
	drop := map[*gpart]bool{}
	for _, tp := range tps {
		drop[m.g.part(tp.t, tp.p)] = true
	}
	for _, op := range m.owned {
		if drop[op.gp] {
			if op.gp.heldBy(m) {
				m.g.setOwner(op.gp, nil)
			}
			continue
		}
		keep = append(keep, op)
	}
	m.owned = keep
	m.g.noteRevoked(int64(len(tps)))
	m.tracef("revokes %s", joinTPs(tps))
}

func (m *member) dropOwned() {
	for _, op := range m.owned {
		if op.gp.heldBy(m) {
			m.g.setOwner(op.gp, nil)
		}
	}
	m.owned = nil
}

// sendJoin sends JoinGroup with the member's protocol metadata. The
// heartbeat thread pauses until the answer (§1.4).
func (m *member) sendJoin() {
	s := m.s
	id, msg := s.msgs.get()
	msg.kind, msg.m, msg.inc = mJoinGroup, m, m.inc
	msg.memberID, msg.instanceID = m.memberID, m.instanceID
	msg.subscription = m.cfg().Topics
	msg.rebalanceTimeout = engine.FromDuration(m.cfg().MaxPollInterval)
	msg.sessionTimeout = engine.FromDuration(m.cfg().SessionTimeout)
	if m.eager() {
		// StickyAssignor's userData: the last assignment and its generation.
		msg.owned, msg.ownedGeneration = m.lastAssignment, m.lastAssignmentGen
	} else {
		msg.owned, msg.ownedGeneration = sortTPs(m.ownedRefs()), m.generation
	}
	m.cstate = csJoining
	m.rejoin = false
	m.hbTimer.Cancel()
	m.tracef("sends JoinGroup")
	s.toBroker(id)
}

func (m *member) onJoinResponse(msg *message) {
	if m.cstate != csJoining {
		return
	}
	switch msg.err {
	case errMemberIDRequired:
		m.memberID = msg.memberID
		m.sendJoin()
		return
	case errUnknownMemberID:
		m.memberID = ""
		m.generation = -1
		m.sendJoin()
		return
	case errFencedInstanceID:
		m.tracef("fenced: another process took its group.instance.id; it stops")
		m.die()
		return
	case errCoordinatorNotAvailable:
		m.cstate = csUnjoined
		m.retryAfterBackoff(retryJoin)
		return
	}
	m.retries = 0
	m.memberID = msg.memberID
	m.generation = msg.generation
	m.cstate = csSyncing
	m.armHeartbeat()
	if msg.leaderID == m.memberID {
		m.tracef("leads generation %d (%d members)", msg.generation, len(msg.joinMembers))
		m.runAssignor(msg)
		return
	}
	m.sendSync(nil)
}

// runAssignor computes the plan as the leader; the SyncGroup leaves after
// assignment_time.
func (m *member) runAssignor(msg *message) {
	s := m.s
	plan, err := m.assign(msg.joinMembers)
	if err != nil {
		panic(fmt.Sprintf("models: assignor %s failed: %v", m.g.strategy[0], err))
	}
	m.pendingPlan = plan
	d := engine.FromDuration(m.cfg().AssignmentTime)
	if d == 0 {
		m.sendSync(plan)
		return
	}
	s.q.Push(engine.Event{At: s.now() + d, Kind: evAssignDone, Target: int32(m.idx), Arg: m.inc})
}

func (m *member) onAssignDone(ev engine.Event) {
	if !m.alive || ev.Arg != m.inc || m.cstate != csSyncing {
		return
	}
	m.sendSync(m.pendingPlan)
}

func (m *member) sendSync(plan []memberPlan) {
	s := m.s
	id, msg := s.msgs.get()
	msg.kind, msg.m, msg.inc = mSyncGroup, m, m.inc
	msg.memberID, msg.generation = m.memberID, m.generation
	msg.plan = plan
	s.toBroker(id)
}

func (m *member) onSyncResponse(msg *message) {
	if m.cstate != csSyncing {
		return
	}
	switch msg.err {
	case errNone:
	case errRebalanceInProgress:
		// Rejoin at once; onJoinPrepare already ran for this join.
		m.cstate = csUnjoined
		m.rejoinNow()
		return
	case errFencedInstanceID:
		m.die()
		return
	case errCoordinatorNotAvailable:
		m.cstate = csUnjoined
		m.retryAfterBackoff(retryJoin)
		return
	default:
		m.resetGeneration(msg.err == errUnknownMemberID)
		m.rejoinNow()
		return
	}
	m.cstate = csStable
	m.prepared = false
	m.pendingAssign = msg.assignment
	m.hasPendingAssign = true
	m.unmerge() // the next poll() installs it
	if m.inPoll() || m.eager() {
		m.onJoinComplete()
		m.pollSoon() // fetch, or rejoin at once after a cooperative revocation
	}
}

// rejoinNow sends the next JoinGroup if the application thread is inside
// poll(); otherwise the next poll() does.
func (m *member) rejoinNow() {
	m.rejoin = true
	m.pollSoon()
}

// onJoinComplete installs the assignment (KAFKA_MODEL §1.4, §2): eager
// members start from nothing; cooperative members revoke what they lost
// (and rejoin at once if they revoked anything) and add what they gained.
// New partitions need their committed offsets first (OffsetFetch).
func (m *member) onJoinComplete() {
	m.hasPendingAssign = false
	assignment := m.pendingAssign
	m.lastAssignment, m.lastAssignmentGen = assignment, m.generation
	m.assigned = true
	m.nextAutoCommit = m.s.now() + engine.FromDuration(m.cfg().AutoCommitInterval)
	have := map[tpRef]bool{}
	for _, op := range m.owned {
		have[op.gp.tp] = true
	}
	revoked := m.notIn(assignment)
	busy := m.revokeThen(revoked, thenPoll)
	var added []*gpart
	for _, tp := range assignment {
		if !have[tp] {
			gp := m.g.part(tp.t, tp.p)
			m.g.setOwner(gp, m)
			m.owned = append(m.owned, &ownedPart{gp: gp})
			added = append(added, gp)
		}
	}
	if len(assignment) == 0 {
		m.tracef("assigned nothing (generation %d)", m.generation)
	} else {
		m.tracef("assigned %s (generation %d)", joinTPs(assignment), m.generation)
	}
	m.g.refreshAll()
	if len(revoked) > 0 && !m.eager() {
		m.rejoin = true
	}
	if len(added) > 0 {
		m.fetchOffsets(added)
	}
	if busy {
		m.app = appRevoking // the callback runs before anything else
	}
}

// fetchOffsets asks the coordinator for the committed offsets of newly
// assigned partitions.
func (m *member) fetchOffsets(parts []*gpart) {
	s := m.s
	id, msg := s.msgs.get()
	msg.kind, msg.m, msg.inc = mOffsetFetch, m, m.inc
	for _, gp := range parts {
		msg.offsets = append(msg.offsets, offsetEntry{gp: gp})
	}
	s.toBroker(id)
}

func (m *member) onOffsetFetchResponse(msg *message) {
	s := m.s
	if msg.err == errCoordinatorNotAvailable {
		m.retryAfterBackoff(retryOffsetFetch)
		return
	}
	for _, o := range msg.offsets {
		if !o.gp.heldBy(m) {
			continue
		}
		pos := o.off
		if pos < 0 {
			pos = m.g.resetOffset(o.gp)
		}
		for _, op := range m.owned {
			if op.gp == o.gp {
				op.pos = pos
			}
		}
		o.gp.ready = true
		m.g.refresh(o.gp)
	}
	_ = s
	if m.inPoll() {
		m.poll()
	} else {
		m.unmerge() // the next poll() fetches the new partitions too
	}
}

// resetGeneration forgets the group membership after an error (the member
// will rejoin, and its partitions count as lost).
func (m *member) resetGeneration(resetID bool) {
	m.generation = -1
	if resetID {
		m.memberID = ""
	}
	m.cstate = csUnjoined
	m.lost = true
	m.prepared = false
	m.hbTimer.Cancel()
}

// ---- the heartbeat thread ----

func (m *member) armHeartbeat() {
	s := m.s
	s.q.Arm(&m.hbTimer, engine.Event{At: s.now() + engine.FromDuration(m.cfg().HeartbeatInterval), Kind: evHeartbeatTick, Target: int32(m.idx), Arg: m.inc})
}

// onHeartbeatTick sends a heartbeat every heartbeat.interval.ms while the
// member is in a generation (not while its JoinGroup is pending).
func (m *member) onHeartbeatTick(ev engine.Event) {
	if !m.hbTimer.Fired(ev) || !m.alive {
		return
	}
	if m.g.consumerProtocol() {
		m.kHeartbeatTick()
		return
	}
	if (m.cstate == csSyncing || m.cstate == csStable) && !m.hbInFlight {
		s := m.s
		id, msg := s.msgs.get()
		msg.kind, msg.m, msg.inc = mHeartbeat, m, m.inc
		msg.memberID, msg.generation = m.memberID, m.generation
		m.hbInFlight = true
		s.toBroker(id)
	}
	m.armHeartbeat()
}

func (m *member) onHeartbeatResponse(msg *message) {
	m.hbInFlight = false
	if msg.err == errCoordinatorNotAvailable {
		// Coordinator unknown: rediscover it and heartbeat again after a
		// backoff; processing goes on meanwhile (KAFKA_MODEL 5).
		s := m.s
		s.q.Arm(&m.hbTimer, engine.Event{At: s.now() + m.backoff(), Kind: evHeartbeatTick, Target: int32(m.idx), Arg: m.inc})
		return
	}
	if msg.err == errNone {
		m.retries = 0
	}
	if msg.generation != m.generation || (m.cstate != csStable && m.cstate != csSyncing) {
		return // an answer about a generation the member has left behind
	}
	switch msg.err {
	case errRebalanceInProgress:
		if !m.rejoin {
			m.tracef("heartbeat: REBALANCE_IN_PROGRESS")
		}
		m.rejoin = true
		if m.inPoll() && m.app == appIdle {
			m.poll()
		} else if m.merged {
			m.unmerge()
		}
	case errUnknownMemberID, errIllegalGeneration:
		m.tracef("heartbeat: %v", msg.err)
		m.resetGeneration(msg.err == errUnknownMemberID)
		m.rejoin = true
		if m.inPoll() && m.app == appIdle {
			m.poll()
		} else if m.merged {
			m.unmerge()
		}
	}
}

// ---- max.poll.interval.ms ----

// armPollTimeout arms the poll-interval check if the next poll (at next)
// would come too late; a member that polls in time never needs the timer.
func (m *member) armPollTimeout(next engine.Time) {
	s := m.s
	deadline := m.lastPoll + engine.FromDuration(m.cfg().MaxPollInterval)
	if next <= deadline {
		return
	}
	if deadline < m.now() {
		deadline = m.now() // already overdue: the heartbeat thread notices now
	}
	s.q.Arm(&m.pollTimer, engine.Event{At: deadline, Kind: evPollTimeout, Target: int32(m.idx), Arg: m.inc})
}

// onPollTimeout is handlePollTimeoutExpiry (§5): the heartbeat thread sees
// that poll() has not been called for max.poll.interval.ms; a dynamic member
// sends LeaveGroup, and either kind forgets its generation, so its next poll
// rejoins and its partitions count as lost.
func (m *member) onPollTimeout(ev engine.Event) {
	if !m.pollTimer.Fired(ev) || !m.alive || m.inPoll() {
		return
	}
	m.tracef("max.poll.interval.ms expired")
	if m.g.consumerProtocol() {
		// A leave heartbeat (-1, or -2 for a static member); the member
		// rejoins with epoch 0 at its next poll (KAFKA_MODEL §4).
		m.kLeave()
		if m.instanceID != "" {
			m.owned = nil // the coordinator holds them until the session expires
		} else {
			m.kLose()
		}
		m.cstate = csUnjoined
		return
	}
	if m.instanceID == "" && m.memberID != "" && m.cstate != csUnjoined {
		m.sendLeave()
	}
	m.resetGeneration(true)
	m.rejoin = true
}

func (m *member) sendLeave() {
	s := m.s
	id, msg := s.msgs.get()
	msg.kind, msg.m, msg.inc = mLeaveGroup, m, m.inc
	msg.memberID, msg.instanceID = m.memberID, m.instanceID
	s.toBroker(id)
}

// ---- scenario actions ----

// requestClose starts a clean shutdown: the current batch finishes, then
// close() commits, revokes and leaves.
func (m *member) requestClose() {
	if !m.alive {
		return
	}
	m.closing = true
	m.pollSoon()
}

// close is KafkaConsumer.close(): commit synchronously (auto commit), then
// leave.
func (m *member) close() {
	inGroup := m.generation >= 0 && m.cstate == csStable
	if m.g.consumerProtocol() {
		inGroup = m.cstate == csStable && m.kEpoch > 0
	}
	if m.autoCommit() && inGroup && len(m.owned) > 0 {
		m.commit(commitClose)
		return
	}
	m.leave()
}

func (m *member) leave() {
	m.tracef("leaves")
	if m.instanceID != "" {
		// A static member sends no LeaveGroup (KIP-345): the coordinator
		// keeps its assignment, and its partitions are simply not consumed
		// until it is back or its session expires. The callback still runs.
		m.owned = nil
		d := engine.FromDuration(m.cfg().RevokeTime)
		if d > 0 {
			m.app = appRevoking
			m.revokeNext = thenLeave
			m.s.q.Arm(&m.wakeTimer, engine.Event{At: m.s.now() + d, Kind: evWake, Target: int32(m.idx), Arg: m.inc})
			return
		}
		m.leaveAfterRevoke()
		return
	}
	if len(m.owned) > 0 && m.revokeThen(m.ownedRefs(), thenLeave) {
		return
	}
	m.leaveAfterRevoke()
}

func (m *member) leaveAfterRevoke() {
	if m.g.consumerProtocol() {
		m.kLeave()
	} else if m.instanceID == "" && m.memberID != "" && m.cstate != csUnjoined && m.cstate != csFinding {
		m.sendLeave() // static members send none (KIP-345)
	}
	m.die()
	if m.restartSet {
		m.restartSet = false
		m.s.q.Push(engine.Event{At: m.s.now() + m.restartIn, Kind: evRestart, Target: int32(m.idx), Arg: m.inc})
	}
}

func (m *member) onRestart(ev engine.Event) {
	if m.alive || ev.Arg != m.inc {
		return
	}
	m.start()
}

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
	m.g.refreshAll()
	s.q.Push(engine.Event{At: now + d, Kind: evStallEnd, Target: int32(m.idx), Arg: m.inc})
	if !m.inPoll() || m.app == appIdle {
		// A stalled thread makes no poll() calls, whatever it was doing.
		m.app = appBusy
		if !m.batch.active {
			m.batch = batch{active: true, start: now, dur: 0}
		}
	}
	m.armPollTimeout(now + d + 1)
}

func (m *member) onStallEnd(ev engine.Event) {
	if !m.alive || ev.Arg != m.inc || !m.stalled {
		return
	}
	s := m.s
	now := s.now()
	m.stalled = false
	b := &m.batch
	if b.active && b.n > 0 {
		// The batch resumes where it stopped.
		b.start += now - m.stallAt
		s.q.Arm(&m.wakeTimer, engine.Event{At: b.start + b.dur, Kind: evWake, Target: int32(m.idx), Arg: m.inc})
		m.armPollTimeout(b.start + b.dur)
	} else {
		b.active = false
		m.app = appIdle
		m.poll()
	}
	m.tracef("poll loop resumes")
	m.g.refreshAll()
}

// onMetadataRefresh is the member's periodic metadata refresh after
// partitions were added. Only the leader compares the partition counts of
// the whole subscription with those its assignment used, and rejoins to
// force a rebalance when they differ (KAFKA_MODEL 1.3).
func (m *member) onMetadataRefresh(ev engine.Event) {
	if !m.alive || ev.Arg != m.inc || m.assignedWith == nil {
		return
	}
	c := m.g.coord
	if c.leader == nil || c.leader.m != m || c.leader.inc != m.inc {
		return
	}
	for i, t := range m.g.topic {
		if m.knownPartitions(t) != m.assignedWith[i] {
			m.tracef("metadata refresh: %s has %d partitions, the assignment used %d: rejoins", t.name, m.knownPartitions(t), m.assignedWith[i])
			m.rejoin = true
			m.pollSoon()
			return
		}
	}
}

func sortTPs(tps []tpRef) []tpRef {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].t.name != tps[j].t.name {
			return tps[i].t.name < tps[j].t.name
		}
		return tps[i].p < tps[j].p
	})
	return tps
}
