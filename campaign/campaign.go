package campaign

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/runner"
	"github.com/rebalance-sim/rebalance-sim/scenario"
	"github.com/rebalance-sim/rebalance-sim/sim"
)

// Check generates the experiment of seed and runs it as the campaign does:
// every run with the model's invariants checked after every event, its
// outputs checked against each other, and the whole experiment again with
// two workers, which must give the same results. It returns the file and
// the first problem found ("" when none).
func Check(seed uint64) (file, problem string) {
	file = Generate(seed)
	x, err := experiment.Parse(fmt.Sprintf("campaign-%d.toml", seed), []byte(file))
	if err != nil {
		return file, "the generator wrote a file the loader refuses: " + err.Error()
	}
	var results []*metrics.Result
	for i := range x.Runs {
		run := &x.Runs[i]
		r, err := runChecked(x, run)
		if err != nil {
			return file, fmt.Sprintf("run %s: %v", run.ID, err)
		}
		if p := consistent(run, r); p != "" {
			return file, fmt.Sprintf("run %s: %s", run.ID, p)
		}
		results = append(results, r)
	}
	ropt := runner.Options{Parallel: 2}
	if x.SLO != nil {
		ropt.MeasureSLO, ropt.SLOWarmup = true, engine.FromDuration(x.SLO.Warmup)
	}
	outs, err := runner.Execute(x, ropt)
	if err != nil {
		return file, "with two workers: " + err.Error()
	}
	for i, o := range outs {
		if !reflect.DeepEqual(o.Result.Groups, results[i].Groups) || !reflect.DeepEqual(o.Result.Series, results[i].Series) ||
			!reflect.DeepEqual(o.Result.Rebalances, results[i].Rebalances) {
			return file, fmt.Sprintf("run %s gives other results with two workers", x.Runs[i].ID)
		}
	}
	return file, ""
}

// runChecked runs one run with the invariants on; a broken invariant (a
// panic) becomes the error.
func runChecked(x *experiment.Experiment, run *experiment.Run) (r *metrics.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	opt := sim.Options{CheckInvariants: true}
	if x.SLO != nil {
		opt.MeasureSLO, opt.SLOWarmup = true, engine.FromDuration(x.SLO.Warmup)
	}
	return sim.Run(run.Scenario, run.Seed, opt)
}

// consistent checks a run's outputs against each other: what summary.json
// says against the samples of timeseries.csv and the rows of
// rebalances.csv, and the rules every group obeys.
func consistent(run *experiment.Run, r *metrics.Result) string {
	sc := run.Scenario
	si := engine.FromDuration(sc.SampleInterval)
	end := engine.FromDuration(sc.Duration)
	addsPartitions := false
	for _, ev := range sc.Events {
		addsPartitions = addsPartitions || ev.Action == scenario.ActAddPartitions
	}
	for gi, g := range r.Groups {
		cfg := sc.Groups[gi]
		var rows []metrics.SeriesRow
		for _, row := range r.Series {
			if row.Group == g.Group {
				rows = append(rows, row)
			}
		}
		var lagMax int64
		var membersMax, idleMax int
		for _, row := range rows {
			if row.IdleMembers > row.Members {
				return fmt.Sprintf("group %s: %d idle of %d members at %v s", g.Group, row.IdleMembers, row.Members, row.TS)
			}
			lagMax = max(lagMax, row.Lag)
			membersMax = max(membersMax, row.Members)
			idleMax = max(idleMax, row.IdleMembers)
		}
		if lagMax != g.Lag.Max || membersMax != g.Members.Max || idleMax != g.IdleMembers.Max {
			return fmt.Sprintf("group %s: summary lag.max %d members.max %d idle.max %d, samples say %d %d %d",
				g.Group, g.Lag.Max, g.Members.Max, g.IdleMembers.Max, lagMax, membersMax, idleMax)
		}
		if n := len(rows); n > 0 && end%si == 0 {
			last := rows[n-1]
			if last.TS != end.Seconds() || last.Lag != g.Lag.Final || last.Members != g.Members.Final || last.IdleMembers != g.IdleMembers.Final {
				return fmt.Sprintf("group %s: the last sample (t=%v lag %d members %d idle %d) is not summary's final (lag %d members %d idle %d)",
					g.Group, last.TS, last.Lag, last.Members, last.IdleMembers, g.Lag.Final, g.Members.Final, g.IdleMembers.Final)
			}
		}
		distinct := int64(g.ThroughputPerS*sc.Duration.Seconds() + 0.5)
		if distinct > g.Consumed || g.Duplicates > g.Consumed || g.Duplicates < 0 || g.Lost < 0 {
			return fmt.Sprintf("group %s: consumed %d, distinct %d, duplicates %d, lost %d", g.Group, g.Consumed, distinct, g.Duplicates, g.Lost)
		}
		if distinct+g.Lost > g.Produced {
			return fmt.Sprintf("group %s: %d processed and %d lost of %d produced", g.Group, distinct, g.Lost, g.Produced)
		}
		if cfg.Protocol == scenario.ProtocolClassic && !addsPartitions && g.Lost != 0 {
			return fmt.Sprintf("classic group %s lost %d records", g.Group, g.Lost)
		}
		if g.PartitionsMoved < 0 || g.Rebalances < 0 || g.RebalanceTimeS < 0 || g.RebalanceTimeS > sc.Duration.Seconds()+1e-6 {
			return fmt.Sprintf("group %s: moved %d rebalances %d rebalance time %v", g.Group, g.PartitionsMoved, g.Rebalances, g.RebalanceTimeS)
		}
		p := g.PartitionPauseS
		if p.Rebalance < 0 || p.FailureDetection < 0 || p.Unassigned < 0 || p.MaxS > sc.Duration.Seconds()+1e-6 {
			return fmt.Sprintf("group %s: pauses %+v", g.Group, p)
		}
		if p := crossZoneConsistent(sc, &cfg, &g, rows); p != "" {
			return fmt.Sprintf("group %s: %s", g.Group, p)
		}
		var rebalances int
		for _, row := range r.Rebalances {
			if row.Group != g.Group {
				continue
			}
			if row.EndS >= 0 && row.EndS < row.StartS || row.Moved < 0 || row.Revoked < 0 || row.Members < 0 {
				return fmt.Sprintf("group %s: rebalance row %+v", g.Group, row)
			}
			if row.Generation >= 0 && row.Members > 0 {
				rebalances++
			}
		}
		if g.Rebalances > rebalances {
			return fmt.Sprintf("group %s: %d rebalances but %d rows", g.Group, g.Rebalances, rebalances)
		}
	}
	return ""
}

// Reproduce is the command that runs seed's check again.
func Reproduce(seed uint64) string {
	return fmt.Sprintf("go test ./campaign -run 'TestCampaignSeed$' -seed %d -v", seed)
}

// Indent indents a file for a failure message.
func Indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// crossZoneConsistent checks a group's fetch traffic: counted exactly when
// the cluster has a broker layout; cross-zone bytes a part of the fetched
// bytes; every processing fetched first (so at least consumed records at
// the smallest record size); the timeseries column adding up to the total;
// and nothing across zones where follower fetching finds every partition
// in every consumer's own zone.
func crossZoneConsistent(sc *scenario.Scenario, cfg *scenario.Group, g *metrics.GroupResult, rows []metrics.SeriesRow) string {
	z := g.CrossZone
	if (z != nil) != (len(sc.Broker.Nodes) > 0) {
		return fmt.Sprintf("cross_zone %+v with %d brokers in the layout", z, len(sc.Broker.Nodes))
	}
	if z == nil {
		return ""
	}
	if z.Bytes < 0 || z.Bytes > z.FetchedBytes || z.Fraction < 0 || z.Fraction > 1 || z.CostUSD < 0 {
		return fmt.Sprintf("cross_zone %+v", *z)
	}
	smallest := int64(-1)
	local := sc.Broker.FollowerFetching() && len(cfg.ClientRack) > 0 && slices.Equal(cfg.ClientRack, cfg.Racks)
	for _, tn := range cfg.Topics {
		for _, t := range sc.Topics {
			if t.Name != tn {
				continue
			}
			if smallest < 0 || t.RecordSize < smallest {
				smallest = t.RecordSize
			}
			// Every partition has a replica in every rack only when each
			// rack's brokers all hold one: with as many replicas as
			// brokers.
			local = local && t.ReplicationFactor == len(sc.Broker.Nodes)
		}
	}
	if smallest > 0 && z.FetchedBytes < g.Consumed*smallest {
		return fmt.Sprintf("fetched %d bytes for %d records processed of at least %d bytes each", z.FetchedBytes, g.Consumed, smallest)
	}
	if local && z.Bytes != 0 {
		return fmt.Sprintf("%d bytes crossed zones, but follower fetching has a replica of every partition in every consumer's zone", z.Bytes)
	}
	si, end := engine.FromDuration(sc.SampleInterval), engine.FromDuration(sc.Duration)
	if end%si == 0 {
		var sum float64
		for _, row := range rows {
			sum += row.CrossZoneBytesPerS * sc.SampleInterval.Seconds()
		}
		if d := sum - float64(z.Bytes); d > 1+float64(len(rows))*1e-5 || d < -1-float64(len(rows))*1e-5 {
			return fmt.Sprintf("the timeseries' cross_zone_bytes_per_s add up to %.1f bytes, summary says %d", sum, z.Bytes)
		}
	}
	return ""
}
