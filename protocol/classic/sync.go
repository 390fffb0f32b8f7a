package classic

import "github.com/rebalance-sim/rebalance-sim/protocol"

// onSyncGroup is classicGroupSyncToClassicGroup (model.md §2.4): followers
// wait for the leader's plan; the leader's SyncGroup completes the
// rebalance.
func (c *Coordinator) onSyncGroup(now Time, m *Message) {
	if err := c.validate(m); err != protocol.None {
		m.Err = err
		c.out.Respond(m)
		return
	}
	mem := c.byID[m.MemberID]
	switch {
	case m.Generation != c.generation:
		m.Err = protocol.IllegalGeneration
	case c.state == PreparingRebalance:
		m.Err = protocol.RebalanceInProgress
	case c.state == CompletingRebalance:
		mem.awaitingSync = m
		delete(c.pendSync, mem)
		if mem == c.leader {
			c.applyPlan(now, m.Plan)
		}
		return
	case c.state == Stable:
		delete(c.pendSync, mem)
		m.Err = protocol.None
		m.Assignment = mem.assignment
	default:
		m.Err = protocol.UnknownMemberID
	}
	c.out.Respond(m)
}

// applyPlan stores the leader's assignment (members it left out get
// nothing), makes the group Stable and answers every parked SyncGroup.
func (c *Coordinator) applyPlan(now Time, plan []protocol.MemberAssignment) {
	for _, mem := range c.members {
		mem.assignment, mem.planned = nil, true
	}
	for _, a := range plan {
		if mem := c.byID[a.MemberID]; mem != nil {
			mem.assignment = a.Parts
		}
	}
	for _, mem := range c.members {
		mem.idle = len(mem.assignment) == 0
	}
	c.prevState, c.state = c.state, Stable
	moved := c.countMoves()
	c.tracef("generation %d: Stable", c.generation)
	procs := make([]protocol.Proc, 0, len(c.members))
	for _, mem := range c.members {
		procs = append(procs, mem.proc)
	}
	c.out.Observe(protocol.Note{Kind: protocol.RebalanceClosed, Gen: c.generation, Members: len(c.members), Moved: moved, Procs: procs})
	for _, mem := range c.hashOrder() {
		if m := mem.awaitingSync; m != nil {
			mem.awaitingSync = nil
			m.Err = protocol.None
			m.Assignment = mem.assignment
			c.out.Respond(m)
			c.armSession(now, mem, mem.sessionTimeout)
		}
	}
	if len(c.pendSync) == 0 {
		c.sync.Cancel()
	}
}

// countMoves counts partitions the plan gives to a member other than the
// one last given them, while that one is still in the group
// (partitions_moved, a measure of stickiness). A partition withheld in a
// cooperative first round keeps its last owner until it is assigned.
func (c *Coordinator) countMoves() int64 {
	present := make(map[string]bool, len(c.members)) // NB: lookup only
	for _, mem := range c.members {
		present[mem.identity()] = true
	}
	top := c.cfg.Topology
	var moved int64
	for _, mem := range c.members {
		id := mem.identity()
		for _, tp := range mem.assignment {
			i := top.Index(tp)
			if last := c.lastOwner[i]; last != "" && last != id && present[last] {
				moved++
			}
			c.lastOwner[i] = id
		}
	}
	return moved
}

// expirePendingSync removes members that never sent SyncGroup within the
// rebalance timeout and starts a new round.
func (c *Coordinator) expirePendingSync(now Time) {
	if c.state != CompletingRebalance && c.state != Stable {
		return
	}
	var late []*member
	for _, mem := range c.members {
		if c.pendSync[mem] {
			late = append(late, mem)
		}
	}
	if len(late) == 0 {
		return
	}
	for _, mem := range late {
		c.tracef("%s never sent SyncGroup: removed", Short(mem.id))
		c.remove(mem)
	}
	c.prepareRebalance(now, "members never sent SyncGroup")
}
