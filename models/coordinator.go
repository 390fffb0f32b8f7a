package models

import (
	"fmt"
	"sort"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
)

// The classic group coordinator (broker side), KAFKA_MODEL §1. Its state
// machine follows Kafka's ClassicGroup and GroupMetadataManager: it answers
// JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch,
// and runs the join timer (rebalance timeout or initial delay), the pending
// sync timer and per-member session expiry.

type groupState int8

const (
	stEmpty groupState = iota
	stPreparingRebalance
	stCompletingRebalance
	stStable
	stDead
)

var groupStateNames = [...]string{"Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"}

func (st groupState) String() string { return groupStateNames[st] }

// cmember is the coordinator's record of one member.
type cmember struct {
	memberID   string
	instanceID string
	m          *member // the process (slot) behind it
	inc        int64   // its incarnation when it joined

	rebalanceTimeout engine.Time
	sessionTimeout   engine.Time
	subscription     []string
	owned            []tpRef
	ownedGeneration  int32

	awaitingJoin *int64 // pending JoinGroup response (message id), nil when none
	awaitingSync *int64 // pending SyncGroup response
	isNew        bool
	lastSeen     engine.Time // last heartbeat or request
	assignment   []tpRef
	insertion    uint64 // insertion order into the members HashMap
	sessionTimer engine.Timer
}

type coordinator struct {
	g          *group
	state      groupState
	generation int32
	leader     *cmember
	protocol   string // selected assignor

	members      []*cmember // NB: kept in insertion order; Java HashMap order is derived from it
	maxMembers   int        // the members HashMap never shrinks its table
	insertions   uint64
	pending      []pendingMember // dynamic members told MEMBER_ID_REQUIRED
	pendingSync  map[*cmember]bool
	ids          *idGen
	joinTimer    engine.Timer
	syncTimer    engine.Timer
	initial      bool        // join phase started from Empty: initial delay rules
	remaining    engine.Time // initial delay budget left
	newMemberAdd bool
	// unavailableUntil is set while the coordinator is failing over.
	unavailableUntil engine.Time
	reloadRebalance  bool

	openCause      string // why the open rebalance started
	openRow        int    // index of the open rebalance row, -1 when none
	pendingRevoked int64
}

type pendingMember struct {
	memberID string
	deadline engine.Time
}

func newCoordinator(g *group) *coordinator {
	return &coordinator{g: g, state: stEmpty, openRow: -1, pendingSync: map[*cmember]bool{},
		ids: newIDGen(g.s.seed, g.name)}
}

func (c *coordinator) s() *Sim { return c.g.s }

func (c *coordinator) tracef(format string, args ...any) {
	c.s().tracef("%s coordinator: "+format, append([]any{c.g.name}, args...)...)
}

func (c *coordinator) find(memberID string) *cmember {
	for _, cm := range c.members {
		if cm.memberID == memberID {
			return cm
		}
	}
	return nil
}

func (c *coordinator) findStatic(instanceID string) *cmember {
	if instanceID == "" {
		return nil
	}
	for _, cm := range c.members {
		if cm.instanceID == instanceID {
			return cm
		}
	}
	return nil
}

// hashOrder returns the members in Java HashMap iteration order: Kafka's
// ClassicGroup keeps members in a HashMap<String, ClassicGroupMember>, and
// leader re-election and the JoinGroup response's member list follow it
// (KAFKA_MODEL §1.1, §6.1).
func (c *coordinator) hashOrder() []*cmember {
	ids := make([]string, len(c.members))
	for i, cm := range c.members {
		ids[i] = cm.memberID
	}
	order := assignors.JavaStringHashOrder(ids, assignors.JavaDefaultCapacity(c.maxMembers))
	out := make([]*cmember, len(order))
	for i, j := range order {
		out[i] = c.members[j]
	}
	return out
}

// receive handles a request that reached the coordinator.
func (c *coordinator) receive(id int64, msg *message) {
	s := c.s()
	if s.now() < c.unavailableUntil {
		msg.err = errCoordinatorNotAvailable
		s.toClient(id)
		return
	}
	if cm := c.find(msg.memberID); cm != nil && cm.m == msg.m {
		cm.lastSeen = s.now()
	}
	switch msg.kind {
	case mFindCoordinator:
		s.toClient(id)
	case mJoinGroup:
		c.onJoinGroup(id, msg)
	case mSyncGroup:
		c.onSyncGroup(id, msg)
	case mHeartbeat:
		c.onHeartbeat(id, msg)
	case mLeaveGroup:
		c.onLeaveGroup(id, msg)
	case mOffsetCommit:
		c.onOffsetCommit(id, msg)
	case mOffsetFetch:
		c.onOffsetFetch(id, msg)
	default:
		panic(fmt.Sprintf("models: coordinator got %v", msg.kind))
	}
}

// onJoinGroup is classicGroupJoin: unknown members get an id (dynamic ones
// through MEMBER_ID_REQUIRED, KIP-394), known members rejoin.
func (c *coordinator) onJoinGroup(id int64, msg *message) {
	s := c.s()
	if msg.memberID == "" {
		if msg.instanceID != "" {
			newID := msg.instanceID + "-" + c.ids.uuid()
			if old := c.findStatic(msg.instanceID); old != nil {
				c.replaceStatic(old, newID, id, msg)
				return
			}
			c.addMember(newID, id, msg)
			return
		}
		// KIP-394: the first JoinGroup of a dynamic member only obtains its id.
		newID := msg.m.clientID + "-" + c.ids.uuid()
		c.pending = append(c.pending, pendingMember{memberID: newID, deadline: s.now() + msg.sessionTimeout})
		msg.memberID = newID
		msg.err = errMemberIDRequired
		c.tracef("JoinGroup from %s: MEMBER_ID_REQUIRED, id %s", msg.m.describe(), short(newID))
		s.toClient(id)
		return
	}
	for i, p := range c.pending {
		if p.memberID == msg.memberID {
			c.pending = append(c.pending[:i], c.pending[i+1:]...)
			c.addMember(msg.memberID, id, msg)
			return
		}
	}
	cm := c.find(msg.memberID)
	if cm == nil || cm.m != msg.m {
		if msg.instanceID != "" {
			if old := c.findStatic(msg.instanceID); old != nil {
				// A static member whose member id is stale is fenced.
				msg.err = errFencedInstanceID
				s.toClient(id)
				return
			}
		}
		msg.err = errUnknownMemberID
		c.tracef("JoinGroup from %s: UNKNOWN_MEMBER_ID", msg.m.describe())
		s.toClient(id)
		return
	}
	changed := !sameMetadata(cm, msg)
	c.updateMember(cm, id, msg)
	switch c.state {
	case stPreparingRebalance:
		c.maybeCompleteJoin()
	case stCompletingRebalance:
		if changed {
			c.prepareRebalance(short(cm.memberID) + " rejoined with new metadata")
		} else {
			// A resend during the sync phase gets the current generation.
			c.respondJoin(cm)
		}
	case stStable:
		if changed || cm == c.leader {
			// Any JoinGroup from the leader while Stable starts a rebalance
			// (KAFKA_MODEL §1.3).
			c.prepareRebalance(short(cm.memberID) + " rejoined")
		} else {
			c.respondJoin(cm)
		}
	default:
		msg.err = errUnknownMemberID
		cm.awaitingJoin = nil
		s.toClient(id)
	}
}

func sameMetadata(cm *cmember, msg *message) bool {
	if len(cm.subscription) != len(msg.subscription) {
		return false
	}
	for i := range cm.subscription {
		if cm.subscription[i] != msg.subscription[i] {
			return false
		}
	}
	// NB: owned partitions are part of the cooperative protocol metadata, so
	// a change of what a member owns is a change of metadata too.
	if len(cm.owned) != len(msg.owned) {
		return false
	}
	for i := range cm.owned {
		if cm.owned[i] != msg.owned[i] {
			return false
		}
	}
	return true
}

func (c *coordinator) updateMember(cm *cmember, id int64, msg *message) {
	cm.subscription = msg.subscription
	cm.owned = msg.owned
	cm.ownedGeneration = msg.ownedGeneration
	cm.rebalanceTimeout = msg.rebalanceTimeout
	cm.sessionTimeout = msg.sessionTimeout
	cm.lastSeen = c.s().now()
	if cm.awaitingJoin != nil {
		// A newer JoinGroup replaces a pending one; the old one is answered
		// when the phase completes by the newer id only.
		c.s().msgs.put(*cm.awaitingJoin)
	}
	cm.awaitingJoin = &id
}

// addMember is addMemberThenRebalanceOrCompleteJoin.
func (c *coordinator) addMember(memberID string, id int64, msg *message) {
	s := c.s()
	cm := &cmember{memberID: memberID, instanceID: msg.instanceID, m: msg.m, inc: msg.inc, isNew: true, insertion: c.insertions}
	c.insertions++
	c.members = append(c.members, cm)
	if len(c.members) > c.maxMembers {
		c.maxMembers = len(c.members)
	}
	if c.leader == nil {
		c.leader = cm
	}
	c.updateMember(cm, id, msg)
	msg.m.removed = false
	c.armSession(cm)
	c.tracef("JoinGroup from %s: added as %s", msg.m.describe(), short(memberID))
	if c.state == stPreparingRebalance && c.initial {
		c.newMemberAdd = true
	}
	switch c.state {
	case stEmpty, stStable, stCompletingRebalance:
		c.prepareRebalance(short(memberID) + " joined")
	case stPreparingRebalance:
		c.maybeCompleteJoin()
	}
	_ = s
}

// replaceStatic is updateStaticMemberThenRebalanceOrCompleteJoin (KIP-345,
// KAFKA_MODEL §3): a static member rejoining with a new process takes over
// its old identity; while Stable, with an unchanged protocol, it gets its old
// assignment back without a rebalance.
func (c *coordinator) replaceStatic(old *cmember, newID string, id int64, msg *message) {
	oldProcess := old.m
	// The old instance's pending requests are answered with FENCED_INSTANCE_ID.
	c.fail(&old.awaitingJoin, errFencedInstanceID)
	c.fail(&old.awaitingSync, errFencedInstanceID)
	wasLeader := c.leader == old
	// The old member id is removed and the new one inserted.
	for i, cm := range c.members {
		if cm == old {
			c.members = append(c.members[:i], c.members[i+1:]...)
			break
		}
	}
	cm := &cmember{memberID: newID, instanceID: old.instanceID, m: msg.m, inc: msg.inc, insertion: c.insertions,
		assignment: old.assignment}
	c.insertions++
	c.members = append(c.members, cm)
	if wasLeader || c.leader == nil {
		c.leader = cm
	}
	old.sessionTimer.Cancel()
	c.updateMember(cm, id, msg)
	msg.m.removed = false
	c.armSession(cm)
	// The partitions move from the old process to the new one when the new
	// one installs them (its SyncGroup answer); until then the old, dead
	// process still holds them.
	_ = oldProcess
	c.tracef("JoinGroup from %s: static member %s replaced, new id %s", msg.m.describe(), cm.instanceID, short(newID))
	switch c.state {
	case stStable:
		// Protocol unchanged (every member of a group shares its config):
		// no rebalance, the member gets the current generation and its old
		// assignment.
		c.respondJoin(cm)
	case stCompletingRebalance:
		c.prepareRebalance("static member " + cm.instanceID + " rejoined during sync")
	case stPreparingRebalance:
		c.maybeCompleteJoin()
	default:
		c.prepareRebalance("static member " + cm.instanceID + " joined")
	}
}

// respondJoin answers a pending JoinGroup with the current generation.
func (c *coordinator) respondJoin(cm *cmember) {
	s := c.s()
	if cm.awaitingJoin == nil {
		return
	}
	id := *cm.awaitingJoin
	cm.awaitingJoin = nil
	msg := s.msgs.slots[id]
	msg.err = errNone
	msg.memberID = cm.memberID
	msg.generation = c.generation
	if c.leader != nil {
		msg.leaderID = c.leader.memberID
	}
	if cm == c.leader {
		msg.joinMembers = c.memberMetadata()
	}
	cm.isNew = false
	s.toClient(id)
}

// memberMetadata is the member list of the leader's JoinGroup response, in
// the coordinator's HashMap order (it becomes the insertion order of the
// leader's subscriptions map).
func (c *coordinator) memberMetadata() []assignors.Member {
	var out []assignors.Member
	for _, cm := range c.hashOrder() {
		am := assignors.Member{ID: cm.memberID, InstanceID: cm.instanceID, Topics: cm.subscription, Generation: cm.ownedGeneration}
		am.Owned = toAssignorTPs(cm.owned)
		out = append(out, am)
	}
	return out
}

// prepareRebalance moves the group to PreparingRebalance (KAFKA_MODEL §1.3).
func (c *coordinator) prepareRebalance(reason string) {
	s := c.s()
	if c.state == stCompletingRebalance {
		// Members waiting for their SyncGroup answer learn of the new round.
		for _, cm := range c.members {
			c.fail(&cm.awaitingSync, errRebalanceInProgress)
		}
		c.pendingSync = map[*cmember]bool{}
		c.syncTimer.Cancel()
	}
	c.openRebalance(reason)
	if c.state == stEmpty {
		// group.initial.rebalance.delay.ms: wait D, extending while new
		// members keep arriving, within the rebalance timeout.
		d := engine.FromDuration(s.sc.Broker.InitialRebalanceDelay)
		c.initial = d > 0
		c.remaining = c.rebalanceTimeout() - d
		if c.remaining < 0 {
			c.remaining = 0
		}
		c.newMemberAdd = false
		c.armJoin(d)
	} else {
		c.initial = false
		c.armJoin(c.rebalanceTimeout())
	}
	c.state = stPreparingRebalance
	c.tracef("PreparingRebalance (%s)", reason)
	if !c.initial {
		c.maybeCompleteJoin()
	}
}

func (c *coordinator) armJoin(d engine.Time) {
	s := c.s()
	s.q.Arm(&c.joinTimer, engine.Event{At: s.now() + d, Kind: evCoordinatorTimer, Target: int32(c.g.idx), Arg: 0})
}

// rebalanceTimeout is the largest rebalance timeout among members (§1.3).
func (c *coordinator) rebalanceTimeout() engine.Time {
	var t engine.Time
	for _, cm := range c.members {
		if cm.rebalanceTimeout > t {
			t = cm.rebalanceTimeout
		}
	}
	if t == 0 {
		t = engine.FromDuration(c.g.cfg.MaxPollInterval)
	}
	return t
}

func (c *coordinator) allJoined() bool {
	if len(c.pending) > 0 {
		return false
	}
	for _, cm := range c.members {
		if cm.awaitingJoin == nil {
			return false
		}
	}
	return true
}

func (c *coordinator) maybeCompleteJoin() {
	if c.state == stPreparingRebalance && c.allJoined() && !c.initial {
		c.completeJoin()
	}
}

func (c *coordinator) onTimer(ev engine.Event) {
	switch {
	case c.joinTimer.Fired(ev):
		if c.state != stPreparingRebalance {
			return
		}
		if c.initial {
			d := engine.FromDuration(c.s().sc.Broker.InitialRebalanceDelay)
			if c.newMemberAdd && c.remaining != 0 {
				delay := d
				if c.remaining < delay {
					delay = c.remaining
				}
				c.remaining -= delay
				c.newMemberAdd = false
				c.armJoin(delay)
				return
			}
			c.initial = false
		}
		c.completeJoin()
	case c.syncTimer.Fired(ev):
		c.expirePendingSync()
	}
}

// completeJoin is completeClassicGroupJoin: drop dynamic members that did
// not rejoin, make sure a joined member leads, start the next generation.
func (c *coordinator) completeJoin() {
	s := c.s()
	for _, cm := range append([]*cmember(nil), c.members...) {
		if cm.awaitingJoin == nil && cm.instanceID == "" {
			c.tracef("%s did not rejoin in time: removed", short(cm.memberID))
			c.removeMember(cm, false, "")
		}
	}
	if len(c.members) > 0 && (c.leader == nil || c.leader.awaitingJoin == nil) {
		c.leader = nil
		for _, cm := range c.hashOrder() {
			if cm.awaitingJoin != nil {
				c.leader = cm
				break
			}
		}
		if c.leader == nil {
			// Nobody rejoined (only absent static members): wait again.
			c.tracef("no member rejoined; waiting another rebalance timeout")
			c.armJoin(c.rebalanceTimeout())
			return
		}
	}
	c.joinTimer.Cancel()
	c.generation++
	if len(c.members) == 0 {
		c.protocol = ""
		c.state = stEmpty
		c.tracef("generation %d: Empty", c.generation)
		c.closeRebalance(true)
		return
	}
	c.protocol = c.g.strategy[0] // every member shares the group's list (§1.1)
	c.state = stCompletingRebalance
	c.beginGenerationRow()
	c.tracef("generation %d: CompletingRebalance, leader %s, %d members", c.generation, short(c.leader.memberID), len(c.members))
	for _, cm := range c.hashOrder() {
		if cm.awaitingJoin != nil {
			c.pendingSync[cm] = true
			c.respondJoin(cm)
		}
	}
	s.q.Arm(&c.syncTimer, engine.Event{At: s.now() + c.rebalanceTimeout(), Kind: evCoordinatorTimer, Target: int32(c.g.idx), Arg: 1})
}

// expirePendingSync removes members that never sent SyncGroup (§1.4).
func (c *coordinator) expirePendingSync() {
	if c.state != stCompletingRebalance && c.state != stStable {
		return
	}
	var late []*cmember
	for _, cm := range c.members {
		if c.pendingSync[cm] {
			late = append(late, cm)
		}
	}
	c.pendingSync = map[*cmember]bool{}
	for _, cm := range late {
		c.tracef("%s never sent SyncGroup: removed", short(cm.memberID))
		c.removeMember(cm, true, short(cm.memberID)+" never sent SyncGroup")
	}
}

// onSyncGroup parks followers until the leader's assignment arrives.
func (c *coordinator) onSyncGroup(id int64, msg *message) {
	s := c.s()
	cm := c.find(msg.memberID)
	switch {
	case cm == nil || cm.m != msg.m:
		msg.err = errUnknownMemberID
	case msg.generation != c.generation:
		msg.err = errIllegalGeneration
	case c.state == stPreparingRebalance:
		msg.err = errRebalanceInProgress
	case c.state == stCompletingRebalance:
		cm.awaitingSync = &id
		delete(c.pendingSync, cm)
		if cm == c.leader {
			c.applyPlan(msg.plan)
		}
		return
	case c.state == stStable:
		delete(c.pendingSync, cm)
		msg.err = errNone
		msg.assignment = cm.assignment
		s.toClient(id)
		return
	default:
		msg.err = errUnknownMemberID
	}
	s.toClient(id)
}

// applyPlan stores the leader's assignment and completes the rebalance.
func (c *coordinator) applyPlan(plan []memberPlan) {
	s := c.s()
	for _, cm := range c.members {
		cm.assignment = nil
	}
	for _, mp := range plan {
		if cm := c.find(mp.memberID); cm != nil {
			cm.assignment = mp.assignment
		}
	}
	c.state = stStable
	c.tracef("generation %d: Stable", c.generation)
	c.countMoves()
	c.closeRebalance(false)
	for _, cm := range c.hashOrder() {
		if cm.awaitingSync != nil {
			id := *cm.awaitingSync
			cm.awaitingSync = nil
			m := s.msgs.slots[id]
			m.err = errNone
			m.assignment = cm.assignment
			s.toClient(id)
		}
	}
}

func (c *coordinator) onHeartbeat(id int64, msg *message) {
	s := c.s()
	cm := c.find(msg.memberID)
	switch {
	case c.state == stEmpty || cm == nil || cm.m != msg.m:
		msg.err = errUnknownMemberID
	case msg.generation != c.generation:
		msg.err = errIllegalGeneration
	case c.state == stPreparingRebalance:
		msg.err = errRebalanceInProgress
	default:
		msg.err = errNone
	}
	s.toClient(id)
}

func (c *coordinator) onLeaveGroup(id int64, msg *message) {
	for i, p := range c.pending {
		if p.memberID == msg.memberID {
			c.pending = append(c.pending[:i], c.pending[i+1:]...)
			c.maybeCompleteJoin()
			c.s().msgs.put(id)
			return
		}
	}
	if cm := c.find(msg.memberID); cm != nil && cm.m == msg.m {
		c.tracef("LeaveGroup from %s", short(cm.memberID))
		c.removeMember(cm, true, short(cm.memberID)+" left the group (LeaveGroup)")
	}
	c.s().msgs.put(id) // the leaving process does not wait for the answer
}

// removeMember is removeMemberAndUpdateClassicGroup (leave, session expiry,
// sync expiry). With rebalance set, a Stable or CompletingRebalance group
// starts a new round.
// fail answers a pending JoinGroup or SyncGroup (if there is one) with err.
func (c *coordinator) fail(pending **int64, err kerr) {
	if *pending == nil {
		return
	}
	id := **pending
	*pending = nil
	s := c.s()
	s.msgs.slots[id].err = err
	s.toClient(id)
}

func (c *coordinator) removeMember(cm *cmember, rebalance bool, why string) {
	for i, x := range c.members {
		if x == cm {
			c.members = append(c.members[:i], c.members[i+1:]...)
			break
		}
	}
	cm.sessionTimer.Cancel()
	delete(c.pendingSync, cm)
	c.fail(&cm.awaitingJoin, errUnknownMemberID)
	c.fail(&cm.awaitingSync, errUnknownMemberID)
	if cm.m.inc == cm.inc {
		cm.m.removed = true
	}
	c.g.disown(cm.m, cm.inc)
	if c.leader == cm {
		c.leader = nil
		if order := c.hashOrder(); len(order) > 0 {
			c.leader = order[0]
		}
	}
	if !rebalance {
		return
	}
	switch c.state {
	case stStable, stCompletingRebalance:
		c.prepareRebalance(why)
	case stPreparingRebalance:
		c.maybeCompleteJoin()
	}
}

func (c *coordinator) armSession(cm *cmember) {
	s := c.s()
	cm.lastSeen = s.now()
	s.q.Arm(&cm.sessionTimer, engine.Event{At: s.now() + cm.sessionTimeout, Kind: evSessionCheck, Target: int32(cm.m.idx)})
}

// onSessionCheck expires a member whose heartbeats stopped (§1.6). The timer
// is armed lazily: when it fires early because heartbeats arrived, it is
// re-armed for the new deadline. Members waiting in a JoinGroup or SyncGroup
// count as alive (hasSatisfiedHeartbeat), except new members.
func (c *coordinator) onSessionCheck(m *member, ev engine.Event) {
	var cm *cmember
	for _, x := range c.members {
		if x.m == m && x.sessionTimer.Fired(ev) {
			cm = x
			break
		}
	}
	if cm == nil {
		return
	}
	s := c.s()
	if s.now() < c.unavailableUntil {
		return // sessions restart when the group is loaded (onBack)
	}
	deadline := cm.lastSeen + cm.sessionTimeout
	alive := (cm.awaitingJoin != nil && !cm.isNew) || cm.awaitingSync != nil
	if s.now() < deadline || alive {
		if alive && deadline <= s.now() {
			deadline = s.now() + cm.sessionTimeout
		}
		s.q.Arm(&cm.sessionTimer, engine.Event{At: deadline, Kind: evSessionCheck, Target: int32(m.idx)})
		return
	}
	c.tracef("session of %s expired", short(cm.memberID))
	c.removeMember(cm, true, "session of "+short(cm.memberID)+" expired")
}

// onOffsetCommit accepts commits from members of the current generation
// outside the sync phase (ClassicGroup.validateOffsetCommit): commits made
// during PreparingRebalance succeed, which is what lets onJoinPrepare commit
// before rejoining.
func (c *coordinator) onOffsetCommit(id int64, msg *message) {
	s := c.s()
	cm := c.find(msg.memberID)
	switch {
	case cm == nil || cm.m != msg.m:
		msg.err = errUnknownMemberID
	case msg.generation != c.generation:
		msg.err = errIllegalGeneration
	case c.state == stCompletingRebalance:
		msg.err = errRebalanceInProgress
	default:
		msg.err = errNone
		for _, o := range msg.offsets {
			c.g.commit(o.gp, o.off)
		}
	}
	s.toClient(id)
}

func (c *coordinator) onOffsetFetch(id int64, msg *message) {
	for i := range msg.offsets {
		gp := msg.offsets[i].gp
		if gp.hasCommitted {
			msg.offsets[i].off = gp.committed
		} else {
			msg.offsets[i].off = -1
		}
	}
	c.s().toClient(id)
}

// failover makes the coordinator unreachable for down, plus the time the new
// coordinator takes to load the group (KAFKA_MODEL 5): requests fail with
// COORDINATOR_NOT_AVAILABLE and clients retry with backoff, consumption
// goes on, commits fail. Answers that were pending are lost.
func (c *coordinator) failover(down engine.Time) {
	s := c.s()
	c.unavailableUntil = s.now() + down + engine.FromDuration(s.sc.Broker.GroupLoadTime)
	c.reloadRebalance = c.state == stPreparingRebalance || c.state == stCompletingRebalance
	for _, cm := range c.members {
		c.fail(&cm.awaitingJoin, errCoordinatorNotAvailable)
		c.fail(&cm.awaitingSync, errCoordinatorNotAvailable)
	}
	c.pendingSync = map[*cmember]bool{}
	c.joinTimer.Cancel()
	c.syncTimer.Cancel()
	c.tracef("unavailable until %v (failover)", c.unavailableUntil)
	s.control(engine.Event{At: c.unavailableUntil, Kind: evCoordinatorBack, Target: int32(c.g.idx)})
}

// onBack is the new coordinator serving the group: every member's session
// deadline restarts (onLoaded), so members that reconnect in time cause no
// rebalance; a rebalance that was in flight starts over (classic group
// state is persisted only at generation boundaries).
func (c *coordinator) onBack(ev engine.Event) {
	s := c.s()
	if s.now() < c.unavailableUntil {
		return // a later failover extended the outage
	}
	c.tracef("serving again")
	for _, cm := range c.members {
		c.armSession(cm)
	}
	if c.reloadRebalance {
		c.reloadRebalance = false
		c.state = stStable
		c.prepareRebalance("coordinator moved during a rebalance")
	}
}

// idGen makes member ids as Kafka does: a UUID from a seeded stream.
type idGen struct {
	r interface{ Uint64() uint64 }
}

func newIDGen(seed uint64, group string) *idGen {
	return &idGen{r: engine.Stream(seed, "coordinator/"+group, "member-ids")}
}

// uuid is java.util.UUID.randomUUID().toString(): version 4, IETF variant.
func (g *idGen) uuid() string {
	hi, lo := g.r.Uint64(), g.r.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// short abbreviates a member id for traces: client id and the first 8
// characters of the UUID.
func short(id string) string {
	if len(id) > 28 {
		return id[:len(id)-28]
	}
	return id
}

func toAssignorTPs(tps []tpRef) []assignors.TopicPartitions {
	var out []assignors.TopicPartitions
	for _, tp := range tps {
		if n := len(out); n > 0 && out[n-1].Topic == tp.t.name {
			out[n-1].Partitions = append(out[n-1].Partitions, tp.p)
			continue
		}
		out = append(out, assignors.TopicPartitions{Topic: tp.t.name, Partitions: []int32{tp.p}})
	}
	for _, o := range out {
		sort.Slice(o.Partitions, func(i, j int) bool { return o.Partitions[i] < o.Partitions[j] })
	}
	return out
}
