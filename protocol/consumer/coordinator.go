package consumer

import (
	"fmt"
	"slices"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/protocol"
)

type (
	Time    = protocol.Time
	Message = protocol.Message
	TP      = protocol.TP
)

// Epochs a heartbeat carries to leave (ConsumerGroupHeartbeatRequest).
const (
	LeaveEpoch       int32 = -1
	StaticLeaveEpoch int32 = -2
)

// MemberState is a member's reconciliation state (MemberState).
type MemberState int8

const (
	StableState MemberState = iota
	UnrevokedPartitions
	UnreleasedPartitions
)

var stateNames = [...]string{"STABLE", "UNREVOKED_PARTITIONS", "UNRELEASED_PARTITIONS"}

func (s MemberState) String() string { return stateNames[s] }

// Timer kinds.
const (
	timerSession uint8 = iota + 1 // Key: member key
	timerRevoke                   // Key: member key
)

// CoordinatorConfig is what the broker knows of one consumer group.
type CoordinatorConfig struct {
	Group string
	// Assignor is the server-side assignor ("uniform" or "server-range").
	Assignor string
	// HeartbeatInterval and SessionTimeout are the broker's
	// group.consumer.heartbeat.interval.ms and session.timeout.ms.
	HeartbeatInterval, SessionTimeout Time
	// AssignmentInterval is group.consumer.assignment.interval.ms
	// (KIP-1263, Kafka 4.3+): the target is recomputed at most this often.
	AssignmentInterval Time
	Topology           *protocol.Topology
	Committed          func(TP) bool
}

type member struct {
	key        int32
	id         string
	instanceID string
	proc       protocol.Proc

	epoch, prevEpoch int32
	state            MemberState
	assigned         []TP // current assignment (what it may own)
	pendingRevoke    []TP // must be revoked before it moves on
	target           []TP
	subscription     []string
	rack             string // RackId, kept from the heartbeat that carried it
	rebalanceTimeout Time
	staticLeft       bool // sent epoch -2: the assignment is held until the session expires
	targeted         bool // a target assignment included it
	deadline         Time
	session          protocol.Timer
	revoke           protocol.Timer
	revokeEpoch      int32
}

func (m *member) identity() string {
	if m.instanceID != "" {
		return "static:" + m.instanceID
	}
	return m.id
}

// Coordinator is the KIP-848 group coordinator of one group.
type Coordinator struct {
	cfg CoordinatorConfig
	out protocol.Output

	members []*member // insertion order (the coordinator's member map)
	byID    map[string]*member
	keyed   map[int32]*member
	static  map[string]*member
	byProc  map[protocol.Proc]*member // the member record of each process; NB: lookup only
	keys    int32

	groupEpoch, targetEpoch int32
	reconciledEpoch         int32
	lastAssignment          Time
	computed                bool
	metaCounts              []int32
	assignor                assignors.Assignor
	// holder is, per dense partition, the member holding it in its
	// assigned or pending-revocation set (the partition epoch's owner;
	// nil = free).
	holder    []*member
	revoking  int // members with a revocation timer armed
	lastOwner []string
	cause     string

	unavailable bool
	offsets     protocol.Offsets
}

// NewCoordinator returns the coordinator of an empty group.
func NewCoordinator(cfg CoordinatorConfig, trace bool) *Coordinator {
	a, err := assignors.New(cfg.Assignor)
	if err != nil {
		panic(fmt.Sprintf("consumer: %v", err))
	}
	c := &Coordinator{cfg: cfg, assignor: a, byID: map[string]*member{}, keyed: map[int32]*member{}, static: map[string]*member{}, byProc: map[protocol.Proc]*member{},
		holder: make([]*member, cfg.Topology.Total), lastOwner: make([]string, cfg.Topology.Total)}
	c.out.Tracing = trace
	c.out.Prefix = cfg.Group + " coordinator: "
	c.offsets = protocol.NewOffsets(cfg.Topology, cfg.Committed)
	return c
}

func (c *Coordinator) Out() *protocol.Output { return &c.out }

func (c *Coordinator) tracef(format string, args ...any) { c.out.Tracef(format, args...) }

func (c *Coordinator) Committed(tp TP) (int64, bool) { return c.offsets.Get(tp) }
func (c *Coordinator) Generation() int32             { return c.targetEpoch }
func (c *Coordinator) Members() int                  { return len(c.members) }

// Idle reports whether p is a member whose target assignment is empty. A
// member no target has included yet counts: until the next computation
// (at most one assignment interval after its join) Kafka's target for it
// is empty, and describe shows it with nothing assigned.
func (c *Coordinator) Idle(p protocol.Proc) bool {
	m := c.byProc[p]
	return m != nil && len(m.target) == 0
}

// Has reports whether process p is a member.
func (c *Coordinator) Has(p protocol.Proc) bool { return c.byProc[p] != nil }

func (c *Coordinator) dropProc(m *member) {
	if c.byProc[m.proc] == m {
		delete(c.byProc, m.proc)
	}
}

// Rebalancing: a group epoch the target has not caught up with, or a
// target not every member has reconciled to.
func (c *Coordinator) Rebalancing() bool {
	if len(c.members) == 0 {
		return false
	}
	return c.groupEpoch > c.targetEpoch || (c.computed && c.reconciledEpoch != c.targetEpoch)
}

// RemovalHorizon is the earliest revocation deadline.
func (c *Coordinator) RemovalHorizon() Time {
	h := protocol.Never
	if c.revoking == 0 {
		return h // NB: the usual case, asked at every poll: no scan
	}
	for _, m := range c.members {
		if m.revoke.Armed() && m.revoke.When() < h {
			h = m.revoke.When()
		}
	}
	return h
}

// Describe is the group as kafka-consumer-groups shows it.
func (c *Coordinator) Describe() protocol.GroupView {
	state := "Stable"
	switch {
	case len(c.members) == 0:
		state = "Empty"
	case c.groupEpoch > c.targetEpoch:
		state = "Assigning"
	case c.reconciledEpoch != c.targetEpoch:
		state = "Reconciling"
	}
	v := protocol.GroupView{State: state, Generation: c.targetEpoch, Protocol: c.assignor.Name()}
	for _, m := range c.members {
		v.Members = append(v.Members, protocol.MemberView{ID: m.id, InstanceID: m.instanceID, Proc: m.proc, Assignment: m.assigned})
	}
	return v
}

// Receive handles one request.
func (c *Coordinator) Receive(now Time, m *Message) {
	if c.unavailable {
		m.Err = protocol.CoordinatorNotAvailable
		c.out.Respond(m)
		return
	}
	switch m.Kind {
	case protocol.FindCoordinator:
		c.out.Respond(m)
	case protocol.ConsumerGroupHeartbeat:
		c.onHeartbeat(now, m)
	case protocol.OffsetCommit:
		c.onOffsetCommit(now, m)
	case protocol.OffsetFetch:
		m.Offsets = c.offsets.Fill(m.Parts)
		m.Err = protocol.None
		c.out.Respond(m)
	default:
		panic(fmt.Sprintf("consumer: coordinator got %v", m.Kind))
	}
}

// Fire handles a timer.
func (c *Coordinator) Fire(now Time, id protocol.TimerID, token uint32) {
	m := c.keyed[id.Key]
	if m == nil {
		return
	}
	switch id.Kind {
	case timerSession:
		if !m.session.Fired(token) {
			return
		}
		if now < m.deadline {
			m.session.Arm(&c.out, protocol.TimerID{Kind: timerSession, Key: m.key}, m.deadline)
			return
		}
		c.tracef("session of %s expired", Short(m.id))
		c.fence(now, m, "session of "+Short(m.id)+" expired")
	case timerRevoke:
		if !m.revoke.Fired(token) {
			return
		}
		c.revoking--
		if m.epoch == m.revokeEpoch {
			c.tracef("%s did not revoke within the rebalance timeout: fenced", Short(m.id))
			c.fence(now, m, Short(m.id)+" fenced (revocation timeout)")
		}
	}
}

// Failover makes the coordinator unreachable; its timers stop.
func (c *Coordinator) Failover(now Time) {
	c.unavailable = true
	for _, m := range c.members {
		m.session.Cancel()
		c.cancelRevoke(m)
	}
	c.tracef("unavailable (failover)")
}

// Loaded is the new coordinator serving the group: sessions restart and
// revocation timers are re-armed (onLoaded, model.md §5.3).
func (c *Coordinator) Loaded(now Time) {
	c.unavailable = false
	c.tracef("serving again")
	for _, m := range c.members {
		c.armSession(now, m)
		if m.state == UnrevokedPartitions {
			c.armRevoke(now, m)
		}
	}
}

// Short abbreviates a 22-character member id for traces.
func Short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func (c *Coordinator) armSession(now Time, m *member) {
	m.deadline = now.Add(c.cfg.SessionTimeout)
	if !m.session.Armed() || m.session.When() > m.deadline {
		m.session.Arm(&c.out, protocol.TimerID{Kind: timerSession, Key: m.key}, m.deadline)
	}
}

func (c *Coordinator) cancelRevoke(m *member) {
	if m.revoke.Armed() {
		c.revoking--
		m.revoke.Cancel()
	}
}

func (c *Coordinator) armRevoke(now Time, m *member) {
	m.revokeEpoch = m.epoch
	if !m.revoke.Armed() {
		c.revoking++
	}
	m.revoke.Arm(&c.out, protocol.TimerID{Kind: timerRevoke, Key: m.key}, now.Add(m.rebalanceTimeout))
}

// bump advances the group epoch: a heartbeat recomputes the target.
func (c *Coordinator) bump(why string) {
	if c.groupEpoch == c.targetEpoch {
		c.out.Observe(protocol.Note{Kind: protocol.RebalanceOpened, Cause: why})
	}
	c.groupEpoch++
	c.cause = why
	c.tracef("group epoch %d (%s)", c.groupEpoch, why)
}

// fence removes a member (consumerGroupFenceMember): its partitions are
// free, the world learns it holds nothing, the group epoch moves.
func (c *Coordinator) fence(now Time, m *member, why string) {
	c.remove(m)
	c.bump(why)
	c.checkReconciled(now)
}

func (c *Coordinator) remove(m *member) {
	i := slices.Index(c.members, m)
	c.members = append(c.members[:i], c.members[i+1:]...)
	delete(c.byID, m.id)
	delete(c.keyed, m.key)
	c.dropProc(m)
	if m.instanceID != "" && c.static[m.instanceID] == m {
		delete(c.static, m.instanceID)
	}
	m.session.Cancel()
	c.cancelRevoke(m)
	c.release(m, m.assigned)
	c.release(m, m.pendingRevoke)
	c.out.Add(protocol.Effect{Kind: protocol.Removed, Proc: m.proc})
}

func (c *Coordinator) release(m *member, tps []TP) {
	for _, tp := range tps {
		if i := c.cfg.Topology.Index(tp); c.holder[i] == m {
			c.holder[i] = nil
		}
	}
}

// onOffsetCommit is ConsumerGroup.validateOffsetCommit then the store
// (model.md §4.7): the member's current epoch commits anything; a newer
// one is stale; an older one commits only partitions the member still
// holds (the assignment epoch validator).
func (c *Coordinator) onOffsetCommit(now Time, m *Message) {
	mem := c.byID[m.MemberID]
	offs := m.Offsets
	switch {
	case mem == nil || mem.proc != m.From:
		m.Err = protocol.UnknownMemberID
		offs = nil
	case m.Generation > mem.epoch:
		m.Err = protocol.StaleMemberEpoch
		offs = nil
	case m.Generation < mem.epoch:
		offs = nil
		for _, o := range m.Offsets {
			if c.holder[c.cfg.Topology.Index(o.TP)] == mem {
				offs = append(offs, o)
			}
		}
		m.Err = protocol.None
		if len(offs) < len(m.Offsets) {
			m.Err = protocol.StaleMemberEpoch
		}
	default:
		m.Err = protocol.None
	}
	if len(offs) > 0 {
		c.offsets.Put(offs)
		c.out.Add(protocol.Effect{Kind: protocol.Committed, Offsets: offs})
	}
	c.out.Respond(m)
}

// who names a process in traces: the group and the member slot.
func (c *Coordinator) who(p protocol.Proc) string { return fmt.Sprintf("%s#%d", c.cfg.Group, p.Slot) }
