package protocol

import "fmt"

// EffectKind says what the world must do with an Effect.
type EffectKind uint8

const (
	// Send: the client sends Msg to its group coordinator.
	Send EffectKind = iota
	// Respond: the coordinator answers Msg to Msg.From.
	Respond
	// Arm: fire the machine's timer Timer at At, carrying Token; a
	// firing whose token the machine no longer holds is ignored by it.
	Arm
	// Assign: the member now owns Parts (their positions follow with
	// Positions), given by generation (classic) or epoch (KIP-848) Gen.
	Assign
	// Revoke: the member gives up Parts (onPartitionsRevoked). Gen is the
	// generation (classic) or target epoch (KIP-848) the revocation belongs
	// to; Eager says it happened before a JoinGroup (it belongs to the
	// rebalance that join opens).
	Revoke
	// Lose: the member drops Parts without revoking (onPartitionsLost: it
	// was removed from the group).
	Lose
	// PauseFetch: the member stops fetching Parts (KIP-848 marks
	// partitions pending revocation before its commit).
	PauseFetch
	// Positions: the committed offsets of Offsets' partitions arrived; -1
	// means none (auto.offset.reset applies).
	Positions
	// Callback: the application thread must run onPartitionsRevoked now
	// (for revoke_time), then call CallbackDone.
	Callback
	// Wake: the application thread should run poll() again now if it is
	// inside poll(); if it is processing, its next poll() must happen (the
	// world may not skip it).
	Wake
	// Stop: the process stops (closed, or fenced for good).
	Stop
	// Removed: the coordinator removed Proc from the group; whatever it
	// held is no longer its.
	Removed
	// Committed: the coordinator stored Offsets for the group.
	Committed
	// Observe: a fact for metrics (Note).
	Observe
	// Trace: one line for protocol traces (Text).
	Trace
)

var effectNames = [...]string{"Send", "Respond", "Arm", "Assign", "Revoke", "Lose", "PauseFetch",
	"Positions", "Callback", "Wake", "Stop", "Removed", "Committed", "Observe", "Trace"}

func (k EffectKind) String() string { return effectNames[k] }

// TimerID names one of a machine's timers: its kind and, for per-member
// timers of a coordinator, the member record's key.
type TimerID struct {
	Kind uint8
	Key  int32
}

// Effect is one thing a machine asks the world to do.
type Effect struct {
	Kind    EffectKind
	Msg     *Message
	Timer   TimerID
	At      Time
	Token   uint32
	Parts   []TP
	Offsets []Offset
	Proc    Proc
	Gen     int32
	Eager   bool
	Note    Note
	Text    string
}

// NoteKind is the kind of an observation.
type NoteKind uint8

const (
	// RebalanceOpened: a classic group left Stable or Empty (Cause), or a
	// KIP-848 group epoch moved past the target epoch.
	RebalanceOpened NoteKind = iota
	// JoinCompleted: a classic join phase completed: generation Gen with
	// Members members.
	JoinCompleted
	// RebalanceClosed: a classic group reached Stable (or Empty: Members 0)
	// in generation Gen; Moved partitions changed owner (stickiness).
	RebalanceClosed
	// TargetComputed: a KIP-848 target assignment for epoch Gen with
	// Members members.
	TargetComputed
	// Moved: KIP-848 gave Count partitions to a member other than their
	// previous owner, which is still in the group (epoch Gen).
	Moved
	// Reconciled: every KIP-848 member reached the target epoch Gen.
	Reconciled
)

var noteNames = [...]string{"RebalanceOpened", "JoinCompleted", "RebalanceClosed", "TargetComputed", "Moved", "Reconciled"}

func (k NoteKind) String() string { return noteNames[k] }

// Note is an observation for metrics: machines say what happened, the
// recorder decides what it counts.
type Note struct {
	Kind    NoteKind
	Gen     int32
	Members int
	Moved   int64
	Cause   string
	// Procs lists the processes in the group when the note was made
	// (RebalanceClosed, Reconciled): the world ends the group's first
	// formation once every initial consumer is among them.
	Procs []Proc
}

// Output collects the effects of one step, in order. The world drains it
// after every call into a machine (Drain) and applies the effects in that
// order.
type Output struct {
	effects []Effect
	tokens  uint32
	// Tracing turns Trace effects on; off, Tracef formats nothing.
	Tracing bool
	// Prefix starts every trace line (the machine's name).
	Prefix string
}

// Add appends e.
func (o *Output) Add(e Effect) { o.effects = append(o.effects, e) }

// Drain returns the effects collected since the last Drain; the slice is
// valid until the next call into the machine.
func (o *Output) Drain() []Effect {
	e := o.effects
	o.effects = o.effects[:0]
	return e
}

// Pending reports whether effects wait to be drained.
func (o *Output) Pending() bool { return len(o.effects) > 0 }

// Tracef adds a trace line when tracing is on.
func (o *Output) Tracef(format string, args ...any) {
	if !o.Tracing {
		return
	}
	o.Add(Effect{Kind: Trace, Text: o.Prefix + fmt.Sprintf(format, args...)})
}

// Send, Respond and Observe are shorthands.
func (o *Output) Send(m *Message)    { o.Add(Effect{Kind: Send, Msg: m}) }
func (o *Output) Respond(m *Message) { o.Add(Effect{Kind: Respond, Msg: m}) }
func (o *Output) Observe(n Note)     { o.Add(Effect{Kind: Observe, Note: n}) }

// Timer is a machine's record of one of its timers. The world schedules the
// firing the Arm effect asks for; when it fires, the machine asks Fired,
// which is true only for the latest arming (re-arming or cancelling makes
// earlier firings stale, so nothing is ever searched for and removed).
type Timer struct {
	at    Time
	token uint32
}

// Arm (re)arms t as id to fire at at.
func (t *Timer) Arm(o *Output, id TimerID, at Time) {
	o.tokens++
	t.token, t.at = o.tokens, at
	o.Add(Effect{Kind: Arm, Timer: id, At: at, Token: t.token})
}

// Cancel makes any pending firing stale.
func (t *Timer) Cancel() { t.token = 0 }

// Armed reports whether t has a pending firing.
func (t *Timer) Armed() bool { return t.token != 0 }

// When is the pending firing's time (meaningful when Armed).
func (t *Timer) When() Time { return t.at }

// Fired reports whether a firing with token is t's current arming, and
// disarms t if so.
func (t *Timer) Fired(token uint32) bool {
	if token == 0 || token != t.token {
		return false
	}
	t.token = 0
	return true
}
