// Package classic holds the classic group protocol as two pure machines:
// the group coordinator (Coordinator: JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup, OffsetCommit and OffsetFetch, the join and sync timers and
// session expiry, as Kafka's GroupMetadataManager and ClassicGroup run
// them) and the consumer's group client (Client: AbstractCoordinator and
// ConsumerCoordinator of the Java consumer: the join inside poll(),
// onJoinPrepare, onJoinComplete, the heartbeat thread, auto commit,
// close()).
//
// Each takes (now, input) and appends effects to its protocol.Output; it
// owns no engine, no metrics and no other machine's memory. Files follow
// Kafka's requests: join.go, sync.go, heartbeat.go, leave.go, commit.go
// for the coordinator, client*.go for the client. testdata/*.txt are
// scripts that drive each machine alone (script_test.go). The rules are in
// docs/model.md §2-§4, which comments cite as "model.md §N".
package classic
