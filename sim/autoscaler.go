package sim

import (
	"math"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// The autoscaler is modelled on KEDA's Kafka scaler driving a Kubernetes
// HPA: every polling interval it reads the group's lag (log-end minus
// committed offset, summed over partitions, as the scaler does with the
// admin API), wants ceil(lag / lag_threshold) consumers, caps that at the
// partition count (unless allow_idle_consumers) or at the partitions that
// have lag (limit_to_partitions_with_lag), clamps it to [min, max], and
// scales to the minimum when lag is at or below the activation threshold.
// Scaling up happens at once; scaling down waits until cooldown has passed
// since the last change (the HPA's scale-down stabilization). Every step
// joins or cleanly stops members, so it also triggers rebalances.

type autoscaler struct {
	g         *group
	cfg       *scenario.Autoscaler
	lastScale engine.Time
	scaled    bool
	steps     []metrics.ScaleStep
}

func newAutoscaler(g *group) *autoscaler {
	a := &autoscaler{g: g, cfg: g.cfg.Autoscaler}
	g.s.control(engine.Event{At: engine.FromDuration(a.cfg.PollingInterval), Kind: evAutoscale, Target: int32(g.idx)})
	return a
}

func (a *autoscaler) poll() {
	s := a.g.s
	now := s.now()
	s.control(engine.Event{At: now.Add(engine.FromDuration(a.cfg.PollingInterval)), Kind: evAutoscale, Target: int32(a.g.idx)})
	var lag int64
	withLag := 0
	existing := a.g.existing(now)
	for _, gp := range existing {
		l := gp.log.leo(now, s.dt) - a.g.committedOr0(gp)
		lag += l
		if l > 0 {
			withLag++
		}
	}
	running := a.g.running()
	current := len(running)
	desired := a.cfg.MinConsumers
	if lag > a.cfg.ActivationLagThreshold {
		desired = int(math.Ceil(float64(lag) / float64(a.cfg.LagThreshold)))
		if !a.cfg.AllowIdleConsumers && desired > len(existing) {
			desired = len(existing)
		}
		if a.cfg.LimitToPartitionsWithLag && desired > withLag {
			desired = withLag
		}
	}
	if desired < a.cfg.MinConsumers {
		desired = a.cfg.MinConsumers
	}
	if desired > a.cfg.MaxConsumers {
		desired = a.cfg.MaxConsumers
	}
	if desired == current {
		return
	}
	if desired < current && a.scaled && now-a.lastScale < engine.FromDuration(a.cfg.Cooldown) {
		return // scale-down stabilization
	}
	s.tracef("%s autoscaler: lag %d -> %d consumers (from %d)", a.g.name, lag, desired, current)
	a.steps = append(a.steps, metrics.ScaleStep{TS: metrics.Round(now.Seconds()), From: current, To: desired, Lag: lag})
	a.lastScale, a.scaled = now, true
	for k := current; k < desired; k++ {
		newMember(a.g, len(a.g.members)).start()
	}
	for k := current - 1; k >= desired; k-- {
		running[k].requestClose()
	}
	a.g.noteAll()
}
