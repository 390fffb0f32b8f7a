package models

import (
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
)

// Rebalance bookkeeping for the classic protocol: one row per generation in
// rebalances.csv, the time spent rebalancing (leaving Stable until Stable
// again, the group's first formation excluded) and partitions_moved.

// openRebalance notes a join phase starting (prepareRebalance).
func (c *coordinator) openRebalance(reason string) {
	gm := &c.g.met
	now := c.s().now()
	if c.openRow >= 0 {
		// The previous generation never became Stable: its row ends here.
		gm.rebalances[c.openRow].EndS = now.Seconds()
	}
	gm.rebalances = append(gm.rebalances, metrics.RebalanceRow{Group: c.g.name, Generation: -1, StartS: now.Seconds(), EndS: -1, Cause: reason})
	c.openRow = len(gm.rebalances) - 1
	if !gm.rbOpen {
		gm.rbOpen = true
		gm.rbStart = now
		gm.rbFormation = !gm.everStable
	}
}

// beginGenerationRow fills the open row when the join phase completes.
func (c *coordinator) beginGenerationRow() {
	if c.openRow < 0 {
		return
	}
	r := &c.g.met.rebalances[c.openRow]
	r.Generation = c.generation
	r.Members = len(c.members)
}

// closeRebalance ends the open rebalance: Stable (or Empty, when nobody is
// left).
func (c *coordinator) closeRebalance(empty bool) {
	gm := &c.g.met
	now := c.s().now()
	if c.openRow >= 0 {
		r := &gm.rebalances[c.openRow]
		r.EndS = now.Seconds()
		if empty {
			r.Generation = c.generation
			r.Members = 0
		}
		c.openRow = -1
	}
	if gm.rbOpen {
		if !gm.rbFormation {
			gm.rbTime += now - gm.rbStart
		}
		gm.rbOpen = false
	}
	_ = empty
	if !empty && c.g.formedWith(func(m *member) bool {
		for _, cm := range c.members {
			if cm.m == m && cm.inc == m.inc {
				return true
			}
		}
		return false
	}) {
		c.g.markFormed()
	}
}

// noteRevoked adds revoked partitions to the rebalance they belong to: the
// open one, or the one that just completed (cooperative members revoke after
// the first round).
func (c *coordinator) noteRevoked(n int64) {
	gm := &c.g.met
	i := c.openRow
	if i < 0 {
		i = len(gm.rebalances) - 1
	}
	if i >= 0 {
		gm.rebalances[i].Revoked += n
	}
}

// countMoves counts, for the plan just applied, partitions given to a member
// other than their last owner while that owner is still in the group
// (SPEC: partitions_moved, a measure of stickiness). A partition withheld
// in a cooperative first round keeps its last owner until it is assigned.
func (c *coordinator) countMoves() {
	present := map[string]bool{}
	for _, cm := range c.members {
		present[identity(cm)] = true
	}
	var moved int64
	for _, cm := range c.members {
		id := identity(cm)
		for _, tp := range cm.assignment {
			gp := c.g.part(tp.t, tp.p)
			if gp.lastOwner != "" && gp.lastOwner != id && present[gp.lastOwner] {
				moved++
			}
			gp.lastOwner = id
		}
	}
	c.g.met.moved += moved
	if c.openRow >= 0 {
		c.g.met.rebalances[c.openRow].Moved = moved
	}
}

// identity is what makes a member the same member across rebalances: its
// instance id when static (a restart keeps it), else its member id.
func identity(cm *cmember) string {
	if cm.instanceID != "" {
		return "static:" + cm.instanceID
	}
	return cm.memberID
}

var _ = engine.Never
