package classic

import (
	"slices"

	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// commit sends the consumed positions of the owned partitions (the world
// fills them in: Fill). Auto commits do not block; the others are waited
// for (model.md §3.8).
func (c *Client) commit(why purpose) {
	m := c.newMessage()
	m.Kind, m.MemberID, m.InstanceID, m.Generation, m.Fill = protocol.OffsetCommit, c.memberID, c.cfg.InstanceID, c.generation, true
	if why == commitBatch || why == commitClose {
		c.blocking = true
	}
	c.send(m)
	c.commits = append(c.commits, pendingCommit{corr: m.Corr, why: why})
}

// resend sends a failed commit again with the offsets it carried.
func (c *Client) resend(old *Message, why purpose) {
	m := &Message{Kind: protocol.OffsetCommit, MemberID: c.memberID, InstanceID: c.cfg.InstanceID, Generation: c.generation,
		Offsets: slices.Clone(old.Offsets)}
	c.send(m)
	c.commits = append(c.commits, pendingCommit{corr: m.Corr, why: why})
}

func (c *Client) pendingCommit(why purpose) bool {
	for _, p := range c.commits {
		if p.why == why {
			return true
		}
	}
	return false
}

// CommitSync is the application's commitSync after a batch: only a member
// in a stable generation commits (others would fail with
// RebalanceInProgressException, and poll() rejoins anyway).
func (c *Client) CommitSync(now Time) {
	if c.st != cStable || c.generation < 0 || c.closing {
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
		return
	}
	c.commit(commitBatch)
}

func (c *Client) onCommitResponse(now Time, m *Message) {
	why := commitAuto
	for i, p := range c.commits {
		if p.corr == m.Corr {
			why = p.why
			c.commits = append(c.commits[:i], c.commits[i+1:]...)
			break
		}
	}
	if m.Err != protocol.None {
		c.tracef("commit failed: %v", m.Err)
	}
	if m.Err == protocol.CoordinatorNotAvailable {
		// The coordinator is moving: a commit someone waits for is retried
		// after a backoff; an auto commit is dropped (the next carries newer
		// offsets).
		switch {
		case why == commitAuto:
		case why == commitPrepare && !(c.needsJoinPrepare && !c.prepareCommitted):
			// The join it was for went ahead without it.
		case why == commitPrepare:
			// onJoinPrepare makes a new async commit after the backoff, at
			// a poll(): of what was consumed then, never the old offsets
			// (an auto commit may have carried newer ones meanwhile).
			c.prepareRetryAt = now.Add(c.backoff())
			c.retryAfterBackoffAt(c.prepareRetryAt, retryJoin)
		default:
			// The same offsets again: they are what was consumed when the
			// commit was made, whatever the member fetched since.
			c.retryFor, c.retryMsg = why, m
			c.retryAfterBackoff(now, retryCommit)
		}
		return
	}
	c.retries = 0
	switch why {
	case commitBatch:
		c.blocking = false
		switch m.Err {
		case protocol.IllegalGeneration, protocol.UnknownMemberID:
			// CommitFailedException: the generation is gone.
			c.resetAndRejoin(m.Err == protocol.UnknownMemberID)
		case protocol.RebalanceInProgress:
			c.rejoinNeeded = true
		}
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
	case commitPrepare:
		// onJoinPrepare goes on (a failed commit is given up, as Kafka does
		// with non-retriable errors) at the next poll() -- at once when the
		// application thread waits inside poll().
		c.prepareCommitted = true
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
	case commitClose:
		c.blocking = false
		c.onLeavePrepare(now)
	}
}

// Close is KafkaConsumer.close() (model.md §3.9): commit synchronously
// (auto commit, in a stable generation), then onLeavePrepare (revoke, or
// lose during a rebalance), then LeaveGroup for a dynamic member.
func (c *Client) Close(now Time) {
	if c.st == cClosed || c.closing {
		return
	}
	c.closing = true
	if c.cfg.AutoCommit && c.st == cStable && c.generation >= 0 && len(c.owned) > 0 {
		c.commit(commitClose)
		return
	}
	c.onLeavePrepare(now)
}

func (c *Client) onLeavePrepare(now Time) {
	if len(c.owned) > 0 {
		switch {
		case c.generation < 0 || c.memberID == "" || c.st == cJoining || c.st == cSyncing:
			c.tracef("lost its partitions")
			c.out.Add(protocol.Effect{Kind: protocol.Lose, Parts: c.owned})
		case c.cfg.InstanceID != "":
			// A static member's partitions stay its own in the group until it
			// is back or its session expires (KIP-345): it stops fetching
			// them, runs the callback, and leaves without LeaveGroup.
			c.tracef("stops fetching %s (static: they stay assigned)", c.cfg.Topology.Join(c.owned))
			c.out.Add(protocol.Effect{Kind: protocol.PauseFetch, Parts: c.owned})
		default:
			c.tracef("revokes %s", c.cfg.Topology.Join(c.owned))
			c.out.Add(protocol.Effect{Kind: protocol.Revoke, Parts: c.owned, Gen: c.generation, Eager: true})
		}
		c.owned = nil
		if c.cfg.RevokeCallback {
			c.startCallback(thenLeave)
			return
		}
	}
	c.leave(now)
}

func (c *Client) leave(now Time) {
	c.tracef("leaves")
	c.maybeLeave()
	c.stop()
}
