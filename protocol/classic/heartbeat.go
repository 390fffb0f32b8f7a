package classic

import "github.com/rebalance-sim/rebalance-sim/protocol"

// onHeartbeat is classicGroupHeartbeatToClassicGroup (model.md §2.5).
func (c *Coordinator) onHeartbeat(now Time, m *Message) {
	if err := c.validate(m); err != protocol.None {
		m.Err = err
		c.out.Respond(m)
		return
	}
	mem := c.byID[m.MemberID]
	switch {
	case m.Generation != c.generation:
		m.Err = protocol.IllegalGeneration
	case c.state == Empty:
		m.Err = protocol.UnknownMemberID
	case c.state == PreparingRebalance:
		c.armSession(now, mem, mem.sessionTimeout)
		m.Err = protocol.RebalanceInProgress
	default:
		c.armSession(now, mem, mem.sessionTimeout)
		m.Err = protocol.None
	}
	c.out.Respond(m)
}

// armSession restarts a member's session: it fails if nothing restarts it
// again within d. The timer is lazy: it fires at the deadline it was armed
// for and, if the deadline moved since, re-arms for the new one, so a
// heartbeat costs no event.
func (c *Coordinator) armSession(now Time, mem *member, d Time) {
	mem.deadline = now.Add(d)
	if !mem.session.Armed() || mem.session.When() > mem.deadline {
		mem.session.Arm(&c.out, protocol.TimerID{Kind: timerSession, Key: mem.key}, mem.deadline)
	}
}

// onSessionTimer is expireClassicGroupMemberHeartbeat: a member whose
// session ran out is removed unless it waits in a JoinGroup (and is not
// new) or a SyncGroup (hasSatisfiedHeartbeat); the next join completion or
// sync answer restarts its session.
func (c *Coordinator) onSessionTimer(now Time, key int32, token uint32) {
	mem := c.byKey(key)
	if mem == nil || !mem.session.Fired(token) {
		return
	}
	if now < mem.deadline {
		mem.session.Arm(&c.out, protocol.TimerID{Kind: timerSession, Key: mem.key}, mem.deadline)
		return
	}
	if (mem.awaitingJoin != nil && !mem.isNew) || mem.awaitingSync != nil {
		return
	}
	c.tracef("session of %s expired", Short(mem.id))
	c.removeAndRebalance(now, mem, "session of "+Short(mem.id)+" expired")
}

func (c *Coordinator) byKey(key int32) *member { return c.keyed[key] }
