package sim

import (
	"fmt"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// checkInvariants panics when the model breaks one of its own rules
// (docs/model.md §7): the accounting identity of every partition (each
// produced record is processed at least once, skipped, or still
// unprocessed), commits never ahead of what was fetched, classic groups
// losing records only to auto.offset.reset, idle members a subset of
// members. A partition's single holder is enforced where holders change
// (group.setHolder) and commit monotonicity where commits land
// (protocol.Offsets.Put).
func (s *Sim) checkInvariants() {
	now := max(s.now(), s.frontier) // a member may have fast-forwarded there (see member.fetch)
	for _, g := range s.groups {
		var distinct, reset int64
		for _, gp := range g.parts {
			leo := gp.log.leo(now, s.dt)
			if gp.hw > leo {
				panic(fmt.Sprintf("sim: %s group %s processed up to %d beyond the log end %d", g.top.TPString(gp.tp), g.name, gp.hw, leo))
			}
			// Classic consumers commit inside poll(), after the previous
			// batch: never beyond what was processed. The KIP-848 client
			// commits from its background thread what poll() returned,
			// which may still be in processing: never beyond what was
			// fetched.
			limit, what := gp.hw, "processed"
			if g.kind == scenario.ProtocolConsumer {
				limit, what = max(gp.fetched, gp.hw), "fetched"
			}
			if off, ok := g.coord.Committed(gp.tp); ok && off > limit {
				panic(fmt.Sprintf("sim: %s group %s committed %d beyond what was %s (%d)", g.top.TPString(gp.tp), g.name, off, what, limit))
			}
			distinct += gp.hw - gp.skipped
			reset += gp.reset
		}
		if distinct != g.rec.DistinctCount() {
			panic(fmt.Sprintf("sim: group %s counted %d distinct records, partitions say %d", g.name, g.rec.DistinctCount(), distinct))
		}
		if g.kind == scenario.ProtocolClassic && g.rec.LostCount() != reset {
			panic(fmt.Sprintf("sim: classic group %s lost %d records, %d of them to auto.offset.reset", g.name, g.rec.LostCount(), reset))
		}
		if idle, members := g.idle(), g.coord.Members(); idle > members {
			panic(fmt.Sprintf("sim: group %s has %d idle members of %d", g.name, idle, members))
		}
	}
}
