package metrics

import (
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// Pause causes (partition_pause_s, docs/metrics.md).
const (
	PauseNone       = iota
	PauseRebalance  // revoked or awaiting assignment, or its owner has no position yet
	PauseFailure    // its owner is dead or stalled but still holds it
	PauseUnassigned // nobody in the group at all, or the group still forming
	NumPauseCauses
)

// Group records one group's measurements. The world tells it what
// happened (records processed, pauses, revocations, samples) and passes
// on the protocol machines' observations (Note); it decides what counts.
// It never reaches into the world or the machines.
type Group struct {
	Name string
	// consumer: the group speaks KIP-848 (a row per target epoch); else
	// classic (a row per generation).
	consumer bool

	consumed, distinct, duplicates, lost int64

	pause    [NumPauseCauses]float64 // partition-seconds by cause
	maxPause engine.Time

	moved      int64
	rebalances []RebalanceRow
	open       int // row of the rebalance in progress, -1 when none
	// eagerRevoked counts revocations made before the rebalance they
	// belong to opened (an eager leader that saw new partitions revokes
	// before its JoinGroup; a closing member before its LeaveGroup).
	eagerRevoked int64
	rbOpen       bool
	rbStart      engine.Time
	rbFormation  bool
	rbTime       engine.Time
	formed       bool
	formedAt     engine.Time

	warmup       engine.Time // -1: no SLO measurements
	latency      Hist
	warmLatency  Hist
	warmLagMax   int64
	warmLagTime  float64
	warmPauseMax engine.Time

	nSamples     int
	lagSum       float64
	lagMax       int64
	lagTimeMax   float64
	membersMax   int
	idleSum      float64
	idleMax      int
	lastIdle     int
	lastConsumed int64
	keep         bool
	series       []SeriesRow
	xz           crossZone // fetch traffic (crosszone.go)
}

// NewGroup returns the recorder of one group. consumer says the group
// speaks the KIP-848 protocol; warmup < 0 turns the SLO's after-warmup
// measurements off; keep keeps every sample (Result.Series).
func NewGroup(name string, consumer bool, warmup engine.Time, keep bool) *Group {
	g := &Group{Name: name, consumer: consumer, open: -1, warmup: warmup, keep: keep}
	g.latency.Init()
	if warmup >= 0 {
		g.warmLatency.Init()
	}
	return g
}

// Formed reports whether the group's first formation is over.
func (g *Group) Formed() bool { return g.formed }

// Form ends the group's first formation (docs/metrics.md): from then on
// pauses are the rebalances', generations count as rebalances and moves
// count.
func (g *Group) Form(now engine.Time) {
	if !g.formed {
		g.formed, g.formedAt = true, now
	}
}

// Consumed counts processings (repeats included) and Distinct first
// processings; Duplicates repeats; Lost records skipped (negative n takes
// records back when a gap is filled).
func (g *Group) Consumed(n int64)   { g.consumed += n }
func (g *Group) Distinct(n int64)   { g.distinct += n }
func (g *Group) Duplicates(n int64) { g.duplicates += n }
func (g *Group) Lost(n int64)       { g.lost += n }

// Counts is the first processings, repeats and lost records so far.
func (g *Group) Counts() (distinct, duplicates, lost int64) { return g.distinct, g.duplicates, g.lost }

// DistinctCount is the first processings so far (invariant checks).
func (g *Group) DistinctCount() int64 { return g.distinct }

// LostCount is the records counted lost so far.
func (g *Group) LostCount() int64 { return g.lost }

// Latency adds weight records of latency sec, completed at time done
// (seconds), to the histograms.
func (g *Group) Latency(sec, weight, done float64) {
	g.latency.Add(sec, weight)
	if g.warmup >= 0 && done >= g.warmup.Seconds() {
		g.warmLatency.Add(sec, weight)
	}
}

// LatencyEnd raises the exact maximum latency.
func (g *Group) LatencyEnd(sec float64) { g.latency.Observe(sec) }

// PauseTime adds d seconds of pause by cause.
func (g *Group) PauseTime(cause int, d float64) { g.pause[cause] += d }

// PauseEnded records one partition's continuous pause from start to end.
func (g *Group) PauseEnded(start, end engine.Time) {
	g.maxPause = max(g.maxPause, end-start)
	if g.warmup >= 0 && end > g.warmup {
		g.warmPauseMax = max(g.warmPauseMax, end-max(start, g.warmup))
	}
}

// Note takes one observation of the group's coordinator.
func (g *Group) Note(now engine.Time, n protocol.Note) {
	switch n.Kind {
	case protocol.RebalanceOpened:
		g.openPeriod(now)
		if !g.consumer {
			g.newRow(now, -1, n.Cause, 0)
		}
	case protocol.JoinCompleted:
		if g.open >= 0 {
			r := &g.rebalances[g.open]
			r.Generation, r.Members = n.Gen, n.Members
		}
	case protocol.RebalanceClosed:
		if g.open >= 0 {
			r := &g.rebalances[g.open]
			r.EndS = now.Seconds()
			if n.Members == 0 {
				r.Generation, r.Members = n.Gen, 0
			}
			r.Moved = n.Moved
			g.open = -1
		}
		if g.formed {
			g.moved += n.Moved
		}
		g.closePeriod(now)
	case protocol.TargetComputed:
		g.openPeriod(now)
		g.newRow(now, n.Gen, n.Cause, n.Members)
	case protocol.Moved:
		if i := g.rowOf(n.Gen); i >= 0 {
			g.rebalances[i].Moved += n.Moved
		}
		if g.formed {
			g.moved += n.Moved
		}
	case protocol.Reconciled:
		if g.open >= 0 {
			g.rebalances[g.open].EndS = now.Seconds()
			g.open = -1
		}
		g.closePeriod(now)
	}
}

// Revoked counts n partitions a member revoked in the rebalance they
// belong to: an eager revocation (before a JoinGroup or a leave) to the
// rebalance that is joining or the next one; a cooperative one to the
// generation gen whose assignment revoked them; a KIP-848 one to the
// target being reconciled (the member's own epoch lags behind it).
func (g *Group) Revoked(n int64, gen int32, eager bool) {
	if g.consumer && !eager && len(g.rebalances) > 0 {
		i := g.open
		if i < 0 {
			i = len(g.rebalances) - 1
		}
		g.rebalances[i].Revoked += n
		return
	}
	if eager {
		if !g.consumer && g.open >= 0 && g.rebalances[g.open].Generation < 0 {
			g.rebalances[g.open].Revoked += n
			return
		}
		g.eagerRevoked += n
		return
	}
	if i := g.rowOf(gen); i >= 0 {
		g.rebalances[i].Revoked += n
		return
	}
	g.eagerRevoked += n
}

// newRow opens a rebalances.csv row; a row still open never reached its
// end (a new round superseded it) and ends now.
func (g *Group) newRow(now engine.Time, gen int32, cause string, members int) {
	if g.open >= 0 {
		g.rebalances[g.open].EndS = now.Seconds()
	}
	g.rebalances = append(g.rebalances, RebalanceRow{Group: g.Name, Generation: gen, StartS: now.Seconds(), EndS: -1,
		Cause: cause, Members: members, Revoked: g.eagerRevoked})
	g.eagerRevoked = 0
	g.open = len(g.rebalances) - 1
}

func (g *Group) rowOf(gen int32) int {
	for i := len(g.rebalances) - 1; i >= 0; i-- {
		if g.rebalances[i].Generation == gen {
			return i
		}
	}
	return -1
}

func (g *Group) openPeriod(now engine.Time) {
	if !g.rbOpen {
		g.rbOpen, g.rbStart, g.rbFormation = true, now, !g.formed
	}
}

func (g *Group) closePeriod(now engine.Time) {
	if g.rbOpen {
		if !g.rbFormation {
			g.rbTime += now - g.rbStart
		}
		g.rbOpen = false
	}
}

// Sample records one timeseries row (and returns it for a streaming
// consumer); warm says the sample counts for the SLO.
func (g *Group) Sample(row SeriesRow, warm bool) {
	if warm {
		g.warmLagMax = max(g.warmLagMax, row.Lag)
		g.warmLagTime = max(g.warmLagTime, row.LagTimeS)
	}
	g.nSamples++
	g.lagSum += float64(row.Lag)
	g.lagMax = max(g.lagMax, row.Lag)
	g.lagTimeMax = max(g.lagTimeMax, row.LagTimeS)
	g.membersMax = max(g.membersMax, row.Members)
	g.idleSum += float64(row.IdleMembers)
	g.idleMax = max(g.idleMax, row.IdleMembers)
	g.lastIdle = row.IdleMembers
	g.lastConsumed = g.consumed
	g.xz.lastCross = g.xz.cross
	if g.keep {
		g.series = append(g.series, row)
	}
}

// ConsumedSinceSample is what was processed since the last sample.
func (g *Group) ConsumedSinceSample() int64 { return g.consumed - g.lastConsumed }

// Series is the kept samples.
func (g *Group) Series() []SeriesRow { return g.series }

// Finish closes the books at the end of the run.
func (g *Group) Finish(end engine.Time) {
	if g.rbOpen && !g.rbFormation {
		g.rbTime += end - g.rbStart
	}
}

// Rows is the group's rebalances.csv rows, times rounded.
func (g *Group) Rows() []RebalanceRow {
	out := make([]RebalanceRow, len(g.rebalances))
	for i, r := range g.rebalances {
		r.StartS = Round(r.StartS)
		if r.EndS >= 0 {
			r.EndS = Round(r.EndS)
		}
		out[i] = r
	}
	return out
}

// Result is the group's metrics over a run of length dur, with what only
// the world knows at the end: produced records, final lag, member count.
func (g *Group) Result(dur engine.Time, produced, lagFinal int64, members int) GroupResult {
	r := GroupResult{Group: g.Name, Produced: produced, Consumed: g.consumed, Duplicates: g.duplicates, Lost: g.lost}
	r.ThroughputPerS = Round(float64(g.distinct) / dur.Seconds())
	r.Lag = LagStats{Final: lagFinal, Max: g.lagMax}
	if g.nSamples > 0 {
		r.Lag.Mean = Round(g.lagSum / float64(g.nSamples))
		r.IdleMembers.Mean = Round(g.idleSum / float64(g.nSamples))
		r.IdleMembers.Final = g.lastIdle
	}
	r.LagTimeS.Max = Round(g.lagTimeMax)
	r.Members = MemberStats{Final: members, Max: g.membersMax}
	r.IdleMembers.Max = g.idleMax
	// Completed rebalances: generations (target epochs) that started after
	// the group's first formation.
	for _, row := range g.rebalances {
		if row.Members > 0 && row.Generation >= 0 && g.formed && engine.FromSeconds(row.StartS) >= g.formedAt {
			r.Rebalances++
		}
	}
	r.RebalanceTimeS = Round(g.rbTime.Seconds())
	r.PartitionPauseS = PauseStats{
		Rebalance:        Round(g.pause[PauseRebalance]),
		FailureDetection: Round(g.pause[PauseFailure]),
		Unassigned:       Round(g.pause[PauseUnassigned]),
		MaxS:             Round(g.maxPause.Seconds()),
	}
	r.PartitionPauseS.Total = Round(g.pause[PauseRebalance] + g.pause[PauseFailure] + g.pause[PauseUnassigned])
	r.PartitionsMoved = g.moved
	r.CrossZone = g.xz.result(dur.Seconds())
	r.LatencyMs = LatencyStats{
		P50: Round(g.latency.Quantile(0.50) * 1000),
		P99: Round(g.latency.Quantile(0.99) * 1000),
		Max: Round(g.latency.Max() * 1000),
	}
	if g.warmup >= 0 {
		r.AfterWarmup = &WarmupStats{
			WarmupS: Round(g.warmup.Seconds()), LagMax: g.warmLagMax, LagTimeMaxS: Round(g.warmLagTime),
			LatencyP99Ms: Round(g.warmLatency.Quantile(0.99) * 1000), PauseMaxS: Round(g.warmPauseMax.Seconds()),
		}
	}
	return r
}
