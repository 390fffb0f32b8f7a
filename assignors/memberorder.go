package assignors

import "slices"

// Member order. Kafka's range and roundrobin assignors
// (AbstractPartitionAssignor.MemberInfo.compareTo) and the KIP-848 server
// range assignor (RangeAssignor.sortMemberIds) order members the same way:
//
//   - two static members compare by group.instance.id;
//   - a static member sorts before a dynamic one;
//   - two dynamic members compare by member id.
//
// Strings compare as Java's String.compareTo does (JavaStringCompare).
//
// Example: members b (dynamic), a (instance "z") and c (instance "y") sort
// as c, a, b: both static members first, by instance id ("y" < "z"), then
// the dynamic one.

// compareMembersKafka is the three-way comparison of Kafka's member order:
// negative when a sorts before b, zero when Kafka cannot tell them apart.
//
// NB: zero happens only for two static members with the same instance id
// (or two members with the same id), which Kafka's coordinator never lets
// coexist: a rejoining static member fences the old member id.
func compareMembersKafka(a, b *Member) int {
	aStatic, bStatic := a.InstanceID != "", b.InstanceID != ""
	switch {
	case aStatic && bStatic:
		return JavaStringCompare(a.InstanceID, b.InstanceID)
	case aStatic:
		return -1
	case bStatic:
		return 1
	}
	return JavaStringCompare(a.ID, b.ID)
}

// sortMembersKafka returns the indexes of members in Kafka's member order
// ; members is not modified.
//
// NB: the sort is stable, as Java's List.sort is, so members that compare
// equal (see compareMembersKafka: Kafka cannot produce them) keep their input
// order. That keeps the answer deterministic even for such inputs.
//
// Example: for members [b, a(instance z), c(instance y)] it returns [2 1 0].
func sortMembersKafka(members []Member) []int {
	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		return compareMembersKafka(&members[x], &members[y])
	})
	return order
}
