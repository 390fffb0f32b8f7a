// Package engine is the discrete-event core every run is built on: integer
// virtual time, an event queue ordered by (time, sequence), timers that are
// cancelled by going stale, and seeded random streams per entity and purpose.
//
// Time arithmetic on values derived from user input saturates (time.go):
// a duration too long for the clock becomes Never, never a time in the past.
//
// It knows nothing about Kafka. It must never read the wall clock, start a
// goroutine or use a global random source: one run is one goroutine, and the
// same seed gives the same sequence of events, bit for bit.
package engine
