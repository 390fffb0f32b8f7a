package sim

import (
	"fmt"
	"sort"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// scheduleScenario starts every group's initial consumers at t = 0 and
// schedules the experiment's events.
func (s *Sim) scheduleScenario() {
	for i, ev := range s.sc.Events {
		s.control(engine.Event{At: engine.FromDuration(ev.At), Kind: evScenario, Arg: int64(i)})
	}
	for _, g := range s.groups {
		for i := 0; i < g.cfg.Consumers; i++ {
			newMember(g, i).start()
		}
		if g.cfg.Autoscaler != nil {
			g.auto = newAutoscaler(g)
		}
	}
}

func (s *Sim) group(name string) *group {
	for _, g := range s.groups {
		if g.name == name {
			return g
		}
	}
	return nil
}

// running lists the members whose process runs and is not shutting down,
// in join order.
func (g *group) running() []*member {
	var out []*member
	for _, m := range g.members {
		if m.alive && !m.closing {
			out = append(out, m)
		}
	}
	return out
}

// targets picks the members an event acts on: the one named by `member`
// (its slot, in join order: a restarted consumer keeps its slot), or
// `count` running members, newest first.
func (g *group) targets(ev *scenario.Event) []*member {
	if ev.Member >= 0 {
		if ev.Member < len(g.members) && g.members[ev.Member].alive {
			return []*member{g.members[ev.Member]}
		}
		return nil
	}
	alive := g.running()
	// NB: newest first, by slot.
	sort.Slice(alive, func(i, j int) bool { return alive[i].slot > alive[j].slot })
	if len(alive) > ev.Count {
		alive = alive[:ev.Count]
	}
	return alive
}

func (s *Sim) applyEvent(i int) {
	ev := &s.sc.Events[i]
	now := s.now()
	g := s.group(ev.Group)
	s.tracef("event %s", describeEvent(ev))
	switch ev.Action {
	case scenario.ActJoin:
		for k := 0; k < ev.Count; k++ {
			newMember(g, len(g.members)).start()
		}
	case scenario.ActLeave:
		for _, m := range g.targets(ev) {
			m.requestClose()
		}
	case scenario.ActCrash:
		for _, m := range g.targets(ev) {
			m.crash()
		}
	case scenario.ActRestart:
		for _, m := range g.targets(ev) {
			down := engine.FromDuration(ev.Downtime)
			if ev.Clean {
				m.restartSet, m.restartIn = true, down
				m.requestClose()
				continue
			}
			m.crash()
			s.q.Push(engine.Event{At: now.Add(down), Kind: evRestart, Target: int32(m.idx), Arg: int64(m.inc)})
		}
	case scenario.ActPause:
		for _, m := range g.targets(ev) {
			m.stall(engine.FromDuration(ev.Duration))
		}
	case scenario.ActSlow:
		for _, m := range g.targets(ev) {
			m.slowFactor = ev.Factor
			m.slowUntil = now.Add(engine.FromDuration(ev.Duration))
			m.tracef("slows down x%g for %v", ev.Factor, ev.Duration)
		}
	case scenario.ActScale:
		alive := g.running()
		for k := len(alive); k < ev.To; k++ {
			newMember(g, len(g.members)).start()
		}
		for k := len(alive) - 1; k >= ev.To; k-- {
			alive[k].requestClose()
		}
	case scenario.ActProducerRate:
		// Already in the producer's rate schedule (buildTopics).
	case scenario.ActRollingRestart:
		// Every member, one after another in join order, each a clean stop
		// (a deploy sends SIGTERM) and a start after downtime.
		for k, m := range g.running() {
			s.control(engine.Event{At: now.Add(engine.FromDuration(ev.Interval).Mul(int64(k))), Kind: evRollStep,
				Target: int32(m.idx), Arg: int64(engine.FromDuration(ev.Downtime))})
		}
	case scenario.ActAddPartitions:
		// Partitions already exist in the topic's schedule (buildTopics);
		// each group's members find them at their next metadata refresh.
		t := s.topicBy[ev.Topic]
		for _, gg := range s.groups {
			for _, gt := range gg.topic {
				if gt == t {
					gg.partitionsAdded(now)
				}
			}
		}
	case scenario.ActCoordinatorFailover:
		// The coordinator is unreachable for downtime plus the time the new
		// one takes to load the group (model.md §5.3).
		g.unavailableUntil = now.Add(engine.FromDuration(ev.Downtime)).Add(engine.FromDuration(s.sc.Broker.GroupLoadTime))
		g.coord.Failover(now)
		g.applyCoord()
		s.control(engine.Event{At: g.unavailableUntil, Kind: evCoordinatorBack, Target: int32(g.idx)})
	}
}

// partitionsAdded schedules, for every running member, a metadata refresh
// at its next refresh time (every metadata.max.age.ms from its start): the
// leader's refresh is what finds the new partitions.
func (g *group) partitionsAdded(now engine.Time) {
	age := engine.FromDuration(g.cfg.MetadataMaxAge)
	for _, m := range g.members {
		if !m.alive || age <= 0 {
			continue
		}
		next := m.startedAt + ((now-m.startedAt)/age+1)*age
		g.s.control(engine.Event{At: next, Kind: evMetadataRefresh, Target: int32(m.idx), Arg: int64(m.inc)})
	}
}

func describeEvent(ev *scenario.Event) string {
	s := ev.Action.String()
	if ev.Topic != "" {
		s += " topic=" + ev.Topic
	}
	if ev.Group != "" {
		s += " group=" + ev.Group
	}
	switch {
	case ev.Member >= 0:
		s += fmt.Sprintf(" member=%d", ev.Member)
	case ev.Count > 0:
		s += fmt.Sprintf(" count=%d", ev.Count)
	}
	return s
}
