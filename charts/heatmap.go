package charts

import (
	"image"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// heatmapFigure draws group g's lag per partition over time in run r: one
// row per partition (the first at the top), one column per Heatmap column,
// darker for more lag, with a colour bar on the right.
func heatmapFigure(n *namer, r *Run, g *Group) (figure, bool) {
	rowsN := len(g.Heatmap)
	if rowsN == 0 || len(g.HeatmapT) == 0 {
		return figure{}, false
	}
	end := runEnd(g)
	var top int64
	rows := [][]string{{"partition", "t_s", "lag"}}
	for i := range g.Heatmap {
		label := partitionLabel(g, i)
		for j, v := range g.Heatmap[i] {
			if j >= len(g.HeatmapT) {
				break
			}
			top = max(top, v)
			rows = append(rows, []string{label, ff(g.HeatmapT[j]), fi(v)})
		}
	}
	title := "Lag per partition — " + g.Name + " — " + r.ID
	div, xLabel := timeUnit(end)
	hp := &heatPlotter{g: g, end: end, div: div, ramp: &lagRamp{max: float64(max(top, 1)), alpha: 1}}
	f := figure{
		name:    n.name("heatmap", g.Name, r.ID),
		section: "Run " + r.ID,
		title:   title,
		caption: "Lag of each partition over time, darker is more. One dark row is a hot key or a slow " +
			"owner; a dark column across all rows is a group-wide pause.",
		w:   8 * vg.Inch,
		h:   min(figHeight(2.6*vg.Inch, rowsN, vg.Points(12), vg.Points(70)), 9*vg.Inch),
		csv: rows,
	}
	f.draw = func(c draw.Canvas) {
		c.SetColor(color.White)
		c.Fill(c.Rectangle.Path())
		const barW = vg.Length(78)
		p := newPlot(title, xLabel, "")
		p.Add(hp)
		p.Y.Tick.Marker = partitionTicks(g)
		p.Y.Tick.Length = 0
		p.Y.Min, p.Y.Max = -0.5, float64(rowsN)-0.5
		p.X.Min, p.X.Max = 0, end/div
		if p.X.Max <= 0 {
			p.X.Max = 1
		}
		p.Draw(draw.Crop(c, 0, -barW, 0, 0))

		cb := newPlot("", "", "lag (records)")
		cb.HideX()
		cb.Add(&plotter.ColorBar{ColorMap: hp.ramp, Vertical: true, Colors: 64})
		cb.Y.Tick.Marker = siTicks{}
		// The bar lines up with the heat map's data area: same title
		// height on top, same axis height below.
		topPad := p.Title.TextStyle.Rectangle(title).Size().Y + p.Title.Padding
		cb.Draw(draw.Crop(c, c.Size().X-barW+vg.Points(6), -vg.Points(10), xAxisHeight(p)-cb.X.Padding, -topPad))
	}
	return f, true
}

// xAxisHeight is the height gonum/plot gives the x axis (label, ticks).
func xAxisHeight(p *plot.Plot) vg.Length {
	h := p.X.Label.TextStyle.Height(p.X.Label.Text) + p.X.Label.Padding
	h += p.X.Tick.Label.Height("0") + p.X.Tick.Length + p.X.Width/2 + p.X.Padding
	return h
}

func partitionLabel(g *Group, i int) string {
	if i < len(g.Partitions) {
		return g.Partitions[i]
	}
	return "p" + fi(int64(i))
}

// partitionTicks labels the rows, every k-th one when there are too many
// to read (about one label per 11 points of height at most).
func partitionTicks(g *Group) plot.Ticker {
	n := len(g.Heatmap)
	every := 1
	for n/every > 40 {
		every *= 2
	}
	var ts plot.ConstantTicks
	for i := 0; i < n; i += every {
		ts = append(ts, plot.Tick{Value: float64(n - 1 - i), Label: partitionLabel(g, i)})
	}
	return ts
}

// heatPlotter rasterizes the heat map at the PNG's resolution into one
// image, whatever the number of cells: an SVG of one rectangle per cell
// would be megabytes. Columns may be uneven in time; each pixel column
// shows the Heatmap column whose interval (previous end, end] holds its
// middle, and each pixel row the largest lag of the partitions it covers.
type heatPlotter struct {
	g    *Group
	end  float64
	div  float64
	ramp *lagRamp
}

func (h *heatPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, h.end / h.div, -0.5, float64(len(h.g.Heatmap)) - 0.5
}

func (h *heatPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	rows := len(h.g.Heatmap)
	rect := vg.Rectangle{
		Min: vg.Point{X: trX(0), Y: trY(-0.5)},
		Max: vg.Point{X: trX(h.end / h.div), Y: trY(float64(rows) - 0.5)},
	}
	const pxPerPt = pngDPI / 72.0
	w := max(1, int(math.Round(float64(rect.Size().X)*pxPerPt)))
	ht := max(1, int(math.Round(float64(rect.Size().Y)*pxPerPt)))
	img := image.NewNRGBA(image.Rect(0, 0, w, ht))
	ts := h.g.HeatmapT
	col := make([]int, w) // heat map column of each pixel column, -1: no data
	for px := range w {
		t := h.end * (float64(px) + 0.5) / float64(w)
		j := sort.SearchFloat64s(ts, t)
		if j >= len(ts) {
			j = -1
		}
		col[px] = j
	}
	for py := range ht {
		// Partition 0 is the top row, drawn at the image's top.
		lo := py * rows / ht
		hi := max(lo+1, (py+1)*rows/ht)
		for px := range w {
			clr := color.Color(noDataColor)
			if j := col[px]; j >= 0 {
				var v int64 = -1
				for i := lo; i < hi && i < rows; i++ {
					if j < len(h.g.Heatmap[i]) {
						v = max(v, h.g.Heatmap[i][j])
					}
				}
				if v >= 0 {
					clr = h.ramp.color(float64(v))
				}
			}
			img.Set(px, py, clr)
		}
	}
	c.DrawImage(rect, img)
}

// lagRamp maps lag to colour: white for none, through yellow, orange and
// red to a dark plum at the heat map's maximum. It is a palette.ColorMap
// for the colour bar.
type lagRamp struct {
	min, max, alpha float64
}

var rampStops = []color.NRGBA{
	{0xFF, 0xFF, 0xFF, 0xFF},
	{0xFF, 0xE8, 0x9A, 0xFF},
	{0xF4, 0x9C, 0x3A, 0xFF},
	{0xD0, 0x32, 0x1E, 0xFF},
	{0x4A, 0x0D, 0x3A, 0xFF},
}

func (r *lagRamp) color(v float64) color.NRGBA {
	f := 0.0
	if r.max > r.min {
		f = (v - r.min) / (r.max - r.min)
	}
	f = math.Max(0, math.Min(1, f))
	pos := f * float64(len(rampStops)-1)
	i := min(int(pos), len(rampStops)-2)
	frac := pos - float64(i)
	a, b := rampStops[i], rampStops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*frac)) }
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), uint8(math.Round(255 * r.alpha))}
}

func (r *lagRamp) At(v float64) (color.Color, error) {
	if v < r.min || v > r.max {
		return nil, palette.ErrOverflow
	}
	return r.color(v), nil
}
func (r *lagRamp) Max() float64       { return r.max }
func (r *lagRamp) SetMax(v float64)   { r.max = v }
func (r *lagRamp) Min() float64       { return r.min }
func (r *lagRamp) SetMin(v float64)   { r.min = v }
func (r *lagRamp) Alpha() float64     { return r.alpha }
func (r *lagRamp) SetAlpha(a float64) { r.alpha = a }

func (r *lagRamp) Palette(n int) palette.Palette {
	cs := make(rampPalette, n)
	for i := range cs {
		v := r.min
		if n > 1 {
			v += (r.max - r.min) * float64(i) / float64(n-1)
		}
		cs[i] = r.color(v)
	}
	return cs
}

type rampPalette []color.Color

func (p rampPalette) Colors() []color.Color { return p }
