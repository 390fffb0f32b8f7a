package charts

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"gonum.org/v1/plot/font"
)

// The report is one self-contained page: charts inline as SVG, the chart
// font embedded once, no script, no network. html/template escapes every
// string that comes from the experiment (names, description, config).

// fontCSS embeds Liberation Sans, the font every chart was measured with,
// so the inline SVGs look the same in any browser whatever fonts it has.
var fontCSS = sync.OnceValue(func() template.CSS {
	face := font.DefaultCache.Lookup(sans, 10)
	if face.Face == nil {
		return ""
	}
	var b bytes.Buffer
	if _, err := face.Face.WriteSourceTo(nil, &b); err != nil {
		return ""
	}
	return template.CSS("@font-face{font-family:'Liberation Sans';font-style:normal;font-weight:normal;" +
		"src:url(data:font/ttf;base64," + base64.StdEncoding.EncodeToString(b.Bytes()) + ") format('truetype');}")
})

const pageCSS = `
body{font-family:'Liberation Sans',Arial,Helvetica,sans-serif;color:#222;margin:0 auto;max-width:1120px;padding:1em 1.5em 4em;line-height:1.4}
h1{margin:.4em 0 .2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.question{font-size:1.15em;max-width:60em}
table{border-collapse:collapse;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right;white-space:nowrap}
th{background:#f3f3f3}td.l,th.l{text-align:left}
.scroll{overflow-x:auto}
.pass{color:#0a6b2e;font-weight:bold}.fail{color:#b3261e;font-weight:bold}
nav ul{columns:2;padding-left:1.2em}
figure.chart{margin:1.5em 0}
figure.chart svg{max-width:100%;height:auto;display:block}
figcaption{max-width:60em;color:#444;font-size:.95em}
figcaption .files{font-size:.85em;margin-left:.5em}
pre{background:#f7f7f7;border:1px solid #ddd;padding:1em;overflow-x:auto;font-size:.85em}
`

var reportTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} · rebalance-sim</title>
<style>{{.FontCSS}}</style>
<style>{{.PageCSS}}</style>
</head>
<body>
<h1>{{.Name}}</h1>
{{if .Description}}<p class="question">{{.Description}}</p>
{{end}}{{if .Plan}}<section id="plan">
<h2>Capacity-planning answer</h2>
<p>The smallest swept value that meets the SLO in every seed, per variant.</p>
<table>
<tr>{{range .Plan.Header}}<th class="l">{{.}}</th>{{end}}</tr>
{{range .Plan.Rows}}<tr>{{range .}}<td class="l">{{.}}</td>{{end}}</tr>
{{end}}</table>
</section>
{{end}}{{if .SLO}}<section id="slo">
<h2>Service-level objectives</h2>
<ul>{{range .SLO}}<li>{{.}}</li>{{end}}</ul>
</section>
{{end}}<section id="summary">
<h2>Summary</h2>
<div class="scroll"><table>
<tr>{{range .Summary.Header}}<th{{if .Class}} class="{{.Class}}"{{end}}>{{.Text}}</th>{{end}}</tr>
{{range .Summary.Rows}}<tr>{{range .}}<td{{if .Class}} class="{{.Class}}"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}</table></div>
</section>
{{if .Sections}}<nav>
<h2>Charts</h2>
<ul>{{range .Sections}}<li><a href="#{{.ID}}">{{.Title}}</a></li>{{end}}</ul>
</nav>
{{end}}{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{range .Figures}}<figure class="chart" id="{{.ID}}">
{{.SVG}}
<figcaption>{{.Caption}}<span class="files"><a href="{{.ID}}.svg">svg</a> · <a href="{{.ID}}.png">png</a> · <a href="{{.ID}}.csv">csv</a></span></figcaption>
</figure>
{{end}}</section>
{{end}}<section id="config">
<h2>Configuration</h2>
<pre>{{.Source}}</pre>
</section>
</body>
</html>
`))

type cell struct {
	Text  string
	Class string
}

type tableData struct {
	Header []cell
	Rows   [][]cell
}

type planData struct {
	Header []string
	Rows   [][]string
}

type figureData struct {
	ID      string
	Caption string
	SVG     template.HTML
}

type sectionData struct {
	ID      string
	Title   string
	Figures []figureData
}

type reportData struct {
	Name, Description, Source string
	FontCSS, PageCSS          template.CSS
	Plan                      *planData
	SLO                       []string
	Summary                   tableData
	Sections                  []sectionData
}

// writeReport writes report.html for x showing figs (svgs[i] is figs[i]'s
// SVG), in the figures' order, one section per run of equal section names.
func writeReport(x *Experiment, figs []figure, svgs [][]byte, path string) error {
	d := reportData{
		Name:        x.Name,
		Description: x.Description,
		Source:      x.Source,
		FontCSS:     fontCSS(),
		PageCSS:     template.CSS(pageCSS),
		SLO:         x.SLO,
		Summary:     summaryTable(x),
	}
	if len(x.Plan) > 0 {
		d.Plan = &planData{Header: x.Plan[0], Rows: x.Plan[1:]}
	}
	for i := range figs {
		f := &figs[i]
		if n := len(d.Sections); n == 0 || d.Sections[n-1].Title != f.section {
			d.Sections = append(d.Sections, sectionData{ID: "s" + strconv.Itoa(n+1), Title: f.section})
		}
		s := &d.Sections[len(d.Sections)-1]
		s.Figures = append(s.Figures, figureData{ID: f.name, Caption: f.caption, SVG: inlineSVG(svgs[i])})
	}
	return writeTemplate(path, reportTemplate, d)
}

// inlineSVG drops the XML prolog and generator comment, which have no
// place inside HTML; the <svg> element itself is kept as drawn.
func inlineSVG(svg []byte) template.HTML {
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:]
	}
	// The SVG is our own drawing: gonum/plot escapes every text it writes.
	return template.HTML(svg)
}

// writeTemplate executes t into path through a temporary file, so a
// failure never leaves a half-written page.
func writeTemplate(path string, t *template.Template, data any) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(tmp, 256<<10)
	err = t.Execute(w, data)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// summaryTable is one row per run and group, in the experiment's run
// order (the order of summary.csv), with an SLO column when any run was
// judged.
func summaryTable(x *Experiment) tableData {
	slo, xz := false, false
	for i := range x.Runs {
		if x.Runs[i].SLOPass != nil {
			slo = true
		}
		for j := range x.Runs[i].Groups {
			xz = xz || x.Runs[i].Groups[j].Summary.CrossZone
		}
	}
	head := []string{"run", "group", "throughput/s", "lag max", "lag mean", "lag time max (s)",
		"idle mean", "idle max", "duplicates", "rebalances", "rebalance time (s)",
		"pause: rebalance (s)", "pause: failure detection (s)", "pause: unassigned (s)",
		"pause total (s)", "pause max (s)", "partitions moved", "p50 (ms)", "p99 (ms)", "members max"}
	if xz {
		head = append(head, "cross-zone GB", "cross-zone share", "cross-zone $/month")
	}
	if slo {
		head = append(head, "SLO")
	}
	var t tableData
	for k, h := range head {
		c := cell{Text: h}
		if k < 2 {
			c.Class = "l"
		}
		t.Header = append(t.Header, c)
	}
	for i := range x.Runs {
		r := &x.Runs[i]
		for j := range r.Groups {
			s := &r.Groups[j].Summary
			row := []cell{{r.ID, "l"}, {r.Groups[j].Name, "l"}}
			for _, v := range []string{
				num(s.ThroughputPerS), fi(s.LagMax), num(s.LagMean), num(s.LagTimeMaxS),
				num(s.IdleMean), fi(int64(s.IdleMax)), fi(s.Duplicates), fi(int64(s.Rebalances)), num(s.RebalanceTimeS),
				num(s.PauseRebalanceS), num(s.PauseFailureDetectionS), num(s.PauseUnassignedS),
				num(s.PauseTotalS), num(s.PauseMaxS), fi(s.PartitionsMoved), num(s.LatencyP50Ms), num(s.LatencyP99Ms),
				fi(int64(s.MembersMax)),
			} {
				row = append(row, cell{Text: v})
			}
			if xz {
				if s.CrossZone {
					row = append(row, cell{Text: num(float64(s.CrossZoneBytes) / 1e9)}, cell{Text: num(s.CrossZoneFraction)},
						cell{Text: num(s.CrossZoneUSDPerMonth)})
				} else {
					row = append(row, cell{Text: "–"}, cell{Text: "–"}, cell{Text: "–"})
				}
			}
			if slo {
				switch {
				case r.SLOPass == nil:
					row = append(row, cell{Text: "–"})
				case *r.SLOPass:
					row = append(row, cell{"pass", "pass"})
				default:
					row = append(row, cell{"FAIL", "fail"})
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

// num prints a measured number for people: three significant digits
// below 100, whole numbers above. The CSV files keep every digit.
func num(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	a := math.Abs(v)
	switch {
	case math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'f', -1, 64)
	case a >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case a >= 10:
		return trimFloat(math.Round(v*10) / 10)
	case a >= 1:
		return trimFloat(math.Round(v*100) / 100)
	}
	return trimFloat(v)
}

// IndexEntry is one experiment on results/index.html.
type IndexEntry struct {
	Name        string
	Description string
	// Report is the experiment's report.html relative to the index's
	// folder; "" means Name + "/report.html".
	Report string
	// Runs is shown when non-zero.
	Runs int
	// SLOPassed of SLOJudged runs met the SLO; SLOJudged 0 means no SLO.
	SLOPassed, SLOJudged int
}

// EntryFor fills an IndexEntry from an experiment whose report is at
// report (relative to the index's folder; "" for Name/report.html).
func EntryFor(x *Experiment, report string) IndexEntry {
	e := IndexEntry{Name: x.Name, Description: x.Description, Report: report, Runs: len(x.Runs)}
	for i := range x.Runs {
		if p := x.Runs[i].SLOPass; p != nil {
			e.SLOJudged++
			if *p {
				e.SLOPassed++
			}
		}
	}
	return e
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rebalance-sim results</title>
<style>{{.PageCSS}}</style>
</head>
<body>
<h1>rebalance-sim results</h1>
<table>
<tr><th class="l">experiment</th><th class="l">question</th><th>runs</th><th>SLO</th></tr>
{{range .Entries}}<tr><td class="l"><a href="{{.Report}}">{{.Name}}</a></td><td class="l wrap">{{.Description}}</td><td>{{if .Runs}}{{.Runs}}{{end}}</td><td>{{if .SLOJudged}}{{.SLOPassed}}/{{.SLOJudged}} pass{{else}}–{{end}}</td></tr>
{{end}}</table>
</body>
</html>
`))

// WriteIndex writes root/index.html linking every experiment's
// report.html. Entries are listed by name whatever order they come in (so
// the page does not depend on which experiment finished first); root must
// exist.
func WriteIndex(root string, experiments []IndexEntry) error {
	es := slices.Clone(experiments)
	for i := range es {
		if es[i].Report == "" {
			es[i].Report = es[i].Name + "/report.html"
		}
	}
	// Sorted for determinism: callers often collect entries from parallel
	// runs.
	slices.SortStableFunc(es, func(a, b IndexEntry) int { return naturalCompare(a.Name, b.Name) })
	css := template.CSS(pageCSS + "td.wrap{white-space:normal;max-width:50em}")
	return writeTemplate(filepath.Join(root, "index.html"), indexTemplate, struct {
		PageCSS template.CSS
		Entries []IndexEntry
	}{css, es})
}
