package charts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// File is one file Render wrote.
type File struct {
	// Name is the file's name inside the folder given to Render.
	Name string
	// Chart is the chart's name (Name without its extension), "" for
	// report.html.
	Chart string
}

// figure is one chart, prepared and ready to draw: its data is final
// before drawing starts (prepare, then draw).
type figure struct {
	name    string // file name without extension, unique in the experiment
	section string // report heading the chart sits under
	title   string
	caption string // one line: what to look at
	w, h    vg.Length
	csv     [][]string // header first: exactly the values drawn
	draw    func(c draw.Canvas)
}

// Render draws every chart of x into dir (which must exist) as <name>.svg,
// <name>.png and <name>.csv, then writes dir/report.html showing them all.
// Chart names are listed in the package doc. It returns the files written,
// in a fixed order: each chart's svg, png, csv, then report.html.
//
// A chart with nothing to draw (a group no run has samples for, a run with
// no member timeline or heat map) is left out rather than drawn empty.
func Render(x *Experiment, dir string) ([]File, error) {
	if x == nil {
		return nil, errors.New("charts: nil experiment")
	}
	figs := figures(x)
	svgs := make([][]byte, len(figs))
	errs := make([]error, len(figs))

	// Charts are independent, so they are drawn in parallel; every file's
	// bytes depend only on its figure, and results are kept by index.
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(figs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				svgs[i], errs[i] = writeFigure(&figs[i], dir)
			}
		}()
	}
	for i := range figs {
		work <- i
	}
	close(work)
	wg.Wait()

	var files []File
	for i := range figs {
		if errs[i] != nil {
			return files, errs[i]
		}
		for _, ext := range []string{".svg", ".png", ".csv"} {
			files = append(files, File{Name: figs[i].name + ext, Chart: figs[i].name})
		}
	}
	if err := writeReport(x, figs, svgs, filepath.Join(dir, "report.html")); err != nil {
		return files, err
	}
	return append(files, File{Name: "report.html"}), nil
}

// writeFigure writes the figure's three files and returns its SVG for the
// report.
func writeFigure(f *figure, dir string) (svg []byte, err error) {
	svg, png, err := drawFigure(f)
	if err != nil {
		return nil, err
	}
	for _, out := range []struct {
		ext string
		b   []byte
	}{{".svg", svg}, {".png", png}, {".csv", csvBytes(f.csv)}} {
		if err := os.WriteFile(filepath.Join(dir, f.name+out.ext), out.b, 0o644); err != nil {
			return nil, err
		}
	}
	return svg, nil
}

// drawFigure draws f as SVG and as PNG. gonum/plot panics on some data it
// cannot draw; that becomes an error naming the chart, never a crash.
func drawFigure(f *figure) (svg, png []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("charts: drawing %s: %v", f.name, r)
		}
	}()
	sc := vgsvg.NewWith(vgsvg.UseWH(f.w, f.h))
	f.draw(draw.New(sc))
	var b bytes.Buffer
	if _, err := sc.WriteTo(&b); err != nil {
		return nil, nil, err
	}
	svg = fixSVG(b.Bytes())

	ic := vgimg.NewWith(vgimg.UseWH(f.w, f.h), vgimg.UseDPI(pngDPI))
	f.draw(draw.New(ic))
	b = bytes.Buffer{}
	if _, err := (vgimg.PngCanvas{Canvas: ic}).WriteTo(&b); err != nil {
		return nil, nil, err
	}
	return svg, b.Bytes(), nil
}

// fixSVG gives the SVG's font a fallback: vgsvg names only
// "Liberation Sans", and a viewer without it would fall back to a serif
// font of other widths. Arial has Liberation Sans's metrics, so the text
// still fits where it was measured. (report.html embeds the font itself.)
//
// It also labels embedded images (the heat map) as the PNG they are:
// vgsvg calls them image/jpg, which browsers only forgive by sniffing.
func fixSVG(svg []byte) []byte {
	svg = bytes.ReplaceAll(svg,
		[]byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	return bytes.ReplaceAll(svg, []byte(`xlink:href="data:image/jpg;base64,`), []byte(`xlink:href="data:image/png;base64,`))
}

func csvBytes(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows) // NB: a bytes.Buffer cannot fail
	return b.Bytes()
}

// ff prints a float in its shortest exact form, as report does for the
// other CSV files.
func ff(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func fi(v int64) string { return strconv.FormatInt(v, 10) }

// namer hands out file names: sanitized, and unique within the experiment
// (a clash gets -2, -3, ... in the order charts are made, which is fixed).
type namer struct{ used map[string]bool }

func (n *namer) name(parts ...string) string {
	var s []string
	for _, p := range parts {
		if p = sanitize(p); p != "" {
			s = append(s, p)
		}
	}
	base := strings.Join(s, "-")
	if base == "" {
		base = "chart"
	}
	name := base
	for k := 2; n.used[name] || name == "report"; k++ {
		name = base + "-" + strconv.Itoa(k)
	}
	n.used[name] = true
	return name
}

// sanitize keeps letters, digits, '.', '_' and '-' and turns every other
// run of characters into one '-': "eager/consumers=4/seed=1" becomes
// "eager-consumers-4-seed-1", safe in any file system and URL.
func sanitize(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r < 128 && (r == '.' || r == '_' || r == '-' ||
			'0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
		if !ok || r == '-' {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), ".")
}

// crossZone reports whether some run of group g counts cross-zone traffic.
func crossZone(x *Experiment, g string) bool {
	for i := range x.Runs {
		if gr := x.Runs[i].group(g); gr != nil && gr.Summary.CrossZone {
			return true
		}
	}
	return false
}

// figures prepares every chart of x in a fixed order: per group the charts
// over time, the bars, the sweep charts; then per run (in runOrder) and
// group the timeline and the heat map.
func figures(x *Experiment) []figure {
	n := &namer{used: map[string]bool{}}
	lab := newLabeler(x)
	order := runOrder(x)
	cfgs := configs(x, lab)
	var figs []figure
	add := func(f figure, ok bool) {
		if ok {
			figs = append(figs, f)
		}
	}
	for _, g := range groupNames(x) {
		add(timeFigure(n, x, order, lab, g, throughputSeries))
		add(timeFigure(n, x, order, lab, g, lagSeries))
		add(pauseFigure(n, x, cfgs, g))
		for _, m := range barMetrics {
			add(barFigure(n, x, cfgs, g, m))
		}
		if crossZone(x, g) {
			add(timeFigure(n, x, order, lab, g, crossZoneSeries))
			add(barFigure(n, x, cfgs, g, crossZoneBar))
		}
		if len(x.SweepPaths) > 0 {
			for _, m := range sweepMetrics {
				add(sweepFigure(n, x, lab, g, m))
			}
		}
	}
	for _, i := range order {
		r := &x.Runs[i]
		for j := range r.Groups {
			add(timelineFigure(n, r, &r.Groups[j]))
			add(heatmapFigure(n, r, &r.Groups[j]))
		}
	}
	return figs
}
