package charts

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// sans is the one font of every chart. gonum/plot compiles the Liberation
// fonts into the binary, so text is measured identically everywhere, and
// Liberation Sans has Arial's metrics, so a viewer without it lays the SVG
// text out the same with Arial.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

const (
	titleSize  = 11
	labelSize  = 10
	tickSize   = 9
	legendSize = 9

	// pngDPI: a chart 8 in wide becomes 768 px, about a laptop browser
	// column.
	pngDPI = 96
)

// seriesColors is the fixed palette, taken by a series' index after
// sorting. Okabe and Ito's colour-blind safe set without its yellow (too
// faint on white), then a brown.
var seriesColors = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x00, 0x00, 0x00, 0xFF}, // black
	{0x8C, 0x56, 0x4B, 0xFF}, // brown
}

// seriesDashes: once the colours run out, the next round of series is
// dashed, then dotted, so no two of the first 32 series look alike.
var seriesDashes = [][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(1.5), vg.Points(2)},
	{vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)},
}

func seriesColor(i int) color.Color { return seriesColors[i%len(seriesColors)] }

func lineStyle(colorIdx, dashIdx int) draw.LineStyle {
	return draw.LineStyle{
		Color:  seriesColor(colorIdx),
		Width:  vg.Points(1.2),
		Dashes: seriesDashes[dashIdx%len(seriesDashes)],
	}
}

// stateColors are the member timeline's colours, one per State. Rebalancing
// has the same orange as pause-by-rebalance in the bars.
var stateColors = [numStates]color.NRGBA{
	Processing:  {0x00, 0x9E, 0x73, 0xFF}, // green: doing work
	Rebalancing: {0xE6, 0x9F, 0x00, 0xFF}, // orange: blocked by the protocol
	Idle:        {0xC8, 0xC8, 0xC8, 0xFF}, // light grey: nothing to do
	Stalled:     {0xCC, 0x79, 0xA7, 0xFF}, // purple: poll loop stuck
	Dead:        {0x33, 0x33, 0x33, 0xFF}, // near black: not running
}

var (
	rebalanceColor = color.NRGBA{0x00, 0x72, 0xB2, 0xFF} // the rebalance lane
	rebalanceBand  = color.NRGBA{0x00, 0x72, 0xB2, 0x22} // behind member rows
	noDataColor    = color.NRGBA{0xF0, 0xF0, 0xF0, 0xFF}
)

// pauseCauses are the stacked parts of the pause bars, in stacking order.
// key is the cause's name in docs/metrics.md and the CSV.
var pauseCauses = []struct {
	name, key string
	color     color.NRGBA
	get       func(*Summary) float64
}{
	{"rebalance", "rebalance", stateColors[Rebalancing], func(s *Summary) float64 { return s.PauseRebalanceS }},
	{"failure detection", "failure_detection", color.NRGBA{0xD5, 0x5E, 0x00, 0xFF}, func(s *Summary) float64 { return s.PauseFailureDetectionS }},
	{"unassigned", "unassigned", color.NRGBA{0x99, 0x99, 0x99, 0xFF}, func(s *Summary) float64 { return s.PauseUnassignedS }},
}

// newPlot returns a plot with every text in the chart font.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, titleSize)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Tick.Label.Font = font.From(sans, tickSize)
	}
	p.Legend.TextStyle.Font = font.From(sans, legendSize)
	return p
}

// legendItem is one entry of a legend drawn beside the plot.
type legendItem struct {
	label string
	thumb plot.Thumbnailer
}

// swatch is a legend thumbnail: a filled box.
type swatch color.NRGBA

func (s swatch) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	inset := (r.Max.Y - r.Min.Y) * 0.1
	c.FillPolygon(color.NRGBA(s), []vg.Point{
		{X: r.Min.X, Y: r.Min.Y + inset}, {X: r.Max.X, Y: r.Min.Y + inset},
		{X: r.Max.X, Y: r.Max.Y - inset}, {X: r.Min.X, Y: r.Max.Y - inset},
	})
}

// legendEntryHeight is the room one legend line takes, for sizing figures.
const legendEntryHeight = vg.Length(legendSize * 1.25)

// maxLegendChars keeps a legend strip from eating the plot: longer labels
// lose their middle.
const maxLegendChars = 44

// drawWithLegend fills the canvas white and draws p, with the legend (if
// any) in a strip on the right rather than over the data, so a legend never
// hides a line however many series there are.
func drawWithLegend(c draw.Canvas, p *plot.Plot, items []legendItem) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	if len(items) == 0 {
		p.Draw(c)
		return
	}
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(sans, legendSize)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(18)
	for _, it := range items {
		l.Add(shorten(it.label, maxLegendChars), it.thumb)
	}
	w := l.Rectangle(c).Size().X + vg.Points(14)
	p.Draw(draw.Crop(c, 0, -w, 0, 0))
	top := vg.Points(4)
	if p.Title.Text != "" {
		top += p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
	}
	l.Draw(draw.Crop(c, c.Size().X-w+vg.Points(8), 0, 0, -top))
}

// shorten cuts the middle out of s so it has at most n runes.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 1) / 2
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// figHeight is a figure's height: base, or more when rows (legend lines or
// bar categories) of rowH each need it after fixed of titles and axes.
func figHeight(base vg.Length, rows int, rowH, fixed vg.Length) vg.Length {
	return max(base, vg.Length(rows)*rowH+fixed)
}

// siTicks labels an axis 0, 500, 1k, 1.5k, ... instead of 1500 or 1.5e+06,
// which is shorter and reads the same in every chart.
type siTicks struct{}

func (siTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = siLabel(ts[i].Value)
		}
	}
	return ts
}

func siLabel(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trimFloat(v/1e9) + "G"
	case a >= 1e6:
		return trimFloat(v/1e6) + "M"
	case a >= 1e3:
		return trimFloat(v/1e3) + "k"
	case a != 0 && a < 0.01:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return trimFloat(v)
}

// trimFloat prints at most 3 significant decimals, no trailing zeros.
func trimFloat(v float64) string {
	s := strconv.FormatFloat(v, 'f', 3, 64)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	if s == "-0" {
		return "0"
	}
	return s
}

// timeUnit picks the unit of a time axis from the run's length, so a
// two-hour run reads in minutes, not in thousands of seconds.
func timeUnit(maxT float64) (div float64, label string) {
	switch {
	case maxT <= 600:
		return 1, "time (s)"
	case maxT <= 3*3600:
		return 60, "time (min)"
	}
	return 3600, "time (h)"
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
