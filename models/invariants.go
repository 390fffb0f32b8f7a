package models

import "fmt"

// checkInvariants panics when the model breaks one of its own rules: the
// accounting identity of every partition (each produced record is either
// processed at least once, skipped by offset reset, or still unprocessed),
// and commits never ahead of what was processed. Owner uniqueness is
// enforced where owners change (group.setOwner) and commit monotonicity
// where commits land (group.commit).
func (s *Sim) checkInvariants() {
	now := s.now()
	if s.frontier > now {
		now = s.frontier // a member fast-forwarded there (see member.fetch)
	}
	for _, g := range s.groups {
		var distinct int64
		for _, gp := range g.parts {
			leo := gp.log.leo(now, s.dt)
			if gp.hw > leo {
				panic(fmt.Sprintf("models: %s-%d group %s processed up to %d beyond the log end %d", gp.tp.t.name, gp.tp.p, g.name, gp.hw, leo))
			}
			// Classic consumers commit inside poll(), after the previous
			// batch: never beyond what was processed. The KIP-848 client
			// commits from its background thread what poll() returned,
			// which may still be in processing: never beyond what was
			// fetched.
			limit, what := gp.hw, "processed"
			if g.kc != nil {
				limit, what = gp.fetched, "fetched"
			}
			if gp.hasCommitted && gp.committed > limit {
				panic(fmt.Sprintf("models: %s-%d group %s committed %d beyond what was %s (%d)", gp.tp.t.name, gp.tp.p, g.name, gp.committed, what, limit))
			}
			distinct += gp.hw - gp.skipped
		}
		if distinct != g.met.distinct {
			panic(fmt.Sprintf("models: group %s counted %d distinct records, partitions say %d", g.name, g.met.distinct, distinct))
		}
	}
}
