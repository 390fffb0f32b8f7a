package report

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/charts"
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/runner"
)

// HeatmapColumns is the time resolution of the per-partition lag heat maps.
const HeatmapColumns = 240

// maxRunCharts caps the per-run charts (timeline, heat map) and the lines
// of the throughput and lag charts: a sweep of a thousand runs would
// otherwise draw thousands of pictures and a thousand overlapping lines
// nobody can read. The first seed of each configuration is drawn first; the
// sweep charts and the bars show every run.
const maxRunCharts = 24

// sampler downsamples one run's timeseries per group for the charts, so
// memory stays bounded however long the run. A merged run brings its
// samples already downsampled (fixed).
type sampler struct {
	groups map[string]*charts.Downsampler // NB: lookup only
	fixed  map[string][]charts.Sample     // NB: lookup only
}

func (sp *sampler) samples(group string) []charts.Sample {
	if sp.fixed != nil {
		return sp.fixed[group]
	}
	if d := sp.groups[group]; d != nil {
		return d.Samples()
	}
	return nil
}

func newSampler(run *experiment.Run) *sampler {
	sc := run.Scenario
	expected := int(sc.Duration / sc.SampleInterval)
	sp := &sampler{groups: map[string]*charts.Downsampler{}}
	for _, g := range sc.Groups {
		sp.groups[g.Name] = charts.NewDownsampler(expected, charts.MaxPoints)
	}
	return sp
}

func (sp *sampler) add(r *metrics.SeriesRow) {
	if d := sp.groups[r.Group]; d != nil {
		d.Add(charts.Sample{T: r.TS, ProducedPerS: r.ProducedPerS, ConsumedPerS: r.ConsumedPerS, Lag: r.Lag,
			LagTimeS: r.LagTimeS, Members: r.Members, IdleMembers: r.IdleMembers,
			PausedPartitions: r.PausedPartitions, Rebalancing: r.Rebalancing, CrossZoneBytesPerS: r.CrossZoneBytesPerS})
	}
}

// chartRuns picks the runs whose per-run charts are drawn: every run of a
// small experiment (up to maxRunCharts, first seeds first); for a sweep, the
// first seed of each variant's first and last sweep point, the ends of each
// curve.
func chartRuns(x *experiment.Experiment, outs []runner.Outcome) map[int]bool {
	pick := map[int]bool{}
	if x.Sweep != nil {
		first := map[string]int{} // NB: lookup only
		last := map[string]int{}
		var order []string
		for _, o := range outs {
			if o.Run.Seed != x.Seeds[0] {
				continue
			}
			if _, ok := first[o.Run.Variant]; !ok {
				first[o.Run.Variant] = o.Index
				order = append(order, o.Run.Variant)
			}
			last[o.Run.Variant] = o.Index
		}
		for _, v := range order {
			pick[first[v]] = true
			pick[last[v]] = true
		}
		return pick
	}
	seen := map[string]bool{}
	// First pass: the first seed of every configuration; second: the rest.
	for pass := 0; pass < 2; pass++ {
		for _, o := range outs {
			cfg := o.Run.Variant + "|" + sweepString(o.Run)
			if (pass == 0) == seen[cfg] || pick[o.Index] {
				continue
			}
			if len(pick) >= maxRunCharts {
				return pick
			}
			seen[cfg] = true
			pick[o.Index] = true
		}
	}
	return pick
}

// chartExperiment converts the outcomes into what charts draws.
func (w *Writer) chartExperiment(outs []runner.Outcome, verdicts []*RunVerdict) *charts.Experiment {
	x := w.x
	cx := &charts.Experiment{Name: x.Name, Description: strings.TrimSpace(x.Description), Source: string(x.Source), Variants: x.Variants}
	if x.Sweep != nil {
		for _, a := range x.Sweep.Axes {
			cx.SweepPaths = append(cx.SweepPaths, a.Path)
		}
	}
	cx.SLO = sloLines(x.SLO)
	cx.Plan = planRows(x, outs, verdicts)
	drawn := w.drawn
	for i, o := range outs {
		cr := charts.Run{ID: o.Run.ID, Variant: o.Run.Variant, Seed: o.Run.Seed}
		for _, p := range o.Run.Point {
			sv := charts.SweepValue{Path: p.Path, Label: fmt.Sprint(p.Value)}
			switch v := p.Value.(type) {
			case int64:
				sv.Value, sv.Numeric = float64(v), true
			case float64:
				sv.Value, sv.Numeric = v, true
			}
			cr.Sweep = append(cr.Sweep, sv)
		}
		if v := verdicts[i]; v != nil {
			pass := v.Pass
			cr.SLOPass = &pass
		}
		sp := w.samplers[o.Index]
		for _, g := range o.Result.Groups {
			cg := charts.Group{Name: g.Group, Summary: summaryOf(&g)}
			if sp != nil && drawn[o.Index] {
				cg.Samples = sp.samples(g.Group)
			}
			for _, rb := range o.Result.Rebalances {
				if rb.Group == g.Group {
					cg.Rebalances = append(cg.Rebalances, charts.Rebalance{Generation: rb.Generation, Start: rb.StartS, End: rb.EndS, Cause: rb.Cause})
				}
			}
			if drawn[o.Index] {
				for _, tl := range o.Result.Timelines {
					if tl.Group != g.Group {
						continue
					}
					mt := charts.MemberTimeline{Label: tl.Label}
					for _, sp := range tl.Spans {
						mt.Spans = append(mt.Spans, charts.Span{Start: sp.Start, End: sp.End, State: charts.State(sp.State)})
					}
					cg.Members = append(cg.Members, mt)
				}
				for _, h := range o.Result.Heatmaps {
					if h.Group == g.Group {
						cg.Partitions, cg.Heatmap, cg.HeatmapT = h.Partitions, h.Lag, h.ColumnEndS
					}
				}
			}
			cr.Groups = append(cr.Groups, cg)
		}
		cx.Runs = append(cx.Runs, cr)
	}
	return cx
}

func summaryOf(g *metrics.GroupResult) charts.Summary {
	s := charts.Summary{
		ThroughputPerS: g.ThroughputPerS, LagMax: g.Lag.Max, LagMean: g.Lag.Mean, LagTimeMaxS: g.LagTimeS.Max,
		IdleMean: g.IdleMembers.Mean, IdleMax: g.IdleMembers.Max, Duplicates: g.Duplicates, Rebalances: g.Rebalances,
		RebalanceTimeS: g.RebalanceTimeS, PauseRebalanceS: g.PartitionPauseS.Rebalance,
		PauseFailureDetectionS: g.PartitionPauseS.FailureDetection, PauseUnassignedS: g.PartitionPauseS.Unassigned,
		PauseTotalS: g.PartitionPauseS.Total, PauseMaxS: g.PartitionPauseS.MaxS, PartitionsMoved: g.PartitionsMoved,
		LatencyP50Ms: g.LatencyMs.P50, LatencyP99Ms: g.LatencyMs.P99, MembersMax: g.Members.Max,
	}
	if z := g.CrossZone; z != nil {
		s.CrossZone, s.CrossZoneBytes, s.CrossZoneFraction, s.CrossZoneUSDPerMonth = true, z.Bytes, z.Fraction, z.USDPerMonth
	}
	return s
}

func sloLines(s *experiment.SLO) []string {
	if s == nil {
		return nil
	}
	var out []string
	if s.MaxLag > 0 {
		out = append(out, fmt.Sprintf("lag_max: lag at every sample after warmup at most %d records", s.MaxLag))
	}
	if s.MaxLagTime > 0 {
		out = append(out, fmt.Sprintf("lag_time_s_max: oldest unprocessed record at most %v old", s.MaxLagTime))
	}
	if s.P99Latency > 0 {
		out = append(out, fmt.Sprintf("latency_ms_p99: 99%% of records processed within %v of being produced", s.P99Latency))
	}
	if s.MaxPause > 0 {
		out = append(out, fmt.Sprintf("partition_pause_s_max_single: no partition unfetched for longer than %v at a time", s.MaxPause))
	}
	out = append(out, fmt.Sprintf("warmup: judged from %v on", s.Warmup))
	return out
}

// WriteIndex writes root/index.html linking every experiment folder under
// root that holds a report.html (not only the ones just run).
func WriteIndex(root string) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	var idx []charts.IndexEntry
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, e.Name(), "report.html")); err != nil {
			continue
		}
		ie := charts.IndexEntry{Name: e.Name()}
		if s, err := readSummary(filepath.Join(root, e.Name(), "summary.json")); err == nil {
			ie.Description, ie.Runs = strings.TrimSpace(s.Description), len(s.Runs)
			for _, r := range s.Runs {
				if r.SLOPass != nil {
					ie.SLOJudged++
					if *r.SLOPass {
						ie.SLOPassed++
					}
				}
			}
		}
		idx = append(idx, ie)
	}
	sort.Slice(idx, func(i, j int) bool { return idx[i].Name < idx[j].Name })
	// Written beside, then renamed: an interrupted write leaves the old
	// index whole. Its links are relative to root, which the rename keeps.
	tmp, err := makeTemp(root, "index.html")
	if err != nil {
		return err
	}
	defer func() {
		os.RemoveAll(tmp)
		release(tmp)
	}()
	if err := charts.WriteIndex(tmp, idx); err != nil {
		return err
	}
	return os.Rename(filepath.Join(tmp, "index.html"), filepath.Join(root, "index.html"))
}

var _ = engine.Never
