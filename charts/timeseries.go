package charts

import (
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// timeSeries says which value of a Sample a chart over time draws.
type timeSeries struct {
	kind    string // file name part and CSV column
	title   string
	yLabel  string
	caption string
	get     func(*Sample) float64
}

var throughputSeries = timeSeries{
	kind:   "throughput",
	title:  "Throughput",
	yLabel: "consumed (records/s)",
	caption: "Records processed per second, one line per run. Look for dips at rebalances and crashes, " +
		"and for lines that stay flat while consumers are added: partitions, not consumers, cap throughput.",
	get: func(s *Sample) float64 { return s.ConsumedPerS },
}

var lagSeries = timeSeries{
	kind:   "lag",
	title:  "Consumer lag",
	yLabel: "lag (records)",
	caption: "Records produced but not yet committed, summed over partitions. A line that keeps climbing " +
		"cannot keep up; a spike that drains is a pause the group recovered from.",
	get: func(s *Sample) float64 { return float64(s.Lag) },
}

var crossZoneSeries = timeSeries{
	kind:   "crosszone",
	title:  "Cross-zone fetch traffic",
	yLabel: "fetched across racks (MB/s)",
	caption: "Bytes consumers fetch from a replica in another rack (zone) than their own, per second, one line " +
		"per run: the traffic a cloud bills. It moves when a rebalance moves partitions between zones.",
	get: func(s *Sample) float64 { return s.CrossZoneBytesPerS / 1e6 },
}

// seriesStyles gives each run of order its colour and dash index. With
// several variants, each having several runs, colour names the variant
// (variants sorted by name) and dash the run within it, so variants compare
// at a glance; otherwise each run takes the next colour.
func seriesStyles(x *Experiment, order []int) (colorIdx, dashIdx map[int]int) {
	colorIdx, dashIdx = map[int]int{}, map[int]int{} // NB: lookup by run index only
	variant := map[string]int{}
	within := map[string]int{}
	var variants int
	for _, i := range order {
		v := x.Runs[i].Variant
		if _, ok := variant[v]; !ok {
			variant[v] = variants
			variants++
		}
	}
	byVariant := variants > 1 && variants < len(order)
	for k, i := range order {
		if byVariant {
			v := x.Runs[i].Variant
			colorIdx[i] = variant[v]
			dashIdx[i] = within[v]
			within[v]++
			continue
		}
		colorIdx[i] = k
		dashIdx[i] = k / len(seriesColors)
	}
	return colorIdx, dashIdx
}

// fit returns samples as drawn: at most MaxPoints, downsampled (never
// truncated) when the caller passed more.
func fit(samples []Sample) []Sample {
	if len(samples) <= MaxPoints {
		return samples
	}
	d := NewDownsampler(len(samples), MaxPoints)
	for _, s := range samples {
		d.Add(s)
	}
	return d.Samples()
}

// timeFigure draws one value of group g's timeseries, one line per run.
func timeFigure(n *namer, x *Experiment, order []int, lab labeler, g string, ts timeSeries) (figure, bool) {
	type line struct {
		label       string
		color, dash int
		t, v        []float64
	}
	colors, dashes := seriesStyles(x, order)
	var lines []line
	maxT := 0.0
	rows := [][]string{{"series", "t_s", ts.kind}}
	for _, i := range order {
		r := &x.Runs[i]
		gr := r.group(g)
		if gr == nil || len(gr.Samples) == 0 {
			continue
		}
		l := line{label: lab.run(r), color: colors[i], dash: dashes[i]}
		for _, s := range fit(gr.Samples) {
			v := ts.get(&s)
			if !finite(v) || !finite(s.T) {
				continue
			}
			l.t = append(l.t, s.T)
			l.v = append(l.v, v)
			maxT = max(maxT, s.T)
			rows = append(rows, []string{l.label, ff(s.T), ff(v)})
		}
		if len(l.t) > 0 {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return figure{}, false
	}
	div, xLabel := timeUnit(maxT)
	title := ts.title + " — " + g
	f := figure{
		name:    n.name(ts.kind, g),
		section: "Group " + g + ": over time",
		title:   title,
		caption: ts.caption,
		w:       8 * vg.Inch,
		h:       figHeight(3.4*vg.Inch, len(lines), legendEntryHeight, vg.Points(50)),
		csv:     rows,
	}
	f.draw = func(c draw.Canvas) {
		p := newPlot(title, xLabel, ts.yLabel)
		p.Y.Tick.Marker = siTicks{}
		p.X.Min, p.X.Max = 0, maxT/div
		p.Y.Min = 0
		var items []legendItem
		for _, l := range lines {
			xy := make(plotter.XYs, len(l.t))
			for k := range l.t {
				xy[k] = plotter.XY{X: l.t[k] / div, Y: l.v[k]}
			}
			pl, err := plotter.NewLine(xy)
			if err != nil {
				panic(err)
			}
			pl.LineStyle = lineStyle(l.color, l.dash)
			p.Add(pl)
			items = append(items, legendItem{l.label, pl})
		}
		if p.Y.Max <= p.Y.Min {
			p.Y.Max = p.Y.Min + 1 // an all-zero series still gets an axis
		}
		drawWithLegend(c, p, items)
	}
	return f, true
}
