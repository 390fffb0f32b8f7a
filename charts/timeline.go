package charts

import (
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// runEnd is the last moment a run's group has data for: the right edge of
// its per-run charts and the end of a rebalance still open.
func runEnd(g *Group) float64 {
	end := 0.0
	if n := len(g.Samples); n > 0 {
		end = max(end, g.Samples[n-1].T)
	}
	if n := len(g.HeatmapT); n > 0 {
		end = max(end, g.HeatmapT[n-1])
	}
	for _, m := range g.Members {
		if n := len(m.Spans); n > 0 {
			end = max(end, m.Spans[n-1].End)
		}
	}
	for _, r := range g.Rebalances {
		end = max(end, r.Start, r.End)
	}
	if !finite(end) {
		end = 0
	}
	return end
}

const rebalanceLane = "rebalances"

// stateName is State.String that cannot panic on a value out of range
// (such a span is listed in the CSV but not drawn).
func stateName(s State) string {
	if s < 0 || s >= numStates {
		return "state(" + strconv.Itoa(int(s)) + ")"
	}
	return s.String()
}

// timelineFigure draws what every member of group g did in run r: one row
// per member slot in join order (the first at the top), under a lane
// marking each rebalance, with the rebalances also shaded across the rows.
func timelineFigure(n *namer, r *Run, g *Group) (figure, bool) {
	if len(g.Members) == 0 {
		return figure{}, false
	}
	end := runEnd(g)
	rows := [][]string{{"lane", "state", "start_s", "end_s", "generation", "cause"}}
	for _, rb := range g.Rebalances {
		e := ""
		if rb.End >= 0 {
			e = ff(rb.End)
		}
		rows = append(rows, []string{rebalanceLane, "rebalance", ff(rb.Start), e,
			strconv.FormatInt(int64(rb.Generation), 10), rb.Cause})
	}
	for _, m := range g.Members {
		for _, s := range m.Spans {
			rows = append(rows, []string{m.Label, stateName(s.State), ff(s.Start), ff(s.End), "", ""})
		}
	}
	title := "Members — " + g.Name + " — " + r.ID
	div, xLabel := timeUnit(end)
	tl := &timelinePlotter{g: g, end: end, div: div}
	f := figure{
		name:    n.name("timeline", g.Name, r.ID),
		section: "Run " + r.ID,
		title:   title,
		caption: "What each member did: green processing, orange rebalancing, grey idle, purple stalled, " +
			"dark dead; blue marks rebalances. Eager protocols turn every row orange at once; cooperative ones only the movers.",
		w:   8 * vg.Inch,
		h:   figHeight(2.6*vg.Inch, len(g.Members)+1, vg.Points(15), vg.Points(70)),
		csv: rows,
	}
	f.draw = func(c draw.Canvas) {
		p := newPlot(title, xLabel, "")
		p.Add(tl)
		labels := make([]string, 0, len(g.Members)+1)
		for k := len(g.Members) - 1; k >= 0; k-- {
			labels = append(labels, shorten(g.Members[k].Label, 40))
		}
		labels = append(labels, rebalanceLane)
		p.NominalY(labels...)
		p.Y.Min, p.Y.Max = -0.5, float64(len(g.Members))+0.5
		p.X.Min, p.X.Max = 0, end/div
		if p.X.Max <= 0 {
			p.X.Max = 1
		}
		var items []legendItem
		for s := State(0); s < numStates; s++ {
			items = append(items, legendItem{s.String(), swatch(stateColors[s])})
		}
		items = append(items, legendItem{"rebalance", swatch(rebalanceColor)})
		drawWithLegend(c, p, items)
	}
	return f, true
}

// timelinePlotter draws member spans as bars; member k (join order) sits
// at y = len(Members)-1-k and the rebalance lane at y = len(Members).
type timelinePlotter struct {
	g   *Group
	end float64
	div float64
}

func (t *timelinePlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, t.end / t.div, -0.5, float64(len(t.g.Members)) + 0.5
}

func (t *timelinePlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	nm := len(t.g.Members)
	box := func(clr color.Color, x0, x1, y0, y1 float64, minW vg.Length) {
		a, b := trX(x0/t.div), trX(x1/t.div)
		if b-a < minW {
			b = a + minW
		}
		c.FillPolygon(clr, []vg.Point{
			{X: a, Y: trY(y0)}, {X: b, Y: trY(y0)}, {X: b, Y: trY(y1)}, {X: a, Y: trY(y1)},
		})
	}
	closeEnd := func(e float64) float64 {
		if e < 0 {
			return t.end
		}
		return e
	}
	// Bands first, so member spans are drawn over them and the band
	// shows in the gaps between rows.
	for _, rb := range t.g.Rebalances {
		box(rebalanceBand, rb.Start, closeEnd(rb.End), -0.5, float64(nm)-0.5, vg.Points(0.75))
	}
	for k, m := range t.g.Members {
		y := float64(nm - 1 - k)
		for _, s := range m.Spans {
			if s.State < 0 || s.State >= numStates || !(s.End > s.Start) {
				continue
			}
			box(stateColors[s.State], s.Start, s.End, y-0.32, y+0.32, 0)
		}
	}
	// Rebalances are often far shorter than a pixel in a long run; the
	// lane keeps every one visible at least as a hairline.
	for _, rb := range t.g.Rebalances {
		box(rebalanceColor, rb.Start, closeEnd(rb.End), float64(nm)-0.32, float64(nm)+0.32, vg.Points(0.75))
	}
}
