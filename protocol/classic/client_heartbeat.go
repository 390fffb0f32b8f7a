package classic

import (
	"slices"

	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// The heartbeat thread (AbstractCoordinator.HeartbeatThread, model.md
// §3.5): a heartbeat every heartbeat.interval.ms while the member is in a
// generation (never while its JoinGroup is pending).

func (c *Client) armHeartbeat(now Time) {
	c.hb.Arm(&c.out, protocol.TimerID{Kind: timerHeartbeat}, now.Add(c.cfg.HeartbeatInterval))
}

func (c *Client) onHeartbeatTimer(now Time) {
	if (c.st == cSyncing || c.st == cStable) && !c.hbInFlight {
		c.hbInFlight = true
		m := c.newMessage()
		m.Kind, m.MemberID, m.InstanceID, m.Generation = protocol.Heartbeat, c.memberID, c.cfg.InstanceID, c.generation
		c.send(m)
	}
	c.armHeartbeat(now)
}

func (c *Client) onHeartbeatResponse(now Time, m *Message) {
	c.hbInFlight = false
	if m.Err == protocol.CoordinatorNotAvailable {
		// Coordinator unknown: rediscover it and heartbeat again after a
		// backoff; processing goes on meanwhile (model.md §5.3).
		c.hb.Arm(&c.out, protocol.TimerID{Kind: timerHeartbeat}, now+c.backoff())
		return
	}
	if m.Err == protocol.None {
		c.retries = 0
	}
	if m.Generation != c.generation || (c.st != cStable && c.st != cSyncing) {
		return // about a generation the member has left behind
	}
	switch m.Err {
	case protocol.RebalanceInProgress:
		if !c.rejoinNeeded {
			c.tracef("heartbeat: REBALANCE_IN_PROGRESS")
		}
		c.rejoinNeeded = true
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
	case protocol.IllegalGeneration, protocol.UnknownMemberID:
		c.tracef("heartbeat: %v", m.Err)
		c.resetAndRejoin(m.Err == protocol.UnknownMemberID)
	case protocol.FencedInstanceID:
		c.tracef("heartbeat: %v: another process took its group.instance.id; it stops", m.Err)
		c.stop()
	}
}

// PollTimeout is handlePollTimeoutExpiry (model.md §3.7): the heartbeat
// thread sees max.poll.interval.ms pass without a poll(). A dynamic member
// sends LeaveGroup; either kind forgets its generation and member id, so
// its next poll() loses its partitions and rejoins.
func (c *Client) PollTimeout(now Time) {
	if c.st == cClosed {
		return
	}
	c.tracef("max.poll.interval.ms expired")
	c.maybeLeave()
	c.resetAndRejoin(true)
	if len(c.owned) > 0 {
		// Its claim on them ends here: the next generation may give them to
		// others, and the next poll() only runs onPartitionsLost (the batch
		// in hand finishes, a zombie's work). The world stops counting it
		// as their holder now.
		c.out.Add(protocol.Effect{Kind: protocol.Lose, Parts: slices.Clone(c.owned)})
	}
}

// maybeLeave sends LeaveGroup if the member is a dynamic member of a
// generation (shouldSendLeaveGroupRequest): static members never do
// (KIP-345).
func (c *Client) maybeLeave() {
	if c.cfg.InstanceID == "" && c.memberID != "" && c.st != cUnjoined && c.st != cFinding {
		c.send(&Message{Kind: protocol.LeaveGroup, MemberID: c.memberID})
	}
}

// MetadataRefresh is the periodic metadata refresh: only the leader
// compares the partition counts of the whole subscription with those its
// plan used, and rejoins to force a rebalance when they differ (model.md
// §3.6).
func (c *Client) MetadataRefresh(now Time) {
	if !c.isLeader || c.assignedWith == nil || c.st == cClosed {
		return
	}
	top := c.cfg.Topology
	for i := range top.Names {
		if n := top.Partitions(i, now); n != c.assignedWith[i] {
			c.tracef("metadata refresh: %s has %d partitions, the assignment used %d: rejoins", top.Names[i], n, c.assignedWith[i])
			c.rejoinNeeded = true
			c.out.Add(protocol.Effect{Kind: protocol.Wake})
			return
		}
	}
}
