// Package sim is the world the group-protocol machines run in: topics and
// partitions (log-end offsets, a compact index of produce times),
// producers, consumer processes (the application thread's poll loop, its
// batches and their fast-forward, positions and the data plane), the
// network between clients and the coordinator, the scenario's events and
// failures, a KEDA-like autoscaler, invariants, `describe`, and with a
// broker layout the replicas' racks and the bytes fetched across them
// (racks.go).
//
// The protocol machines (protocol/classic, protocol/consumer) decide; sim
// feeds them (now, input) and applies the effects they return. Metrics sit
// behind a recorder (metrics.Group) that sim tells what happened; no
// machine writes a metric. Rules are in docs/model.md, cited as
// "model.md §N".
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
package sim
