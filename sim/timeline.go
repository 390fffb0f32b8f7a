package sim

import (
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
)

// state derives the member's timeline state. It changes only at protocol
// steps, never per poll, so a timeline has a few spans per rebalance.
func (m *member) state() metrics.MemberState {
	switch {
	case !m.alive:
		return metrics.StateDead
	case m.stalled:
		return metrics.StateStalled
	case m.app == appCallback || m.app == appBlocked:
		return metrics.StateRebalancing
	}
	for _, op := range m.owned {
		if op.gp.fetchableBy(m) {
			return metrics.StateProcessing
		}
	}
	if len(m.owned) > 0 || m.client.View().Rebalancing || m.waiting > 0 {
		return metrics.StateRebalancing
	}
	return metrics.StateIdle
}

// note records the member's state if it changed (Options.Timeline).
func (m *member) note() {
	if !m.s.opt.Timeline {
		return
	}
	st := m.state()
	now := m.s.now().Seconds()
	if n := len(m.spans); n > 0 {
		last := &m.spans[n-1]
		if last.State == st {
			return
		}
		if last.Start == now {
			// Several steps at one instant: keep the last state only.
			last.State = st
			if n > 1 && m.spans[n-2].State == st {
				m.spans = m.spans[:n-1]
			}
			return
		}
		last.End = now
	}
	m.spans = append(m.spans, metrics.Span{Start: now, End: -1, State: st})
}

// noteAll records every member of the group (after a group-wide change).
func (g *group) noteAll() {
	if !g.s.opt.Timeline {
		return
	}
	for _, m := range g.members {
		m.note()
	}
}

// timelines closes the spans at the end of the run.
func (s *Sim) timelines() []metrics.Timeline {
	if !s.opt.Timeline {
		return nil
	}
	var out []metrics.Timeline
	end := s.end.Seconds()
	for _, g := range s.groups {
		for _, m := range g.members {
			spans := append([]metrics.Span(nil), m.spans...)
			if n := len(spans); n > 0 && spans[n-1].End < 0 {
				spans[n-1].End = end
			}
			out = append(out, metrics.Timeline{Group: g.name, Slot: m.slot, Label: m.describe(), Spans: spans})
		}
	}
	return out
}

// heatmap accumulates each partition's maximum lag per column of time
// (Options.HeatmapColumns): memory is partitions x columns whatever the
// run's length.
type heatmap struct {
	cols  int
	width engine.Time
	max   [][]int64 // [partition][column]
}

func (h *heatmap) init(parts, cols int, end engine.Time) {
	h.cols = cols
	h.width = (end + engine.Time(cols) - 1) / engine.Time(cols)
	if h.width <= 0 {
		h.width = 1
	}
	h.max = make([][]int64, parts)
	for i := range h.max {
		h.max[i] = make([]int64, cols)
	}
}

func (h *heatmap) add(p int, t engine.Time, lag int64) {
	c := int((t - 1) / h.width)
	c = max(0, min(c, h.cols-1))
	if lag > h.max[p][c] {
		h.max[p][c] = lag
	}
}
