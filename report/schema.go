package report

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
)

// The output schema: every figure's name, written once here and used by
// summary.json, summary.csv and the SLO verdicts alike.
//
// A group's figures are a list of fields, each with a path in summary.json's
// group object ("lag_time_s.max": the object lag_time_s, its key max). Its
// summary.csv column is the path with "_" for "." ("lag_time_s_max"), the
// name pandas.json_normalize(sep="_") gives it, and an [slo] objective on
// it takes that name too. Post-warmup figures are the same paths under
// after_warmup (after_warmup_lag_time_s_max). Adding a figure is adding a
// field to a list below; its JSON key, its CSV column and its place follow.

// SchemaVersion is summary.json's "schema_version". It changes when a
// field or a column changes its meaning or goes away; new fields and
// columns leave it as it is. Files without it (rebalance-sim 0.1.0) are
// version 1: nested lag_time_s.max but lag_time_max_s after warmup, the
// sweep as one string in summary.csv, no variant, seed or sweep columns in
// the other CSVs.
const SchemaVersion = 2

// cell is one typed value of a field: an integer, a float, a bool or a
// string; absent ones are written as an empty CSV field and left out of
// JSON.
type cell struct {
	kind byte // 'i', 'f', 'b', 's'; 0: absent
	i    int64
	f    float64
	b    bool
	s    string
}

func ci(v int64) cell   { return cell{kind: 'i', i: v} }
func cf(v float64) cell { return cell{kind: 'f', f: v} }
func cb(v bool) cell    { return cell{kind: 'b', b: v} }
func cs(v string) cell  { return cell{kind: 's', s: v} }

// csv is the cell as a CSV field: integers in decimal, floats in their
// shortest exact form, booleans as true/false (which pandas reads as
// bool), absent as empty.
func (c cell) csv() string {
	switch c.kind {
	case 'i':
		return strconv.FormatInt(c.i, 10)
	case 'f':
		return ff(c.f)
	case 'b':
		return strconv.FormatBool(c.b)
	case 's':
		return c.s
	}
	return ""
}

func (c cell) json() any {
	switch c.kind {
	case 'i':
		return c.i
	case 'f':
		return c.f
	case 'b':
		return c.b
	case 's':
		return c.s
	}
	return nil
}

// ff formats a float in its shortest exact form: the same float in every
// file, whatever wrote it.
func ff(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// groupField is one figure of one group's results over the whole run.
type groupField struct {
	path string
	get  func(g *metrics.GroupResult) cell
}

// groupFields are a group's whole-run figures in output order
// (docs/metrics.md defines each).
var groupFields = []groupField{
	{"produced", func(g *metrics.GroupResult) cell { return ci(g.Produced) }},
	{"consumed", func(g *metrics.GroupResult) cell { return ci(g.Consumed) }},
	{"duplicates", func(g *metrics.GroupResult) cell { return ci(g.Duplicates) }},
	{"lost", func(g *metrics.GroupResult) cell { return ci(g.Lost) }},
	{"throughput_per_s", func(g *metrics.GroupResult) cell { return cf(g.ThroughputPerS) }},
	{"lag.final", func(g *metrics.GroupResult) cell { return ci(g.Lag.Final) }},
	{"lag.mean", func(g *metrics.GroupResult) cell { return cf(g.Lag.Mean) }},
	{"lag.max", func(g *metrics.GroupResult) cell { return ci(g.Lag.Max) }},
	{"lag_time_s.max", func(g *metrics.GroupResult) cell { return cf(g.LagTimeS.Max) }},
	{"members.final", func(g *metrics.GroupResult) cell { return ci(int64(g.Members.Final)) }},
	{"members.max", func(g *metrics.GroupResult) cell { return ci(int64(g.Members.Max)) }},
	{"idle_members.mean", func(g *metrics.GroupResult) cell { return cf(g.IdleMembers.Mean) }},
	{"idle_members.max", func(g *metrics.GroupResult) cell { return ci(int64(g.IdleMembers.Max)) }},
	{"idle_members.final", func(g *metrics.GroupResult) cell { return ci(int64(g.IdleMembers.Final)) }},
	{"rebalances", func(g *metrics.GroupResult) cell { return ci(int64(g.Rebalances)) }},
	{"rebalance_time_s", func(g *metrics.GroupResult) cell { return cf(g.RebalanceTimeS) }},
	{"partition_pause_s.rebalance", func(g *metrics.GroupResult) cell { return cf(g.PartitionPauseS.Rebalance) }},
	{"partition_pause_s.failure_detection", func(g *metrics.GroupResult) cell { return cf(g.PartitionPauseS.FailureDetection) }},
	{"partition_pause_s.unassigned", func(g *metrics.GroupResult) cell { return cf(g.PartitionPauseS.Unassigned) }},
	{"partition_pause_s.total", func(g *metrics.GroupResult) cell { return cf(g.PartitionPauseS.Total) }},
	{"partition_pause_s.max_single", func(g *metrics.GroupResult) cell { return cf(g.PartitionPauseS.MaxS) }},
	{"partitions_moved", func(g *metrics.GroupResult) cell { return ci(g.PartitionsMoved) }},
	{"latency_ms.p50", func(g *metrics.GroupResult) cell { return cf(g.LatencyMs.P50) }},
	{"latency_ms.p99", func(g *metrics.GroupResult) cell { return cf(g.LatencyMs.P99) }},
	{"latency_ms.max", func(g *metrics.GroupResult) cell { return cf(g.LatencyMs.Max) }},
}

// crossZoneFields are a group's fetch traffic across racks, with a broker
// layout only (absent otherwise: left out of summary.json, and their
// columns out of summary.csv).
var crossZoneFields = []groupField{
	{"cross_zone.fetched_bytes", func(g *metrics.GroupResult) cell {
		return crossZone(g, func(z *metrics.CrossZoneStats) cell { return ci(z.FetchedBytes) })
	}},
	{"cross_zone.bytes", func(g *metrics.GroupResult) cell {
		return crossZone(g, func(z *metrics.CrossZoneStats) cell { return ci(z.Bytes) })
	}},
	{"cross_zone.fraction", func(g *metrics.GroupResult) cell {
		return crossZone(g, func(z *metrics.CrossZoneStats) cell { return cf(z.Fraction) })
	}},
	{"cross_zone.cost_usd", func(g *metrics.GroupResult) cell {
		return crossZone(g, func(z *metrics.CrossZoneStats) cell { return cf(z.CostUSD) })
	}},
	{"cross_zone.usd_per_month", func(g *metrics.GroupResult) cell {
		return crossZone(g, func(z *metrics.CrossZoneStats) cell { return cf(z.USDPerMonth) })
	}},
}

func crossZone(g *metrics.GroupResult, get func(*metrics.CrossZoneStats) cell) cell {
	if g.CrossZone == nil {
		return cell{}
	}
	return get(g.CrossZone)
}

// hasLayout reports whether any run of x has a broker layout (and so
// cross-zone figures).
func hasLayout(x *experiment.Experiment) bool {
	for i := range x.Runs {
		if x.Runs[i].Scenario.Broker.Nodes != nil {
			return true
		}
	}
	return false
}

// warmupFields are the figures measured from the [slo]'s warmup on, under
// after_warmup; each has the path of the whole-run figure it restricts.
var warmupFields = []groupField{
	warmField("from_s", func(w *metrics.WarmupStats) cell { return cf(w.WarmupS) }),
	warmField("lag.max", func(w *metrics.WarmupStats) cell { return ci(w.LagMax) }),
	warmField("lag_time_s.max", func(w *metrics.WarmupStats) cell { return cf(w.LagTimeMaxS) }),
	warmField("latency_ms.p99", func(w *metrics.WarmupStats) cell { return cf(w.LatencyP99Ms) }),
	warmField("partition_pause_s.max_single", func(w *metrics.WarmupStats) cell { return cf(w.PauseMaxS) }),
}

// afterWarmup is the prefix of the post-warmup figures.
const afterWarmup = "after_warmup"

// warmField reads a post-warmup figure; absent without an [slo].
func warmField(path string, get func(*metrics.WarmupStats) cell) groupField {
	return groupField{path, func(g *metrics.GroupResult) cell {
		if g.AfterWarmup == nil {
			return cell{}
		}
		return get(g.AfterWarmup)
	}}
}

// column is a field's summary.csv column: its path with "_" for ".".
func column(path string) string { return strings.ReplaceAll(path, ".", "_") }

// runColumns are the columns that say which run a row belongs to, first in
// every CSV with rows per run: run, variant (when the file has
// [[variants]]), seed, and each swept parameter by its path (when it has a
// [sweep]), typed as the values were written.
func runColumns(x *experiment.Experiment) []string {
	cols := []string{"run"}
	if len(x.Variants) > 0 {
		cols = append(cols, "variant")
	}
	cols = append(cols, "seed")
	if x.Sweep != nil {
		for _, a := range x.Sweep.Axes {
			cols = append(cols, a.Path)
		}
	}
	return cols
}

// runCells are a run's values of runColumns.
func runCells(x *experiment.Experiment, r *experiment.Run) []string {
	cells := []string{r.ID}
	if len(x.Variants) > 0 {
		cells = append(cells, r.Variant)
	}
	cells = append(cells, strconv.FormatUint(r.Seed, 10))
	for _, p := range r.Point {
		cells = append(cells, sweepCell(p.Value).csv())
	}
	return cells
}

// sweepCell types a swept value as written: int64, float64, string or
// bool.
func sweepCell(v any) cell {
	switch x := v.(type) {
	case int64:
		return ci(x)
	case float64:
		return cf(x)
	case bool:
		return cb(x)
	case string:
		return cs(x)
	}
	return cell{}
}

// object is a JSON object whose keys keep their order (encoding/json sorts
// map keys; summary.json follows the schema's order instead).
type object []member

type member struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "lag_time_s_max 44 > 30" stays readable
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(m.key); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		b.WriteByte(':')
		if err := enc.Encode(m.value); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// set puts value at a dotted path, creating the objects on the way in
// order of first appearance.
func (o object) set(path string, value any) object {
	key, rest, nested := strings.Cut(path, ".")
	for i := range o {
		if o[i].key == key {
			if nested {
				inner, _ := o[i].value.(object)
				o[i].value = inner.set(rest, value)
			} else {
				o[i].value = value
			}
			return o
		}
	}
	if nested {
		return append(o, member{key, object(nil).set(rest, value)})
	}
	return append(o, member{key, value})
}

// groupObject is one group's figures as summary.json writes them.
func groupObject(g *metrics.GroupResult) object {
	o := object{{"group", g.Group}}
	for _, f := range groupFields {
		if c := f.get(g); c.kind != 0 {
			o = o.set(f.path, c.json())
		}
	}
	for _, f := range crossZoneFields {
		if c := f.get(g); c.kind != 0 {
			o = o.set(f.path, c.json())
		}
	}
	if g.AfterWarmup != nil {
		var w object
		for _, f := range warmupFields {
			if c := f.get(g); c.kind != 0 {
				w = w.set(f.path, c.json())
			}
		}
		o = append(o, member{afterWarmup, w})
	}
	if len(g.AutoscalerSteps) > 0 {
		o = append(o, member{"autoscaler_steps", g.AutoscalerSteps})
	}
	return o
}
