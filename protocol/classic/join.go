package classic

import (
	"slices"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// onJoinGroup is classicGroupJoinToClassicGroup (model.md §2.2): unknown
// members get an id (dynamic ones through MEMBER_ID_REQUIRED, KIP-394),
// known members rejoin.
func (c *Coordinator) onJoinGroup(now Time, m *Message) {
	if m.MemberID == "" {
		c.joinNewMember(now, m)
		return
	}
	if p := c.pending[m.MemberID]; p != nil {
		c.dropPending(p)
		c.addMember(now, m.MemberID, m)
		return
	}
	if err := c.validate(m); err != protocol.None {
		m.Err = err
		c.tracef("JoinGroup from %s: %v", c.who(m.From), err)
		c.out.Respond(m)
		return
	}
	mem := c.byID[m.MemberID]
	changed := !sameMetadata(mem, m)
	switch c.state {
	case PreparingRebalance:
		c.updateMember(mem, m)
		c.maybeCompleteJoin(now)
	case CompletingRebalance:
		if changed {
			c.updateMember(mem, m)
			c.prepareRebalance(now, Short(mem.id)+" rejoined with new metadata")
			return
		}
		// A resend during the sync phase gets the current generation.
		c.updateMember(mem, m)
		c.respondJoin(mem)
	case Stable:
		c.updateMember(mem, m)
		if changed || mem == c.leader {
			// Any JoinGroup from the leader while Stable starts a
			// rebalance: that is how a leader that saw new partitions
			// forces one (model.md §2.2).
			c.prepareRebalance(now, Short(mem.id)+" rejoined")
			return
		}
		c.respondJoin(mem)
	default:
		m.Err = protocol.UnknownMemberID
		c.out.Respond(m)
	}
}

// validate is ClassicGroup.validateMember: a static member must be the
// one its instance id maps to, and the member must exist.
func (c *Coordinator) validate(m *Message) protocol.Err {
	if m.InstanceID != "" {
		s := c.static[m.InstanceID]
		if s == nil {
			return protocol.UnknownMemberID
		}
		if s.id != m.MemberID {
			return protocol.FencedInstanceID
		}
	}
	mem := c.byID[m.MemberID]
	if mem == nil || mem.proc != m.From {
		return protocol.UnknownMemberID
	}
	return protocol.None
}

func (c *Coordinator) joinNewMember(now Time, m *Message) {
	if m.InstanceID != "" {
		id := c.newID(m.InstanceID)
		if old := c.static[m.InstanceID]; old != nil {
			c.replaceStatic(now, old, id, m)
			return
		}
		c.addMember(now, id, m)
		return
	}
	// KIP-394: the first JoinGroup of a dynamic member only obtains its id;
	// the pending id expires after the session timeout.
	id := c.newID(m.ClientID)
	c.keys++
	p := &pendingMember{key: c.keys, id: id}
	c.pending[id] = p
	c.pendingByKey[p.key] = p
	c.nPending++
	p.session.Arm(&c.out, protocol.TimerID{Kind: timerPending, Key: p.key}, now.Add(m.SessionTimeout))
	m.MemberID = id
	m.Err = protocol.MemberIDRequired
	c.tracef("JoinGroup from %s: MEMBER_ID_REQUIRED, id %s", c.who(m.From), Short(id))
	c.out.Respond(m)
}

func sameMetadata(mem *member, m *Message) bool {
	return slices.Equal(mem.subscription, m.Subscription) && mem.rack == m.Rack && slices.Equal(mem.protocols, m.Protocols) &&
		slices.Equal(mem.owned, m.Owned) && slices.Equal(mem.userData, m.UserData) && mem.userDataGen == m.UserDataGeneration
}

// updateMember records the member's metadata and parks its JoinGroup.
func (c *Coordinator) updateMember(mem *member, m *Message) {
	mem.subscription, mem.rack, mem.protocols = m.Subscription, m.Rack, m.Protocols
	mem.owned, mem.ownedGen = m.Owned, m.Generation
	mem.userData, mem.userDataGen = m.UserData, m.UserDataGeneration
	mem.rebalanceTimeout, mem.sessionTimeout = m.RebalanceTimeout, m.SessionTimeout
	// A newer JoinGroup replaces a pending one, which is then never
	// answered (the client sends a new one only when it gave up the old).
	if mem.awaitingJoin == nil {
		c.nAwaiting++
	}
	mem.awaitingJoin = m
}

// addMember is addMemberThenRebalanceOrCompleteJoin.
func (c *Coordinator) addMember(now Time, id string, m *Message) {
	c.keys++
	mem := &member{key: c.keys, id: id, instanceID: m.InstanceID, proc: m.From, isNew: true}
	c.members = append(c.members, mem)
	c.byID[id] = mem
	c.keyed[mem.key] = mem
	c.byProc[mem.proc] = mem
	if mem.instanceID != "" {
		c.static[mem.instanceID] = mem
	}
	if len(c.members) > c.maxMembers {
		c.maxMembers = len(c.members)
	}
	if c.leader == nil {
		c.leader = mem
	}
	c.updateMember(mem, m)
	if c.state == PreparingRebalance && c.prevState == Empty {
		c.newMemberAdd = true
	}
	// A new member may wait this long for the join phase to complete.
	c.armSession(now, mem, NewMemberJoinTimeout)
	c.tracef("JoinGroup from %s: added as %s", c.who(m.From), Short(id))
	c.maybePrepareRebalanceOrCompleteJoin(now, Short(id)+" joined")
}

// replaceStatic is updateStaticMemberThenRebalanceOrCompleteJoin (KIP-345,
// model.md §2.6): a static member rejoining with a new process takes over
// its old identity; while Stable, with an unchanged protocol, it gets its
// old assignment back without a rebalance.
func (c *Coordinator) replaceStatic(now Time, old *member, id string, m *Message) {
	// The old instance's pending requests are answered FENCED_INSTANCE_ID.
	c.failJoin(old, protocol.FencedInstanceID)
	c.fail(&old.awaitingSync, protocol.FencedInstanceID)
	old.session.Cancel()
	delete(c.byID, old.id)
	delete(c.pendSync, old)
	c.keys++
	mem := &member{key: c.keys, id: id, instanceID: old.instanceID, proc: m.From, assignment: old.assignment, planned: old.planned, idle: old.idle,
		rebalanceTimeout: old.rebalanceTimeout, sessionTimeout: old.sessionTimeout}
	// The record keeps its place: the old member id leaves the HashMap and
	// the new one is inserted (it goes last in insertion order).
	i := slices.Index(c.members, old)
	c.members = append(c.members[:i], c.members[i+1:]...)
	c.members = append(c.members, mem)
	c.byID[id] = mem
	delete(c.keyed, old.key)
	c.keyed[mem.key] = mem
	c.dropProc(old)
	c.byProc[mem.proc] = mem
	c.static[mem.instanceID] = mem
	if c.leader == old {
		c.leader = mem
	}
	if old.proc != m.From {
		// The old process loses its membership; what it held is not its.
		c.out.Add(protocol.Effect{Kind: protocol.Removed, Proc: old.proc})
	}
	selectedBefore := c.protocol
	c.updateMember(mem, m)
	c.armSession(now, mem, mem.sessionTimeout)
	c.tracef("JoinGroup from %s: static member %s replaced, new id %s", c.who(m.From), mem.instanceID, Short(id))
	switch c.state {
	case Stable:
		if c.selectProtocol() == selectedBefore {
			// No rebalance: the member gets the current generation and its
			// old assignment.
			c.respondJoin(mem)
			return
		}
		c.prepareRebalance(now, "static member "+mem.instanceID+" rejoined with another protocol")
	case CompletingRebalance:
		c.prepareRebalance(now, "static member "+mem.instanceID+" rejoined during sync")
	default:
		c.maybeCompleteJoin(now)
	}
}

// respondJoin answers a member's pending JoinGroup with the current
// generation; the leader's answer lists every member's metadata.
func (c *Coordinator) respondJoin(mem *member) {
	m := mem.awaitingJoin
	if m == nil {
		return
	}
	mem.awaitingJoin = nil
	c.nAwaiting--
	m.Err = protocol.None
	m.MemberID = mem.id
	m.Generation = c.generation
	m.Protocol = c.protocol
	m.LeaderID = ""
	if c.leader != nil {
		m.LeaderID = c.leader.id
	}
	m.Members = nil
	if mem == c.leader {
		m.Members = c.memberMetadata()
	}
	mem.isNew = false
	c.out.Respond(m)
}

// memberMetadata is the member list of the leader's JoinGroup response,
// in the coordinator's HashMap order (it becomes the insertion order of
// the leader's subscriptions map). What a member "owns" is what the
// selected assignor reads: the StickyAssignor its own userData, every
// other assignor the subscription's ownedPartitions (model.md §3.3).
func (c *Coordinator) memberMetadata() []assignors.Member {
	top := c.cfg.Topology
	var out []assignors.Member
	for _, mem := range c.hashOrder() {
		am := assignors.Member{ID: mem.id, InstanceID: mem.instanceID, Topics: mem.subscription, Rack: mem.rack}
		if c.protocol == "sticky" {
			am.Owned, am.Generation = protocol.ToAssignor(top, mem.userData), mem.userDataGen
		} else {
			am.Owned, am.Generation = protocol.ToAssignor(top, mem.owned), mem.ownedGen
		}
		out = append(out, am)
	}
	return out
}

// selectProtocol is ClassicGroup.selectProtocol: the protocols every member
// supports; each member votes for the first of them in its own list; most
// votes wins (ties: the first name in the members' HashMap order of votes).
func (c *Coordinator) selectProtocol() string {
	if len(c.members) == 0 {
		return ""
	}
	count := map[string]int{} // NB: lookup only
	for _, mem := range c.members {
		for _, p := range mem.protocols {
			count[p]++
		}
	}
	votes := map[string]int{} // NB: lookup only
	var order []string
	for _, mem := range c.members {
		for _, p := range mem.protocols {
			if count[p] == len(c.members) {
				if votes[p] == 0 {
					order = append(order, p)
				}
				votes[p]++
				break
			}
		}
	}
	// NB: votes live in a HashMap<String, Integer>, and Stream.max keeps
	// the first of equal counts in its iteration order.
	best := ""
	for _, i := range assignors.JavaStringHashOrder(order, assignors.JavaDefaultCapacity(len(order))) {
		if p := order[i]; best == "" || votes[p] > votes[best] {
			best = p
		}
	}
	return best
}

// maybePrepareRebalanceOrCompleteJoin starts a rebalance from Empty, Stable
// or CompletingRebalance, and otherwise (PreparingRebalance) completes the
// join phase if it can.
func (c *Coordinator) maybePrepareRebalanceOrCompleteJoin(now Time, reason string) {
	switch c.state {
	case Empty, Stable, CompletingRebalance:
		c.prepareRebalance(now, reason)
	default:
		c.maybeCompleteJoin(now)
	}
}

// prepareRebalance moves the group to PreparingRebalance (model.md §2.3).
func (c *Coordinator) prepareRebalance(now Time, reason string) {
	if c.state == CompletingRebalance {
		// Members waiting for their SyncGroup answer learn of the new round.
		for _, mem := range c.members {
			mem.assignment = nil
			c.fail(&mem.awaitingSync, protocol.RebalanceInProgress)
		}
	}
	c.pendSync = map[*member]bool{}
	c.sync.Cancel()
	c.out.Observe(protocol.Note{Kind: protocol.RebalanceOpened, Cause: reason})
	initial := c.state == Empty
	c.prevState, c.state = c.state, PreparingRebalance
	c.tracef("PreparingRebalance (%s)", reason)
	if initial {
		// group.initial.rebalance.delay.ms: wait D, extending while new
		// members keep arriving, within the rebalance timeout.
		d := c.cfg.InitialRebalanceDelay
		c.initial = true
		c.remaining = max(c.rebalanceTimeout()-d, 0)
		c.lastDelay = d
		c.newMemberAdd = false
		c.join.Arm(&c.out, protocol.TimerID{Kind: timerJoin}, now.Add(d))
		return
	}
	c.initial = false
	if c.allJoined() {
		c.completeJoin(now)
		return
	}
	c.join.Arm(&c.out, protocol.TimerID{Kind: timerJoin}, now.Add(c.rebalanceTimeout()))
}

// rebalanceTimeout is the largest rebalance timeout among members.
func (c *Coordinator) rebalanceTimeout() Time {
	var t Time
	for _, mem := range c.members {
		t = max(t, mem.rebalanceTimeout)
	}
	return t
}

func (c *Coordinator) allJoined() bool { return c.nPending == 0 && c.nAwaiting == len(c.members) }

// maybeCompleteJoin is maybeCompleteJoinPhase: never during the initial
// delay (the previous state was Empty).
func (c *Coordinator) maybeCompleteJoin(now Time) {
	if c.state == PreparingRebalance && c.prevState != Empty && c.allJoined() {
		c.completeJoin(now)
	}
}

// onJoinTimer is the initial delay's check (tryCompleteInitialRebalance-
// ElseSchedule) or the rebalance timeout.
func (c *Coordinator) onJoinTimer(now Time) {
	if c.state != PreparingRebalance {
		return
	}
	if c.initial && c.newMemberAdd && c.remaining != 0 {
		delay := min(c.cfg.InitialRebalanceDelay, c.remaining)
		c.remaining = max(c.remaining-c.lastDelay, 0)
		c.lastDelay = delay
		c.newMemberAdd = false
		c.join.Arm(&c.out, protocol.TimerID{Kind: timerJoin}, now.Add(delay))
		return
	}
	c.completeJoin(now)
}

// completeJoin is completeClassicGroupJoin: drop dynamic members that did
// not rejoin, make sure a joined member leads, start the next generation.
func (c *Coordinator) completeJoin(now Time) {
	c.join.Cancel()
	c.initial = false
	for _, mem := range slices.Clone(c.members) {
		if mem.awaitingJoin == nil && mem.instanceID == "" {
			c.tracef("%s did not rejoin in time: removed", Short(mem.id))
			c.remove(mem)
		}
	}
	if len(c.members) > 0 && (c.leader == nil || c.leader.awaitingJoin == nil) {
		var next *member
		for _, mem := range c.hashOrder() {
			if mem.awaitingJoin != nil {
				next = mem
				break
			}
		}
		if next == nil {
			// Nobody rejoined (only absent static members): wait again.
			c.tracef("no member rejoined; waiting another rebalance timeout")
			c.join.Arm(&c.out, protocol.TimerID{Kind: timerJoin}, now.Add(c.rebalanceTimeout()))
			return
		}
		c.leader = next
	}
	c.generation++
	if len(c.members) == 0 {
		c.protocol = ""
		c.prevState, c.state = c.state, Empty
		c.tracef("generation %d: Empty", c.generation)
		c.out.Observe(protocol.Note{Kind: protocol.RebalanceClosed, Gen: c.generation})
		return
	}
	c.protocol = c.selectProtocol()
	c.prevState, c.state = c.state, CompletingRebalance
	c.out.Observe(protocol.Note{Kind: protocol.JoinCompleted, Gen: c.generation, Members: len(c.members)})
	c.tracef("generation %d: CompletingRebalance, leader %s, %d members", c.generation, Short(c.leader.id), len(c.members))
	for _, mem := range c.hashOrder() {
		if mem.awaitingJoin != nil {
			c.respondJoin(mem)
			c.armSession(now, mem, mem.sessionTimeout)
			c.pendSync[mem] = true
		}
	}
	c.sync.Arm(&c.out, protocol.TimerID{Kind: timerSync}, now.Add(c.rebalanceTimeout()))
}

// failJoin answers a member's parked JoinGroup (if any) with err.
func (c *Coordinator) failJoin(mem *member, err protocol.Err) {
	if mem.awaitingJoin != nil {
		c.nAwaiting--
		c.fail(&mem.awaitingJoin, err)
	}
}

// fail answers a pending JoinGroup or SyncGroup (if there is one) with err.
func (c *Coordinator) fail(pending **Message, err protocol.Err) {
	m := *pending
	if m == nil {
		return
	}
	*pending = nil
	m.Err = err
	c.out.Respond(m)
}

// remove takes a member out of the group (ClassicGroup.remove): its
// pending answers fail, its session stops, the world learns it no longer
// holds anything, and a removed leader is replaced by the first member in
// HashMap order.
func (c *Coordinator) remove(mem *member) {
	i := slices.Index(c.members, mem)
	c.members = append(c.members[:i], c.members[i+1:]...)
	delete(c.byID, mem.id)
	delete(c.keyed, mem.key)
	c.dropProc(mem)
	if mem.instanceID != "" && c.static[mem.instanceID] == mem {
		delete(c.static, mem.instanceID)
	}
	mem.session.Cancel()
	delete(c.pendSync, mem)
	c.failJoin(mem, protocol.UnknownMemberID)
	c.fail(&mem.awaitingSync, protocol.UnknownMemberID)
	c.out.Add(protocol.Effect{Kind: protocol.Removed, Proc: mem.proc})
	if c.leader == mem {
		c.leader = nil
		if order := c.hashOrder(); len(order) > 0 {
			c.leader = order[0]
		}
	}
}

// removeAndRebalance is removeMemberAndUpdateClassicGroup (leave, session
// expiry): Stable or CompletingRebalance groups start a new round; a join
// phase may now be complete.
func (c *Coordinator) removeAndRebalance(now Time, mem *member, why string) {
	c.remove(mem)
	switch c.state {
	case Stable, CompletingRebalance:
		c.prepareRebalance(now, why)
	case PreparingRebalance:
		if c.allJoined() {
			c.completeJoin(now)
		}
	}
}
