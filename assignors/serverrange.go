package assignors

import "fmt"

// KIP-848 server-side RangeAssignor (group-coordinator/.../assignor/
// RangeAssignor.java), as rewritten by KAFKA-16944 (Kafka
// 3.9): it recomputes a plain range assignment every time and ignores what
// members currently own. It is "sticky" only in that the same membership and
// metadata give the same answer, and static members, which sort by instance
// id, keep their ranges across member-id changes.
//
// Members are sorted as in docs/model.md §6.1 (sortMemberIds) and each topic is split as
// in docs/model.md §6.2 among its subscribers in that order. Kafka has two code paths,
// homogeneous (the topics come from the first member, every member is a
// subscriber) and heterogeneous (subscriber counts per topic); both give
// exactly the per-topic split of docs/model.md §6.2, so one computation serves both.
//
// Example: members A and B subscribe to t1 (3 partitions) and t3 (2):
//
//	A: [t1p0 t1p1 t3p0]
//	B: [t1p2 t3p1]
//
// Adding member C (same subscription) gives A: [t1p0 t3p0], B: [t1p1 t3p1],
// C: [t1p2]. A's t1p1 moves to B and B's t1p2 to C: the ranges shift along
// the member order rather than C taking one partition from each (docs/model.md §6.6
// measures 188,500 moves for one member joining 2000 on 1,000,000
// partitions).
//
// Differences from the classic range assignor: a subscribed topic that is
// not in the metadata is an error (Kafka throws PartitionAssignorException
// "Member is subscribed to a non-existent topic"), where the classic one
// skips it. NB: in a running coordinator this does not happen for a topic
// that does not exist at all: TargetAssignmentBuilder hands the assignor the
// subscription as TopicIds, a view of the subscribed names that silently
// drops names missing from the metadata image. A caller modelling the
// coordinator should drop such names before calling Assign.

func init() {
	register(Info{
		Name: "server-range",
		Kind: Server,
		Doc:  "KIP-848 server RangeAssignor (group.remote.assignor=range): plain range, recomputed each time (KAFKA-16944)",
	}, func() Assignor { return srangeAssignor{} })
}

type srangeAssignor struct{}

func (srangeAssignor) Name() string { return "server-range" }

// Assign computes the KIP-848 server range assignment for g. It returns an
// error, with Kafka's reason, when a member subscribes to a topic missing
// from g.Topics. Every member gets an entry, possibly empty, as Kafka's
// result has every member, possibly with an empty map.
func (srangeAssignor) Assign(g *Group) (Plan, error) {
	st, err := rngPrepare(g, true)
	if err != nil {
		return nil, fmt.Errorf("server-range: %w", err)
	}
	return st.emit(rngContiguous, nil), nil
}
