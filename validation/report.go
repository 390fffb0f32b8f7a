package validation

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Outcome is one experiment's validation: every comparison and what the
// real runs were.
type Outcome struct {
	Experiment  string       `json:"experiment"`
	File        string       `json:"file"`
	Description string       `json:"description,omitempty"`
	Repeat      int          `json:"repeat"`
	Seeds       []uint64     `json:"sim_seeds"`
	Runs        []RealRun    `json:"real_runs"`
	Comparisons []Comparison `json:"comparisons"`
	Tolerances  []MetricTol  `json:"tolerances"`
}

// RealRun is one run on the real broker.
type RealRun struct {
	ID         string   `json:"id"`
	Dir        string   `json:"dir"`
	WallS      float64  `json:"wall_s"`
	LoadBefore string   `json:"load_before"`
	LoadAfter  string   `json:"load_after"`
	LateStarts []string `json:"late_starts,omitempty"`
	Errors     []string `json:"errors,omitempty"`
	// Retried lists attempts discarded because a consumer started late.
	Retried []string `json:"retried,omitempty"`
	// Placements counts the KIP-848 target assignments of the run and how
	// many our server-side assignor reproduces (placements.json).
	Placements      int `json:"placements,omitempty"`
	PlacementsAgree int `json:"placements_agree,omitempty"`
}

// ReadRealRuns reads the real runs of an earlier comparison.json by id (an
// empty map when there is none).
func ReadRealRuns(path string) map[string]RealRun {
	out := map[string]RealRun{}
	b, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	var o Outcome
	if json.Unmarshal(b, &o) == nil {
		for _, r := range o.Runs {
			out[r.ID] = r
		}
	}
	return out
}

// WritePlacements writes placements.json.
func WritePlacements(path string, ps []Placement) error {
	b, err := json.MarshalIndent(ps, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(b, '\n'))
}

// PlacementSummary says, over the real runs, how many KIP-848 target
// assignments our assignors reproduced ("" without KIP-848 groups).
func (o *Outcome) PlacementSummary() string {
	n, ok := 0, 0
	for _, r := range o.Runs {
		n += r.Placements
		ok += r.PlacementsAgree
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("KIP-848 target assignments reproduced by our server-side assignors: %d of %d (real/*/placements.json)", ok, n)
}

// MetricTol states a metric's tolerance and why, in comparison.json.
type MetricTol struct {
	Metric string    `json:"metric"`
	Tol    Tolerance `json:"tolerance"`
}

// Tolerances lists every metric's tolerance.
func Tolerances() []MetricTol {
	var out []MetricTol
	for _, m := range Metrics {
		out = append(out, MetricTol{m.Name, m.Tol})
	}
	return out
}

// Verdict is a comparison's outcome in one word.
func (c *Comparison) Verdict() string {
	switch {
	case c.Agree && c.Known != "":
		return "agrees (listed as known: remove it)"
	case c.Agree:
		return "ok"
	case c.Known != "":
		return "KNOWN"
	case c.NotGated != "":
		return "disagrees (not gated)"
	}
	return "DISAGREE"
}

// Ungate marks the comparisons of the named metrics as reported but not
// failing, with the reason.
func (o *Outcome) Ungate(metrics []string, why string) {
	for i := range o.Comparisons {
		if slices.Contains(metrics, o.Comparisons[i].Metric) {
			o.Comparisons[i].NotGated = why
		}
	}
}

// Failures counts disagreements that are not documented as known.
func (o *Outcome) Failures() int {
	n := 0
	for i := range o.Comparisons {
		if !o.Comparisons[i].Agree && o.Comparisons[i].Known == "" && o.Comparisons[i].NotGated == "" {
			n++
		}
	}
	return n
}

// WriteJSON writes comparison.json.
func (o *Outcome) WriteJSON(path string) error {
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(b, '\n'))
}

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func num(x float64) string {
	if x == float64(int64(x)) && x < 1e12 && x > -1e12 {
		return strconv.FormatInt(int64(x), 10)
	}
	a := x
	if a < 0 {
		a = -a
	}
	switch {
	case a >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func (s Stat) String() string {
	if s.Min == s.Max {
		return num(s.Median)
	}
	return fmt.Sprintf("%s [%s..%s]", num(s.Median), num(s.Min), num(s.Max))
}

// PrintTable prints the side-by-side table of one experiment.
func (o *Outcome) PrintTable(w io.Writer) {
	fmt.Fprintf(w, "%s: simulator (%d seeds) vs real Kafka 4.4 (%d runs)\n", o.Experiment, len(o.Seeds), o.Repeat)
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  variant\tgroup\tmetric\tsim median [min..max]\treal median [min..max]\ttolerance\tverdict")
	for i := range o.Comparisons {
		c := &o.Comparisons[i]
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t±%s\t%s\n", orDash(c.Variant), c.Group, c.Metric, c.Sim, c.Real, num(c.Tolerance), c.Verdict())
	}
	tw.Flush()
	if s := o.PlacementSummary(); s != "" {
		fmt.Fprintln(w, "  "+s)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteHTML writes the experiment's validation page: the side-by-side
// table, the tolerances and the real runs.
func (o *Outcome) WriteHTML(path string) error {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(o.Experiment) +
		": simulator vs real Kafka</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}" +
		"td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:nth-child(-n+3),th{text-align:left}" +
		".bad{background:#fdd}.known{background:#ffe9b3}.ok{background:#e8f6e8}</style></head><body>")
	fmt.Fprintf(&b, "<h1>%s: simulator vs real Kafka 4.4</h1>", html.EscapeString(o.Experiment))
	if o.Description != "" {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(o.Description))
	}
	fmt.Fprintf(&b, "<p>Simulator: seeds %v. Real broker: %d runs. A comparison agrees when the real median lies within "+
		"the simulator's [min, max] widened by the tolerance.</p>", o.Seeds, o.Repeat)
	b.WriteString("<table><tr><th>variant</th><th>group</th><th>metric</th><th>sim median</th><th>sim min..max</th>" +
		"<th>real median</th><th>real min..max</th><th>tolerance</th><th>verdict</th></tr>")
	for i := range o.Comparisons {
		c := &o.Comparisons[i]
		cls := "ok"
		if !c.Agree {
			cls = "bad"
			if c.Known != "" {
				cls = "known"
			}
		}
		verdict := html.EscapeString(c.Verdict())
		if c.Known != "" {
			verdict += "<br><small>" + html.EscapeString(c.Known) + "</small>"
		}
		fmt.Fprintf(&b, "<tr class=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s..%s</td><td>%s</td><td>%s..%s</td><td>±%s</td><td>%s</td></tr>",
			cls, html.EscapeString(orDash(c.Variant)), html.EscapeString(c.Group), c.Metric, num(c.Sim.Median), num(c.Sim.Min), num(c.Sim.Max),
			num(c.Real.Median), num(c.Real.Min), num(c.Real.Max), num(c.Tolerance), verdict)
	}
	b.WriteString("</table>")
	if s := o.PlacementSummary(); s != "" {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(s))
	}
	b.WriteString("<h2>Tolerances</h2><table><tr><th>metric</th><th>tolerance</th><th>why</th></tr>")
	for _, t := range o.Tolerances {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td style=\"text-align:left\">%s</td></tr>", t.Metric, html.EscapeString(t.Tol.Describe()), html.EscapeString(t.Tol.Why))
	}
	b.WriteString("</table><h2>Real runs</h2><table><tr><th>run</th><th>wall s</th><th>load before</th><th>load after</th><th>notes</th></tr>")
	for _, r := range o.Runs {
		notes := strings.Join(append(append(append([]string{}, r.LateStarts...), r.Errors...), r.Retried...), "; ")
		if r.Placements > 0 {
			notes = fmt.Sprintf("placements %d/%d; ", r.PlacementsAgree, r.Placements) + notes
		}
		fmt.Fprintf(&b, "<tr><td><a href=\"%s/summary.json\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td style=\"text-align:left\">%s</td></tr>",
			html.EscapeString(filepath.ToSlash(r.Dir)), html.EscapeString(r.ID), num(r.WallS), r.LoadBefore, r.LoadAfter, html.EscapeString(notes))
	}
	b.WriteString("</table></body></html>\n")
	return writeAtomic(path, []byte(b.String()))
}

// Describe writes a tolerance as a formula.
func (t Tolerance) Describe() string {
	var parts []string
	if t.Abs > 0 {
		parts = append(parts, num(t.Abs))
	}
	if t.Rel > 0 {
		parts = append(parts, num(t.Rel*100)+"% of the sim median")
	}
	if t.PerPartition > 0 {
		parts = append(parts, num(t.PerPartition)+" x partitions")
	}
	if t.RateSeconds > 0 {
		parts = append(parts, num(t.RateSeconds)+" s x input rate")
	}
	if len(parts) == 0 {
		return "0"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "max(" + strings.Join(parts, ", ") + ")"
}

// MarkdownTable writes the comparisons of several experiments as one
// Markdown table (docs/validation.md).
func MarkdownTable(w io.Writer, outs []*Outcome) {
	fmt.Fprintln(w, "| experiment | variant | group | metric | simulator median [min..max] | real median [min..max] | tolerance | verdict |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, o := range outs {
		for i := range o.Comparisons {
			c := &o.Comparisons[i]
			v := c.Verdict()
			if v == "ok" {
				v = "agrees"
			} else if v == "KNOWN" {
				v = "**known disagreement**: " + c.Known
			} else if v == "DISAGREE" {
				v = "**disagrees**"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | ±%s | %s |\n", o.Experiment, orDash(c.Variant), c.Group, c.Metric,
				c.Sim, c.Real, num(c.Tolerance), strings.ReplaceAll(v, "|", "\\|"))
		}
	}
}
