package engine

import (
	"fmt"
	"math"
	"math/bits"
	"time"
)

// Time is virtual time in nanoseconds since the start of a run. Integer time
// keeps event order exact: two events scheduled for the same instant are
// ordered by their sequence number, never by floating-point rounding.
type Time int64

const (
	Nanosecond  Time = 1
	Microsecond      = 1000 * Nanosecond
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
	Minute           = 60 * Second
	Hour             = 60 * Minute
	// Never is later than any event a run can schedule.
	Never Time = 1<<63 - 1
)

// FromDuration converts a configured duration to virtual time.
func FromDuration(d time.Duration) Time { return Time(d) }

// Duration is t as a time.Duration (for printing).
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Seconds is t in seconds.
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// Saturating arithmetic. Virtual time is an int64 of nanoseconds, about 292
// years: a time derived from user values (a batch of 500 records at one
// hour each and a slow factor of 1000, now plus that) can pass it, and a
// wrapped sum is a time in the past, which the queue refuses as a broken
// invariant. These helpers clamp to [-Never, Never] instead: a time at or
// beyond Never is one that never comes (the run ends first), which is what
// such a value means. Every time the model derives from user values should
// go through them.

// maxSeconds is Never in seconds: float values at or beyond it saturate.
const maxSeconds = float64(Never) / float64(Second)

// FromSeconds converts seconds to virtual time, rounding to the nanosecond
// and saturating: +Inf and anything at or beyond Never give Never, -Inf and
// anything at or below -Never give -Never, and NaN (an undefined duration,
// e.g. Inf - Inf) gives Never, so it can never become a time in the past.
// Callers that must tell these cases apart use FromSecondsChecked.
func FromSeconds(s float64) Time {
	switch {
	case s != s: // NaN
		return Never
	case s >= maxSeconds:
		return Never
	case s <= -maxSeconds:
		return -Never
	}
	return Time(s*float64(Second) + 0.5)
}

// FromSecondsChecked is FromSeconds that reports, instead of saturating,
// whether s was a number within the clock's range.
func FromSecondsChecked(s float64) (Time, bool) {
	if s != s || s >= maxSeconds || s <= -maxSeconds {
		return FromSeconds(s), false
	}
	return FromSeconds(s), true
}

// Add returns t + d, saturated to [-Never, Never].
func (t Time) Add(d Time) Time { return Time(addSat(int64(t), int64(d), int64(-Never))) }

// Sub returns t - d, saturated to [-Never, Never].
func (t Time) Sub(d Time) Time {
	if d == -Never-1 {
		return t.Add(Never).Add(1)
	}
	return t.Add(-d)
}

// Mul returns t * k, saturated to [-Never, Never].
func (t Time) Mul(k int64) Time { return Time(mulSat(int64(t), k, int64(-Never))) }

// Scale returns t * f rounded to the nanosecond, saturated (a slow factor,
// a share of an interval). NaN saturates to Never as in FromSeconds.
func (t Time) Scale(f float64) Time { return FromSeconds(float64(t) * f / float64(Second)) }

// AddInt64 returns a + b for counts (offsets, records), saturated to the
// int64 range instead of wrapping.
func AddInt64(a, b int64) int64 { return addSat(a, b, math.MinInt64) }

// MulInt64 returns a * b for counts, saturated to the int64 range.
func MulInt64(a, b int64) int64 { return mulSat(a, b, math.MinInt64) }

// addSat is a + b clamped to [lo, MaxInt64].
func addSat(a, b, lo int64) int64 {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a, s < lo:
		return lo
	}
	return s
}

// mulSat is a * b clamped to [lo, MaxInt64].
func mulSat(a, b, lo int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	neg := (a < 0) != (b < 0)
	hi, p := bits.Mul64(absU(a), absU(b))
	switch {
	case !neg && (hi != 0 || p > math.MaxInt64):
		return math.MaxInt64
	case neg && (hi != 0 || p > uint64(-(lo+1))+1):
		return lo
	case neg:
		return int64(-p) // NB: two's complement; p <= 2^63 here
	}
	return int64(p)
}

func absU(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1 // no overflow for the most negative value
	}
	return uint64(x)
}

// CountFromFloat converts an expected or drawn count to an int64: rounded
// down, 0 for NaN and negatives, math.MaxInt64 at or beyond it. (Go leaves
// the conversion of an out-of-range float to an integer to the machine:
// on amd64 a count of 1e19 records becomes -9.2e18.)
func CountFromFloat(x float64) int64 {
	switch {
	case x != x || x <= 0:
		return 0
	case x >= float64(math.MaxInt64): // 2^63, the first float beyond
		return math.MaxInt64
	}
	return int64(x)
}

func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return fmt.Sprintf("%.3fs", t.Seconds())
}
