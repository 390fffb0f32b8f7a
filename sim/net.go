package sim

import (
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// Requests and responses travel with the scenario's one-way network
// latency. Delivery is FIFO per direction because latency is constant and
// the queue breaks ties by sequence. A message waits in s.msgs while it
// travels; an event's Arg is its slot.

func (s *Sim) park(m *protocol.Message) int64 {
	if n := len(s.free); n > 0 {
		id := s.free[n-1]
		s.free = s.free[:n-1]
		s.msgs[id] = m
		return id
	}
	s.msgs = append(s.msgs, m)
	return int64(len(s.msgs) - 1)
}

func (s *Sim) take(id int64) *protocol.Message {
	m := s.msgs[id]
	s.msgs[id] = nil
	s.free = append(s.free, id)
	return m
}

// toBroker sends a request from its member to the group's coordinator;
// the group is the member's (Target carries it).
func (s *Sim) toBroker(g *group, m *protocol.Message) {
	s.q.Push(engine.Event{At: s.now() + s.lat, Kind: evDeliverBroker, Target: int32(g.idx), Arg: s.park(m)})
}

// toClient sends a response back to the member it answers.
func (s *Sim) toClient(g *group, m *protocol.Message) {
	s.q.Push(engine.Event{At: s.now() + s.lat, Kind: evDeliverClient, Target: int32(g.idx), Arg: s.park(m)})
}

func (s *Sim) deliverToBroker(gi int32, id int64) {
	m := s.take(id)
	g := s.groups[gi]
	g.coord.Receive(s.now(), m)
	g.applyCoord()
}

func (s *Sim) deliverToClient(gi int32, id int64) {
	m := s.take(id)
	g := s.groups[gi]
	mem := g.members[m.From.Slot]
	if !mem.alive || mem.inc != m.From.Inc {
		return // the process that sent the request is gone: nobody reads the answer
	}
	mem.client.Receive(s.now(), m)
	mem.applyClient()
	mem.note()
}
