package charts

import (
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// barMetric is one Summary number shown as one bar per configuration.
type barMetric struct {
	kind    string
	title   string
	xLabel  string
	caption string
	get     func(*Summary) float64
}

var barMetrics = []barMetric{
	{
		kind: "idle", title: "Idle members (mean over time)", xLabel: "idle members",
		caption: "Alive members that own no partition, averaged over the run. Consumers beyond the " +
			"partition count show up here, not as throughput.",
		get: func(s *Summary) float64 { return s.IdleMean },
	},
	{
		kind: "duplicates", title: "Duplicates", xLabel: "records processed more than once",
		caption: "Records processed again from the last committed offset after a rebalance or a crash; " +
			"fewer revocations and more frequent commits mean fewer.",
		get: func(s *Summary) float64 { return float64(s.Duplicates) },
	},
	{
		kind: "p99", title: "p99 latency", xLabel: "produce-to-processed p99 (ms)",
		caption: "99th percentile of the time from produce to first processing. Pauses and lag show up " +
			"here as the tail users feel.",
		get: func(s *Summary) float64 { return s.LatencyP99Ms },
	},
}

// crossZoneBar is drawn for groups whose runs have a broker layout.
var crossZoneBar = barMetric{
	kind: "crosszone-cost", title: "Cross-zone cost", xLabel: "US dollars per month (at the run's rate)",
	caption: "What the group's fetches across racks cost at the experiment's price per GB, at the run's average " +
		"rate over a 730-hour month: rack-aware assignment and follower fetching bring it down.",
	get: func(s *Summary) float64 { return s.CrossZoneUSDPerMonth },
}

// stat is one number over the seeds of a configuration.
type stat struct {
	n            int
	mean, lo, hi float64
}

func statOf(vs []float64) stat {
	var s stat
	for _, v := range vs {
		if !finite(v) {
			continue
		}
		if s.n == 0 || v < s.lo {
			s.lo = v
		}
		if s.n == 0 || v > s.hi {
			s.hi = v
		}
		s.mean += v
		s.n++
	}
	if s.n > 0 {
		s.mean /= float64(s.n)
	}
	return s
}

// configValues collects get over the runs of c that have group g.
func configValues(x *Experiment, c *config, g string, get func(*Summary) float64) []float64 {
	var vs []float64
	for _, i := range c.runs {
		if gr := x.Runs[i].group(g); gr != nil {
			vs = append(vs, get(&gr.Summary))
		}
	}
	return vs
}

// barLayout is shared by the bar charts: one horizontal bar per
// configuration, the first at the top, labels on the left where long
// names fit.
const barRow = vg.Length(20)

func barHeight(rows int) vg.Length { return figHeight(2.2*vg.Inch, rows, barRow, vg.Points(80)) }

// barAxis puts the configuration labels on the y axis, first at the top.
func barAxis(p *plot.Plot, labels []string) {
	rev := make([]string, len(labels))
	for k, l := range labels {
		rev[len(labels)-1-k] = shorten(l, 48)
	}
	p.NominalY(rev...)
	p.Y.Min, p.Y.Max = -0.5, float64(len(labels))-0.5
	p.X.Tick.Marker = siTicks{}
	p.X.Min = 0
}

// barRoom leaves a little room right of the longest bar (and its
// whisker), and gives an all-zero chart an axis.
func barRoom(p *plot.Plot) {
	if p.X.Max <= p.X.Min {
		p.X.Max = p.X.Min + 1
		return
	}
	p.X.Max += (p.X.Max - p.X.Min) * 0.04
}

// hbar returns horizontal bars at y = n-1-k for values[k].
func hbar(values []float64, base *plotter.BarChart, clr color.Color) *plotter.BarChart {
	n := len(values)
	vs := make(plotter.Values, n)
	for k, v := range values {
		vs[n-1-k] = v
	}
	b, err := plotter.NewBarChart(vs, barRow*0.6)
	if err != nil {
		panic(err)
	}
	b.Horizontal = true
	b.Color = clr
	b.LineStyle.Width = 0
	if base != nil {
		b.StackOn(base)
	}
	return b
}

// whiskers returns min-max bars over seeds, or nil when no configuration
// varies across its seeds (nothing to show).
func whiskers(stats []stat) plot.Plotter {
	n := len(stats)
	var pts struct {
		plotter.XYs
		plotter.XErrors
	}
	any := false
	for k, s := range stats {
		if s.n == 0 {
			continue
		}
		if s.hi > s.lo {
			any = true
		}
		pts.XYs = append(pts.XYs, plotter.XY{X: s.mean, Y: float64(n - 1 - k)})
		pts.XErrors = append(pts.XErrors, struct{ Low, High float64 }{s.mean - s.lo, s.hi - s.mean})
	}
	if !any {
		return nil
	}
	e, err := plotter.NewXErrorBars(pts)
	if err != nil {
		panic(err)
	}
	e.LineStyle.Width = vg.Points(1)
	e.CapWidth = barRow * 0.4
	return e
}

func barCSVHeader(kind string) []string {
	return []string{"configuration", "seeds", kind + "_mean", kind + "_min", kind + "_max"}
}

func statRow(label string, s stat) []string {
	return []string{label, strconv.Itoa(s.n), ff(s.mean), ff(s.lo), ff(s.hi)}
}

// barFigure draws one metric as one bar per configuration: the mean over
// seeds, with min-max whiskers when there are several.
func barFigure(n *namer, x *Experiment, cfgs []config, g string, m barMetric) (figure, bool) {
	labels := make([]string, len(cfgs))
	stats := make([]stat, len(cfgs))
	rows := [][]string{barCSVHeader(m.kind)}
	for k := range cfgs {
		labels[k] = cfgs[k].label
		stats[k] = statOf(configValues(x, &cfgs[k], g, m.get))
		rows = append(rows, statRow(labels[k], stats[k]))
	}
	if len(cfgs) == 0 {
		return figure{}, false
	}
	title := m.title + " — " + g
	f := figure{
		name:    n.name(m.kind, g),
		section: "Group " + g + ": per configuration",
		title:   title,
		caption: m.caption,
		w:       7 * vg.Inch,
		h:       barHeight(len(cfgs)),
		csv:     rows,
	}
	f.draw = func(c draw.Canvas) {
		p := newPlot(title, m.xLabel, "")
		means := make([]float64, len(stats))
		for k, s := range stats {
			means[k] = s.mean
		}
		p.Add(hbar(means, nil, seriesColor(0)))
		if w := whiskers(stats); w != nil {
			p.Add(w)
		}
		barAxis(p, labels)
		barRoom(p)
		drawWithLegend(c, p, nil)
	}
	return f, true
}

// pauseFigure stacks partition pause by cause per configuration, whiskers
// on the total.
func pauseFigure(n *namer, x *Experiment, cfgs []config, g string) (figure, bool) {
	if len(cfgs) == 0 {
		return figure{}, false
	}
	labels := make([]string, len(cfgs))
	parts := make([][]float64, len(pauseCauses)) // parts[cause][config]: mean
	totals := make([]stat, len(cfgs))
	header := []string{"configuration", "seeds"}
	for _, pc := range pauseCauses {
		header = append(header, pc.key+"_mean_s")
	}
	header = append(header, "total_mean_s", "total_min_s", "total_max_s")
	rows := [][]string{header}
	for ci := range pauseCauses {
		parts[ci] = make([]float64, len(cfgs))
	}
	for k := range cfgs {
		labels[k] = cfgs[k].label
		totals[k] = statOf(configValues(x, &cfgs[k], g, func(s *Summary) float64 { return s.PauseTotalS }))
		row := []string{labels[k], strconv.Itoa(totals[k].n)}
		for ci, pc := range pauseCauses {
			parts[ci][k] = statOf(configValues(x, &cfgs[k], g, pc.get)).mean
			row = append(row, ff(parts[ci][k]))
		}
		row = append(row, ff(totals[k].mean), ff(totals[k].lo), ff(totals[k].hi))
		rows = append(rows, row)
	}
	title := "Partition pause by cause — " + g
	f := figure{
		name:    n.name("pause", g),
		section: "Group " + g + ": per configuration",
		title:   title,
		caption: "Partition-seconds no live member could fetch, by cause: rebalance (the protocol's stop), " +
			"failure detection (a dead owner until its session times out), unassigned. Shorter is better.",
		w:   7 * vg.Inch,
		h:   barHeight(len(cfgs)),
		csv: rows,
	}
	f.draw = func(c draw.Canvas) {
		p := newPlot(title, "partition-seconds paused", "")
		var base *plotter.BarChart
		var items []legendItem
		for ci, pc := range pauseCauses {
			b := hbar(parts[ci], base, pc.color)
			p.Add(b)
			items = append(items, legendItem{pc.name, swatch(pc.color)})
			base = b
		}
		if w := whiskers(totals); w != nil {
			p.Add(w)
		}
		barAxis(p, labels)
		barRoom(p)
		drawWithLegend(c, p, items)
	}
	return f, true
}
