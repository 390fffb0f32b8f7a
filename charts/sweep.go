package charts

import (
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// sweepMetric is one Summary number drawn against the swept value.
type sweepMetric struct {
	kind   string
	title  string
	yLabel string
	get    func(*Summary) float64
}

var sweepMetrics = []sweepMetric{
	{"throughput", "Throughput", "throughput (records/s)", func(s *Summary) float64 { return s.ThroughputPerS }},
	{"lag-max", "Max lag", "max lag (records)", func(s *Summary) float64 { return float64(s.LagMax) }},
	{"idle", "Idle members (mean)", "idle members (mean)", func(s *Summary) float64 { return s.IdleMean }},
	{"pause", "Partition pause (total)", "partition-seconds paused", func(s *Summary) float64 { return s.PauseTotalS }},
	{"p99", "p99 latency", "p99 latency (ms)", func(s *Summary) float64 { return s.LatencyP99Ms }},
}

// sweepFigure draws metric m of group g against the first swept value: one
// line per variant, and with two or more sweep axes one line per variant
// and value of the other axes (not averaged over them: each is its own
// what-if). A point is the mean over seeds; whiskers span min to max when
// there are several seeds. A first axis with non-numeric values (assignor
// names, say) is drawn as evenly spaced categories in sorted order.
func sweepFigure(n *namer, x *Experiment, lab labeler, g string, m sweepMetric) (figure, bool) {
	type point struct {
		x     float64
		label string
		vs    []float64
	}
	type line struct {
		label string
		pts   []point
	}
	order := runOrder(x)
	numeric := true
	for _, i := range order {
		r := &x.Runs[i]
		if len(r.Sweep) > 0 && !r.Sweep[0].Numeric {
			numeric = false
		}
	}
	var cats []string         // first-axis labels in order, when not numeric
	catAt := map[string]int{} // NB: lookup only
	var lines []line
	lineAt := map[string]int{} // NB: lookup only; lines keep runOrder
	for _, i := range order {
		r := &x.Runs[i]
		gr := r.group(g)
		if gr == nil || len(r.Sweep) == 0 {
			continue
		}
		first := r.Sweep[0]
		xv := first.Value
		if !numeric {
			k, ok := catAt[first.Label]
			if !ok {
				k = len(cats)
				catAt[first.Label] = k
				cats = append(cats, first.Label)
			}
			xv = float64(k)
		}
		key := r.Variant + "\x00" + lab.sweepLabel(r, 1)
		li, ok := lineAt[key]
		if !ok {
			li = len(lines)
			lineAt[key] = li
			label := joinNonEmpty(lab.variant(r), lab.sweepLabel(r, 1))
			if label == "" {
				label = "mean over seeds"
			}
			lines = append(lines, line{label: label})
		}
		l := &lines[li]
		pi := slices.IndexFunc(l.pts, func(p point) bool { return p.label == first.Label })
		if pi < 0 {
			l.pts = append(l.pts, point{x: xv, label: first.Label})
			pi = len(l.pts) - 1
		}
		l.pts[pi].vs = append(l.pts[pi].vs, m.get(&gr.Summary))
	}
	if len(lines) == 0 {
		return figure{}, false
	}
	axis := lab.axis(0, x.SweepPaths[0])
	col := strings.ReplaceAll(m.kind, "-", "_")
	rows := [][]string{{"series", axis, axis + "_label", "seeds", col + "_mean", col + "_min", col + "_max"}}
	stats := make([][]stat, len(lines))
	anySpread := false
	for li := range lines {
		l := &lines[li]
		// Sorted by x so each line is drawn left to right.
		slices.SortStableFunc(l.pts, func(a, b point) int {
			switch {
			case a.x < b.x:
				return -1
			case a.x > b.x:
				return 1
			}
			return 0
		})
		stats[li] = make([]stat, len(l.pts))
		for pi, p := range l.pts {
			s := statOf(p.vs)
			stats[li][pi] = s
			anySpread = anySpread || s.hi > s.lo
			rows = append(rows, []string{l.label, ff(p.x), p.label, strconv.Itoa(s.n), ff(s.mean), ff(s.lo), ff(s.hi)})
		}
	}
	title := m.title + " vs " + axis + " — " + g
	f := figure{
		name:    n.name("sweep", m.kind, g),
		section: "Group " + g + ": sweep",
		title:   title,
		caption: m.title + " against " + axis + ", one line per variant (mean over seeds" +
			map[bool]string{true: ", whiskers min to max", false: ""}[anySpread] +
			"). Where a line flattens, more " + axis + " stops helping; where lines part, the variant matters.",
		w:   7 * vg.Inch,
		h:   figHeight(3.4*vg.Inch, len(lines), legendEntryHeight, vg.Points(50)),
		csv: rows,
	}
	f.draw = func(c draw.Canvas) {
		p := newPlot(title, axis, m.yLabel)
		p.Y.Tick.Marker = siTicks{}
		p.Y.Min = 0
		var items []legendItem
		for li, l := range lines {
			var xy plotter.XYs
			var errs plotter.YErrors
			for pi, pt := range l.pts {
				s := stats[li][pi]
				if s.n == 0 {
					continue
				}
				xy = append(xy, plotter.XY{X: pt.x, Y: s.mean})
				errs = append(errs, struct{ Low, High float64 }{s.mean - s.lo, s.hi - s.mean})
			}
			if len(xy) == 0 {
				continue
			}
			style := lineStyle(li, li/len(seriesColors))
			ln, sc, err := plotter.NewLinePoints(xy)
			if err != nil {
				panic(err)
			}
			ln.LineStyle = style
			sc.GlyphStyle = draw.GlyphStyle{Color: style.Color, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			p.Add(ln, sc)
			if anySpread {
				e, err := plotter.NewYErrorBars(struct {
					plotter.XYs
					plotter.YErrors
				}{xy, errs})
				if err != nil {
					panic(err)
				}
				e.LineStyle = draw.LineStyle{Color: style.Color, Width: vg.Points(1)}
				e.CapWidth = vg.Points(5)
				p.Add(e)
			}
			items = append(items, legendItem{l.label, ln})
		}
		if !numeric {
			ticks := make(plot.ConstantTicks, len(cats))
			for k, cl := range cats {
				ticks[k] = plot.Tick{Value: float64(k), Label: cl}
			}
			p.X.Tick.Marker = ticks
			p.X.Min, p.X.Max = -0.5, float64(len(cats))-0.5
		}
		if p.Y.Max <= p.Y.Min {
			p.Y.Max = p.Y.Min + 1
		}
		drawWithLegend(c, p, items)
	}
	return f, true
}
