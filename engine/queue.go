package engine

import "fmt"

// Event is one scheduled happening. The engine orders events by (At, seq) and
// hands them back unchanged; Kind, Target and Arg mean whatever the model
// that scheduled them says. Events are values, so the queue never allocates
// per event.
type Event struct {
	At     Time
	seq    uint64
	Kind   int32
	Target int32
	Arg    int64
	// Token identifies the timer arming that scheduled the event (0: none);
	// see Timer.
	Token uint64
}

// Seq is the event's sequence number: the order in which it was scheduled.
func (e Event) Seq() uint64 { return e.seq }

// Queue is a priority queue of events ordered by (At, seq): a value-typed
// binary heap, so the queue never allocates per event.
type Queue struct {
	now  Time
	seq  uint64
	heap []Event
	// popped counts events handed out by Pop.
	popped uint64
}

// NewQueue returns an empty queue at time 0 with room for n pending events.
func NewQueue(n int) *Queue { return &Queue{heap: make([]Event, 0, n)} }

// Now is the time of the last event popped (0 before the first).
func (q *Queue) Now() Time { return q.now }

// Len is the number of pending events, stale timer events included.
func (q *Queue) Len() int { return len(q.heap) }

// Popped is the number of events popped so far.
func (q *Queue) Popped() uint64 { return q.popped }

func less(a, b *Event) bool {
	if a.At != b.At {
		return a.At < b.At
	}
	return a.seq < b.seq
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Push schedules ev at ev.At and returns its sequence number. Scheduling in
// the past is a broken invariant of the model, so it panics.
func (q *Queue) Push(ev Event) uint64 {
	if ev.At < q.now {
		panic(fmt.Sprintf("engine: event kind %d scheduled at %v, before now (%v)", ev.Kind, ev.At, q.now))
	}
	q.seq++
	ev.seq = q.seq
	h := append(q.heap, ev)
	// Sift up.
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) >> 1
		if !less(&ev, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = ev
	q.heap = h
	return ev.seq
}

// At schedules an event of the given kind at time at.
func (q *Queue) At(at Time, kind, target int32, arg int64) uint64 {
	return q.Push(Event{At: at, Kind: kind, Target: target, Arg: arg})
}

// After schedules an event d after now.
func (q *Queue) After(d Time, kind, target int32, arg int64) uint64 {
	return q.Push(Event{At: q.now.Add(d), Kind: kind, Target: target, Arg: arg}) // saturating: a huge d is Never, not the past
}

// Peek returns the time of the next event, or Never when the queue is empty.
func (q *Queue) Peek() Time {
	if len(q.heap) == 0 {
		return Never
	}
	return q.heap[0].At
}

// Pop removes the earliest event, advances Now to its time and returns it.
func (q *Queue) Pop() (Event, bool) {
	h := q.heap
	n := len(h)
	if n == 0 {
		return Event{}, false
	}
	top := h[0]
	n--
	last := h[n]
	h = h[:n]
	if n > 0 {
		// Floyd's bottom-up pop: walk the hole down along the smaller child
		// to a leaf without comparing against last (the branchless child
		// choice is what makes it fast: the comparison with last almost
		// always fails low in the tree), then sift last up from there.
		// Measured here: 70 ns per hold step against 110 ns for the
		// textbook sift-down, binary or 4-ary.
		i := 0
		for {
			c := 2*i + 1
			if c+1 < n {
				c += b2i(less(&h[c+1], &h[c]))
			} else if c >= n {
				break
			}
			h[i] = h[c]
			i = c
		}
		for i > 0 {
			p := (i - 1) >> 1
			if !less(&last, &h[p]) {
				break
			}
			h[i] = h[p]
			i = p
		}
		h[i] = last
	}
	q.heap = h
	q.now = top.At
	q.popped++
	return top, true
}

// Timer is a restartable one-shot timer. Re-arming or cancelling it makes the
// event already in the queue stale instead of searching the heap for it: the
// handler asks Fired, which is true only for the latest arming.
type Timer struct {
	token uint64
	at    Time
}

// Arm (re)schedules the timer to fire ev at ev.At; earlier armings go stale.
func (q *Queue) Arm(t *Timer, ev Event) {
	q.seq++
	ev.Token = q.seq
	t.token, t.at = ev.Token, ev.At
	// NB: Push draws its own sequence number; the token only needs to be
	// unique, and sharing the counter makes it so.
	q.Push(ev)
}

// Cancel makes any pending firing of t stale.
func (t *Timer) Cancel() { t.token = 0 }

// Armed reports whether t has a pending, non-stale firing.
func (t *Timer) Armed() bool { return t.token != 0 }

// When is the time of the pending firing; meaningful only when Armed.
func (t *Timer) When() Time { return t.at }

// Fired reports whether ev is t's current arming, and disarms t if so.
// Stale events (cancelled or re-armed since) report false.
func (t *Timer) Fired(ev Event) bool {
	if ev.Token == 0 || ev.Token != t.token {
		return false
	}
	t.token = 0
	return true
}
