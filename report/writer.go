package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/rebalance-sim/rebalance-sim/charts"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/runner"
)

// Version is written into summary.json: same file, same seed, same version,
// same bytes.
const Version = "0.1.0"

// Writer collects one experiment's outputs in a temporary folder beside the
// final one.
type Writer struct {
	x      *experiment.Experiment
	final  string // root/<experiment name>
	tmp    string
	charts bool

	mu       sync.Mutex
	series   map[int]*seriesFile // NB: lookup only; files are joined in run order
	samplers map[int]*sampler    // NB: lookup only
	drawn    map[int]bool        // runs whose own charts are drawn; NB: lookup only
	err      error

	verdicts []*RunVerdict
	planRows [][]string

	shard        *Shard  // set: keep the data `simulate merge` needs
	seedOverride *uint64 // --seed, recorded for merge
}

// Verdicts are the runs' SLO verdicts (nil entries without an SLO), once
// Write has run.
func (w *Writer) Verdicts() []*RunVerdict { return w.verdicts }

// PlanRows is the capacity plan as table rows, once Write has run.
func (w *Writer) PlanRows() [][]string { return w.planRows }

// seriesFile is one run's timeseries rows, in a file of their own until
// they are joined. The file is open only while its run goes (RunDone
// closes it): a sweep of 100,000 runs must not hold 100,000 descriptors.
type seriesFile struct {
	path string
	f    *os.File      // nil once closed
	w    *bufio.Writer // nil when reading a shard's file back
	c    *csv.Writer   // writes into w
	keep bool          // do not delete it once joined
}

func (sf *seriesFile) close() error {
	if sf.f == nil {
		return nil
	}
	var err error
	if sf.c != nil {
		sf.c.Flush()
		err = sf.c.Error()
	}
	if sf.w != nil && err == nil {
		err = sf.w.Flush()
	}
	if cerr := sf.f.Close(); err == nil {
		err = cerr
	}
	sf.f, sf.w, sf.c = nil, nil, nil
	return err
}

// NewWriter prepares root/<name>/ for x; with withCharts it also draws the
// charts and report.html.
func NewWriter(root string, x *experiment.Experiment, withCharts bool) (*Writer, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	tmp, err := makeTemp(root, x.Name)
	if err != nil {
		return nil, err
	}
	w := &Writer{x: x, final: filepath.Join(root, x.Name), tmp: tmp, charts: withCharts,
		series: map[int]*seriesFile{}, samplers: map[int]*sampler{}, drawn: map[int]bool{}}
	if withCharts {
		// Which runs get charts depends on the experiment alone, so it is
		// known before anything runs (and is the same in every shard).
		skeleton := make([]runner.Outcome, len(x.Runs))
		for i := range x.Runs {
			skeleton[i] = runner.Outcome{Index: i, Run: &x.Runs[i]}
		}
		w.drawn = chartRuns(x, skeleton)
	}
	return w, nil
}

// Dir is the folder the results end up in.
func (w *Writer) Dir() string { return w.final }

// Abort removes the temporary folder.
func (w *Writer) Abort() {
	w.mu.Lock()
	for _, sf := range w.series {
		sf.close()
	}
	w.mu.Unlock()
	os.RemoveAll(w.tmp)
	release(w.tmp)
}

// Sink returns the consumer of run i's timeseries rows: they go straight to
// a file of their own, so memory stays flat however long the run.
func (w *Writer) Sink(i int) func(metrics.SeriesRow) {
	path := filepath.Join(w.tmp, seriesName(i, w.shard != nil))
	f, err := os.Create(path)
	sf := &seriesFile{path: path, f: f, keep: w.shard != nil}
	if err == nil {
		sf.w = bufio.NewWriterSize(f, 64<<10)
		sf.c = csv.NewWriter(sf.w)
	}
	w.mu.Lock()
	if err != nil && w.err == nil {
		w.err = err
	}
	w.series[i] = sf
	var sp *sampler
	if w.drawn[i] {
		sp = newSampler(&w.x.Runs[i])
		w.samplers[i] = sp
	}
	w.mu.Unlock()
	rec := newSeriesRecord(w.x, &w.x.Runs[i])
	return func(r metrics.SeriesRow) {
		if sp != nil {
			sp.add(&r)
		}
		if sf.c == nil {
			return
		}
		sf.c.Write(rec.fill(&r)) // NB: an error sticks in sf.c; close reports it
	}
}

// RunDone closes run i's timeseries file once the run has finished.
func (w *Writer) RunDone(i int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if sf := w.series[i]; sf != nil {
		if err := sf.close(); err != nil && w.err == nil {
			w.err = err
		}
	}
}

// Write writes every summary file for the outcomes (in run order).
func (w *Writer) Write(outs []runner.Outcome) error {
	if w.err != nil {
		return w.err
	}
	verdicts := judge(w.x, outs)
	w.verdicts = verdicts
	w.planRows = planRows(w.x, outs, verdicts)
	if err := w.writeJSON(outs, verdicts); err != nil {
		return err
	}
	if err := w.writeSummaryCSV(outs, verdicts); err != nil {
		return err
	}
	if err := w.writeRebalances(outs); err != nil {
		return err
	}
	if err := w.joinSeries(outs); err != nil {
		return err
	}
	if w.charts {
		if _, err := charts.Render(w.chartExperiment(outs, verdicts), w.tmp); err != nil {
			return fmt.Errorf("charts: %v", err)
		}
	}
	if w.shard != nil {
		return w.writeShard(outs)
	}
	return nil
}

// RunDetail says what run i must record for its own charts: member
// timelines and a lag heat map, only for the runs whose charts are drawn
// (the others would spend time and memory on pictures nobody draws).
func (w *Writer) RunDetail(i int) (timeline bool, heatmapColumns int) {
	if w.drawn[i] {
		return true, HeatmapColumns
	}
	return false, 0
}

// Commit moves the finished folder into place, replacing an older one.
func (w *Writer) Commit() error {
	if err := os.Remove(filepath.Join(w.tmp, ownerFile)); err != nil {
		return err
	}
	defer release(w.tmp)
	old := w.final + ".old"
	os.RemoveAll(old)
	if _, err := os.Stat(w.final); err == nil {
		if err := os.Rename(w.final, old); err != nil {
			return err
		}
	}
	if err := os.Rename(w.tmp, w.final); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

func (w *Writer) create(name string) (*os.File, *bufio.Writer, error) {
	f, err := os.Create(filepath.Join(w.tmp, name))
	if err != nil {
		return nil, nil, err
	}
	return f, bufio.NewWriterSize(f, 64<<10), nil
}

func closeAll(f *os.File, b *bufio.Writer) error {
	if err := b.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ---- summary.json ----

type jsonSummary struct {
	SchemaVersion int    `json:"schema_version"`
	Experiment    string `json:"experiment"`
	Description   string `json:"description,omitempty"`
	Version       string `json:"version"`
	ConfigSHA256  string `json:"config_sha256"`
	// SweepParameters are the swept paths in file order: each run's
	// "sweep" object, and a column of each CSV, has one value per path.
	SweepParameters []string `json:"sweep_parameters,omitempty"`
	Plan            any      `json:"plan"`
	Runs            []object `json:"runs"`
}

// runObject is one run in summary.json: which run (the same fields as the
// CSVs' first columns), its verdict when there is an [slo], its groups.
func runObject(x *experiment.Experiment, o *runner.Outcome, v *RunVerdict) object {
	r := object{{"id", o.Run.ID}}
	if len(x.Variants) > 0 {
		r = append(r, member{"variant", o.Run.Variant})
	}
	r = append(r, member{"seed", o.Run.Seed})
	if len(o.Run.Point) > 0 {
		var sw object
		for _, p := range o.Run.Point {
			sw = append(sw, member{p.Path, sweepCell(p.Value).json()})
		}
		r = append(r, member{"sweep", sw})
	}
	if v != nil {
		r = append(r, member{"slo_pass", v.Pass}, member{"slo", v})
	}
	groups := make([]object, len(o.Result.Groups))
	for i := range o.Result.Groups {
		groups[i] = groupObject(&o.Result.Groups[i])
	}
	return append(r, member{"groups", groups})
}

func (w *Writer) writeJSON(outs []runner.Outcome, verdicts []*RunVerdict) error {
	s := jsonSummary{SchemaVersion: SchemaVersion, Experiment: w.x.Name, Description: w.x.Description, Version: Version, ConfigSHA256: w.x.SHA256}
	if w.x.Sweep != nil {
		for _, a := range w.x.Sweep.Axes {
			s.SweepParameters = append(s.SweepParameters, a.Path)
		}
	}
	s.Plan = plan(w.x, outs, verdicts)
	for i := range outs {
		s.Runs = append(s.Runs, runObject(w.x, &outs[i], verdicts[i]))
	}
	f, b, err := w.create("summary.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		f.Close()
		return err
	}
	return closeAll(f, b)
}

// ---- CSV ----
//
// Every CSV is written by encoding/csv (RFC 4180 quoting), one header row,
// then rows of exactly the header's width. Files with rows per run start
// with runColumns; a column that would be empty in every row (variant
// without [[variants]], sweep columns without [sweep], slo_pass and the
// post-warmup figures without [slo]) is left out rather than written
// empty.

// summaryHeader is summary.csv's header for x.
func summaryHeader(x *experiment.Experiment) []string {
	h := append(runColumns(x), "group")
	for _, f := range groupFields {
		h = append(h, column(f.path))
	}
	if hasLayout(x) {
		for _, f := range crossZoneFields {
			h = append(h, column(f.path))
		}
	}
	if x.SLO != nil {
		for _, f := range warmupFields {
			h = append(h, column(afterWarmup+"."+f.path))
		}
		h = append(h, "slo_pass")
	}
	return h
}

func (w *Writer) writeSummaryCSV(outs []runner.Outcome, verdicts []*RunVerdict) error {
	f, b, err := w.create("summary.csv")
	if err != nil {
		return err
	}
	c := csv.NewWriter(b)
	c.Write(summaryHeader(w.x))
	for i, o := range outs {
		ids := runCells(w.x, o.Run)
		for gi := range o.Result.Groups {
			g := &o.Result.Groups[gi]
			row := append(append([]string(nil), ids...), g.Group)
			for _, fd := range groupFields {
				row = append(row, fd.get(g).csv())
			}
			if hasLayout(w.x) {
				for _, fd := range crossZoneFields {
					row = append(row, fd.get(g).csv())
				}
			}
			if w.x.SLO != nil {
				for _, fd := range warmupFields {
					row = append(row, fd.get(g).csv())
				}
				slo := ""
				if v := verdicts[i]; v != nil {
					slo = strconv.FormatBool(v.Pass)
				}
				row = append(row, slo)
			}
			c.Write(row)
		}
	}
	return closeCSV(f, b, c)
}

// closeCSV flushes the CSV writer, then the file.
func closeCSV(f *os.File, b *bufio.Writer, c *csv.Writer) error {
	c.Flush()
	if err := c.Error(); err != nil {
		f.Close()
		return err
	}
	return closeAll(f, b)
}

func sweepString(r *experiment.Run) string {
	parts := make([]string, len(r.Point))
	for i, p := range r.Point {
		parts[i] = p.Path + "=" + fmt.Sprint(p.Value)
	}
	return strings.Join(parts, " ")
}

// seriesColumns are timeseries.csv's columns after runColumns.
var seriesColumns = []string{"group", "t_s", "produced_per_s", "consumed_per_s", "lag", "lag_time_s", "members", "idle_members",
	"paused_partitions", "rebalancing", "generation", "cross_zone_bytes_per_s"}

// seriesRecord is one run's timeseries.csv row, reused from row to row:
// the run's columns stay, the sample's are refilled.
type seriesRecord struct {
	rec []string
	at  int // where the sample's columns start
}

func newSeriesRecord(x *experiment.Experiment, r *experiment.Run) *seriesRecord {
	ids := runCells(x, r)
	rec := make([]string, len(ids)+len(seriesColumns))
	copy(rec, ids)
	return &seriesRecord{rec: rec, at: len(ids)}
}

func (s *seriesRecord) fill(r *metrics.SeriesRow) []string {
	v := s.rec[s.at:]
	v[0] = r.Group
	v[1] = ff(r.TS)
	v[2] = ff(r.ProducedPerS)
	v[3] = ff(r.ConsumedPerS)
	v[4] = strconv.FormatInt(r.Lag, 10)
	v[5] = ff(r.LagTimeS)
	v[6] = strconv.Itoa(r.Members)
	v[7] = strconv.Itoa(r.IdleMembers)
	v[8] = strconv.Itoa(r.PausedPartitions)
	v[9] = strconv.FormatBool(r.Rebalancing)
	v[10] = strconv.Itoa(int(r.Generation))
	v[11] = ff(r.CrossZoneBytesPerS)
	return s.rec
}

// joinSeries concatenates the per-run series files in run order.
func (w *Writer) joinSeries(outs []runner.Outcome) error {
	f, b, err := w.create("timeseries.csv")
	if err != nil {
		return err
	}
	c := csv.NewWriter(b)
	c.Write(append(runColumns(w.x), seriesColumns...))
	for _, o := range outs {
		sf := w.series[o.Index]
		if sf == nil {
			// No sink was used: the rows are in the result.
			rec := newSeriesRecord(w.x, o.Run)
			for i := range o.Result.Series {
				c.Write(rec.fill(&o.Result.Series[i]))
			}
			continue
		}
		c.Flush()
		if err := sf.close(); err != nil {
			return err
		}
		in, err := os.Open(sf.path)
		if err != nil {
			return err
		}
		_, err = io.Copy(b, in)
		in.Close()
		if err != nil {
			return err
		}
		if !sf.keep {
			os.Remove(sf.path)
		}
	}
	return closeCSV(f, b, c)
}

// rebalanceColumns are rebalances.csv's columns after runColumns; end_s
// is empty for a rebalance still open when the run ends.
var rebalanceColumns = []string{"group", "generation", "start_s", "end_s", "cause", "members", "moved", "revoked"}

func (w *Writer) writeRebalances(outs []runner.Outcome) error {
	f, b, err := w.create("rebalances.csv")
	if err != nil {
		return err
	}
	c := csv.NewWriter(b)
	c.Write(append(runColumns(w.x), rebalanceColumns...))
	for _, o := range outs {
		ids := runCells(w.x, o.Run)
		for _, r := range o.Result.Rebalances {
			end := ""
			if r.EndS >= 0 {
				end = ff(r.EndS)
			}
			c.Write(append(append([]string(nil), ids...), r.Group, strconv.Itoa(int(r.Generation)), ff(r.StartS), end, r.Cause,
				strconv.Itoa(r.Members), strconv.FormatInt(r.Moved, 10), strconv.FormatInt(r.Revoked, 10)))
		}
	}
	return closeCSV(f, b, c)
}

// indexSummary is what the index reads back from a summary.json.
type indexSummary struct {
	Description string `json:"description"`
	Runs        []struct {
		SLOPass *bool `json:"slo_pass"`
	} `json:"runs"`
}

// readSummary reads back a summary.json (for the index).
func readSummary(path string) (*indexSummary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s indexSummary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
