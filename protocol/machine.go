package protocol

// Coordinator is a group coordinator of either protocol, as the world
// drives it. One is chosen per group from the protocol its members speak.
type Coordinator interface {
	// Receive handles a request that reached the coordinator.
	Receive(now Time, m *Message)
	// Fire handles a timer the coordinator armed.
	Fire(now Time, id TimerID, token uint32)
	// Failover makes the coordinator unreachable; Loaded brings it back.
	Failover(now Time)
	Loaded(now Time)
	Out() *Output

	// Committed is the group's committed offset of tp.
	Committed(tp TP) (int64, bool)
	// Describe is the group as kafka-consumer-groups shows it.
	Describe() GroupView
	// Rebalancing: classic, between leaving Stable and reaching it
	// again; consumer protocol, between a new target and every member
	// reconciled to it.
	Rebalancing() bool
	// Generation is the classic generation or the target assignment epoch.
	Generation() int32
	// Members is the member count.
	Members() int
	// Has reports whether process p is a member.
	Has(p Proc) bool
	// Idle reports whether process p is a member that the group's current
	// assignment (classic: the last plan it was in; KIP-848: the target,
	// empty until a target includes it) leaves without partitions.
	Idle(p Proc) bool
	// RemovalHorizon is the earliest time a coordinator timer may remove a
	// member that is not silent (a join, sync or revocation deadline):
	// members may not run ahead of it on their own clock.
	RemovalHorizon() Time
}

// GroupView is a coordinator's state for `simulate describe`.
type GroupView struct {
	State      string
	Generation int32
	Protocol   string
	Members    []MemberView
}

// MemberView is one member and the partitions the coordinator gives it.
type MemberView struct {
	ID, InstanceID string
	Proc           Proc
	Assignment     []TP
}

// Client is a consumer's group client of either protocol, as the world's
// poll loop drives it.
type Client interface {
	// Start: the process starts (subscribe; the first poll finds the
	// coordinator).
	Start(now Time)
	// Poll: the application thread is inside poll(); the client does its
	// group work (join, callbacks due, auto commit).
	Poll(now Time)
	// Gate reports whether poll() may return records now; when it may
	// not, the application thread waits inside poll() for a Wake.
	Gate() bool
	// Busy reports whether the application thread is inside a call into
	// the client that has not returned (commitSync, close): a Wake means
	// it returned only once Busy is false.
	Busy() bool
	// CallbackDone: the callback a Callback effect asked for returned.
	CallbackDone(now Time)
	// CommitSync: the application commits what it processed (commit =
	// "sync"); poll() is not called again before the Wake.
	CommitSync(now Time)
	// Close: KafkaConsumer.close(); the client ends with Stop.
	Close(now Time)
	// PollTimeout: max.poll.interval.ms passed since the last poll().
	PollTimeout(now Time)
	// MetadataRefresh: the periodic metadata refresh.
	MetadataRefresh(now Time)
	// Receive handles a response.
	Receive(now Time, m *Message)
	// Fire handles a timer the client armed.
	Fire(now Time, id TimerID, token uint32)
	Out() *Output

	// PollWorkAt is the earliest time a poll() would do group work (Never:
	// none pending): before it, polls are plain fetches.
	PollWorkAt() Time
	// Horizon is the earliest time the client can change anything by
	// itself (its timers), or 0 while a request is in flight.
	Horizon() Time
	// View is what the member looks like now.
	View() ClientView
}

// ClientView is a client's state for timelines, idle counts and traces.
type ClientView struct {
	MemberID string
	// Generation is the classic generation or the KIP-848 member epoch.
	Generation int32
	// InGroup: joined and not rebalancing (classic Stable, KIP-848 epoch > 0).
	InGroup bool
	// Assigned: received an assignment in this incarnation; Assignment
	// is the latest (an idle member's is empty).
	Assigned   bool
	Assignment []TP
	// Rebalancing: in a join or reconciliation.
	Rebalancing bool
}
