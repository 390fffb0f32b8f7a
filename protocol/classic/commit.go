package classic

import "github.com/rebalance-sim/rebalance-sim/protocol"

// onOffsetCommit is ClassicGroup.validateOffsetCommit then the store
// (model.md §2.7): commits from members of the current generation are
// accepted outside the sync phase. Commits during PreparingRebalance
// succeed, which is what lets onJoinPrepare commit before rejoining.
func (c *Coordinator) onOffsetCommit(now Time, m *Message) {
	err := c.validate(m)
	switch {
	case err != protocol.None:
	case m.Generation != c.generation:
		err = protocol.IllegalGeneration
	case c.state == CompletingRebalance:
		err = protocol.RebalanceInProgress
	}
	m.Err = err
	if err == protocol.None && len(m.Offsets) > 0 {
		c.offsets.Put(m.Offsets)
		c.out.Add(protocol.Effect{Kind: protocol.Committed, Offsets: m.Offsets})
	}
	c.out.Respond(m)
}

// onOffsetFetch answers the committed offsets of the partitions asked for.
func (c *Coordinator) onOffsetFetch(now Time, m *Message) {
	m.Offsets = c.offsets.Fill(m.Parts)
	m.Err = protocol.None
	c.out.Respond(m)
}
