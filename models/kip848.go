package models

import (
	"encoding/base64"
	"fmt"
	"sort"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
)

// The KIP-848 consumer group coordinator (group.protocol = consumer,
// KAFKA_MODEL §4). One RPC, ConsumerGroupHeartbeat, carries everything. The
// coordinator keeps a group epoch (bumped when members join or leave or the
// subscribed topics change), recomputes the target assignment with the
// server-side assignor on the first heartbeat that finds it stale, and
// reconciles each member on its own heartbeats: revoke first, and give a
// partition to its new owner only once the old one has released it. There
// is no group-wide barrier.

// kstate is a member's reconciliation state (MemberState).
type kstate int8

const (
	kStable               kstate = iota
	kUnrevokedPartitions         // waiting for the member to revoke
	kUnreleasedPartitions        // waiting for other members to release
)

var kstateNames = [...]string{"STABLE", "UNREVOKED_PARTITIONS", "UNRELEASED_PARTITIONS"}

func (k kstate) String() string { return kstateNames[k] }

// kmember is the coordinator's record of one consumer-protocol member.
type kmember struct {
	memberID   string
	instanceID string
	m          *member
	inc        int64

	epoch, prevEpoch int32
	state            kstate
	assigned         []*gpart // current assignment (what it may own)
	pendingRevoke    []*gpart // must be revoked before it moves on
	target           []*gpart // target assignment
	subscription     []string
	rebalanceTimeout engine.Time
	staticLeft       bool // sent epoch -2: the assignment is held until the session expires
	lastSeen         engine.Time
	sessionTimer     engine.Timer
	revokeTimer      engine.Timer
	joinOrder        uint64
}

type kcoord struct {
	g           *group
	members     []*kmember // join order
	joins       uint64
	groupEpoch  int32
	targetEpoch int32
	metaCounts  []int // subscribed topics' partition counts the target used
	assignor    assignors.Assignor
	// holder is, per partition of the group, the member holding it in its
	// assigned or pending-revocation set (the partition epoch's owner;
	// nil = free).
	holder map[*gpart]*kmember // NB: lookup only, never iterated.

	unavailableUntil engine.Time
	openRow          int
	rbOpen           bool
	ids              *idGen
	pendingCause     string // why the group epoch last moved
}

func newKCoord(g *group) *kcoord {
	name := g.cfg.RemoteAssignor
	if name == "range" {
		name = "server-range" // group.remote.assignor names the server-side range assignor "range"
	}
	a, err := assignors.New(name)
	if err != nil {
		panic(fmt.Sprintf("models: group.remote.assignor %q: %v", g.cfg.RemoteAssignor, err))
	}
	return &kcoord{g: g, assignor: a, holder: map[*gpart]*kmember{}, openRow: -1, ids: newIDGen(g.s.seed, g.name)}
}

func (c *kcoord) s() *Sim { return c.g.s }

func (c *kcoord) tracef(format string, args ...any) {
	c.s().tracef("%s coordinator: "+format, append([]any{c.g.name}, args...)...)
}

func (c *kcoord) find(memberID string) *kmember {
	for _, km := range c.members {
		if km.memberID == memberID {
			return km
		}
	}
	return nil
}

// newMemberID is a random Uuid in Kafka's string form (KIP-1082: from 4.0
// the client draws it), from the group's seeded stream.
func (c *kcoord) newMemberID() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := c.ids.r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// receive handles a ConsumerGroupHeartbeat, an OffsetCommit or an
// OffsetFetch for a consumer-protocol group.
func (c *kcoord) receive(id int64, msg *message) {
	s := c.s()
	if s.now() < c.unavailableUntil {
		msg.err = errCoordinatorNotAvailable
		s.toClient(id)
		return
	}
	switch msg.kind {
	case mFindCoordinator:
		s.toClient(id)
	case mConsumerHeartbeat:
		c.onHeartbeat(id, msg)
	case mOffsetCommit:
		if km := c.find(msg.memberID); km != nil && km.m == msg.m && !km.staticLeft {
			msg.err = errNone
			for _, o := range msg.offsets {
				c.g.commit(o.gp, o.off)
			}
		} else {
			msg.err = errUnknownMemberID
		}
		s.toClient(id)
	case mOffsetFetch:
		for i := range msg.offsets {
			gp := msg.offsets[i].gp
			msg.offsets[i].off = -1
			if gp.hasCommitted {
				msg.offsets[i].off = gp.committed
			}
		}
		s.toClient(id)
	case mLeaveGroup:
		s.msgs.put(id) // consumer-protocol members leave by heartbeat
	default:
		panic(fmt.Sprintf("models: consumer coordinator got %v", msg.kind))
	}
}

const (
	leaveEpoch       int32 = -1 // LEAVE_GROUP_MEMBER_EPOCH
	staticLeaveEpoch int32 = -2 // LEAVE_GROUP_STATIC_MEMBER_EPOCH
)

// onHeartbeat is consumerGroupHeartbeat (KAFKA_MODEL §4).
func (c *kcoord) onHeartbeat(id int64, msg *message) {
	s := c.s()
	now := s.now()
	var km *kmember
	switch msg.generation {
	case 0: // join (or rejoin after being fenced)
		if msg.instanceID != "" {
			if old := c.findStatic(msg.instanceID); old != nil {
				if !old.staticLeft && old.memberID != msg.memberID {
					// A second live member with the same instance id is
					// rejected, the reverse of classic (KAFKA_MODEL §4).
					msg.err = errUnreleasedInstanceID
					s.toClient(id)
					return
				}
				km = c.replaceStatic(old, msg)
				break
			}
		}
		if old := c.find(msg.memberID); old != nil {
			c.remove(old, "")
		}
		km = &kmember{memberID: msg.memberID, instanceID: msg.instanceID, m: msg.m, inc: msg.inc,
			subscription: msg.subscription, joinOrder: c.joins}
		c.joins++
		c.members = append(c.members, km)
		msg.m.removed = false
		c.bump(short848(km.memberID) + " joined")
		c.tracef("%s joins as %s", msg.m.describe(), short848(km.memberID))
	case leaveEpoch:
		if old := c.find(msg.memberID); old != nil && old.m == msg.m {
			c.tracef("%s leaves (epoch -1)", short848(old.memberID))
			c.remove(old, short848(old.memberID)+" left the group")
		}
		msg.err = errNone
		s.toClient(id)
		return
	case staticLeaveEpoch:
		if old := c.find(msg.memberID); old != nil && old.m == msg.m {
			// A static member's temporary leave: no epoch bump, the
			// assignment is held until the session expires.
			old.staticLeft = true
			c.tracef("%s leaves temporarily (epoch -2)", short848(old.memberID))
		}
		msg.err = errNone
		s.toClient(id)
		return
	default:
		km = c.find(msg.memberID)
		if km == nil || km.m != msg.m {
			msg.err = errUnknownMemberID
			s.toClient(id)
			return
		}
		if msg.generation != km.epoch && msg.generation != km.prevEpoch {
			msg.err = errFencedMemberEpoch
			s.toClient(id)
			return
		}
	}
	km.lastSeen = now
	km.rebalanceTimeout = msg.rebalanceTimeout
	c.armSession(km)
	c.checkMetadata()
	if c.groupEpoch > c.targetEpoch {
		c.computeTarget()
	}
	c.reconcile(km, msg.owned)
	if km.state == kUnrevokedPartitions {
		if !km.revokeTimer.Armed() {
			s.q.Arm(&km.revokeTimer, engine.Event{At: now + km.rebalanceTimeout, Kind: evRevocationTimeout, Target: int32(km.m.idx), Arg: km.m.inc})
		}
	} else {
		km.revokeTimer.Cancel()
	}
	msg.err = errNone
	msg.memberID = km.memberID
	msg.generation = km.epoch
	msg.assignment = refsOf(km.assigned)
	msg.interval = engine.FromDuration(s.sc.Broker.ConsumerHeartbeatInterval)
	s.toClient(id)
	c.checkReconciled()
}

func (c *kcoord) findStatic(instanceID string) *kmember {
	for _, km := range c.members {
		if km.instanceID == instanceID {
			return km
		}
	}
	return nil
}

// replaceStatic hands a static member's record to the new process that
// rejoined with its instance id: same assignment, same epoch.
func (c *kcoord) replaceStatic(old *kmember, msg *message) *kmember {
	km := &kmember{memberID: msg.memberID, instanceID: old.instanceID, m: msg.m, inc: msg.inc,
		epoch: old.epoch, prevEpoch: old.prevEpoch, state: old.state, assigned: old.assigned,
		pendingRevoke: old.pendingRevoke, target: old.target, subscription: msg.subscription, joinOrder: old.joinOrder}
	for i, x := range c.members {
		if x == old {
			c.members[i] = km
		}
	}
	old.sessionTimer.Cancel()
	old.revokeTimer.Cancel()
	for _, gp := range km.assigned {
		c.holder[gp] = km
	}
	for _, gp := range km.pendingRevoke {
		c.holder[gp] = km
	}
	msg.m.removed = false
	c.tracef("static member %s rejoins as %s, keeping epoch %d", km.instanceID, short848(km.memberID), km.epoch)
	return km
}

// remove drops a member and frees its partitions; with a reason, the group
// epoch is bumped (the target must be recomputed).
func (c *kcoord) remove(km *kmember, why string) {
	for i, x := range c.members {
		if x == km {
			c.members = append(c.members[:i], c.members[i+1:]...)
			break
		}
	}
	km.sessionTimer.Cancel()
	km.revokeTimer.Cancel()
	for _, gp := range km.assigned {
		if c.holder[gp] == km {
			delete(c.holder, gp)
		}
	}
	for _, gp := range km.pendingRevoke {
		if c.holder[gp] == km {
			delete(c.holder, gp)
		}
	}
	if km.m.inc == km.inc {
		km.m.removed = true
	}
	c.g.disown(km.m, km.inc)
	if why != "" {
		c.bump(why)
	}
	c.checkReconciled()
}

// bump advances the group epoch: the next heartbeat recomputes the target.
func (c *kcoord) bump(why string) {
	c.groupEpoch++
	c.tracef("group epoch %d (%s)", c.groupEpoch, why)
	c.pendingCause = why
}

// checkMetadata bumps the group epoch when a subscribed topic's partition
// count changed: the coordinator reads the broker's metadata directly, so
// it notices at the next heartbeat, not at a client's refresh.
func (c *kcoord) checkMetadata() {
	now := c.s().now()
	changed := false
	for i, t := range c.g.topic {
		n := t.partitionsAtTime(now)
		if i >= len(c.metaCounts) {
			c.metaCounts = append(c.metaCounts, n)
			continue
		}
		if c.metaCounts[i] != n {
			c.metaCounts[i] = n
			changed = true
		}
	}
	if changed {
		c.bump("partitions added")
	}
}

// computeTarget runs the server-side assignor over every member, with each
// member's current target as what it owns (uniform is sticky to it), and
// moves the target epoch to the group epoch.
func (c *kcoord) computeTarget() {
	s := c.s()
	in := &assignors.Group{}
	for i, t := range c.g.topic {
		n := t.partitionsAtTime(s.now())
		if i < len(c.metaCounts) {
			n = c.metaCounts[i]
		}
		in.Topics = append(in.Topics, assignors.Topic{Name: t.name, Partitions: int32(n)})
	}
	// NB: members in join order, the insertion order of the coordinator's
	// member map; the assignors derive Java's HashMap order from it.
	for _, km := range c.members {
		in.Members = append(in.Members, assignors.Member{ID: km.memberID, InstanceID: km.instanceID,
			Topics: km.subscription, Owned: toAssignorTPs(refsOf(km.target)), Generation: -1})
	}
	plan, err := c.assignor.Assign(in)
	if err != nil {
		panic(fmt.Sprintf("models: %s failed: %v", c.assignor.Name(), err))
	}
	if err := assignors.CheckPlan(in, plan, true); err != nil {
		panic(fmt.Sprintf("models: %s broke its contract: %v", c.assignor.Name(), err))
	}
	first := c.targetEpoch == 0
	prevOwner := map[*gpart]string{}
	present := map[string]bool{}
	for _, km := range c.members {
		present[kidentity(km)] = true
		for _, gp := range km.target {
			prevOwner[gp] = kidentity(km)
		}
	}
	var moved int64
	for i, a := range plan {
		km := c.members[i]
		km.target = km.target[:0]
		for _, tps := range a.Topics {
			t := s.topicBy[tps.Topic]
			for _, p := range tps.Partitions {
				gp := c.g.part(t, p)
				km.target = append(km.target, gp)
				if prev, ok := prevOwner[gp]; ok && prev != kidentity(km) && present[prev] {
					moved++
				}
			}
		}
	}
	c.targetEpoch = c.groupEpoch
	c.tracef("target assignment epoch %d: %s", c.targetEpoch, c.describeTarget())
	gm := &c.g.met
	now := s.now()
	if c.openRow >= 0 {
		gm.rebalances[c.openRow].EndS = now.Seconds() // superseded before it was reached
	}
	gm.rebalances = append(gm.rebalances, metrics.RebalanceRow{Group: c.g.name, Generation: c.targetEpoch, StartS: now.Seconds(),
		EndS: -1, Cause: c.pendingCause, Members: len(c.members), Moved: moved})
	c.openRow = len(gm.rebalances) - 1
	if gm.everStable {
		gm.moved += moved // moves while the group forms are not rebalances' moves
	}
	if !gm.rbOpen {
		gm.rbOpen, gm.rbStart, gm.rbFormation = true, now, first || !gm.everStable
	}
}

func (c *kcoord) describeTarget() string {
	var parts []string
	for _, km := range c.members {
		parts = append(parts, fmt.Sprintf("%s=[%s]", short848(km.memberID), joinTPs(refsOf(km.target))))
	}
	return fmt.Sprint(parts)
}

// checkReconciled closes the open rebalance once every member has reached
// the target epoch and is STABLE.
func (c *kcoord) checkReconciled() {
	if c.openRow < 0 {
		return
	}
	for _, km := range c.members {
		if km.staticLeft {
			continue
		}
		if km.epoch != c.targetEpoch || km.state != kStable {
			return
		}
	}
	gm := &c.g.met
	now := c.s().now()
	gm.rebalances[c.openRow].EndS = now.Seconds()
	c.openRow = -1
	formed := c.g.formedWith(func(m *member) bool {
		for _, km := range c.members {
			if km.m == m && km.inc == m.inc {
				return true
			}
		}
		return false
	})
	if gm.rbOpen && (gm.everStable || formed) {
		if !gm.rbFormation {
			gm.rbTime += now - gm.rbStart
		}
		gm.rbOpen = false
	}
	if formed {
		c.g.markFormed()
	}
	c.tracef("every member reconciled to epoch %d", c.targetEpoch)
}

// reconcile moves a member towards its target (CurrentAssignmentBuilder):
// owned is what the member reported in this heartbeat.
func (c *kcoord) reconcile(km *kmember, owned []tpRef) {
	switch km.state {
	case kStable:
		if km.epoch != c.targetEpoch {
			c.computeNext(km, owned)
		}
	case kUnrevokedPartitions:
		if !ownsAny(owned, km.pendingRevoke) {
			c.computeNext(km, owned)
		}
	case kUnreleasedPartitions:
		c.computeNext(km, owned)
	}
}

func (c *kcoord) computeNext(km *kmember, owned []tpRef) {
	inTarget := map[*gpart]bool{}
	for _, gp := range km.target {
		inTarget[gp] = true
	}
	isAssigned := map[*gpart]bool{}
	var newAssigned, pendingRevoke, pendingAssign []*gpart
	for _, gp := range km.assigned {
		isAssigned[gp] = true
		if inTarget[gp] {
			newAssigned = append(newAssigned, gp)
		} else {
			pendingRevoke = append(pendingRevoke, gp)
		}
	}
	wasPending := map[*gpart]bool{}
	for _, gp := range km.pendingRevoke {
		wasPending[gp] = true
	}
	unreleased := false
	for _, gp := range km.target {
		if isAssigned[gp] {
			continue
		}
		if h := c.holder[gp]; h != nil && !(h == km && wasPending[gp]) {
			unreleased = true // still held by another member
			continue
		}
		pendingAssign = append(pendingAssign, gp)
	}
	switch {
	case len(pendingRevoke) > 0 && ownsAny(owned, pendingRevoke):
		// Revoke first: stay at the current epoch until the member no
		// longer reports these partitions.
		km.state = kUnrevokedPartitions
		km.assigned = newAssigned
		km.setPending(c, pendingRevoke)
	default:
		km.setPending(c, nil)
		for _, gp := range pendingRevoke {
			if c.holder[gp] == km {
				delete(c.holder, gp)
			}
		}
		km.assigned = append(newAssigned, pendingAssign...)
		for _, gp := range pendingAssign {
			c.holder[gp] = km
		}
		km.prevEpoch, km.epoch = km.epoch, c.targetEpoch
		if unreleased {
			km.state = kUnreleasedPartitions
		} else {
			km.state = kStable
		}
	}
	sortParts(km.assigned)
}

// setPending replaces the partitions pending revocation; the ones no longer
// pending are released.
func (km *kmember) setPending(c *kcoord, next []*gpart) {
	keep := map[*gpart]bool{}
	for _, gp := range next {
		keep[gp] = true
		c.holder[gp] = km
	}
	for _, gp := range km.pendingRevoke {
		if !keep[gp] && c.holder[gp] == km {
			delete(c.holder, gp)
		}
	}
	km.pendingRevoke = next
}

func ownsAny(owned []tpRef, parts []*gpart) bool {
	for _, tp := range owned {
		for _, gp := range parts {
			if gp.tp == tp {
				return true
			}
		}
	}
	return false
}

func refsOf(parts []*gpart) []tpRef {
	out := make([]tpRef, 0, len(parts))
	for _, gp := range parts {
		out = append(out, gp.tp)
	}
	return sortTPs(out)
}

func sortParts(parts []*gpart) {
	sort.Slice(parts, func(i, j int) bool {
		a, b := parts[i].tp, parts[j].tp
		if a.t.name != b.t.name {
			return a.t.name < b.t.name
		}
		return a.p < b.p
	})
}

func (c *kcoord) armSession(km *kmember) {
	s := c.s()
	if !km.sessionTimer.Armed() {
		s.q.Arm(&km.sessionTimer, engine.Event{At: s.now() + engine.FromDuration(s.sc.Broker.ConsumerSessionTimeout),
			Kind: evSessionCheck, Target: int32(km.m.idx)})
	}
}

// onSessionCheck removes a member whose heartbeats stopped (lazy timer, as
// in the classic coordinator); a static member that left with epoch -2 is
// removed here too, and its partitions freed.
func (c *kcoord) onSessionCheck(m *member, ev engine.Event) {
	var km *kmember
	for _, x := range c.members {
		if x.m == m && x.sessionTimer.Fired(ev) {
			km = x
			break
		}
	}
	if km == nil {
		return
	}
	s := c.s()
	if s.now() < c.unavailableUntil {
		return // sessions restart when the group is loaded
	}
	deadline := km.lastSeen + engine.FromDuration(s.sc.Broker.ConsumerSessionTimeout)
	if s.now() < deadline {
		s.q.Arm(&km.sessionTimer, engine.Event{At: deadline, Kind: evSessionCheck, Target: int32(m.idx)})
		return
	}
	c.tracef("session of %s expired", short848(km.memberID))
	c.remove(km, "session of "+short848(km.memberID)+" expired")
}

// onRevocationTimeout fences a member that did not revoke in time.
func (c *kcoord) onRevocationTimeout(m *member, ev engine.Event) {
	for _, km := range c.members {
		if km.m == m && km.revokeTimer.Fired(ev) {
			c.tracef("%s did not revoke within the rebalance timeout: fenced", short848(km.memberID))
			c.remove(km, short848(km.memberID)+" fenced (revocation timeout)")
			return
		}
	}
}

// failover and onBack mirror the classic coordinator: requests fail while
// the coordinator moves; on load, session timers restart and revocation
// timers are re-armed (onLoaded).
func (c *kcoord) failover(down engine.Time) {
	s := c.s()
	c.unavailableUntil = s.now() + down + engine.FromDuration(s.sc.Broker.GroupLoadTime)
	c.tracef("unavailable until %v (failover)", c.unavailableUntil)
	s.control(engine.Event{At: c.unavailableUntil, Kind: evCoordinatorBack, Target: int32(c.g.idx)})
}

func (c *kcoord) onBack(ev engine.Event) {
	s := c.s()
	if s.now() < c.unavailableUntil {
		return
	}
	c.tracef("serving again")
	for _, km := range c.members {
		km.lastSeen = s.now()
		km.sessionTimer.Cancel()
		c.armSession(km)
		if km.state == kUnrevokedPartitions {
			s.q.Arm(&km.revokeTimer, engine.Event{At: s.now() + km.rebalanceTimeout, Kind: evRevocationTimeout, Target: int32(km.m.idx), Arg: km.m.inc})
		}
	}
}

func kidentity(km *kmember) string {
	if km.instanceID != "" {
		return "static:" + km.instanceID
	}
	return km.memberID
}

// short848 abbreviates a 22-character member id for traces.
func short848(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// state names the group's state as kafka-consumer-groups shows it.
func (c *kcoord) stateName() string {
	switch {
	case len(c.members) == 0:
		return "Empty"
	case c.groupEpoch > c.targetEpoch:
		return "Assigning"
	case c.openRow >= 0:
		return "Reconciling"
	}
	return "Stable"
}
