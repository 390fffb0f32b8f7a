package main

import (
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/report"
	"github.com/rebalance-sim/rebalance-sim/runner"
	"github.com/rebalance-sim/rebalance-sim/validation"
)

var validateCommand = &command{
	name:    "validate",
	args:    "[flags] FILE...",
	summary: "the simulator against a real Kafka 4.4 broker, metric by metric",
	about: `Runs each experiment FILE on the simulator (over its seeds) and --repeat times on a real
Apache Kafka 4.4 broker with the Java KafkaConsumer (the harness in validate/, built with Maven),
computes the same metrics from both, and compares them one by one: the real median must lie in
the simulator's range over its seeds, widened by the metric's tolerance. It writes DIR/<name>/
(the simulator's results, each real run's results and logs, comparison.json, report.html) and
DIR/index.html, and exits 1 when a comparison disagrees (other than a listed known
disagreement). It needs Java 17 or newer and Maven on PATH (exit 2 without them). Only what a
real run can do is accepted: one broker, and events the harness can make happen. See
docs/validation.md.`,
	examples: []string{
		"simulate validate validate/experiments/*.toml --markdown docs/validation.md",
		"simulate validate --reuse --out validation-results validate/experiments/scale-out.toml  # after a model change",
	},
	positional: "toml",
	values:     map[string]string{"out": "dir", "harness": "dir", "gate": "all protocol"},
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		var f validateFlags
		fs.IntVar(&f.repeat, "repeat", 3, "real runs per variant, `N`")
		fs.StringVar(&f.out, "out", "validation-results", "results root `DIR`: each experiment writes DIR/<name>/")
		fs.StringVar(&f.module, "harness", "validate", "the harness's Maven module `DIR`")
		fs.StringVar(&f.known, "known", "", "known disagreements `FILE` (default: HARNESS/known-disagreements.txt)")
		fs.StringVar(&f.markdown, "markdown", "", "also write the whole table as Markdown to `FILE` (docs/validation.md)")
		fs.StringVar(&f.gate, "gate", "all", "which disagreements fail: `all`, or protocol (latencies and lag time, which a busy host moves by itself, are reported without failing)")
		fs.BoolVar(&f.reuse, "reuse", false, "recompute from the real runs' logs already under DIR instead of running Kafka again (after a model change)")
		return func(pos []string) error { return cmdValidate(f, pos, s.out, s.err) }
	},
}

type validateFlags struct {
	repeat                             int
	out, module, known, markdown, gate string
	reuse                              bool
}

// cmdValidate runs each experiment on the simulator (over its seeds) and
// --repeat times on a real Kafka 4.4 broker with the Java consumer (the
// harness in validate/), and compares them metric by metric.
func cmdValidate(f validateFlags, files []string, stdout, stderr io.Writer) error {
	repeat, out, module, known, markdown, reuse := &f.repeat, &f.out, &f.module, &f.known, &f.markdown, &f.reuse
	if f.gate != "all" && f.gate != "protocol" {
		return usagef("--gate %q: want all or protocol", f.gate)
	}
	if len(files) == 0 {
		return usagef("no experiment file given\nusage: simulate validate [--repeat N] [--out DIR] [--markdown FILE] FILE...")
	}
	if *repeat < 1 {
		return usagef("--repeat must be at least 1")
	}
	var xs []*experiment.Experiment
	names := map[string]string{}
	for _, file := range files {
		x, err := experiment.Load(file)
		if err != nil {
			return usageError{err}
		}
		if err := validation.Refuse(x); err != nil {
			return usageError{err}
		}
		if prev, dup := names[x.Name]; dup {
			return usagef("%s and %s are both named %q: their results would share a folder", prev, file, x.Name)
		}
		names[x.Name] = file
		xs = append(xs, x)
	}
	h, err := validation.FindHarness(*module)
	if err != nil {
		if errors.Is(err, validation.ErrTools) {
			return usageError{err}
		}
		return err
	}
	if *known == "" {
		*known = filepath.Join(*module, "known-disagreements.txt")
	}
	kn, err := validation.ReadKnown(*known)
	if err != nil {
		return usageError{err}
	}
	fmt.Fprintf(stderr, "building the harness (%s)...\n", h.Module)
	if err := h.Build(stderr); err != nil {
		return err
	}
	env := validation.Machine(h)
	env.Reused = *reuse
	var outs []*validation.Outcome
	failures := 0
	for _, x := range xs {
		o, err := validateOne(x, h, kn, *repeat, *out, *reuse, f.gate == "protocol", stderr)
		if err != nil {
			return err
		}
		o.PrintTable(stdout)
		fmt.Fprintln(stdout)
		failures += o.Failures()
		outs = append(outs, o)
	}
	env.Finish()
	if err := validation.WriteIndex(filepath.Join(*out, "index.html"), outs, env); err != nil {
		return fmt.Errorf("cannot write %s: %v", filepath.Join(*out, "index.html"), err)
	}
	if *markdown != "" {
		if err := validation.WriteMarkdown(*markdown, outs, env); err != nil {
			return fmt.Errorf("cannot write %s: %v", *markdown, err)
		}
	}
	if failures > 0 {
		return fmt.Errorf("%d comparison(s) disagree beyond their tolerance (see %s)", failures, filepath.Join(*out, "index.html"))
	}
	return nil
}

func validateOne(x *experiment.Experiment, h *validation.Harness, kn *validation.Known, repeat int, root string, reuse, protocolOnly bool, stderr io.Writer) (*validation.Outcome, error) {
	dir := filepath.Join(root, x.Name)
	// The simulator, over the experiment's seeds.
	sim, err := runner.Execute(x, runner.Options{Parallel: runtime.NumCPU()})
	if err != nil {
		return nil, err
	}
	simX := *x
	simX.Name = "sim"
	if err := writeOutcomes(dir, &simX, sim); err != nil {
		return nil, err
	}
	o := &validation.Outcome{Experiment: x.Name, File: x.File, Description: strings.TrimSpace(x.Description), Repeat: repeat,
		Seeds: x.Seeds, Tolerances: validation.Tolerances()}
	var earlier map[string]validation.RealRun
	if reuse {
		// What the reused runs were (wall time, load) is in the earlier
		// comparison.json.
		earlier = validation.ReadRealRuns(filepath.Join(dir, "comparison.json"))
	}
	// NB: runs are variant x seed with seed innermost: one configuration
	// per len(Seeds) runs.
	per := max(len(x.Seeds), 1)
	for i := 0; i < len(x.Runs); i += per {
		run := &x.Runs[i]
		var simRes []*metrics.Result
		for j := i; j < i+per; j++ {
			simRes = append(simRes, sim[j].Result)
		}
		var realRes []*metrics.Result
		for k := 1; k <= repeat; k++ {
			res, rr, err := realRun(x, run, k, h, dir, reuse, stderr)
			if err != nil {
				return nil, err
			}
			if e, ok := earlier[rr.ID]; ok {
				rr.WallS, rr.LoadBefore, rr.LoadAfter, rr.Retried = e.WallS, e.LoadBefore, e.LoadAfter, e.Retried
			}
			o.Runs = append(o.Runs, rr)
			realRes = append(realRes, res)
		}
		for gi := range run.Scenario.Groups {
			g := &run.Scenario.Groups[gi]
			var sg, rg []*metrics.GroupResult
			for _, r := range simRes {
				sg = append(sg, &r.Groups[gi])
			}
			for _, r := range realRes {
				rg = append(rg, &r.Groups[gi])
			}
			cs := validation.Compare(run.Variant, g.Name, sg, rg, validation.GroupScale(run.Scenario, g))
			for ci := range cs {
				cs[ci].Known = kn.Reason(x.Name, &cs[ci])
			}
			o.Comparisons = append(o.Comparisons, cs...)
		}
	}
	if protocolOnly {
		o.Ungate(validation.HostTimingMetrics, "--gate protocol: host timing")
	}
	if err := o.WriteJSON(filepath.Join(dir, "comparison.json")); err != nil {
		return nil, fmt.Errorf("cannot write results: %v", err)
	}
	if err := o.WriteHTML(filepath.Join(dir, "report.html")); err != nil {
		return nil, fmt.Errorf("cannot write results: %v", err)
	}
	return o, nil
}

// maxAttempts bounds the reruns of a real run whose consumers started late.
const maxAttempts = 3

// realRun runs one configuration once on the real broker and writes
// DIR/real/<variant>-<k>/ (summary.json, summary.csv, rebalances.csv,
// timeseries.csv, and the harness's logs under logs/).
func realRun(x *experiment.Experiment, run *experiment.Run, k int, h *validation.Harness, dir string, reuse bool, stderr io.Writer) (*metrics.Result, validation.RealRun, error) {
	name := fmt.Sprintf("real-%d", k)
	if run.Variant != "" {
		name = fmt.Sprintf("%s-%d", run.Variant, k)
	}
	realDir := filepath.Join(dir, "real")
	logs := filepath.Join(realDir, "."+name+".logs")
	if !reuse {
		os.RemoveAll(logs)
	}
	hs := fnv.New64a()
	fmt.Fprintf(hs, "%s/%s/%d", x.Name, run.Variant, k)
	spec, err := validation.Resolve(run.Scenario, x.Name+"/"+name, hs.Sum64()>>1)
	if err != nil {
		return nil, validation.RealRun{}, usageError{fmt.Errorf("%s: %v", x.File, err)}
	}
	rr := validation.RealRun{ID: run.Variant + "/real=" + fmt.Sprint(k), Dir: filepath.Join("real", name)}
	var l *validation.Logs
	if reuse {
		// The logs of an earlier run of this configuration: out of the way
		// of the results folder (rewritten below), then back in.
		if err := os.Rename(filepath.Join(realDir, name, "logs"), logs); err != nil {
			return nil, rr, usagef("--reuse: no earlier real run %s under %s: %v", name, realDir, err)
		}
		if l, err = validation.ReadLogs(logs); err != nil {
			return nil, rr, fmt.Errorf("real run %s: %v", name, err)
		}
		rr.LateStarts, rr.Errors = l.LateStarts, l.Errors
		rr.LoadBefore, rr.LoadAfter = "reused", "reused"
	}
	for attempt := 1; !reuse; attempt++ {
		rr.LoadBefore = validation.LoadAvg()
		fmt.Fprintf(stderr, "%s: real run %s (%v of traffic)...\n", x.Name, name, run.Scenario.Duration)
		start := time.Now()
		os.RemoveAll(logs)
		if err := h.Run(spec, logs); err != nil {
			return nil, rr, err
		}
		rr.WallS = metrics.Round(time.Since(start).Seconds())
		rr.LoadAfter = validation.LoadAvg()
		if l, err = validation.ReadLogs(logs); err != nil {
			return nil, rr, fmt.Errorf("real run %s: %v", name, err)
		}
		rr.LateStarts, rr.Errors = l.LateStarts, l.Errors
		// A consumer released late means the machine was too busy for the
		// run to say what Kafka does: run it again (twice at most), and
		// report it when it stays late.
		if len(l.LateStarts) == 0 || attempt == maxAttempts {
			break
		}
		rr.Retried = append(rr.Retried, fmt.Sprintf("attempt %d discarded (load %s): %s", attempt, rr.LoadBefore, strings.Join(l.LateStarts, "; ")))
		fmt.Fprintf(stderr, "%s: real run %s: %s; again\n", x.Name, name, strings.Join(l.LateStarts, "; "))
	}
	res, err := validation.Result(run.Scenario, l)
	if err != nil {
		return nil, rr, fmt.Errorf("real run %s: %v", name, err)
	}
	rx := &experiment.Experiment{Name: name, Description: x.Description, File: x.File, Source: x.Source, SHA256: x.SHA256,
		Variants: []string{run.Variant}, Seeds: []uint64{uint64(k)},
		Runs: []experiment.Run{{ID: rr.ID, Variant: run.Variant, Seed: uint64(k), Scenario: run.Scenario}}}
	if err := writeOutcomes(realDir, rx, []runner.Outcome{{Index: 0, Run: &rx.Runs[0], Result: res}}); err != nil {
		return nil, rr, err
	}
	if err := os.Rename(logs, filepath.Join(realDir, name, "logs")); err != nil {
		return nil, rr, fmt.Errorf("cannot move %s: %v", logs, err)
	}
	// KIP-848 groups: every target assignment the coordinator computed,
	// against our server-side assignor on the same input.
	ps, err := validation.Placements(run.Scenario, l)
	if err != nil {
		return nil, rr, fmt.Errorf("real run %s: %v", name, err)
	}
	if len(ps) > 0 {
		if err := validation.WritePlacements(filepath.Join(realDir, name, "placements.json"), ps); err != nil {
			return nil, rr, fmt.Errorf("cannot write results: %v", err)
		}
		for _, p := range ps {
			rr.Placements++
			if p.Agree {
				rr.PlacementsAgree++
			}
		}
	}
	return res, rr, nil
}

// writeOutcomes writes root/<x.Name>/ as `simulate run --no-charts` would.
func writeOutcomes(root string, x *experiment.Experiment, outs []runner.Outcome) error {
	w, err := report.NewWriter(root, x, false)
	if err != nil {
		return fmt.Errorf("cannot write results under %s: %v", root, err)
	}
	if err := w.Write(outs); err != nil {
		w.Abort()
		return fmt.Errorf("cannot write results: %v", err)
	}
	if err := w.Commit(); err != nil {
		w.Abort()
		return fmt.Errorf("cannot move results into %s: %v", w.Dir(), err)
	}
	return nil
}
