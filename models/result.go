package models

import (
	"fmt"
	"math"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
)

// sample records one row per group at the current time (SPEC timeseries).
func (s *Sim) sample() {
	now := s.now()
	si := engine.FromDuration(s.sc.SampleInterval).Seconds()
	for _, g := range s.groups {
		for _, m := range g.members {
			if m.alive {
				m.creditBatch(now)
			}
		}
		gm := &g.met
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
			l := leo - gp.committed
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
			if gp.cause != pauseNone {
				paused++
			}
		}
		members := g.memberCount()
		idle := 0
		for _, m := range g.members {
			if m.alive && m.assigned && len(m.lastAssignment) == 0 {
				idle++
			}
		}
		row := metrics.SeriesRow{
			Group: g.name, TS: metrics.Round(now.Seconds()),
			ProducedPerS: metrics.Round(float64(produced) / si), ConsumedPerS: metrics.Round(float64(gm.consumed-gm.lastConsumed) / si),
			Lag: lag, LagTimeS: metrics.Round(lagTime), Members: members, IdleMembers: idle, PausedPartitions: paused,
			Rebalancing: g.rebalancing(),
			Generation:  g.generation(), PartitionLag: plag,
		}
		gm.lastConsumed = gm.consumed
		gm.lastIdle = idle
		if s.opt.OnSample != nil {
			s.opt.OnSample(row)
		} else {
			gm.series = append(gm.series, row)
		}
		if w := s.warmup(); w >= 0 && now >= w {
			if lag > gm.warmLagMax {
				gm.warmLagMax = lag
			}
			if lagTime > gm.warmLagTime {
				gm.warmLagTime = lagTime
			}
		}
		gm.nSamples++
		gm.lagSum += float64(lag)
		if lag > gm.lagMax {
			gm.lagMax = lag
		}
		if lagTime > gm.lagTimeMax {
			gm.lagTimeMax = lagTime
		}
		if members > gm.membersMax {
			gm.membersMax = members
		}
		gm.idleSum += float64(idle)
		if idle > gm.idleMax {
			gm.idleMax = idle
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

// trimIndexes drops produce-time entries no group needs any more: below
// every reading group's processed high-water mark.
func (s *Sim) trimIndexes() {
	for _, t := range s.topics {
		for _, l := range t.parts {
			min := int64(math.MaxInt64)
			for _, g := range s.groups {
				for i, gt := range g.topic {
					if gt == t {
						gp := g.parts[g.base[i]+int(l.id)]
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
	now := s.end
	_ = now
	for _, g := range s.groups {
		for _, m := range g.members {
			if m.alive {
				m.creditBatch(s.end)
			}
		}
		for _, gp := range g.parts {
			g.met.accountPause(gp, s.end)
			if gp.cause != pauseNone {
				g.met.endPause(gp.pauseStart, s.end, s.warmup())
			}
		}
		if g.met.rbOpen && !g.met.rbFormation {
			g.met.rbTime += s.end - g.met.rbStart
		}
	}
}

func (s *Sim) result() *metrics.Result {
	r := &metrics.Result{Events: s.q.Popped()}
	dur := s.end.Seconds()
	for _, g := range s.groups {
		gm := &g.met
		gr := metrics.GroupResult{Group: g.name, Consumed: gm.consumed, Duplicates: gm.duplicates, Lost: gm.lost}
		var lagFinal int64
		for _, gp := range g.parts {
			leo := gp.log.leo(s.end, s.dt)
			gr.Produced += leo
			lagFinal += leo - gp.committed
		}
		gr.ThroughputPerS = metrics.Round(float64(gm.distinct) / dur)
		gr.Lag = metrics.LagStats{Final: lagFinal, Max: gm.lagMax}
		if gm.nSamples > 0 {
			gr.Lag.Mean = metrics.Round(gm.lagSum / float64(gm.nSamples))
			gr.IdleMembers.Mean = metrics.Round(gm.idleSum / float64(gm.nSamples))
			gr.IdleMembers.Final = gm.lastIdle
		}
		gr.LagTimeS.Max = metrics.Round(gm.lagTimeMax)
		gr.Members = metrics.MemberStats{Final: g.memberCount(), Max: gm.membersMax}
		gr.IdleMembers.Max = gm.idleMax
		// Completed rebalances: generations (target epochs) that started
		// after the group's first formation, which for the classic
		// protocol is every generation after the first.
		for _, row := range gm.rebalances {
			if row.Members > 0 && row.Generation >= 0 && gm.everStable && engine.FromSeconds(row.StartS) >= gm.formedAt {
				gr.Rebalances++
			}
		}
		gr.RebalanceTimeS = metrics.Round(gm.rbTime.Seconds())
		gr.PartitionPauseS = metrics.PauseStats{
			Rebalance:        metrics.Round(gm.pause[pauseRebalance]),
			FailureDetection: metrics.Round(gm.pause[pauseFailure]),
			Unassigned:       metrics.Round(gm.pause[pauseUnassigned]),
			MaxS:             metrics.Round(gm.maxPause.Seconds()),
		}
		gr.PartitionPauseS.Total = metrics.Round(gm.pause[pauseRebalance] + gm.pause[pauseFailure] + gm.pause[pauseUnassigned])
		gr.PartitionsMoved = gm.moved
		gr.LatencyMs = metrics.LatencyStats{
			P50: metrics.Round(gm.latency.quantile(0.50) * 1000),
			P99: metrics.Round(gm.latency.quantile(0.99) * 1000),
			Max: metrics.Round(gm.latency.max * 1000),
		}
		if w := s.warmup(); w >= 0 {
			gr.AfterWarmup = &metrics.WarmupStats{
				WarmupS: metrics.Round(w.Seconds()), LagMax: gm.warmLagMax, LagTimeMaxS: metrics.Round(gm.warmLagTime),
				LatencyP99Ms: metrics.Round(gm.warmLatency.quantile(0.99) * 1000), PauseMaxS: metrics.Round(gm.warmPauseMax.Seconds()),
			}
		}
		if g.auto != nil {
			gr.AutoscalerSteps = append([]metrics.ScaleStep{}, g.auto.steps...)
		}
		r.Groups = append(r.Groups, gr)
		r.Rebalances = append(r.Rebalances, gm.rebalances...)
	}
	// Series: by time, then group (groups are sorted by name).
	for i := 0; ; i++ {
		any := false
		for _, g := range s.groups {
			if i < len(g.met.series) {
				r.Series = append(r.Series, g.met.series[i])
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
			h.Partitions = append(h.Partitions, fmt.Sprintf("%s-%d", gp.tp.t.name, gp.tp.p))
		}
		for c := 1; c <= g.heat.cols; c++ {
			end := engine.Time(c) * g.heat.width
			if end > s.end {
				end = s.end
			}
			h.ColumnEndS = append(h.ColumnEndS, metrics.Round(end.Seconds()))
		}
		r.Heatmaps = append(r.Heatmaps, h)
	}
	for i := range r.Rebalances {
		r.Rebalances[i].StartS = metrics.Round(r.Rebalances[i].StartS)
		if r.Rebalances[i].EndS >= 0 {
			r.Rebalances[i].EndS = metrics.Round(r.Rebalances[i].EndS)
		}
	}
	return r
}
