// Package models simulates Kafka consumer groups on top of engine: topics
// and partitions (log-end offsets, committed offsets, a compact index of
// produce times), producers, consumers (the poll loop, commits, the
// heartbeat thread), the classic group coordinator (the JoinGroup/SyncGroup
// barrier, eager and cooperative rebalancing, static membership), the
// KIP-848 consumer protocol (coordinator and client), the scenario's events
// and failures, and a KEDA-like autoscaler. It measures every metric SPEC.md
// defines.
//
// Behaviour follows ../shared/KAFKA_MODEL.md; comments cite its sections.
//
// Records are never objects: a partition is a count of offsets produced per
// batch interval, a consumer's batch is a few offset ranges, and latency is
// read off the produce-time index, so cost grows with events (polls,
// heartbeats, rebalances) and memory with partitions and members, never with
// the rate or the duration. A member whose polls nothing else can observe
// until its next timer, sample or control event runs them on its own clock
// without queue events (fast-forward); the results are identical either way
// (Options.NoFastForward, tested on every shipped experiment).
//
// It must never read the wall clock, start goroutines, use global random
// numbers or let map iteration order reach a decision or an output.
package models
