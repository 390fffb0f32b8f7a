package sim

import (
	"fmt"
	"math"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
)

// sample records one row per group at the current time (timeseries.csv).
func (s *Sim) sample() {
	now := s.now()
	si := engine.FromDuration(s.sc.SampleInterval).Seconds()
	for _, g := range s.groups {
		for _, m := range g.members {
			if m.alive {
				m.creditBatch(now)
			}
		}
		var produced, lag int64
		var lagTime float64
		paused := 0
		var plag []int64
		if s.opt.PartitionLag {
			plag = make([]int64, 0, len(g.parts))
		}
		for i, gp := range g.parts {
			leo := gp.log.leo(now, s.dt)
			produced += leo - gp.sampledLEO
			gp.sampledLEO = leo
			l := leo - g.committedOr0(gp)
			lag += l
			if s.opt.PartitionLag {
				plag = append(plag, l)
			}
			if g.heat.cols > 0 {
				g.heat.add(i, now, l)
			}
			if gp.hw < leo {
				if age := (now - gp.log.produceTime(gp.hw, s.dt)).Seconds(); age > lagTime {
					lagTime = age
				}
			}
			g.refresh(gp)
			if gp.cause != metrics.PauseNone {
				paused++
			}
		}
		row := metrics.SeriesRow{
			Group: g.name, TS: metrics.Round(now.Seconds()),
			ProducedPerS: metrics.Round(float64(produced) / si), ConsumedPerS: metrics.Round(float64(g.rec.ConsumedSinceSample()) / si),
			Lag: lag, LagTimeS: metrics.Round(lagTime), Members: g.coord.Members(), IdleMembers: g.idle(),
			PausedPartitions: paused, Rebalancing: g.coord.Rebalancing(), Generation: g.coord.Generation(), PartitionLag: plag,
			CrossZoneBytesPerS: metrics.Round(float64(g.rec.CrossZoneSinceSample()) / si),
		}
		w := s.warmup()
		g.rec.Sample(row, w >= 0 && now >= w)
		if s.opt.OnSample != nil {
			s.opt.OnSample(row)
		}
	}
	s.trimIndexes()
	if !s.opt.CheckInvariants {
		s.checkInvariants()
	}
	if s.opt.Progress != nil {
		s.opt.Progress(now)
	}
}

// idle counts the group's running members that its current assignment
// leaves without partitions (the last plan, or the KIP-848 target):
// over-provisioning, not rebalancing (docs/metrics.md).
func (g *group) idle() int {
	n := 0
	for _, m := range g.members {
		if m.alive && g.coord.Idle(m.proc) {
			n++
		}
	}
	return n
}

// trimIndexes drops produce-time entries no group needs any more: below
// every reading group's processed high-water mark.
func (s *Sim) trimIndexes() {
	for _, t := range s.topics {
		for _, l := range t.parts {
			min := int64(math.MaxInt64)
			for _, g := range s.groups {
				for i, gt := range g.topic {
					if gt == t {
						gp := g.parts[g.top.Base[i]+l.id]
						if gp.hw < min {
							min = gp.hw
						}
						// Records in a gap still need their produce
						// times: their first processing is to come.
						if len(gp.gaps) > 0 && gp.gaps[0].from < min {
							min = gp.gaps[0].from
						}
					}
				}
			}
			if min != math.MaxInt64 {
				l.trim(min)
			}
			l.compactPast(int64(s.now() / s.dt))
		}
	}
}

// finish closes the books at the end of the run.
func (s *Sim) finish() {
	for _, g := range s.groups {
		for _, m := range g.members {
			if m.alive {
				m.creditBatch(s.end)
			}
		}
		for _, gp := range g.parts {
			g.accountPause(gp, s.end)
			if gp.cause != metrics.PauseNone {
				g.rec.PauseEnded(gp.pauseStart, s.end)
			}
		}
		g.rec.Finish(s.end)
	}
}

func (s *Sim) result() *metrics.Result {
	r := &metrics.Result{Events: s.q.Popped()}
	for _, g := range s.groups {
		var produced, lagFinal int64
		for _, gp := range g.parts {
			leo := gp.log.leo(s.end, s.dt)
			produced += leo
			lagFinal += leo - g.committedOr0(gp)
		}
		gr := g.rec.Result(s.end, produced, lagFinal, g.coord.Members())
		if g.auto != nil {
			gr.AutoscalerSteps = append([]metrics.ScaleStep{}, g.auto.steps...)
		}
		r.Groups = append(r.Groups, gr)
		r.Rebalances = append(r.Rebalances, g.rec.Rows()...)
	}
	// Series: by time, then group (groups are sorted by name).
	for i := 0; ; i++ {
		any := false
		for _, g := range s.groups {
			if series := g.rec.Series(); i < len(series) {
				r.Series = append(r.Series, series[i])
				any = true
			}
		}
		if !any {
			break
		}
	}
	r.Timelines = s.timelines()
	for _, g := range s.groups {
		if g.heat.cols == 0 {
			continue
		}
		h := metrics.Heatmap{Group: g.name, Lag: g.heat.max}
		for _, gp := range g.parts {
			h.Partitions = append(h.Partitions, fmt.Sprintf("%s-%d", g.top.Names[gp.tp.Topic], gp.tp.Part))
		}
		for c := 1; c <= g.heat.cols; c++ {
			end := min(engine.Time(c)*g.heat.width, s.end)
			h.ColumnEndS = append(h.ColumnEndS, metrics.Round(end.Seconds()))
		}
		r.Heatmaps = append(r.Heatmaps, h)
	}
	return r
}
