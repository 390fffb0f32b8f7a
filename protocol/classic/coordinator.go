package classic

import (
	"fmt"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/protocol"
)

type (
	Time    = protocol.Time
	Message = protocol.Message
	TP      = protocol.TP
)

// State is the classic group's state (ClassicGroupState).
type State int8

const (
	Empty State = iota
	PreparingRebalance
	CompletingRebalance
	Stable
)

var stateNames = [...]string{"Empty", "PreparingRebalance", "CompletingRebalance", "Stable"}

func (s State) String() string { return stateNames[s] }

// Timer kinds of the coordinator.
const (
	timerJoin    uint8 = iota + 1 // join phase: initial delay or rebalance timeout
	timerSync                     // pending sync expiry
	timerSession                  // a member's session (Key: the member's record key)
	timerPending                  // a pending member id's session (Key: its key)
)

// NewMemberJoinTimeout is how long a member added during a join phase may
// wait for it to complete before it counts as failed
// (GroupCoordinatorConfig.CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS).
const NewMemberJoinTimeout = 5 * engine.Minute

// CoordinatorConfig is what the broker knows of one classic group.
type CoordinatorConfig struct {
	Group string
	// InitialRebalanceDelay is group.initial.rebalance.delay.ms.
	InitialRebalanceDelay Time
	// Topology names the partitions (for stickiness accounting).
	Topology *protocol.Topology
	// Committed says which partitions start with a committed offset (at the
	// log start, 0): the group's offsets before the run.
	Committed func(tp TP) bool
	// IDs draws member ids' UUIDs (java.util.UUID.randomUUID).
	IDs interface{ Uint64() uint64 }
}

// member is the coordinator's record of one member (ClassicGroupMember).
type member struct {
	key        int32 // unique for the coordinator's lifetime: timer keys
	id         string
	instanceID string
	proc       protocol.Proc

	rebalanceTimeout Time
	sessionTimeout   Time
	subscription     []string
	rack             string // client.rack, from the subscription
	protocols        []string
	owned            []TP
	ownedGen         int32
	userData         []TP
	userDataGen      int32

	planned      bool     // a plan has given this member its assignment
	idle         bool     // the last plan gave it nothing
	awaitingJoin *Message // pending JoinGroup, answered when the phase completes
	awaitingSync *Message
	isNew        bool
	assignment   []TP
	session      protocol.Timer
	deadline     Time // the session ends then unless restarted
}

// identity is what makes a member the same member across rebalances for
// partitions_moved: its instance id when static, else its member id.
func (m *member) identity() string {
	if m.instanceID != "" {
		return "static:" + m.instanceID
	}
	return m.id
}

// pendingMember is a dynamic member id handed out with MEMBER_ID_REQUIRED.
type pendingMember struct {
	key     int32
	id      string
	session protocol.Timer
}

func (c *Coordinator) dropProc(m *member) {
	if c.byProc[m.proc] == m {
		delete(c.byProc, m.proc)
	}
}

func (c *Coordinator) dropPending(p *pendingMember) {
	p.session.Cancel()
	delete(c.pending, p.id)
	delete(c.pendingByKey, p.key)
	c.nPending--
}

// Coordinator is the classic group coordinator of one group.
type Coordinator struct {
	cfg CoordinatorConfig
	out protocol.Output

	state      State
	prevState  State
	generation int32
	leader     *member
	protocol   string

	// members in insertion order; Java HashMap order is derived from it.
	members []*member
	byID    map[string]*member        // NB: lookup only, never iterated.
	keyed   map[int32]*member         // record key -> member; NB: lookup only
	byProc  map[protocol.Proc]*member // the member record of each process; NB: lookup only
	static  map[string]*member        // instance id -> member; NB: lookup only.
	// maxMembers: Java's HashMap never shrinks its table, and iteration
	// order depends on the table size.
	maxMembers int
	keys       int32
	// pending holds dynamic ids told MEMBER_ID_REQUIRED (KIP-394) until
	// they rejoin or their session expires. NB: lookup only.
	pending      map[string]*pendingMember
	pendingByKey map[int32]*pendingMember // NB: lookup only
	nPending     int
	pendSync     map[*member]bool // NB: lookup only; walked through members
	nAwaiting    int              // members with a JoinGroup parked

	join, sync protocol.Timer
	// initial delay (model.md §2.3)
	initial      bool
	remaining    Time
	lastDelay    Time
	newMemberAdd bool

	unavailable bool
	reload      bool // a rebalance was in flight when the coordinator moved

	offsets protocol.Offsets
	// lastOwner is, per dense partition, the identity of the member last
	// given it (partitions_moved).
	lastOwner []string
}

// NewCoordinator returns the coordinator of an empty group.
func NewCoordinator(cfg CoordinatorConfig, trace bool) *Coordinator {
	c := &Coordinator{cfg: cfg, byID: map[string]*member{}, keyed: map[int32]*member{}, byProc: map[protocol.Proc]*member{}, static: map[string]*member{},
		pending: map[string]*pendingMember{}, pendingByKey: map[int32]*pendingMember{}, pendSync: map[*member]bool{}}
	c.out.Tracing = trace
	c.out.Prefix = cfg.Group + " coordinator: "
	c.offsets = protocol.NewOffsets(cfg.Topology, cfg.Committed)
	c.lastOwner = make([]string, cfg.Topology.Total)
	return c
}

// Out is where the coordinator's effects collect.
func (c *Coordinator) Out() *protocol.Output { return &c.out }

// State is the group's state.
func (c *Coordinator) State() State { return c.state }

// Generation is the current generation id.
func (c *Coordinator) Generation() int32 { return c.generation }

// Has reports whether process p is a member.
func (c *Coordinator) Has(p protocol.Proc) bool { return c.byProc[p] != nil }

// Idle reports whether p is a member the last plan gave nothing.
func (c *Coordinator) Idle(p protocol.Proc) bool {
	m := c.byProc[p]
	return m != nil && m.planned && m.idle
}

// Members is the member count (#MEMBERS).
func (c *Coordinator) Members() int { return len(c.members) }

// Rebalancing reports whether the group is between leaving Stable and
// reaching it again.
func (c *Coordinator) Rebalancing() bool {
	return c.state == PreparingRebalance || c.state == CompletingRebalance
}

// Protocol is the selected assignor ("" when Empty).
func (c *Coordinator) Protocol() string { return c.protocol }

// Committed is the group's committed offset of tp.
func (c *Coordinator) Committed(tp TP) (int64, bool) { return c.offsets.Get(tp) }

// RemovalHorizon is the earliest time a timer of the coordinator may
// remove a member without a request of that member: the join or sync
// timer. Session timers only remove silent members.
func (c *Coordinator) RemovalHorizon() Time {
	h := protocol.Never
	if c.join.Armed() && c.join.When() < h {
		h = c.join.When()
	}
	if c.sync.Armed() && c.sync.When() < h {
		h = c.sync.When()
	}
	return h
}

// Describe is the group as kafka-consumer-groups shows it: members in
// insertion order with their assignments (empty outside
// CompletingRebalance and Stable).
func (c *Coordinator) Describe() protocol.GroupView {
	v := protocol.GroupView{State: c.state.String(), Generation: c.generation, Protocol: c.protocol}
	for _, m := range c.members {
		mv := protocol.MemberView{ID: m.id, InstanceID: m.instanceID, Proc: m.proc}
		if c.state == Stable || c.state == CompletingRebalance {
			mv.Assignment = m.assignment
		}
		v.Members = append(v.Members, mv)
	}
	return v
}

// hashOrder returns the members in Java HashMap iteration order: Kafka's
// ClassicGroup keeps members in a HashMap<String, ClassicGroupMember>, and
// leader election and the JoinGroup response's member list follow it
// (model.md §2.1).
func (c *Coordinator) hashOrder() []*member {
	ids := make([]string, len(c.members))
	for i, m := range c.members {
		ids[i] = m.id
	}
	order := assignors.JavaStringHashOrder(ids, assignors.JavaDefaultCapacity(c.maxMembers))
	out := make([]*member, len(order))
	for i, j := range order {
		out[i] = c.members[j]
	}
	return out
}

// Receive handles one request (model.md §2).
func (c *Coordinator) Receive(now Time, m *Message) {
	if c.unavailable {
		m.Err = protocol.CoordinatorNotAvailable
		c.out.Respond(m)
		return
	}
	switch m.Kind {
	case protocol.FindCoordinator:
		c.out.Respond(m)
	case protocol.JoinGroup:
		c.onJoinGroup(now, m)
	case protocol.SyncGroup:
		c.onSyncGroup(now, m)
	case protocol.Heartbeat:
		c.onHeartbeat(now, m)
	case protocol.LeaveGroup:
		c.onLeaveGroup(now, m)
	case protocol.OffsetCommit:
		c.onOffsetCommit(now, m)
	case protocol.OffsetFetch:
		c.onOffsetFetch(now, m)
	default:
		panic(fmt.Sprintf("classic: coordinator got %v", m.Kind))
	}
}

// Fire handles one of the coordinator's timers.
func (c *Coordinator) Fire(now Time, id protocol.TimerID, token uint32) {
	switch id.Kind {
	case timerJoin:
		if c.join.Fired(token) {
			c.onJoinTimer(now)
		}
	case timerSync:
		if c.sync.Fired(token) {
			c.expirePendingSync(now)
		}
	case timerSession:
		c.onSessionTimer(now, id.Key, token)
	case timerPending:
		if p := c.pendingByKey[id.Key]; p != nil && p.session.Fired(token) {
			c.tracef("pending member %s expired", Short(p.id))
			c.dropPending(p)
			if c.state == PreparingRebalance && c.allJoined() {
				c.completeJoin(now)
			}
		}
	}
}

func (c *Coordinator) tracef(format string, args ...any) { c.out.Tracef(format, args...) }

// newID is generateMemberId: clientId (or the instance id) + "-" + a UUID.
func (c *Coordinator) newID(prefix string) string { return prefix + "-" + uuid(c.cfg.IDs) }

// uuid is java.util.UUID.randomUUID().toString(): version 4, IETF variant.
func uuid(r interface{ Uint64() uint64 }) string {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// Short abbreviates a member id for traces: the client id and the first 8
// characters of the UUID.
func Short(id string) string {
	if len(id) > 28 {
		return id[:len(id)-28]
	}
	return id
}

// Failover makes the coordinator unreachable (model.md §5.3): pending
// JoinGroup and SyncGroup answers are lost (the clients see
// COORDINATOR_NOT_AVAILABLE), its timers stop, and a rebalance in flight
// will start over when the group is loaded again.
func (c *Coordinator) Failover(now Time) {
	c.unavailable = true
	c.reload = c.Rebalancing()
	for _, m := range c.members {
		c.failJoin(m, protocol.CoordinatorNotAvailable)
		c.fail(&m.awaitingSync, protocol.CoordinatorNotAvailable)
		m.session.Cancel()
	}
	c.pendSync = map[*member]bool{}
	c.join.Cancel()
	c.sync.Cancel()
	c.tracef("unavailable (failover)")
}

// Loaded is the new coordinator serving the group: every member's session
// restarts (onLoaded), so members that reconnect in time cause no
// rebalance; a rebalance that was in flight starts over, since classic
// group state is persisted only at generation boundaries.
func (c *Coordinator) Loaded(now Time) {
	c.unavailable = false
	c.tracef("serving again")
	for _, m := range c.members {
		c.armSession(now, m, m.sessionTimeout)
	}
	if c.reload {
		c.reload = false
		c.state = Stable
		c.prepareRebalance(now, "coordinator moved during a rebalance")
	}
}

// who names a process in traces: the group and the member slot.
func (c *Coordinator) who(p protocol.Proc) string { return fmt.Sprintf("%s#%d", c.cfg.Group, p.Slot) }
