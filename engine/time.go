package engine

import (
	"fmt"
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

// FromSeconds converts seconds to virtual time, rounding to the nanosecond.
func FromSeconds(s float64) Time {
	if s >= float64(Never)/float64(Second) {
		return Never
	}
	return Time(s*float64(Second) + 0.5)
}

func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return fmt.Sprintf("%.3fs", t.Seconds())
}
