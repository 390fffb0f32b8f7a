// Package consumer holds the KIP-848 consumer group protocol
// (group.protocol = consumer) as two pure machines: the coordinator
// (Coordinator: ConsumerGroupHeartbeat with group, target and member
// epochs, the server-side assignor, per-member reconciliation as Kafka's
// CurrentAssignmentBuilder does it, session and rebalance timeouts,
// OffsetCommit and OffsetFetch) and the consumer's membership manager
// (Client: the background heartbeat, reconciliation driven by the
// application thread's poll(), callbacks, the leave heartbeats).
//
// Each takes (now, input) and appends effects to its protocol.Output; it
// owns no engine, no metrics and no other machine's memory. The rules are
// in docs/model.md §4, which comments cite as "model.md §N"; scripts in
// testdata/ drive each machine alone.
package consumer
