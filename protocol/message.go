package protocol

import "github.com/rebalance-sim/rebalance-sim/assignors"

// Kind is the API a request belongs to (Kafka's ApiKeys).
type Kind uint8

const (
	FindCoordinator Kind = iota
	JoinGroup
	SyncGroup
	Heartbeat
	LeaveGroup
	OffsetCommit
	OffsetFetch
	ConsumerGroupHeartbeat // KIP-848
)

var kindNames = [...]string{"FindCoordinator", "JoinGroup", "SyncGroup", "Heartbeat", "LeaveGroup",
	"OffsetCommit", "OffsetFetch", "ConsumerGroupHeartbeat"}

func (k Kind) String() string { return kindNames[k] }

// Err is a Kafka error code, as a response carries it.
type Err uint8

const (
	None Err = iota
	MemberIDRequired
	UnknownMemberID
	IllegalGeneration
	RebalanceInProgress
	CoordinatorNotAvailable
	FencedInstanceID
	FencedMemberEpoch    // KIP-848
	UnreleasedInstanceID // KIP-848
	StaleMemberEpoch     // KIP-848 OffsetCommit with an older epoch
)

var errNames = [...]string{"NONE", "MEMBER_ID_REQUIRED", "UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION",
	"REBALANCE_IN_PROGRESS", "COORDINATOR_NOT_AVAILABLE", "FENCED_INSTANCE_ID", "FENCED_MEMBER_EPOCH",
	"UNRELEASED_INSTANCE_ID", "STALE_MEMBER_EPOCH"}

func (e Err) String() string { return errNames[e] }

// Offset is one partition's offset in a commit or an offset fetch; Off is
// -1 in a fetch answer when the group has no committed offset.
type Offset struct {
	TP  TP
	Off int64
}

// MemberAssignment is one member's part of the leader's plan.
type MemberAssignment struct {
	MemberID string
	Parts    []TP
}

// Message is a request on its way to the coordinator and, filled in by the
// coordinator, the response on its way back. One value serves both because
// a response always answers exactly one request (Corr ties them together
// on the client side).
type Message struct {
	Kind Kind
	From Proc
	// Corr is the client's correlation id for the request.
	Corr int64
	Err  Err

	MemberID   string
	InstanceID string
	// ClientID is client.id (a classic member id starts with it).
	ClientID string
	// Generation is the classic generation id, or the KIP-848 member
	// epoch (0 join, -1 leave, -2 static leave).
	Generation int32

	// JoinGroup and ConsumerGroupHeartbeat requests: the member's metadata.
	Subscription []string
	// Rack is the member's client.rack ("" for none): the rackId of the
	// classic subscription (ConsumerProtocolSubscription v3, which the
	// leader's assignor reads) and the RackId a KIP-848 member sends when
	// it joins (ConsumerGroupHeartbeatRequest; the coordinator keeps it).
	Rack string
	// Protocols lists the member's assignors in preference order
	// (partition.assignment.strategy), for protocol selection.
	Protocols []string
	// Owned is the subscription's ownedPartitions field (cooperative: what
	// the member owns; eager: nothing, it revoked first), or the owned
	// partitions a KIP-848 heartbeat reports.
	Owned []TP
	// HasOwned: a KIP-848 heartbeat carries Owned. The client sends it only
	// when it changed since the last one it sent (null otherwise), and the
	// coordinator then assumes the member still owns what it was assigned.
	HasOwned bool
	// UserData is the StickyAssignor's userData: the member's previous
	// assignment and its generation (eager sticky reads only this).
	UserData           []TP
	UserDataGeneration int32
	RebalanceTimeout   Time
	SessionTimeout     Time

	// JoinGroup response.
	LeaderID string
	Protocol string             // the selected assignor
	Members  []assignors.Member // the leader's copy of every member's metadata (the protocol's own view of owned partitions)

	// SyncGroup request (the leader's plan) and response.
	Plan       []MemberAssignment
	Assignment []TP
	// HasAssignment: a KIP-848 heartbeat response carries an assignment
	// (otherwise the member's assignment did not change).
	HasAssignment bool

	// OffsetCommit request; OffsetFetch response.
	Offsets []Offset
	// OffsetFetch request.
	Parts []TP
	// Fill asks the world to fill Offsets with the sender's consumed
	// positions just before the commit leaves (the client does not own
	// positions: the data plane does).
	Fill bool

	// Interval is the heartbeat interval a KIP-848 coordinator sends.
	Interval Time
}
