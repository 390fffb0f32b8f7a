package consumer

import (
	"encoding/base64"
	"fmt"
	"slices"

	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// ClientConfig is one consumer's settings (group.protocol = consumer).
type ClientConfig struct {
	Proc       protocol.Proc
	Name       string
	InstanceID string
	// MemberID is the id the client draws once at startup (KIP-1082): a
	// random Uuid in Kafka's base64 form (NewMemberID).
	MemberID string
	// Rack is client.rack ("" for none), sent with the full heartbeat of
	// a join.
	Rack               string
	Subscription       []string
	RebalanceTimeout   Time // max.poll.interval.ms
	AutoCommit         bool
	AutoCommitInterval Time
	RetryBackoff       Time
	RetryBackoffMax    Time
	// RevokeCallback: the rebalance listener does work (revoke_time > 0).
	RevokeCallback bool
	Topology       *protocol.Topology
}

// NewMemberID is a random Uuid in Kafka's string form (22 characters of
// URL-safe base64), from a seeded stream.
func NewMemberID(r interface{ Uint64() uint64 }) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// cstate is the membership manager's MemberState.
type cstate int8

const (
	kClosed cstate = iota
	kFinding
	kJoining
	kReconciling
	kAcknowledging
	kStable
	kStale // left after a poll timeout; rejoins at the next poll()
)

var cstateNames = [...]string{"CLOSED", "FINDING", "JOINING", "RECONCILING", "ACKNOWLEDGING", "STABLE", "STALE"}

func (s cstate) String() string { return cstateNames[s] }

const (
	timerHeartbeat uint8 = iota + 1
	timerRetry
)

type purpose int8

const (
	commitAuto   purpose = iota
	commitBatch          // commitSync after a batch
	commitRevoke         // auto commit before reconciling (maybeAutoCommitSyncBeforeRebalance)
	commitClose
)

// Client is the KIP-848 membership manager of one consumer process
// (AsyncKafkaConsumer's ConsumerMembershipManager and heartbeat request
// manager).
type Client struct {
	cfg ClientConfig
	out protocol.Output

	st       cstate
	memberID string
	epoch    int32
	interval Time

	owned     []TP // SubscriptionState's assignment
	target    []TP // the latest assignment the coordinator sent
	hasTarget bool
	assigned  bool

	// reconciliation in progress (model.md §4.5)
	inProgress  bool
	seq         int64
	revoked     []TP
	added       []TP
	callbackDue bool // onPartitionsRevoked waits for the application thread
	applyDue    bool // the new assignment waits for the application thread
	lostDue     bool // onPartitionsLost waits for it (fenced)
	inCB        bool
	afterCB     func(now Time)

	hb         protocol.Timer
	hbInFlight bool
	sentOwned  []TP // the owned partitions the last heartbeat carried
	sentValid  bool
	again      bool  // heartbeat at once when the one in flight returns
	leaveCorr  int64 // the leave heartbeat's correlation id
	retry      protocol.Timer
	retryWhat  purpose
	retryMsg   *Message
	// spare is a response the client is done with, reused for its next
	// request (a request comes back as its own response): heartbeats and
	// auto commits are most of a long run's messages.
	spare   *Message
	retries int

	corr     int64
	inFlight int
	commits  []pendingCommit
	blocking bool
	nextAuto Time
	closing  bool
	stopped  bool
}

type pendingCommit struct {
	corr int64
	why  purpose
	seq  int64
}

// NewClient returns the client of a process that has not started.
func NewClient(cfg ClientConfig, trace bool) *Client {
	c := &Client{cfg: cfg, memberID: cfg.MemberID, st: kClosed}
	c.out.Tracing = trace
	return c
}

func (c *Client) Out() *protocol.Output { return &c.out }

// tracef traces a step, naming the member by its id (the world prefixes
// the process).
func (c *Client) tracef(format string, args ...any) {
	if c.out.Tracing {
		c.out.Tracef("["+Short(c.memberID)+"] "+format, args...)
	}
}

func (c *Client) send(m *Message) {
	c.corr++
	m.Corr = c.corr
	m.From = c.cfg.Proc
	c.inFlight++
	c.out.Send(m)
}

// Start finds the coordinator; the first heartbeat (epoch 0) joins.
func (c *Client) Start(now Time) {
	c.st = kFinding
	c.tracef("starts")
	c.send(&Message{Kind: protocol.FindCoordinator})
}

func (c *Client) View() protocol.ClientView {
	return protocol.ClientView{MemberID: c.memberID, Generation: c.epoch, InGroup: c.epoch > 0 && c.st != kStale,
		Assigned: c.assigned, Assignment: c.owned, Rebalancing: c.st == kJoining || c.st == kReconciling || c.st == kAcknowledging || c.st == kFinding || c.st == kStale}
}

// Gate: no barrier in this protocol (model.md §4.1); poll() waits only
// for the coordinator at startup, a commitSync or close.
func (c *Client) Gate() bool {
	return c.st != kClosed && c.st != kFinding && !c.blocking && !c.closing
}

// Busy: a commitSync or close is in progress.
func (c *Client) Busy() bool { return c.blocking || c.closing }

// PollWorkAt is when a poll() next has group work.
func (c *Client) PollWorkAt() Time {
	switch {
	case c.st == kClosed:
		return protocol.Never
	case c.st != kStable || c.callbackDue || c.applyDue || c.lostDue || c.closing:
		return 0
	case c.cfg.AutoCommit && len(c.owned) > 0:
		return c.nextAuto
	}
	return protocol.Never
}

func (c *Client) Horizon() Time {
	if c.inFlight > 0 || c.retry.Armed() {
		return 0
	}
	if c.hb.Armed() {
		return c.hb.When()
	}
	return protocol.Never
}

func (c *Client) Fire(now Time, id protocol.TimerID, token uint32) {
	switch id.Kind {
	case timerHeartbeat:
		if c.hb.Fired(token) {
			c.heartbeatNow()
		}
	case timerRetry:
		if c.retry.Fired(token) {
			switch {
			case c.st == kFinding:
				c.send(&Message{Kind: protocol.FindCoordinator})
			default:
				// The same offsets again: what was consumed when the
				// commit was made.
				m := &Message{Kind: protocol.OffsetCommit, MemberID: c.memberID, InstanceID: c.cfg.InstanceID,
					Generation: c.epoch, Offsets: slices.Clone(c.retryMsg.Offsets)}
				c.send(m)
				c.commits = append(c.commits, pendingCommit{corr: m.Corr, why: c.retryWhat})
			}
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

func (c *Client) backoff() Time {
	d := c.cfg.RetryBackoff
	for i := 0; i < c.retries && d < c.cfg.RetryBackoffMax; i++ {
		d *= 2
	}
	c.retries++
	return min(d, c.cfg.RetryBackoffMax)
}

// heartbeatNow sends a ConsumerGroupHeartbeat at once, or as soon as the
// one in flight is answered.
func (c *Client) heartbeatNow() {
	if c.stopped || c.st == kClosed || c.st == kFinding || c.st == kStale {
		return
	}
	if c.hbInFlight {
		c.again = true
		return
	}
	c.hb.Cancel()
	c.hbInFlight = true
	m := c.newMessage()
	m.Kind, m.MemberID, m.InstanceID = protocol.ConsumerGroupHeartbeat, c.memberID, c.cfg.InstanceID
	m.Generation, m.Subscription, m.RebalanceTimeout = c.epoch, c.cfg.Subscription, c.cfg.RebalanceTimeout
	// HeartbeatState.buildRequestData: the owned partitions go only when
	// they changed since they were last sent, or on a join.
	if c.st == kJoining || !c.sentValid {
		// The fields sent only in a full request (buildRequestData with
		// sendAllFields): the rack, which the coordinator keeps.
		m.Rack = c.cfg.Rack
	}
	if c.st == kJoining || !c.sentValid || !slices.Equal(c.sentOwned, c.owned) {
		m.Owned, m.HasOwned = slices.Clone(c.owned), true
		c.sentOwned, c.sentValid = m.Owned, true
	}
	c.send(m)
}

func (c *Client) armHeartbeat(now Time, d Time) {
	c.hb.Arm(&c.out, protocol.TimerID{Kind: timerHeartbeat}, now.Add(d))
}

// Receive handles a response.
func (c *Client) Receive(now Time, m *Message) {
	c.inFlight--
	if c.stopped {
		return
	}
	switch m.Kind {
	case protocol.FindCoordinator:
		if c.st != kFinding {
			return
		}
		if m.Err == protocol.CoordinatorNotAvailable {
			c.retry.Arm(&c.out, protocol.TimerID{Kind: timerRetry}, now+c.backoff())
			return
		}
		c.retries = 0
		c.st = kJoining
		c.epoch = 0
		c.heartbeatNow()
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
	case protocol.ConsumerGroupHeartbeat:
		c.onHeartbeatResponse(now, m)
		c.spare = m
	case protocol.OffsetCommit:
		c.onCommitResponse(now, m)
		if c.retryMsg != m {
			c.spare = m
		}
	case protocol.OffsetFetch:
		if m.Err == protocol.CoordinatorNotAvailable {
			c.fetchPositions(m.Parts) // the coordinator moves: ask again
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
	default:
		panic(fmt.Sprintf("consumer: client got %v", m.Kind))
	}
}

func (c *Client) onHeartbeatResponse(now Time, m *Message) {
	if m.Corr == c.leaveCorr {
		return // the answer to a leave
	}
	c.hbInFlight = false
	again := c.again
	c.again = false
	if m.Err != protocol.None {
		c.sentValid = false // resetHeartbeatState: every field goes again
	}
	if c.st == kStale || c.closing {
		if again {
			c.heartbeatNow()
		}
		return // about a membership the member has left
	}
	switch m.Err {
	case protocol.None:
	case protocol.CoordinatorNotAvailable:
		c.armHeartbeat(now, c.backoff())
		return
	case protocol.UnreleasedInstanceID:
		// Kafka 4.4 raises a fatal error; the process's supervisor starts
		// it again, which we model as a retry after the client's backoff
		// until the old member's session has expired (model.md §4.6).
		c.tracef("UNRELEASED_INSTANCE_ID: the previous process still holds %s", c.cfg.InstanceID)
		c.armHeartbeat(now, c.backoff())
		return
	default: // UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH
		c.tracef("heartbeat: %v: loses its partitions and rejoins", m.Err)
		c.fenced(now)
		return
	}
	c.retries = 0
	c.memberID, c.epoch, c.interval = m.MemberID, m.Generation, m.Interval
	if c.st == kJoining || c.st == kAcknowledging {
		c.st = kStable
	}
	if m.HasAssignment {
		c.target, c.hasTarget = protocol.SortTPs(slices.Clone(m.Assignment)), true
	}
	if c.hasTarget && !c.inProgress && c.st != kStale {
		if slices.Equal(c.target, c.owned) {
			if c.st == kReconciling {
				c.st = kStable
			}
			if !c.assigned {
				// An empty (or unchanged) assignment is an assignment too:
				// the member is in the group, owning what it owns.
				c.assigned = true
			}
		} else {
			c.st = kReconciling
			c.maybeReconcileInBackground(now)
			// The application thread's poll() loop starts it: one waiting
			// inside poll() goes round at once (model.md §4.5).
			c.out.Add(protocol.Effect{Kind: protocol.Wake})
		}
	}
	if again || c.st == kAcknowledging {
		c.heartbeatNow()
		return
	}
	c.armHeartbeat(now, c.interval)
}

// maybeReconcileInBackground is the background thread's maybeReconcile
// with canCommit false: it starts only without auto commit and with
// nothing to revoke; otherwise the application thread's next poll() starts
// it (model.md §4.5).
func (c *Client) maybeReconcileInBackground(now Time) {
	if c.cfg.AutoCommit {
		return
	}
	for _, tp := range c.owned {
		if !slices.Contains(c.target, tp) {
			return
		}
	}
	c.startReconcile(now)
}

// Poll is the application thread's poll(): callbacks and assignments the
// background thread queued run here, a reconciliation starts, auto commit
// runs when due, and a member that left after a poll timeout rejoins.
func (c *Client) Poll(now Time) {
	if c.stopped || c.st == kClosed || c.st == kFinding || c.inCB || c.blocking {
		return
	}
	if c.st == kStale {
		c.tracef("rejoins after its poll timeout")
		c.st, c.epoch = kJoining, 0
		c.heartbeatNow()
	}
	if c.lostDue {
		c.lostDue = false
		c.loseAll(now)
		if c.inCB {
			return
		}
	}
	if c.st == kReconciling && !c.inProgress {
		c.startReconcile(now)
	}
	// What the background thread queued for the application thread runs in
	// this poll() (processBackgroundEvents).
	if c.callbackDue {
		c.callbackDue = false
		c.revokeNow()
		c.startCallback(func(now Time) { c.apply(now) })
		return
	}
	if c.applyDue {
		c.apply(now)
	}
	if c.cfg.AutoCommit && c.epoch > 0 && now >= c.nextAuto {
		// NB: not while the commit before a revocation is in flight: it
		// carries the same positions.
		if len(c.owned) > 0 && !c.pending(commitRevoke) {
			c.commit(commitAuto, 0)
		}
		c.nextAuto = now.Add(c.cfg.AutoCommitInterval)
	}
}

func (c *Client) startCallback(then func(now Time)) {
	c.inCB = true
	c.afterCB = then
	c.out.Add(protocol.Effect{Kind: protocol.Callback})
}

func (c *Client) CallbackDone(now Time) {
	if !c.inCB {
		return
	}
	c.inCB = false
	then := c.afterCB
	c.afterCB = nil
	if then != nil {
		then(now)
	}
}

// startReconcile begins moving to the target (maybeReconcile): the
// partitions to revoke stop being fetched before the commit goes out
// (markPendingRevocationToPauseFetching), so the next owner processes
// nothing twice; with auto commit, what was consumed is committed first.
func (c *Client) startReconcile(now Time) {
	c.seq++
	c.inProgress = true
	c.revoked, c.added = c.revoked[:0], c.added[:0]
	for _, tp := range c.owned {
		if !slices.Contains(c.target, tp) {
			c.revoked = append(c.revoked, tp)
		}
	}
	for _, tp := range c.target {
		if !slices.Contains(c.owned, tp) {
			c.added = append(c.added, tp)
		}
	}
	top := c.cfg.Topology
	c.tracef("reconciling to epoch %d: revoke [%s], target [%s]", c.epoch, top.Join(c.revoked), top.Join(c.target))
	if len(c.revoked) > 0 {
		c.out.Add(protocol.Effect{Kind: protocol.PauseFetch, Parts: slices.Clone(c.revoked)})
	}
	if c.cfg.AutoCommit && len(c.owned) > 0 {
		c.commit(commitRevoke, c.seq)
		return
	}
	c.revokeAndAssign(now)
}

// revokeAndAssign continues after the commit (from the background
// thread): onPartitionsRevoked is queued for the application thread when
// the listener does work; the new assignment is always applied there
// (PartitionsAssignedEvent).
func (c *Client) revokeAndAssign(now Time) {
	if len(c.revoked) > 0 && c.cfg.RevokeCallback {
		c.callbackDue = true
	} else {
		c.applyDue = true
	}
	c.out.Add(protocol.Effect{Kind: protocol.Wake})
}

// revokeNow releases the partitions being revoked.
func (c *Client) revokeNow() {
	if len(c.revoked) == 0 {
		return
	}
	c.tracef("revokes %s", c.cfg.Topology.Join(c.revoked))
	c.out.Add(protocol.Effect{Kind: protocol.Revoke, Parts: slices.Clone(c.revoked), Gen: c.epoch})
	var keep []TP
	for _, tp := range c.owned {
		if !slices.Contains(c.revoked, tp) {
			keep = append(keep, tp)
		}
	}
	c.owned = keep
	c.revoked = c.revoked[:0]
}

// apply installs the reconciled assignment on the application thread,
// fetches the new partitions' positions and acknowledges at once.
func (c *Client) apply(now Time) {
	c.applyDue = false
	if !c.inProgress {
		return
	}
	c.revokeNow()
	if len(c.added) > 0 {
		added := slices.Clone(c.added)
		c.tracef("assigned %s (epoch %d)", c.cfg.Topology.Join(added), c.epoch)
		c.out.Add(protocol.Effect{Kind: protocol.Assign, Parts: added, Gen: c.epoch})
		c.owned = protocol.SortTPs(append(c.owned, added...))
		c.fetchPositions(added)
	}
	c.assigned = true
	c.inProgress = false
	c.nextAuto = now.Add(c.cfg.AutoCommitInterval)
	c.st = kAcknowledging
	c.heartbeatNow()
}

func (c *Client) fetchPositions(parts []TP) {
	var ask []TP
	for _, tp := range parts {
		if slices.Contains(c.owned, tp) {
			ask = append(ask, tp)
		}
	}
	if len(ask) > 0 {
		c.send(&Message{Kind: protocol.OffsetFetch, MemberID: c.memberID, Generation: c.epoch, Parts: ask})
	}
}

// fenced is transitionToFenced: the epoch resets, the partitions are lost
// (onPartitionsLost, on the application thread when the listener does
// work), then the member rejoins with epoch 0 and the same member id.
func (c *Client) fenced(now Time) {
	c.seq++
	c.inProgress, c.callbackDue, c.applyDue = false, false, false
	c.epoch = 0
	c.hasTarget = false
	if len(c.owned) > 0 && c.cfg.RevokeCallback {
		c.st = kJoining
		c.lostDue = true
		c.out.Add(protocol.Effect{Kind: protocol.Wake})
		return
	}
	c.loseAll(now)
}

// loseAll drops every partition (onPartitionsLost) and rejoins.
func (c *Client) loseAll(now Time) {
	if len(c.owned) > 0 {
		c.tracef("loses %s", c.cfg.Topology.Join(c.owned))
		c.out.Add(protocol.Effect{Kind: protocol.Lose, Parts: c.owned})
		c.owned = nil
		if c.cfg.RevokeCallback && !c.inCB {
			c.startCallback(func(now Time) { c.rejoin() })
			return
		}
	}
	c.rejoin()
}

func (c *Client) rejoin() {
	if c.st == kStale || c.closing || c.stopped {
		return
	}
	c.st, c.epoch = kJoining, 0
	c.heartbeatNow()
}
