// Package protocol is the vocabulary the group-protocol machines and the
// world that runs them share: dense identifiers (Proc, TP), Kafka's error
// codes, the requests and responses a consumer and its group coordinator
// exchange (Message), and the effects a machine asks the world to apply
// (Effect, Output), in the manner of etcd-io/raft's Step/Ready.
//
// A machine (protocol/classic, protocol/consumer) is a value that takes the
// current time and one input (a message, a timer firing, a call from the
// application thread) and appends effects to its Output: messages to send,
// timers to arm, partitions to assign, revoke or lose, commits stored, and
// observations for metrics. It owns no engine, no metrics and no other
// machine's memory; the world (package sim) applies the effects. Rules are
// documented in docs/model.md, which the machines' comments cite as
// "model.md §N".
//
// It imports engine for its time type and assignors for the member
// metadata a leader sees, nothing else of this module.
package protocol
