package assignors

// CooperativeStickyAssignor.adjustAssignment: every
// partition moving from one member to another is removed from its new
// owner's list in this round; the old owner revokes it and rejoins, and the
// next round gives it out. The constrained builder records the transfers as
// it assigns (sticky_constrained.go); after the general builder Kafka
// recomputes them, as below.
//
// Example: C0 owned [t0p0 t0p1 t0p2] and C1 owned [t1p0]; C1 now subscribes
// to t0 as well. The sticky plan moves t0p0 to C1 (3 against 1 is
// unbalanced). t0p0 is added to C1 and revoked from C0, so this round gives
//
//	C0: [t0p1 t0p2]  C1: [t1p0]
//
// and C0's rejoin after revoking t0p0 lets the next round hand it to C1.

// withholdTransfers is computePartitionsTransferringOwnership plus
// adjustAssignment: a partition is withheld when its new owner did not report
// it as owned (added) and some member that reported it did not get it back
// (revoked). The reports are the raw owned lists (the subscriptions'
// ownedPartitions), before any generation conflict was settled.
func (st *stickyState) withholdTransfers(owner []int32) {
	if st.holder == nil {
		return // nobody reported anything: nothing can be revoked
	}
	const kept, revoked = 1, 2
	flags := make([]uint8, st.total)
	for m := range st.g.Members {
		st.ownedPartitions(m, func(g int32) {
			if owner[g] == int32(m) {
				flags[g] |= kept // not added for its owner
			} else {
				flags[g] |= revoked
			}
		})
	}
	for g, f := range flags {
		if f == revoked && owner[g] >= 0 {
			owner[g] = -1
		}
	}
}
