package models

import (
	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
)

// Requests and responses between consumers and the group coordinator travel
// as messages with the scenario's one-way network latency. Delivery is FIFO
// per direction because latency is constant and the queue breaks ties by
// sequence.

type msgKind int

const (
	mFindCoordinator msgKind = iota
	mJoinGroup
	mSyncGroup
	mHeartbeat
	mLeaveGroup
	mOffsetCommit
	mOffsetFetch
	mConsumerHeartbeat // KIP-848 ConsumerGroupHeartbeat
)

var msgNames = [...]string{"FindCoordinator", "JoinGroup", "SyncGroup", "Heartbeat", "LeaveGroup", "OffsetCommit", "OffsetFetch", "ConsumerGroupHeartbeat"}

func (k msgKind) String() string { return msgNames[k] }

// kerr is the Kafka error code of a response.
type kerr int

const (
	errNone kerr = iota
	errMemberIDRequired
	errUnknownMemberID
	errIllegalGeneration
	errRebalanceInProgress
	errCoordinatorNotAvailable
	errFencedInstanceID
	errFencedMemberEpoch    // KIP-848
	errUnreleasedInstanceID // KIP-848
)

var kerrNames = [...]string{"NONE", "MEMBER_ID_REQUIRED", "UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION",
	"REBALANCE_IN_PROGRESS", "COORDINATOR_NOT_AVAILABLE", "FENCED_INSTANCE_ID", "FENCED_MEMBER_EPOCH", "UNRELEASED_INSTANCE_ID"}

func (e kerr) String() string { return kerrNames[e] }

// tpRef names one partition.
type tpRef struct {
	t *topic
	p int32
}

// offsetEntry is one partition's offset in a commit or an offset fetch.
type offsetEntry struct {
	gp  *gpart
	off int64
}

// message is a request on its way to the coordinator and, reused, the
// response on its way back.
type message struct {
	kind msgKind
	m    *member
	inc  int64 // the member's incarnation when it sent the request
	err  kerr

	memberID   string
	instanceID string
	generation int32

	// JoinGroup request: the member's protocol metadata.
	subscription     []string
	owned            []tpRef
	ownedGeneration  int32
	rebalanceTimeout engine.Time
	sessionTimeout   engine.Time
	// JoinGroup response.
	leaderID    string
	joinMembers []assignors.Member // the leader's copy of every member's metadata
	// SyncGroup request (leader) and response.
	plan       []memberPlan
	assignment []tpRef
	// OffsetCommit / OffsetFetch.
	offsets []offsetEntry
	// sync is set for commits the sender waits for (commitSync).
	sync bool
	// purpose tells the member what to do when a commit response arrives.
	purpose commitPurpose
	// interval is the heartbeat interval a KIP-848 coordinator sends.
	interval engine.Time
	// token ties a KIP-848 revocation commit to the reconciliation that
	// sent it (a fenced member abandons its reconciliation).
	token int64
}

type memberPlan struct {
	memberID   string
	assignment []tpRef
}

type commitPurpose int

const (
	commitAsync       commitPurpose = iota // auto commit inside poll
	commitAfterBatch                       // commit = sync
	commitJoinPrepare                      // onJoinPrepare, before rejoining
	commitClose                            // close(), before LeaveGroup
	commitRevoke                           // KIP-848 reconciliation
)

// msgPool recycles message slots; an event's Arg is the slot index.
type msgPool struct {
	slots []*message
	free  []int64
}

func (p *msgPool) get() (int64, *message) {
	if n := len(p.free); n > 0 {
		id := p.free[n-1]
		p.free = p.free[:n-1]
		msg := p.slots[id]
		*msg = message{}
		return id, msg
	}
	msg := &message{}
	p.slots = append(p.slots, msg)
	return int64(len(p.slots) - 1), msg
}

func (p *msgPool) put(id int64) { p.free = append(p.free, id) }

// toBroker sends msg from its member to the group's coordinator.
func (s *Sim) toBroker(id int64) {
	s.q.Push(engine.Event{At: s.now() + s.lat, Kind: evDeliverBroker, Arg: id})
}

// toClient sends the response in msg back to its member.
func (s *Sim) toClient(id int64) {
	s.q.Push(engine.Event{At: s.now() + s.lat, Kind: evDeliverClient, Arg: id})
}

func (s *Sim) deliverToBroker(id int64) {
	msg := s.msgs.slots[id]
	if g := msg.m.g; g.kc != nil {
		g.kc.receive(id, msg)
		return
	}
	msg.m.g.coord.receive(id, msg)
}

func (s *Sim) deliverToClient(id int64) {
	msg := s.msgs.slots[id]
	m := msg.m
	if !m.alive || m.inc != msg.inc {
		// The process that sent the request is gone: nobody reads the answer.
		s.msgs.put(id)
		return
	}
	m.receive(msg)
	s.msgs.put(id)
}
