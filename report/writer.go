package report

import (
	"bufio"
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
	keep bool          // do not delete it once joined
}

func (sf *seriesFile) close() error {
	if sf.f == nil {
		return nil
	}
	var err error
	if sf.w != nil {
		err = sf.w.Flush()
	}
	if cerr := sf.f.Close(); err == nil {
		err = cerr
	}
	sf.f, sf.w = nil, nil
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
	id := w.x.Runs[i].ID
	var buf []byte
	return func(r metrics.SeriesRow) {
		if sp != nil {
			sp.add(&r)
		}
		if sf.w == nil {
			return
		}
		buf = appendSeriesRow(buf[:0], id, &r)
		sf.w.Write(buf)
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
	Experiment   string    `json:"experiment"`
	Description  string    `json:"description,omitempty"`
	Version      string    `json:"version"`
	ConfigSHA256 string    `json:"config_sha256"`
	Plan         any       `json:"plan"`
	Runs         []jsonRun `json:"runs"`
}

type jsonRun struct {
	ID      string                `json:"id"`
	Variant string                `json:"variant"`
	Seed    uint64                `json:"seed"`
	Sweep   map[string]any        `json:"sweep"`
	SLOPass *bool                 `json:"slo_pass"`
	SLO     *RunVerdict           `json:"slo,omitempty"`
	Groups  []metrics.GroupResult `json:"groups"`
}

func (w *Writer) writeJSON(outs []runner.Outcome, verdicts []*RunVerdict) error {
	s := jsonSummary{Experiment: w.x.Name, Description: w.x.Description, Version: Version, ConfigSHA256: w.x.SHA256}
	s.Plan = plan(w.x, outs, verdicts)
	for i, o := range outs {
		jr := jsonRun{ID: o.Run.ID, Variant: o.Run.Variant, Seed: o.Run.Seed, Groups: o.Result.Groups}
		if len(o.Run.Point) > 0 {
			// NB: encoding/json writes map keys sorted, so the order is fixed.
			jr.Sweep = map[string]any{}
			for _, p := range o.Run.Point {
				jr.Sweep[p.Path] = p.Value
			}
		}
		if v := verdicts[i]; v != nil {
			pass := v.Pass
			jr.SLOPass, jr.SLO = &pass, v
		}
		s.Runs = append(s.Runs, jr)
	}
	f, b, err := w.create("summary.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		f.Close()
		return err
	}
	return closeAll(f, b)
}

// ---- CSV ----

func ff(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// csvField quotes a field when it needs it (RFC 4180).
func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

var summaryHeader = []string{"run", "variant", "seed", "sweep", "group", "produced", "consumed", "duplicates", "lost",
	"throughput_per_s", "lag_final", "lag_mean", "lag_max", "lag_time_s_max", "members_final", "members_max",
	"idle_members_mean", "idle_members_max", "idle_members_final", "rebalances", "rebalance_time_s",
	"pause_rebalance_s", "pause_failure_detection_s", "pause_unassigned_s", "pause_total_s", "pause_max_single_s",
	"partitions_moved", "latency_p50_ms", "latency_p99_ms", "latency_max_ms",
	"fetched_bytes", "cross_zone_bytes", "cross_zone_fraction", "cross_zone_cost_usd", "cross_zone_usd_per_month", "slo_pass"}

func (w *Writer) writeSummaryCSV(outs []runner.Outcome, verdicts []*RunVerdict) error {
	f, b, err := w.create("summary.csv")
	if err != nil {
		return err
	}
	b.WriteString(strings.Join(summaryHeader, ",") + "\n")
	for i, o := range outs {
		slo := ""
		if v := verdicts[i]; v != nil {
			slo = strconv.FormatBool(v.Pass)
		}
		for _, g := range o.Result.Groups {
			row := []string{csvField(o.Run.ID), csvField(o.Run.Variant), strconv.FormatUint(o.Run.Seed, 10), csvField(sweepString(o.Run)), csvField(g.Group),
				itoa(g.Produced), itoa(g.Consumed), itoa(g.Duplicates), itoa(g.Lost), ff(g.ThroughputPerS),
				itoa(g.Lag.Final), ff(g.Lag.Mean), itoa(g.Lag.Max), ff(g.LagTimeS.Max),
				strconv.Itoa(g.Members.Final), strconv.Itoa(g.Members.Max),
				ff(g.IdleMembers.Mean), strconv.Itoa(g.IdleMembers.Max), strconv.Itoa(g.IdleMembers.Final),
				strconv.Itoa(g.Rebalances), ff(g.RebalanceTimeS),
				ff(g.PartitionPauseS.Rebalance), ff(g.PartitionPauseS.FailureDetection), ff(g.PartitionPauseS.Unassigned),
				ff(g.PartitionPauseS.Total), ff(g.PartitionPauseS.MaxS), itoa(g.PartitionsMoved),
				ff(g.LatencyMs.P50), ff(g.LatencyMs.P99), ff(g.LatencyMs.Max)}
			row = append(append(row, crossZoneFields(g.CrossZone)...), slo)
			b.WriteString(strings.Join(row, ",") + "\n")
		}
	}
	return closeAll(f, b)
}

func itoa(x int64) string { return strconv.FormatInt(x, 10) }

// crossZoneFields are summary.csv's cross-zone columns, empty without a
// broker layout.
func crossZoneFields(z *metrics.CrossZoneStats) []string {
	if z == nil {
		return []string{"", "", "", "", ""}
	}
	return []string{itoa(z.FetchedBytes), itoa(z.Bytes), ff(z.Fraction), ff(z.CostUSD), ff(z.USDPerMonth)}
}

func sweepString(r *experiment.Run) string {
	parts := make([]string, len(r.Point))
	for i, p := range r.Point {
		parts[i] = p.Path + "=" + fmt.Sprint(p.Value)
	}
	return strings.Join(parts, " ")
}

const seriesHeader = "run,group,t_s,produced_per_s,consumed_per_s,lag,lag_time_s,members,idle_members,paused_partitions,rebalancing,generation," +
	"cross_zone_bytes_per_s\n"

func appendSeriesRow(b []byte, run string, r *metrics.SeriesRow) []byte {
	b = append(b, csvField(run)...)
	b = append(b, ',')
	b = append(b, csvField(r.Group)...)
	b = append(b, ',')
	b = strconv.AppendFloat(b, r.TS, 'f', -1, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, r.ProducedPerS, 'f', -1, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, r.ConsumedPerS, 'f', -1, 64)
	b = append(b, ',')
	b = strconv.AppendInt(b, r.Lag, 10)
	b = append(b, ',')
	b = strconv.AppendFloat(b, r.LagTimeS, 'f', -1, 64)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Members), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.IdleMembers), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.PausedPartitions), 10)
	b = append(b, ',')
	if r.Rebalancing {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Generation), 10)
	b = append(b, ',')
	b = strconv.AppendFloat(b, r.CrossZoneBytesPerS, 'f', -1, 64)
	return append(b, '\n')
}

// joinSeries concatenates the per-run series files in run order.
func (w *Writer) joinSeries(outs []runner.Outcome) error {
	f, b, err := w.create("timeseries.csv")
	if err != nil {
		return err
	}
	b.WriteString(seriesHeader)
	for _, o := range outs {
		sf := w.series[o.Index]
		if sf == nil {
			// No sink was used: the rows are in the result.
			var buf []byte
			for i := range o.Result.Series {
				buf = appendSeriesRow(buf[:0], o.Run.ID, &o.Result.Series[i])
				b.Write(buf)
			}
			continue
		}
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
	return closeAll(f, b)
}

const rebalanceHeader = "run,group,generation,start_s,end_s,cause,members,moved,revoked\n"

func (w *Writer) writeRebalances(outs []runner.Outcome) error {
	f, b, err := w.create("rebalances.csv")
	if err != nil {
		return err
	}
	b.WriteString(rebalanceHeader)
	for _, o := range outs {
		for _, r := range o.Result.Rebalances {
			end := ""
			if r.EndS >= 0 {
				end = ff(r.EndS)
			}
			fmt.Fprintf(b, "%s,%s,%d,%s,%s,%s,%d,%d,%d\n", csvField(o.Run.ID), csvField(r.Group), r.Generation,
				ff(r.StartS), end, csvField(r.Cause), r.Members, r.Moved, r.Revoked)
		}
	}
	return closeAll(f, b)
}

// readSummary reads back a summary.json (for the index).
func readSummary(path string) (*jsonSummary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s jsonSummary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
