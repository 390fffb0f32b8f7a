package models

import (
	"fmt"
	"math"

	"github.com/rebalance-sim/rebalance-sim/engine"
)

// Result is everything one run measured.
type Result struct {
	Groups []GroupResult
	// Series holds the samples when Options.OnSample is nil; otherwise each
	// row went to OnSample as it was taken (memory then stays flat however
	// long the run).
	Series     []SeriesRow
	Rebalances []RebalanceRow
	// Timelines holds one entry per member slot of every group
	// (Options.Timeline), groups in order, slots in join order.
	Timelines []Timeline
	// Heatmaps holds one entry per group (Options.HeatmapColumns).
	Heatmaps []Heatmap
	// Events is the number of engine events the run handled (for benchmarks).
	Events uint64
}

// GroupResult holds one group's metrics over the whole run (SPEC "Metrics").
type GroupResult struct {
	Group           string       `json:"group"`
	Produced        int64        `json:"produced"`
	Consumed        int64        `json:"consumed"`
	Duplicates      int64        `json:"duplicates"`
	Lost            int64        `json:"lost"`
	ThroughputPerS  float64      `json:"throughput_per_s"`
	Lag             LagStats     `json:"lag"`
	LagTimeS        MaxStat      `json:"lag_time_s"`
	Members         MemberStats  `json:"members"`
	IdleMembers     IdleStats    `json:"idle_members"`
	Rebalances      int          `json:"rebalances"`
	RebalanceTimeS  float64      `json:"rebalance_time_s"`
	PartitionPauseS PauseStats   `json:"partition_pause_s"`
	PartitionsMoved int64        `json:"partitions_moved"`
	LatencyMs       LatencyStats `json:"latency_ms"`
	// AfterWarmup holds what an [slo] judges, measured after its warmup
	// (nil without an SLO).
	AfterWarmup *WarmupStats `json:"after_warmup,omitempty"`
	// AutoscalerSteps lists what the group's autoscaler did (absent without
	// an autoscaler).
	AutoscalerSteps []ScaleStep `json:"autoscaler_steps,omitempty"`
}

// WarmupStats are the SLO's metrics from the warmup on: the largest lag and
// lag age at any sample, the p99 latency of records first processed, and
// the longest single-partition pause (its part after the warmup).
type WarmupStats struct {
	WarmupS      float64 `json:"warmup_s"`
	LagMax       int64   `json:"lag_max"`
	LagTimeMaxS  float64 `json:"lag_time_max_s"`
	LatencyP99Ms float64 `json:"latency_p99_ms"`
	PauseMaxS    float64 `json:"pause_max_s"`
}

type LagStats struct {
	Final int64   `json:"final"`
	Mean  float64 `json:"mean"`
	Max   int64   `json:"max"`
}

type MaxStat struct {
	Max float64 `json:"max"`
}

type MemberStats struct {
	Final int `json:"final"`
	Max   int `json:"max"`
}

type IdleStats struct {
	Mean  float64 `json:"mean"`
	Max   int     `json:"max"`
	Final int     `json:"final"`
}

// PauseStats is partition_pause_s split by cause; MaxS is the longest single
// continuous pause of one partition (the SLO's max_pause).
type PauseStats struct {
	Rebalance        float64 `json:"rebalance"`
	FailureDetection float64 `json:"failure_detection"`
	Unassigned       float64 `json:"unassigned"`
	Total            float64 `json:"total"`
	MaxS             float64 `json:"max_single"`
}

type LatencyStats struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// SeriesRow is one sample of one group (timeseries.csv).
type SeriesRow struct {
	Group            string
	TS               float64
	ProducedPerS     float64
	ConsumedPerS     float64
	Lag              int64
	LagTimeS         float64
	Members          int
	IdleMembers      int
	PausedPartitions int
	Rebalancing      bool
	Generation       int32
	// PartitionLag is each partition's lag (log end minus committed), in
	// the group's partition order, for the heat map.
	PartitionLag []int64
}

// Heatmap is one group's per-partition lag: Lag[i][j] is the largest lag of
// partition Partitions[i] sampled in column j, which ends at ColumnEndS[j].
type Heatmap struct {
	Group      string
	Partitions []string
	ColumnEndS []float64
	Lag        [][]int64
}

// RebalanceRow is one generation of one group (rebalances.csv).
type RebalanceRow struct {
	Group      string
	Generation int32
	StartS     float64
	EndS       float64 // -1 while still open at the end of the run
	Cause      string
	Members    int
	Moved      int64
	Revoked    int64
}

// round keeps outputs readable and stable: 6 decimals for seconds and rates.
func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

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
		row := SeriesRow{
			Group: g.name, TS: round(now.Seconds()),
			ProducedPerS: round(float64(produced) / si), ConsumedPerS: round(float64(gm.consumed-gm.lastConsumed) / si),
			Lag: lag, LagTimeS: round(lagTime), Members: members, IdleMembers: idle, PausedPartitions: paused,
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

func (s *Sim) result() *Result {
	r := &Result{Events: s.q.Popped()}
	dur := s.end.Seconds()
	for _, g := range s.groups {
		gm := &g.met
		gr := GroupResult{Group: g.name, Consumed: gm.consumed, Duplicates: gm.duplicates, Lost: gm.lost}
		var lagFinal int64
		for _, gp := range g.parts {
			leo := gp.log.leo(s.end, s.dt)
			gr.Produced += leo
			lagFinal += leo - gp.committed
		}
		gr.ThroughputPerS = round(float64(gm.distinct) / dur)
		gr.Lag = LagStats{Final: lagFinal, Max: gm.lagMax}
		if gm.nSamples > 0 {
			gr.Lag.Mean = round(gm.lagSum / float64(gm.nSamples))
			gr.IdleMembers.Mean = round(gm.idleSum / float64(gm.nSamples))
			gr.IdleMembers.Final = gm.lastIdle
		}
		gr.LagTimeS.Max = round(gm.lagTimeMax)
		gr.Members = MemberStats{Final: g.memberCount(), Max: gm.membersMax}
		gr.IdleMembers.Max = gm.idleMax
		// Completed rebalances: generations (target epochs) that started
		// after the group's first formation, which for the classic
		// protocol is every generation after the first.
		for _, row := range gm.rebalances {
			if row.Members > 0 && row.Generation >= 0 && gm.everStable && engine.FromSeconds(row.StartS) >= gm.formedAt {
				gr.Rebalances++
			}
		}
		gr.RebalanceTimeS = round(gm.rbTime.Seconds())
		gr.PartitionPauseS = PauseStats{
			Rebalance:        round(gm.pause[pauseRebalance]),
			FailureDetection: round(gm.pause[pauseFailure]),
			Unassigned:       round(gm.pause[pauseUnassigned]),
			MaxS:             round(gm.maxPause.Seconds()),
		}
		gr.PartitionPauseS.Total = round(gm.pause[pauseRebalance] + gm.pause[pauseFailure] + gm.pause[pauseUnassigned])
		gr.PartitionsMoved = gm.moved
		gr.LatencyMs = LatencyStats{
			P50: round(gm.latency.quantile(0.50) * 1000),
			P99: round(gm.latency.quantile(0.99) * 1000),
			Max: round(gm.latency.max * 1000),
		}
		if w := s.warmup(); w >= 0 {
			gr.AfterWarmup = &WarmupStats{
				WarmupS: round(w.Seconds()), LagMax: gm.warmLagMax, LagTimeMaxS: round(gm.warmLagTime),
				LatencyP99Ms: round(gm.warmLatency.quantile(0.99) * 1000), PauseMaxS: round(gm.warmPauseMax.Seconds()),
			}
		}
		if g.auto != nil {
			gr.AutoscalerSteps = append([]ScaleStep{}, g.auto.steps...)
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
		h := Heatmap{Group: g.name, Lag: g.heat.max}
		for _, gp := range g.parts {
			h.Partitions = append(h.Partitions, fmt.Sprintf("%s-%d", gp.tp.t.name, gp.tp.p))
		}
		for c := 1; c <= g.heat.cols; c++ {
			end := engine.Time(c) * g.heat.width
			if end > s.end {
				end = s.end
			}
			h.ColumnEndS = append(h.ColumnEndS, round(end.Seconds()))
		}
		r.Heatmaps = append(r.Heatmaps, h)
	}
	for i := range r.Rebalances {
		r.Rebalances[i].StartS = round(r.Rebalances[i].StartS)
		if r.Rebalances[i].EndS >= 0 {
			r.Rebalances[i].EndS = round(r.Rebalances[i].EndS)
		}
	}
	return r
}
