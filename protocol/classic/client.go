package classic

import (
	"fmt"
	"slices"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// ClientConfig is one consumer's group settings (ConsumerConfig).
type ClientConfig struct {
	Proc protocol.Proc
	// Name prefixes trace lines (the world's name for the member).
	Name                 string
	ClientID, InstanceID string
	// Rack is client.rack ("" for none), sent in the subscription.
	Rack         string
	Subscription []string
	// Protocols is partition.assignment.strategy, in preference order;
	// Rebalance is the rebalance protocol they all support (eager unless
	// every one supports cooperative, model.md §3.1).
	Protocols          []string
	Rebalance          assignors.RebalanceProtocol
	SessionTimeout     Time
	HeartbeatInterval  Time
	RebalanceTimeout   Time // max.poll.interval.ms
	AutoCommit         bool
	AutoCommitInterval Time
	RetryBackoff       Time
	RetryBackoffMax    Time
	// AssignmentTime is how long the leader's assignor takes.
	AssignmentTime Time
	// RevokeCallback: onPartitionsRevoked does work (revoke_time > 0), so
	// the application thread runs it.
	RevokeCallback bool
	MetadataMaxAge Time
	Topology       *protocol.Topology
}

type cstate int8

const (
	cFinding  cstate = iota // FindCoordinator in flight
	cUnjoined               // coordinator known, not in a generation
	cJoining                // JoinGroup in flight (PREPARING_REBALANCE)
	cSyncing                // SyncGroup in flight, or the leader assigning (COMPLETING_REBALANCE)
	cStable
	cClosed
)

var cstateNames = [...]string{"FINDING", "UNJOINED", "PREPARING_REBALANCE", "COMPLETING_REBALANCE", "STABLE", "CLOSED"}

func (s cstate) String() string { return cstateNames[s] }

// Timer kinds of the client.
const (
	timerHeartbeat uint8 = iota + 1
	timerRetry
	timerAssign // the leader's assignor finishes
)

// purpose says what the client does when an OffsetCommit answer comes.
type purpose int8

const (
	commitAuto    purpose = iota // auto commit inside poll(): nobody waits
	commitBatch                  // commitSync after a batch (commit = "sync")
	commitPrepare                // onJoinPrepare, before rejoining
	commitClose                  // close(), before leaving
)

// then is what the client does once the application thread returns from
// the callback a Callback effect asked for.
type then int8

const (
	thenNothing  then = iota
	thenJoin          // onJoinPrepare done: send JoinGroup
	thenComplete      // cooperative onJoinComplete: assign what was added
	thenLeave         // close(): leave and stop
)

type retry int8

const (
	retryNone retry = iota
	retryFind
	retryJoin
	retryCommit
	retryFetch
)

// Client is the classic group client of one consumer process.
type Client struct {
	cfg ClientConfig
	out protocol.Output

	st         cstate
	memberID   string
	generation int32
	// rejoinNeeded is requestRejoin; needsJoinPrepare says onJoinPrepare
	// must run before the next JoinGroup (it ran for the join in flight).
	rejoinNeeded     bool
	needsJoinPrepare bool
	prepareCommitted bool // onJoinPrepare's commit came back
	// prepareRetryAt: onJoinPrepare's commit failed retriably; it commits
	// again, what was consumed by then, at a poll() from this time on.
	prepareRetryAt Time
	isLeader       bool

	owned []TP // SubscriptionState's assignment
	// userData is the StickyAssignor's memory: the last assignment and its
	// generation (model.md §3.3).
	userData    []TP
	userDataGen int32
	assigned    bool // received an assignment in this incarnation
	// pending is a SyncGroup answer the next poll() installs
	// (onJoinComplete runs inside poll).
	pending    []TP
	hasPending bool
	pendingGen int32
	added      []TP // partitions onJoinComplete assigns after the callback

	hb         protocol.Timer
	hbInFlight bool
	// spare is a response the client is done with: heartbeats and auto
	// commits are most of a long run's messages, and a request comes back
	// as its own response, so the next one reuses it (its Offsets array
	// too) instead of allocating.
	spare      *Message
	retry      protocol.Timer
	retryWhat  retry
	retryFor   purpose
	retryMsg   *Message // the commit to send again: the same offsets
	retryParts []TP
	retries    int
	assignT    protocol.Timer
	plan       []protocol.MemberAssignment

	assignor     assignors.Assignor
	assignedWith []int32 // partition counts the leader's last plan used

	corr      int64
	inFlight  int // requests awaiting an answer
	commits   []pendingCommit
	blocking  bool // commitSync or close's commit in flight: poll() is not called
	callback  then
	inCB      bool
	startedAt Time
	nextAuto  Time
	closing   bool
}

type pendingCommit struct {
	corr int64
	why  purpose
}

// NewClient returns the client of a process that has not started.
func NewClient(cfg ClientConfig, trace bool) *Client {
	c := &Client{cfg: cfg, generation: -1, userDataGen: -1, st: cClosed}
	c.out.Tracing = trace
	return c
}

func (c *Client) Out() *protocol.Output { return &c.out }

// tracef traces a step, naming the member by its id at that moment (the
// world prefixes the process).
func (c *Client) tracef(format string, args ...any) {
	if c.out.Tracing {
		id := "(no id)"
		if c.memberID != "" {
			id = Short(c.memberID)
		}
		c.out.Tracef("["+id+"] "+format, args...)
	}
}

func (c *Client) eager() bool { return c.cfg.Rebalance == assignors.Eager }

// Start is KafkaConsumer.subscribe and the first poll(): find the
// coordinator.
func (c *Client) Start(now Time) {
	c.st = cFinding
	c.startedAt = now
	c.rejoinNeeded, c.needsJoinPrepare = true, true
	c.tracef("starts")
	c.send(&Message{Kind: protocol.FindCoordinator})
}

func (c *Client) send(m *Message) {
	c.corr++
	m.Corr = c.corr
	m.From = c.cfg.Proc
	c.inFlight++
	c.out.Send(m)
}

// View is the member as timelines and idle counts see it.
func (c *Client) View() protocol.ClientView {
	return protocol.ClientView{MemberID: c.memberID, Generation: c.generation, InGroup: c.st == cStable && !c.hasPending,
		Assigned: c.assigned, Assignment: c.userData, Rebalancing: c.st == cJoining || c.st == cSyncing || c.st == cUnjoined || c.st == cFinding}
}

// Gate reports whether poll() may return records (model.md §3.2): eager
// members and members owning nothing wait inside poll() for the group;
// cooperative members keep processing what they own through a rebalance.
func (c *Client) Gate() bool {
	switch {
	case c.st == cClosed || c.st == cFinding || c.closing || c.blocking:
		return false
	case c.st == cStable:
		return !c.hasPending || !c.eager()
	case c.eager():
		return false
	}
	return len(c.owned) > 0
}

// Busy: a commitSync or close is in progress.
func (c *Client) Busy() bool { return c.blocking || c.closing }

// PollWorkAt is when a poll() next has group work: now while a join,
// an assignment or a rejoin is pending, else the next auto commit.
func (c *Client) PollWorkAt() Time {
	switch {
	case c.st == cClosed:
		return protocol.Never
	case c.st != cStable || c.rejoinNeeded || c.hasPending || c.closing:
		return 0
	case c.cfg.AutoCommit && len(c.owned) > 0:
		return c.nextAuto
	}
	return protocol.Never
}

// Horizon is the earliest time the client acts by itself.
func (c *Client) Horizon() Time {
	if c.inFlight > 0 || c.retry.Armed() || c.assignT.Armed() {
		return 0
	}
	if c.hb.Armed() {
		return c.hb.When()
	}
	return protocol.Never
}

// Fire handles the client's timers.
func (c *Client) Fire(now Time, id protocol.TimerID, token uint32) {
	switch id.Kind {
	case timerHeartbeat:
		if c.hb.Fired(token) {
			c.onHeartbeatTimer(now)
		}
	case timerRetry:
		if c.retry.Fired(token) {
			c.onRetry(now)
		}
	case timerAssign:
		if c.assignT.Fired(token) && c.st == cSyncing {
			c.sendSync(c.plan)
		}
	}
}

// newMessage is a zeroed message, the spare one if there is one.
func (c *Client) newMessage() *Message {
	m := c.spare
	if m == nil {
		return &Message{}
	}
	c.spare = nil
	offs := m.Offsets[:0]
	*m = Message{Offsets: offs}
	return m
}

// backoff is the next retry delay: retry.backoff.ms doubling up to
// retry.backoff.max.ms (KIP-580).
func (c *Client) backoff() Time {
	d := c.cfg.RetryBackoff
	for i := 0; i < c.retries && d < c.cfg.RetryBackoffMax; i++ {
		d *= 2
	}
	c.retries++
	return min(d, c.cfg.RetryBackoffMax)
}

func (c *Client) retryAfterBackoff(now Time, what retry) {
	c.retryAfterBackoffAt(now.Add(c.backoff()), what)
}

func (c *Client) retryAfterBackoffAt(at Time, what retry) {
	c.retryWhat = what
	c.retry.Arm(&c.out, protocol.TimerID{Kind: timerRetry}, at)
}

func (c *Client) onRetry(now Time) {
	switch c.retryWhat {
	case retryFind:
		c.send(&Message{Kind: protocol.FindCoordinator})
	case retryJoin:
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
	case retryCommit:
		c.resend(c.retryMsg, c.retryFor)
	case retryFetch:
		var parts []TP
		for _, tp := range c.retryParts {
			if slices.Contains(c.owned, tp) {
				parts = append(parts, tp)
			}
		}
		c.fetchPositions(parts)
	}
}

// Receive handles a response from the coordinator.
func (c *Client) Receive(now Time, m *Message) {
	c.inFlight--
	if c.st == cClosed {
		return
	}
	switch m.Kind {
	case protocol.FindCoordinator:
		c.onFindCoordinator(now, m)
	case protocol.JoinGroup:
		c.onJoinResponse(now, m)
	case protocol.SyncGroup:
		c.onSyncResponse(now, m)
	case protocol.Heartbeat:
		c.onHeartbeatResponse(now, m)
		c.spare = m
	case protocol.OffsetCommit:
		c.onCommitResponse(now, m)
		if c.retryMsg != m {
			c.spare = m
		}
	case protocol.OffsetFetch:
		c.onOffsetFetchResponse(now, m)
	case protocol.LeaveGroup:
	default:
		panic(fmt.Sprintf("classic: client got %v", m.Kind))
	}
}

func (c *Client) onFindCoordinator(now Time, m *Message) {
	if c.st != cFinding {
		return
	}
	if m.Err == protocol.CoordinatorNotAvailable {
		c.retryAfterBackoff(now, retryFind)
		return
	}
	c.retries = 0
	c.st = cUnjoined
	c.out.Add(protocol.Effect{Kind: protocol.Wake})
}

// Poll is ConsumerCoordinator.poll inside KafkaConsumer.poll (model.md
// §3.2): install an assignment that arrived, rejoin if needed, auto commit
// when due.
func (c *Client) Poll(now Time) {
	if c.st == cClosed || c.st == cFinding || c.inCB || c.blocking {
		return
	}
	if c.hasPending {
		c.onJoinComplete(now)
		if c.inCB {
			return
		}
	}
	if c.st == cUnjoined || (c.rejoinNeeded && c.st == cStable) {
		c.joinGroupIfNeeded(now)
		if c.inCB {
			return
		}
	}
	if c.cfg.AutoCommit && c.st == cStable && !c.hasPending && now >= c.nextAuto {
		if len(c.owned) > 0 {
			c.commit(commitAuto)
		}
		c.nextAuto = now.Add(c.cfg.AutoCommitInterval)
	}
}

// joinGroupIfNeeded runs onJoinPrepare (once per join), then sends
// JoinGroup.
func (c *Client) joinGroupIfNeeded(now Time) {
	if c.needsJoinPrepare {
		if !c.onJoinPrepare(now) {
			return // its commit is in flight, or its callback runs
		}
	}
	c.sendJoin(now)
}

// onJoinPrepare is ConsumerCoordinator.onJoinPrepare (model.md §3.3): with
// auto commit, commit what was consumed and wait for it (eager members stop
// fetching first); then lose everything if the generation was reset,
// revoke everything if eager. It reports whether JoinGroup may go now.
func (c *Client) onJoinPrepare(now Time) bool {
	valid := c.generation >= 0 && c.memberID != ""
	if c.cfg.AutoCommit && valid && len(c.owned) > 0 && !c.prepareCommitted {
		if !c.pendingCommit(commitPrepare) {
			if now < c.prepareRetryAt {
				return false // backing off (the retry timer wakes the poll)
			}
			if c.eager() {
				c.out.Add(protocol.Effect{Kind: protocol.PauseFetch, Parts: slices.Clone(c.owned)})
			}
			c.commit(commitPrepare)
		}
		return false
	}
	c.needsJoinPrepare, c.prepareCommitted = false, false
	c.isLeader = false
	switch {
	case !valid && len(c.owned) > 0:
		c.tracef("lost its partitions")
		c.out.Add(protocol.Effect{Kind: protocol.Lose, Parts: c.owned})
		c.owned = nil
		if c.cfg.RevokeCallback {
			// onPartitionsLost's default is onPartitionsRevoked.
			c.startCallback(thenJoin)
			return false
		}
	case c.eager() && len(c.owned) > 0:
		c.tracef("revokes %s", c.cfg.Topology.Join(c.owned))
		c.out.Add(protocol.Effect{Kind: protocol.Revoke, Parts: c.owned, Gen: c.generation, Eager: true})
		c.owned = nil
		if c.cfg.RevokeCallback {
			c.startCallback(thenJoin)
			return false
		}
	}
	return true
}

func (c *Client) startCallback(next then) {
	c.inCB = true
	c.callback = next
	c.out.Add(protocol.Effect{Kind: protocol.Callback})
}

// CallbackDone continues where the callback was called from.
func (c *Client) CallbackDone(now Time) {
	if !c.inCB {
		return
	}
	c.inCB = false
	next := c.callback
	c.callback = thenNothing
	switch next {
	case thenJoin:
		c.sendJoin(now)
	case thenComplete:
		c.assignAdded()
	case thenLeave:
		c.leave(now)
	}
}

// sendJoin sends JoinGroup with the member's protocol metadata; the
// heartbeat thread pauses until the answer (model.md §3.2).
func (c *Client) sendJoin(now Time) {
	if c.st == cClosed {
		return
	}
	m := &Message{Kind: protocol.JoinGroup, MemberID: c.memberID, InstanceID: c.cfg.InstanceID, ClientID: c.cfg.ClientID,
		Subscription: c.cfg.Subscription, Rack: c.cfg.Rack, Protocols: c.cfg.Protocols, Generation: c.generation,
		Owned: slices.Clone(c.owned), UserData: c.userData, UserDataGeneration: c.userDataGen,
		RebalanceTimeout: c.cfg.RebalanceTimeout, SessionTimeout: c.cfg.SessionTimeout}
	c.st = cJoining
	c.rejoinNeeded = false
	c.hb.Cancel()
	c.tracef("sends JoinGroup")
	c.send(m)
}

func (c *Client) onJoinResponse(now Time, m *Message) {
	if c.st != cJoining {
		return
	}
	switch m.Err {
	case protocol.None:
	case protocol.MemberIDRequired:
		c.memberID = m.MemberID
		c.sendJoin(now)
		return
	case protocol.UnknownMemberID:
		c.resetAndRejoin(true)
		return
	case protocol.FencedInstanceID:
		c.tracef("fenced: another process took its group.instance.id; it stops")
		c.stop()
		return
	case protocol.CoordinatorNotAvailable:
		c.st = cUnjoined
		c.retryAfterBackoff(now, retryJoin)
		return
	default:
		c.resetAndRejoin(false)
		return
	}
	c.retries = 0
	c.memberID, c.generation = m.MemberID, m.Generation
	c.st = cSyncing
	c.armHeartbeat(now)
	if m.LeaderID != c.memberID {
		c.sendSync(nil)
		return
	}
	c.isLeader = true
	c.tracef("leads generation %d (%d members)", m.Generation, len(m.Members))
	c.plan = c.runAssignor(now, m.Protocol, m.Members)
	if c.cfg.AssignmentTime > 0 {
		c.assignT.Arm(&c.out, protocol.TimerID{Kind: timerAssign}, now.Add(c.cfg.AssignmentTime))
		return
	}
	c.sendSync(c.plan)
}

// runAssignor computes the plan as the leader, with the partition counts
// the leader's metadata has (its last refresh, model.md §3.6). The
// assignor instance belongs to this process: the sticky assignors remember
// the highest generation they saw, and a new leader starts fresh.
func (c *Client) runAssignor(now Time, name string, members []assignors.Member) []protocol.MemberAssignment {
	if c.assignor == nil || c.assignor.Name() != name {
		a, err := assignors.New(name)
		if err != nil {
			panic(fmt.Sprintf("classic: %v", err))
		}
		c.assignor = a
	}
	top := c.cfg.Topology
	in := &assignors.Group{Members: members}
	c.assignedWith = c.assignedWith[:0]
	refresh := c.lastMetadataRefresh(now)
	for i, name := range top.Names {
		n := top.Partitions(i, refresh)
		c.assignedWith = append(c.assignedWith, n)
		// The leader's metadata also gives each partition's replicas and
		// their brokers' racks (Cluster), which the rack-aware assignors
		// read (KIP-881).
		in.Topics = append(in.Topics, assignors.Topic{Name: name, Partitions: n, Racks: top.ReplicaRacks(i, n)})
	}
	plan, err := c.assignor.Assign(in)
	if err != nil {
		panic(fmt.Sprintf("classic: assignor %s failed: %v", name, err))
	}
	if err := assignors.CheckPlan(in, plan, c.eager()); err != nil {
		panic(fmt.Sprintf("classic: assignor %s broke its contract: %v", name, err))
	}
	out := make([]protocol.MemberAssignment, len(plan))
	for i, a := range plan {
		out[i] = protocol.MemberAssignment{MemberID: a.MemberID, Parts: protocol.FromAssignor(top, a.Topics)}
	}
	return out
}

// lastMetadataRefresh is when the member last refreshed its metadata: at
// its start and every metadata.max.age.ms after (metadata changes are
// found by clients, not by the broker).
func (c *Client) lastMetadataRefresh(now Time) Time {
	age := c.cfg.MetadataMaxAge
	if age <= 0 || now < c.startedAt {
		return now
	}
	return c.startedAt + (now-c.startedAt)/age*age
}

func (c *Client) sendSync(plan []protocol.MemberAssignment) {
	c.send(&Message{Kind: protocol.SyncGroup, MemberID: c.memberID, InstanceID: c.cfg.InstanceID, Generation: c.generation, Plan: plan})
}

func (c *Client) onSyncResponse(now Time, m *Message) {
	if c.st != cSyncing || m.Generation != c.generation {
		return
	}
	switch m.Err {
	case protocol.None:
	case protocol.RebalanceInProgress:
		// Rejoin at once; onJoinPrepare already ran for this join.
		c.st = cUnjoined
		c.rejoinNeeded = true
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
		return
	case protocol.FencedInstanceID:
		c.tracef("fenced: another process took its group.instance.id; it stops")
		c.stop()
		return
	case protocol.CoordinatorNotAvailable:
		c.st = cUnjoined
		c.retryAfterBackoff(now, retryJoin)
		return
	default:
		c.resetAndRejoin(m.Err == protocol.UnknownMemberID)
		return
	}
	c.st = cStable
	c.pending, c.hasPending, c.pendingGen = m.Assignment, true, c.generation
	c.out.Add(protocol.Effect{Kind: protocol.Wake}) // the next poll() installs it
}

// onJoinComplete installs the assignment (model.md §3.4): eager members
// start from nothing; cooperative members revoke what they lost (and rejoin
// at once if they revoked anything), then add what they gained. New
// partitions need their committed offsets first (OffsetFetch).
func (c *Client) onJoinComplete(now Time) {
	assignment := c.pending
	c.pending, c.hasPending = nil, false
	c.userData, c.userDataGen, c.assigned = assignment, c.pendingGen, true
	c.nextAuto = now.Add(c.cfg.AutoCommitInterval)
	c.needsJoinPrepare = true
	var revoked []TP
	for _, tp := range c.owned {
		if !slices.Contains(assignment, tp) {
			revoked = append(revoked, tp)
		}
	}
	c.added = c.added[:0]
	for _, tp := range assignment {
		if !slices.Contains(c.owned, tp) {
			c.added = append(c.added, tp)
		}
	}
	c.owned = slices.Clone(assignment)
	if len(assignment) == 0 {
		c.tracef("assigned nothing (generation %d)", c.generation)
	} else {
		c.tracef("assigned %s (generation %d)", c.cfg.Topology.Join(assignment), c.generation)
	}
	if len(revoked) > 0 {
		c.tracef("revokes %s", c.cfg.Topology.Join(revoked))
		c.out.Add(protocol.Effect{Kind: protocol.Revoke, Parts: revoked, Gen: c.generation})
		c.rejoinNeeded = true
		if c.cfg.RevokeCallback {
			c.startCallback(thenComplete)
			return
		}
	}
	c.assignAdded()
}

func (c *Client) assignAdded() {
	if len(c.added) == 0 {
		return
	}
	added := slices.Clone(c.added)
	c.out.Add(protocol.Effect{Kind: protocol.Assign, Parts: added, Gen: c.userDataGen})
	c.fetchPositions(added)
}

// fetchPositions asks the coordinator for the committed offsets of newly
// assigned partitions (ConsumerCoordinator.fetchCommittedOffsets).
func (c *Client) fetchPositions(parts []TP) {
	if len(parts) == 0 {
		return
	}
	c.send(&Message{Kind: protocol.OffsetFetch, MemberID: c.memberID, Generation: c.generation, Parts: parts})
}

func (c *Client) onOffsetFetchResponse(now Time, m *Message) {
	if m.Err == protocol.CoordinatorNotAvailable {
		c.retryParts = m.Parts
		c.retryAfterBackoff(now, retryFetch)
		return
	}
	var offs []protocol.Offset
	for _, o := range m.Offsets {
		if slices.Contains(c.owned, o.TP) {
			offs = append(offs, o)
		}
	}
	if len(offs) > 0 {
		c.out.Add(protocol.Effect{Kind: protocol.Positions, Offsets: offs})
	}
	c.out.Add(protocol.Effect{Kind: protocol.Wake})
}

// resetAndRejoin is resetStateAndRejoin: the generation (and with resetID
// the member id) is forgotten, so the next onJoinPrepare loses what the
// member owns; the heartbeat thread stops until the next join.
func (c *Client) resetAndRejoin(resetID bool) {
	c.generation = -1
	if resetID {
		c.memberID = ""
	}
	c.st = cUnjoined
	c.rejoinNeeded, c.needsJoinPrepare, c.prepareCommitted = true, true, false
	c.hasPending = false
	c.hb.Cancel()
	c.out.Add(protocol.Effect{Kind: protocol.Wake})
}

// stop ends the process's part in the group (fenced for good, or closed).
func (c *Client) stop() {
	c.st = cClosed
	c.hb.Cancel()
	c.retry.Cancel()
	c.assignT.Cancel()
	c.out.Add(protocol.Effect{Kind: protocol.Stop})
}
