package consumer

import "github.com/rebalance-sim/rebalance-sim/protocol"

// commit sends the consumed positions (the world fills them in) with the
// member epoch. The KIP-848 client commits from its background thread, so
// a commit before revocation covers what poll() returned, which may still
// be in processing (model.md §4.5).
func (c *Client) commit(why purpose, seq int64) {
	m := c.newMessage()
	m.Kind, m.MemberID, m.InstanceID, m.Generation, m.Fill = protocol.OffsetCommit, c.memberID, c.cfg.InstanceID, c.epoch, true
	if why == commitBatch || why == commitClose {
		c.blocking = true
	}
	c.send(m)
	c.commits = append(c.commits, pendingCommit{corr: m.Corr, why: why, seq: seq})
}

func (c *Client) pending(why purpose) bool {
	for _, p := range c.commits {
		if p.why == why {
			return true
		}
	}
	return false
}

// CommitSync is the application's commitSync after a batch.
func (c *Client) CommitSync(now Time) {
	if c.epoch <= 0 || c.closing || c.st == kStale {
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
		return
	}
	c.commit(commitBatch, 0)
}

func (c *Client) onCommitResponse(now Time, m *Message) {
	p := pendingCommit{why: commitAuto}
	for i, x := range c.commits {
		if x.corr == m.Corr {
			p = x
			c.commits = append(c.commits[:i], c.commits[i+1:]...)
			break
		}
	}
	if m.Err != protocol.None {
		c.tracef("commit failed: %v", m.Err)
	}
	if m.Err == protocol.CoordinatorNotAvailable && (p.why == commitBatch || p.why == commitClose) {
		c.retryWhat, c.retryMsg = p.why, m
		c.retry.Arm(&c.out, protocol.TimerID{Kind: timerRetry}, now+c.backoff())
		return
	}
	switch p.why {
	case commitBatch:
		c.blocking = false
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
	case commitRevoke:
		// The reconciliation goes on whatever the commit's fate ("Will
		// proceed with the reconciliation anyway"), unless it was abandoned.
		if c.inProgress && p.seq == c.seq {
			c.revokeAndAssign(now)
		}
	case commitClose:
		c.blocking = false
		c.leaveGroup(now)
	}
}

// Close is AsyncKafkaConsumer.close(): commit synchronously (auto
// commit), run onPartitionsRevoked for what it owns, then the leave
// heartbeat: epoch -1, or -2 for a static member, which keeps its
// assignment until its session expires.
func (c *Client) Close(now Time) {
	if c.stopped || c.closing {
		return
	}
	c.closing = true
	c.seq++
	c.inProgress, c.callbackDue, c.applyDue = false, false, false
	if c.cfg.AutoCommit && c.epoch > 0 && len(c.owned) > 0 {
		c.commit(commitClose, 0)
		return
	}
	c.leaveGroup(now)
}

func (c *Client) leaveGroup(now Time) {
	if len(c.owned) > 0 {
		switch {
		case c.epoch <= 0:
			c.out.Add(protocol.Effect{Kind: protocol.Lose, Parts: c.owned})
		case c.cfg.InstanceID != "":
			// Epoch -2 keeps the assignment until the session expires: the
			// member stops fetching, runs the callback and leaves.
			c.tracef("stops fetching %s (static: they stay assigned)", c.cfg.Topology.Join(c.owned))
			c.out.Add(protocol.Effect{Kind: protocol.PauseFetch, Parts: c.owned})
		default:
			c.tracef("revokes %s", c.cfg.Topology.Join(c.owned))
			c.out.Add(protocol.Effect{Kind: protocol.Revoke, Parts: c.owned, Gen: c.epoch, Eager: true})
		}
		if c.cfg.RevokeCallback {
			// The assignment is cleared when the callback returns
			// (leaveGroup's clearAssignment): heartbeats sent meanwhile
			// still own it, so no other member is given it yet.
			c.startCallback(func(now Time) { c.owned = nil; c.sendLeave(); c.stop() })
			return
		}
		c.owned = nil
	}
	c.sendLeave()
	c.stop()
}

// sendLeave sends the leave heartbeat (-1, or -2 for a static member).
func (c *Client) sendLeave() {
	if c.st == kFinding || c.st == kClosed || c.st == kStale {
		return
	}
	c.tracef("leaves")
	epoch := LeaveEpoch
	if c.cfg.InstanceID != "" {
		epoch = StaticLeaveEpoch
	}
	c.epoch = epoch
	m := &Message{Kind: protocol.ConsumerGroupHeartbeat, MemberID: c.memberID, InstanceID: c.cfg.InstanceID, Generation: epoch}
	c.send(m)
	c.leaveCorr = m.Corr
}

func (c *Client) stop() {
	c.stopped = true
	c.st = kClosed
	c.hb.Cancel()
	c.retry.Cancel()
	c.out.Add(protocol.Effect{Kind: protocol.Stop})
}

// PollTimeout: max.poll.interval.ms passed without a poll(): the member
// sends its leave heartbeat, loses its partitions and stays out (STALE)
// until the application polls again (model.md §4.8).
func (c *Client) PollTimeout(now Time) {
	if c.stopped || c.st == kStale || c.st == kFinding || c.st == kClosed {
		return
	}
	c.tracef("max.poll.interval.ms expired")
	c.seq++
	c.inProgress, c.callbackDue, c.applyDue = false, false, false
	c.hasTarget = false
	c.sendLeave()
	c.st = kStale
	if len(c.owned) > 0 {
		c.out.Add(protocol.Effect{Kind: protocol.Lose, Parts: c.owned})
		c.owned = nil
	}
}

// MetadataRefresh: the coordinator, not the client, finds new partitions
// in this protocol.
func (c *Client) MetadataRefresh(now Time) {}
