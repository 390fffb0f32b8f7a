package consumer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// onHeartbeat is consumerGroupHeartbeat (model.md §4.2): join, leave, or
// an ordinary beat; then the target is recomputed if the group epoch moved
// and the assignment interval allows, and the member is reconciled.
func (c *Coordinator) onHeartbeat(now Time, m *Message) {
	var mem *member
	joining := m.Generation == 0
	switch m.Generation {
	case LeaveEpoch:
		if old := c.byID[m.MemberID]; old != nil && old.proc == m.From {
			c.tracef("%s leaves (epoch -1)", Short(old.id))
			c.fence(now, old, Short(old.id)+" left the group")
		}
		m.Err = protocol.None
		c.out.Respond(m)
		return
	case StaticLeaveEpoch:
		if old := c.byID[m.MemberID]; old != nil && old.proc == m.From {
			// A static member's temporary leave: no epoch bump; what it
			// holds stays its until its session expires.
			old.staticLeft = true
			old.epoch = StaticLeaveEpoch
			c.release(old, old.pendingRevoke)
			old.pendingRevoke = nil
			c.cancelRevoke(old)
			c.tracef("%s leaves temporarily (epoch -2)", Short(old.id))
			c.checkReconciled(now)
		}
		m.Err = protocol.None
		c.out.Respond(m)
		return
	case 0:
		var err protocol.Err
		mem, err = c.join(now, m)
		if err != protocol.None {
			m.Err = err
			c.out.Respond(m)
			return
		}
	default:
		mem = c.byID[m.MemberID]
		if mem == nil || mem.proc != m.From {
			m.Err = protocol.UnknownMemberID
			c.out.Respond(m)
			return
		}
		// throwIfConsumerGroupMemberEpochIsInvalid.
		if m.Generation > mem.epoch || (m.Generation < mem.epoch && !(m.Generation == mem.prevEpoch && (!m.HasOwned || subset(m.Owned, mem.assigned)))) {
			m.Err = protocol.FencedMemberEpoch
			c.out.Respond(m)
			return
		}
	}
	before := mem.assigned
	mem.rebalanceTimeout = m.RebalanceTimeout
	c.armSession(now, mem)
	c.checkMetadata(now)
	if c.groupEpoch > c.targetEpoch && c.canCompute(now) {
		c.computeTarget(now)
	}
	c.reconcile(now, mem, m.Owned, m.HasOwned)
	m.Err = protocol.None
	m.MemberID = mem.id
	m.Generation = mem.epoch
	m.Interval = c.cfg.HeartbeatInterval
	// The response carries the assignment on a join and whenever it
	// changed; otherwise the member's stays as it is.
	m.HasAssignment = joining || !slices.Equal(before, mem.assigned)
	m.Assignment = slices.Clone(mem.assigned)
	c.out.Respond(m)
	c.checkReconciled(now)
}

// join handles a heartbeat with epoch 0: a new member, a member that
// rejoins with its id after being fenced, or a static member taking over
// its instance id (UNRELEASED_INSTANCE_ID while the old one still lives).
func (c *Coordinator) join(now Time, m *Message) (*member, protocol.Err) {
	if m.InstanceID != "" {
		if old := c.static[m.InstanceID]; old != nil {
			if !old.staticLeft && old.id != m.MemberID {
				// A second live member with the same instance id is
				// rejected, the reverse of classic (model.md §4.6).
				return nil, protocol.UnreleasedInstanceID
			}
			return c.replaceStatic(old, m), protocol.None
		}
	}
	if old := c.byID[m.MemberID]; old != nil {
		// A member rejoining with its id: the record stays (its assignment
		// too); the process may be a new one.
		c.dropProc(old)
		old.proc = m.From
		c.byProc[old.proc] = old
		old.prevEpoch, old.epoch = 0, 0
		if m.Rack != "" {
			old.rack = m.Rack // maybeUpdateRackId: a null RackId keeps it
		}
		return old, protocol.None
	}
	c.keys++
	mem := &member{key: c.keys, id: m.MemberID, instanceID: m.InstanceID, proc: m.From, subscription: m.Subscription, rack: m.Rack}
	c.members = append(c.members, mem)
	c.byID[mem.id] = mem
	c.keyed[mem.key] = mem
	c.byProc[mem.proc] = mem
	if mem.instanceID != "" {
		c.static[mem.instanceID] = mem
	}
	c.tracef("%s joins as %s", c.who(m.From), Short(mem.id))
	c.bump(Short(mem.id) + " joined")
	return mem, protocol.None
}

// replaceStatic hands a static member's record to the process that
// rejoined with its instance id: same assignment, epoch 0 (it reconciles
// back to its partitions at once).
func (c *Coordinator) replaceStatic(old *member, m *Message) *member {
	c.keys++
	mem := &member{key: c.keys, id: m.MemberID, instanceID: old.instanceID, proc: m.From, state: old.state,
		assigned: old.assigned, target: old.target, targeted: old.targeted, subscription: m.Subscription, rack: m.Rack}
	i := slices.Index(c.members, old)
	c.members[i] = mem
	delete(c.byID, old.id)
	delete(c.keyed, old.key)
	c.byID[mem.id] = mem
	c.keyed[mem.key] = mem
	c.dropProc(old)
	c.byProc[mem.proc] = mem
	c.static[mem.instanceID] = mem
	old.session.Cancel()
	c.cancelRevoke(old)
	c.release(old, old.pendingRevoke)
	for _, tp := range mem.assigned {
		c.holder[c.cfg.Topology.Index(tp)] = mem
	}
	if old.proc != m.From {
		c.out.Add(protocol.Effect{Kind: protocol.Removed, Proc: old.proc})
	}
	c.tracef("static member %s rejoins as %s", mem.instanceID, Short(mem.id))
	return mem
}

func subset(owned, assigned []TP) bool {
	for _, tp := range owned {
		if !slices.Contains(assigned, tp) {
			return false
		}
	}
	return true
}

// canCompute is canComputeNextTargetAssignment (KIP-1263): the first
// target at once, then at most one per assignment interval.
func (c *Coordinator) canCompute(now Time) bool {
	return !c.computed || c.cfg.AssignmentInterval == 0 || now >= c.lastAssignment+c.cfg.AssignmentInterval
}

// checkMetadata bumps the group epoch when a subscribed topic's partition
// count changed: the coordinator reads the broker's metadata itself, so it
// notices at the next heartbeat, not at a client's refresh.
func (c *Coordinator) checkMetadata(now Time) {
	top := c.cfg.Topology
	changed := false
	for i := range top.Names {
		n := top.Partitions(i, now)
		if i >= len(c.metaCounts) {
			c.metaCounts = append(c.metaCounts, n)
			continue
		}
		if c.metaCounts[i] != n {
			c.metaCounts[i] = n
			changed = true
		}
	}
	if changed && len(c.members) > 0 {
		c.bump("partitions added")
	}
}

// computeTarget runs the server-side assignor over every member, each
// member's current target as what it owns (uniform is sticky to it), and
// moves the target epoch to the group epoch.
func (c *Coordinator) computeTarget(now Time) {
	top := c.cfg.Topology
	in := c.assignorInput()
	plan, err := c.assignor.Assign(in)
	if err != nil {
		panic(fmt.Sprintf("consumer: %s failed: %v", c.assignor.Name(), err))
	}
	if err := assignors.CheckPlan(in, plan, true); err != nil {
		panic(fmt.Sprintf("consumer: %s broke its contract: %v", c.assignor.Name(), err))
	}
	for i, a := range plan {
		c.members[i].target = protocol.FromAssignor(top, a.Topics)
		c.members[i].targeted = true
	}
	c.targetEpoch = c.groupEpoch
	c.lastAssignment, c.computed = now, true
	c.out.Observe(protocol.Note{Kind: protocol.TargetComputed, Gen: c.targetEpoch, Members: len(c.members), Cause: c.cause})
	if c.out.Tracing {
		var parts []string
		for _, m := range c.members {
			parts = append(parts, fmt.Sprintf("%s=[%s]", Short(m.id), top.Join(m.target)))
		}
		c.tracef("target assignment epoch %d: [%s]", c.targetEpoch, strings.Join(parts, " "))
	}
}

// assignorInput is what the server assignor gets: the partitions of every
// subscribed topic with their replica racks, and every member with its
// subscription, rack and current target.
func (c *Coordinator) assignorInput() *assignors.Group {
	top := c.cfg.Topology
	in := &assignors.Group{}
	for i, name := range top.Names {
		// The metadata image gives each partition's replicas and their
		// brokers' racks; Kafka 4.4's server assignors ignore them (and
		// the members' racks), and so do ours, but they get them.
		in.Topics = append(in.Topics, assignors.Topic{Name: name, Partitions: c.metaCounts[i], Racks: top.ReplicaRacks(i, c.metaCounts[i])})
	}
	// NB: members in join order, the insertion order of the coordinator's
	// member map; the assignors derive Java's HashMap order from it.
	for _, m := range c.members {
		in.Members = append(in.Members, assignors.Member{ID: m.id, InstanceID: m.instanceID, Topics: m.subscription, Rack: m.rack,
			Owned: protocol.ToAssignor(top, m.target), Generation: -1})
	}
	return in
}

// reconcile moves a member towards its target (CurrentAssignmentBuilder,
// model.md §4.4); owned is what the member reported in this heartbeat, if
// it reported it (hasOwned), and otherwise it still owns what it was
// assigned (ownsRevokedPartitions with a null list).
func (c *Coordinator) reconcile(now Time, m *member, owned []TP, hasOwned bool) {
	if !hasOwned {
		owned = append(slices.Clone(m.assigned), m.pendingRevoke...)
	}
	before := m.state
	beforeEpoch := m.epoch
	switch m.state {
	case StableState:
		if m.epoch != c.targetEpoch {
			c.computeNext(now, m, owned)
		}
	case UnrevokedPartitions:
		if !ownsAny(owned, m.pendingRevoke) {
			c.computeNext(now, m, owned)
		}
	case UnreleasedPartitions:
		c.computeNext(now, m, owned)
	}
	if m.state == UnrevokedPartitions {
		if before != UnrevokedPartitions || beforeEpoch != m.epoch || !m.revoke.Armed() {
			c.armRevoke(now, m)
		}
	} else {
		c.cancelRevoke(m)
	}
}

// computeNext is CurrentAssignmentBuilder.computeNextAssignment: keep what
// is both owned and targeted; revoke first (stay at the current epoch
// until the member no longer reports what it must give up); then take the
// targeted partitions nobody else holds and move to the target epoch.
func (c *Coordinator) computeNext(now Time, m *member, owned []TP) {
	top := c.cfg.Topology
	var kept, revoke, add []TP
	for _, tp := range m.assigned {
		if slices.Contains(m.target, tp) {
			kept = append(kept, tp)
		} else {
			revoke = append(revoke, tp)
		}
	}
	unreleased := false
	for _, tp := range m.target {
		if slices.Contains(m.assigned, tp) {
			continue
		}
		if h := c.holder[top.Index(tp)]; h != nil && !(h == m && slices.Contains(m.pendingRevoke, tp)) {
			unreleased = true // still held by another member
			continue
		}
		add = append(add, tp)
	}
	if len(revoke) > 0 && ownsAny(owned, revoke) {
		m.state = UnrevokedPartitions
		m.assigned = kept
		c.setPending(m, revoke)
		return
	}
	c.setPending(m, nil)
	c.release(m, revoke)
	var moved int64
	present := map[string]bool{} // NB: lookup only
	if len(add) > 0 {
		for _, x := range c.members {
			present[x.identity()] = true
		}
	}
	for _, tp := range add {
		i := top.Index(tp)
		c.holder[i] = m
		if last := c.lastOwner[i]; last != "" && last != m.identity() && present[last] {
			moved++
		}
		c.lastOwner[i] = m.identity()
	}
	m.assigned = protocol.SortTPs(append(kept, add...))
	m.prevEpoch, m.epoch = m.epoch, c.targetEpoch
	if unreleased {
		m.state = UnreleasedPartitions
	} else {
		m.state = StableState
	}
	if moved > 0 {
		c.out.Observe(protocol.Note{Kind: protocol.Moved, Gen: c.targetEpoch, Moved: moved})
	}
}

// setPending replaces the partitions pending revocation; the ones no
// longer pending are released.
func (c *Coordinator) setPending(m *member, next []TP) {
	top := c.cfg.Topology
	for _, tp := range next {
		c.holder[top.Index(tp)] = m
	}
	for _, tp := range m.pendingRevoke {
		if !slices.Contains(next, tp) && c.holder[top.Index(tp)] == m {
			c.holder[top.Index(tp)] = nil
		}
	}
	m.pendingRevoke = next
}

func ownsAny(owned, parts []TP) bool {
	for _, tp := range owned {
		if slices.Contains(parts, tp) {
			return true
		}
	}
	return false
}

// checkReconciled notes when every member has reached the target epoch and
// is STABLE (a static member away on epoch -2 does not count).
func (c *Coordinator) checkReconciled(now Time) {
	if !c.computed || c.reconciledEpoch == c.targetEpoch || c.groupEpoch > c.targetEpoch {
		return
	}
	procs := make([]protocol.Proc, 0, len(c.members))
	for _, m := range c.members {
		if m.staticLeft {
			continue
		}
		if m.epoch != c.targetEpoch || m.state != StableState {
			return
		}
		procs = append(procs, m.proc)
	}
	c.reconciledEpoch = c.targetEpoch
	c.tracef("every member reconciled to epoch %d", c.targetEpoch)
	c.out.Observe(protocol.Note{Kind: protocol.Reconciled, Gen: c.targetEpoch, Members: len(c.members), Procs: procs})
}
