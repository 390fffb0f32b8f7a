package models

import (
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// The consumer side of the KIP-848 protocol (AsyncKafkaConsumer's
// membership manager, KAFKA_MODEL §4). A background thread heartbeats at the
// interval the coordinator sends (5 s by default), and at once when joining,
// acknowledging a reconciliation or leaving. A new assignment is reconciled
// in order: auto commit, onPartitionsRevoked, onPartitionsAssigned, then an
// immediate acknowledging heartbeat. Without callback work (revoke_time = 0)
// all of it happens in the background while the application thread keeps
// processing; with callback work the callbacks wait for the application's
// next poll().

func (g *group) consumerProtocol() bool { return g.cfg.Protocol == scenario.ProtocolConsumer }

// kstart is the member's first heartbeat, after FindCoordinator.
func (m *member) kstart() {
	if m.memberID == "" {
		m.memberID = m.g.kc.newMemberID()
	}
	m.kEpoch = 0
	m.cstate = csJoining
	m.app = appIdle
	m.kHeartbeatNow()
}

// kHeartbeatNow sends a ConsumerGroupHeartbeat at once (or as soon as the
// one in flight is answered).
func (m *member) kHeartbeatNow() {
	if m.hbInFlight {
		m.kAgain = true
		return
	}
	s := m.s
	id, msg := s.msgs.get()
	msg.kind, msg.m, msg.inc = mConsumerHeartbeat, m, m.inc
	msg.memberID, msg.instanceID, msg.generation = m.memberID, m.instanceID, m.kEpoch
	msg.subscription = m.cfg().Topics
	msg.rebalanceTimeout = engine.FromDuration(m.cfg().MaxPollInterval)
	msg.owned = sortTPs(m.ownedRefs())
	m.hbInFlight = true
	m.hbTimer.Cancel()
	s.toBroker(id)
}

// kHeartbeatTick is the heartbeat thread's regular beat.
func (m *member) kHeartbeatTick() {
	if m.cstate == csStable || m.cstate == csJoining {
		m.kHeartbeatNow()
	}
}

func (m *member) kArmHeartbeat(d engine.Time) {
	s := m.s
	s.q.Arm(&m.hbTimer, engine.Event{At: s.now() + d, Kind: evHeartbeatTick, Target: int32(m.idx), Arg: m.inc})
}

func (m *member) onKHeartbeatResponse(msg *message) {
	m.hbInFlight = false
	again := m.kAgain
	m.kAgain = false
	switch msg.err {
	case errNone:
	case errCoordinatorNotAvailable:
		m.kArmHeartbeat(m.backoff())
		return
	case errUnreleasedInstanceID:
		// Another live process still holds this group.instance.id (a
		// crashed static member whose session has not expired): retry.
		m.tracef("UNRELEASED_INSTANCE_ID: the previous process still holds %s", m.instanceID)
		m.kArmHeartbeat(m.backoff())
		return
	default: // UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH
		m.tracef("heartbeat: %v: loses its partitions and rejoins", msg.err)
		m.kLose()
		m.kEpoch = 0
		m.cstate = csJoining
		m.kHeartbeatNow()
		return
	}
	m.retries = 0
	if m.kEpoch == leaveEpoch || m.kEpoch == staticLeaveEpoch {
		return // the answer to a leave
	}
	if m.cstate == csJoining {
		m.cstate = csStable
	}
	m.memberID = msg.memberID
	m.kEpoch = msg.generation
	m.kInterval = msg.interval
	if !m.kReconciling && !sameTPs(msg.assignment, m.ownedRefs()) {
		m.kReconcile(msg.assignment)
	}
	if again || m.kAck {
		m.kAck = false
		m.kHeartbeatNow()
		return
	}
	m.kArmHeartbeat(m.kInterval)
}

// kReconcile starts moving the member to the assignment the coordinator
// sent: commit (auto commit), revoke, assign, acknowledge.
func (m *member) kReconcile(target []tpRef) {
	m.kSeq++
	m.kReconciling = true
	m.kTarget = target
	revoked := m.notIn(target)
	m.kRevoked = revoked
	m.tracef("reconciling to epoch %d: revoke [%s], target [%s]", m.kEpoch, joinTPs(revoked), joinTPs(target))
	// The partitions stop being fetched before the commit goes out
	// (markPendingRevocationToPauseFetching): what the commit covers is all
	// this member will ever process of them, so the next owner processes
	// nothing twice.
	for _, tp := range revoked {
		if gp := m.g.part(tp.t, tp.p); gp.heldBy(m) {
			gp.revoking = true
			m.g.refresh(gp)
		}
	}
	if len(revoked) > 0 && m.autoCommit() {
		// autoCommitSyncBeforeRevocation: commit what was consumed, from
		// the background thread, before giving the partitions up.
		m.commit(commitRevoke)
		return
	}
	m.kRevokeStep()
}

// kRevokeStep runs onPartitionsRevoked: at once when it has no work,
// otherwise on the application thread at its next poll().
func (m *member) kRevokeStep() {
	if len(m.kRevoked) > 0 && m.cfg().RevokeTime > 0 {
		m.kCallbackDue = true
		m.pollSoon()
		return
	}
	m.revoke(m.kRevoked)
	m.kAssignStep()
}

// kAssignStep installs the new partitions (their offsets are fetched) and
// acknowledges with an immediate heartbeat.
func (m *member) kAssignStep() {
	have := map[tpRef]bool{}
	for _, op := range m.owned {
		have[op.gp.tp] = true
	}
	var added []*gpart
	for _, tp := range m.kTarget {
		if !have[tp] {
			gp := m.g.part(tp.t, tp.p)
			m.g.setOwner(gp, m)
			m.owned = append(m.owned, &ownedPart{gp: gp})
			added = append(added, gp)
		}
	}
	m.lastAssignment, m.lastAssignmentGen, m.assigned = m.kTarget, m.kEpoch, true
	m.kReconciling = false
	m.kRevoked = nil
	m.g.refreshAll()
	if len(added) > 0 {
		m.fetchOffsets(added)
	}
	m.kAck = true
	m.kHeartbeatNow()
	m.pollSoon()
}

// kLose drops every partition without callbacks (onPartitionsLost).
func (m *member) kLose() {
	m.dropOwned()
	m.kReconciling, m.kRevoked, m.kCallbackDue = false, nil, false
	m.lastAssignment, m.assigned = nil, false
}

// kpoll is poll()'s coordinator part for the consumer protocol: run a due
// revocation callback, or rejoin after a poll-timeout leave. It reports
// whether the application thread is now busy with it.
func (m *member) kpoll() bool {
	if m.kCallbackDue {
		m.kCallbackDue = false
		s := m.s
		m.revoke(m.kRevoked)
		m.app = appRevoking
		m.revokeNext = thenAssign
		m.kCallbackSeq = m.kSeq
		s.q.Arm(&m.wakeTimer, engine.Event{At: s.now() + engine.FromDuration(m.cfg().RevokeTime), Kind: evWake, Target: int32(m.idx), Arg: m.inc})
		m.armPollTimeout(s.now() + engine.FromDuration(m.cfg().RevokeTime))
		return true
	}
	if m.cstate == csUnjoined {
		// Left after a poll timeout: rejoin now that poll() is called again.
		m.kEpoch = 0
		m.cstate = csJoining
		m.kHeartbeatNow()
	}
	return false
}

// kLeave sends the leave heartbeat: epoch -1 for a dynamic member, -2 (a
// temporary leave that keeps the assignment) for a static one.
func (m *member) kLeave() {
	if m.memberID == "" || m.cstate == csFinding {
		return
	}
	m.hbInFlight = false
	if m.instanceID != "" {
		m.kEpoch = staticLeaveEpoch
	} else {
		m.kEpoch = leaveEpoch
	}
	m.kHeartbeatNow()
}

func sameTPs(a, b []tpRef) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[tpRef]bool{}
	for _, tp := range a {
		in[tp] = true
	}
	for _, tp := range b {
		if !in[tp] {
			return false
		}
	}
	return true
}
