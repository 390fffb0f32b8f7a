package classic

import "github.com/rebalance-sim/rebalance-sim/protocol"

// onLeaveGroup is classicGroupLeave (model.md §2.6): the member is removed
// at once and the group rebalances. A static member's explicit leave
// removes it too (the Java consumer never sends one for a static member).
func (c *Coordinator) onLeaveGroup(now Time, m *Message) {
	if p := c.pending[m.MemberID]; p != nil {
		c.dropPending(p)
		if c.state == PreparingRebalance && c.allJoined() {
			c.completeJoin(now)
		}
		c.out.Respond(m)
		return
	}
	if err := c.validate(m); err != protocol.None {
		m.Err = err
		c.out.Respond(m)
		return
	}
	mem := c.byID[m.MemberID]
	c.tracef("LeaveGroup from %s", Short(mem.id))
	c.removeAndRebalance(now, mem, Short(mem.id)+" left the group (LeaveGroup)")
	m.Err = protocol.None
	c.out.Respond(m)
}
