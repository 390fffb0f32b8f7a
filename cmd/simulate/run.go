package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/report"
	"github.com/rebalance-sim/rebalance-sim/runner"
)

type runFlags struct {
	out      string
	seed     int64
	parallel int
	shard    string
	noCharts bool
	quiet    bool
	budget   budgetFlags
}

var runCommand = &command{
	name:    "run",
	args:    "[flags] FILE...",
	summary: "run experiments; write summaries, CSVs, charts and report.html",
	about: `Runs every experiment FILE (TOML; simulate list shows every key) once per variant, sweep
point and seed, and writes DIR/<name>/ for each: summary.json, summary.csv, timeseries.csv,
rebalances.csv, every chart as SVG and PNG with the CSV behind it, and report.html; then
DIR/index.html, linking every report under DIR.

Every file is loaded and checked, and what its runs need is estimated against the budget, before
anything runs: a bad file or one over budget writes nothing and exits 2. Results are written into
a hidden folder beside DIR/<name>/ and moved into place only when complete; a signal (Ctrl-C)
removes them and exits 128+N.

On a terminal a progress bar shows on stderr; the summary table (one row per run and group, and
the capacity plan when the file has [sweep] and [slo]) goes to stdout.`,
	examples: []string{
		"simulate run experiments/scale-out.toml",
		"simulate run --out results --parallel 2 experiments/*.toml",
		"simulate run --seed 7 --no-charts --quiet experiments/capacity-plan.toml",
		"simulate run --shard 0/4 --out shards/0 experiments/capacity-plan.toml   # then simulate merge",
	},
	positional: "toml",
	values:     map[string]string{"out": "dir"},
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		var f runFlags
		fs.StringVar(&f.out, "out", "results", "results root: each experiment writes `DIR`/<name>/")
		fs.Int64Var(&f.seed, "seed", -1, "run every variant with this one seed instead of the file's seed or seeds")
		fs.IntVar(&f.parallel, "parallel", 0, "runs in parallel (default: the number of CPUs)")
		fs.StringVar(&f.shard, "shard", "", "run only slice `I/N` of the runs: those whose position in the run order is I modulo N (0 <= I < N); simulate merge joins the slices")
		fs.BoolVar(&f.noCharts, "no-charts", false, "write the summaries and CSVs only: no charts, report.html or index.html")
		fs.BoolVar(&f.quiet, "quiet", false, "print nothing but errors and warnings: no progress bar, no summary table")
		f.budget.register(fs)
		return func(files []string) error { return cmdRun(f, files, s.out, s.err) }
	},
}

func cmdRun(f runFlags, files []string, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		return usagef("no experiment file given: simulate run [flags] FILE... (simulate run --help)")
	}
	if f.parallel < 0 {
		return usagef("--parallel must be at least 1")
	}
	var shard *report.Shard
	if f.shard != "" {
		var i, n int
		if _, err := fmt.Sscanf(f.shard, "%d/%d", &i, &n); err != nil || n < 1 || i < 0 || i >= n || fmt.Sprintf("%d/%d", i, n) != f.shard {
			return usagef("--shard %q: want I/N with 0 <= I < N, e.g. 0/4", f.shard)
		}
		shard = &report.Shard{Index: i, Of: n}
	}
	budget, err := f.budget.budget(f.parallel, !f.noCharts)
	if err != nil {
		return err
	}
	limitMemory(budget)
	// Load every file first: a bad file fails the command before anything
	// runs or is written.
	var xs []*experiment.Experiment
	names := map[string]string{}
	for _, file := range files {
		x, err := experiment.Load(file)
		if err != nil {
			return usageError{err}
		}
		if f.seed >= 0 {
			x = x.WithSeed(uint64(f.seed))
		}
		if prev, dup := names[x.Name]; dup {
			return usagef("%s and %s are both named %q: their results would share a folder", prev, file, x.Name)
		}
		names[x.Name] = file
		// What the runs need is judged before anything runs or is written.
		b := budget
		if shard != nil {
			b.Runs = shard.Indexes(len(x.Runs))
		}
		if _, err := checkBudget(x, b, stderr, "run"); err != nil {
			return err
		}
		xs = append(xs, x)
	}
	for _, x := range xs {
		if err := runOne(x, f, shard, stdout, stderr); err != nil {
			return err
		}
	}
	if !f.noCharts {
		if err := report.WriteIndex(f.out); errors.Is(err, report.ErrInterrupted) {
			return interrupted("")
		} else if err != nil {
			return fmt.Errorf("cannot write %s: %v", filepath.Join(f.out, "index.html"), err)
		}
	}
	return nil
}

func runOne(x *experiment.Experiment, f runFlags, shard *report.Shard, stdout, stderr io.Writer) error {
	notWritten := fmt.Sprintf("nothing of %s was written (its unfinished results were removed)", x.Name)
	w, err := report.NewWriter(f.out, x, !f.noCharts)
	if errors.Is(err, report.ErrInterrupted) {
		return interrupted(fmt.Sprintf("%s was not started", x.Name))
	}
	if err != nil {
		return fmt.Errorf("cannot write results under %s: %v", f.out, err)
	}
	total := len(x.Runs)
	var indexes []int
	if shard != nil {
		var seed *uint64
		if f.seed >= 0 {
			v := uint64(f.seed)
			seed = &v
		}
		w.SetShard(*shard, seed)
		indexes = shard.Indexes(len(x.Runs))
		total = len(indexes)
	}
	bar := startProgress(stderr, x.Name, total, f.quiet)
	ropt := runner.Options{Parallel: f.parallel, Sink: w.Sink, Detail: w.RunDetail, Indexes: indexes, Done: w.RunDone, Stop: stop,
		Progress: func(int, int) { bar.runDone() }, SimProgress: bar.simAdvanced}
	if x.SLO != nil {
		ropt.MeasureSLO, ropt.SLOWarmup = true, engine.FromDuration(x.SLO.Warmup)
	}
	outs, err := runner.Execute(x, ropt)
	bar.finish()
	if err != nil {
		w.Abort()
		if errors.Is(err, runner.ErrStopped) {
			return interrupted(notWritten)
		}
		return err
	}
	if err := w.Write(outs); err != nil {
		w.Abort()
		if ie := interrupted(notWritten); ie != nil {
			return ie
		}
		return fmt.Errorf("cannot write results: %v", err)
	}
	if ie := interrupted(notWritten); ie != nil {
		w.Abort() // a signal while the files were written: none of them is kept
		return ie
	}
	if err := w.Commit(); err != nil {
		w.Abort()
		return fmt.Errorf("cannot move results into %s: %v", w.Dir(), err)
	}
	if !f.quiet {
		printSummary(stdout, x, outs, w.Dir(), w.Verdicts(), w.PlanRows())
	}
	return nil
}

// maxSummaryRows keeps the summary to one screen; larger experiments
// (sweeps) point to summary.csv and report.html instead.
const maxSummaryRows = 40

// printSummary prints one screen: the capacity plan when there is one, then
// a row per run and group (with the SLO verdict when there is an SLO).
func printSummary(out io.Writer, x *experiment.Experiment, outs []runner.Outcome, dir string, verdicts []*report.RunVerdict, plan [][]string) {
	fmt.Fprintf(out, "%s: %d run(s) -> %s\n", x.Name, len(outs), dir)
	if x.Description != "" {
		for _, l := range strings.Split(strings.TrimSpace(x.Description), "\n") {
			fmt.Fprintf(out, "  %s\n", l)
		}
	}
	if len(plan) > 1 {
		fmt.Fprintln(out, "capacity plan (smallest value meeting the SLO in every seed):")
		tw := tabwriter.NewWriter(out, 2, 0, 2, ' ', 0)
		for _, row := range plan {
			fmt.Fprintln(tw, "  "+strings.Join(row, "\t"))
		}
		tw.Flush()
	}
	rows := 0
	for _, o := range outs {
		rows += len(o.Result.Groups)
	}
	if rows > maxSummaryRows {
		passed := 0
		for _, v := range verdicts {
			if v != nil && v.Pass {
				passed++
			}
		}
		fmt.Fprintf(out, "%d rows: see %s and %s", rows, filepath.Join(dir, "summary.csv"), filepath.Join(dir, "report.html"))
		if x.SLO != nil {
			fmt.Fprintf(out, " (%d of %d runs meet the SLO)", passed, len(outs))
		}
		fmt.Fprintln(out)
		return
	}
	tw := tabwriter.NewWriter(out, 2, 0, 2, ' ', tabwriter.AlignRight)
	head := "run\tgroup\tthroughput/s\tlag max\tlag s max\tidle\tduplicates\trebalances\tpause s (rebal/fail/unass)\tp99 ms\t"
	xz := false
	for _, o := range outs {
		for _, g := range o.Result.Groups {
			xz = xz || g.CrossZone != nil
		}
	}
	if xz {
		head += "cross-zone GB\tshare\t$/month\t"
	}
	if x.SLO != nil {
		head += "SLO\t"
	}
	fmt.Fprintln(tw, head)
	for i, o := range outs {
		for _, g := range o.Result.Groups {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%d\t%d\t%s/%s/%s\t%s\t",
				o.Run.ID, g.Group, num(g.ThroughputPerS, 1), g.Lag.Max, num(g.LagTimeS.Max, 1),
				num(g.IdleMembers.Mean, 1), g.Duplicates, g.Rebalances,
				num(g.PartitionPauseS.Rebalance, 1), num(g.PartitionPauseS.FailureDetection, 1), num(g.PartitionPauseS.Unassigned, 1),
				num(g.LatencyMs.P99, 0))
			if z := g.CrossZone; z != nil {
				fmt.Fprintf(tw, "%s\t%s\t%s\t", num(float64(z.Bytes)/1e9, 2), num(z.Fraction, 2), num(z.USDPerMonth, 2))
			} else if xz {
				fmt.Fprint(tw, "–\t–\t–\t")
			}
			if v := verdicts[i]; v != nil {
				verdict := "pass"
				for _, c := range v.Checks {
					if c.Group == g.Group && !c.Pass {
						verdict = "FAIL"
					}
				}
				fmt.Fprintf(tw, "%s\t", verdict)
			}
			fmt.Fprintln(tw)
		}
	}
	tw.Flush()
}

func num(x float64, decimals int) string { return strconv.FormatFloat(x, 'f', decimals, 64) }

var checkCommand = &command{
	name:    "check",
	args:    "[flags] FILE...",
	summary: "validate experiment files; estimate what their runs need",
	about: `Loads every experiment FILE as run would, without running anything, and prints per file its
name, its number of runs and what they are estimated to need: memory, results on disk and model
steps (about 100 ns each). Every mistake is reported as FILE:LINE: KEY: message, all of them at
once, and the command exits 2 if any file is bad or over budget.`,
	examples: []string{
		"simulate check experiments/*.toml",
		"simulate check --parallel 2 --max-memory 2GiB big-sweep.toml",
	},
	positional: "toml",
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		var bf budgetFlags
		bf.register(fs)
		parallel := fs.Int("parallel", 0, "runs in parallel the memory estimate assumes (default: the number of CPUs)")
		return func(files []string) error { return cmdCheck(bf, *parallel, files, s.out, s.err) }
	},
}

func cmdCheck(bf budgetFlags, parallel int, files []string, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		return usagef("no experiment file given: simulate check [flags] FILE...")
	}
	budget, err := bf.budget(parallel, true)
	if err != nil {
		return err
	}
	var bad []string
	for _, file := range files {
		x, err := experiment.Load(file)
		if err == nil {
			var costs experiment.Costs
			costs, err = checkBudget(x, budget, stderr, "check")
			if err == nil {
				fmt.Fprintf(stdout, "%s: ok (%s, %d run(s); estimated %s of memory, %s of results, %.2g model steps)\n",
					file, x.Name, len(x.Runs), sizeText(costs.Memory), sizeText(costs.Output), costs.Steps)
				continue
			}
		}
		bad = append(bad, err.Error())
	}
	if len(bad) > 0 {
		return usageError{fmt.Errorf("%s", strings.Join(bad, "\n"))}
	}
	return nil
}

var versionCommand = &command{
	name:    "version",
	args:    "",
	summary: "print the version (written into every summary.json)",
	about: `Prints rebalance-sim's version. Same experiment file, same seed, same version: the same
bytes in every output file.`,
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		return func(pos []string) error {
			if len(pos) > 0 {
				return usagef("version takes no arguments")
			}
			fmt.Fprintf(s.out, "rebalance-sim %s\n", versionString())
			return nil
		}
	},
}

func versionString() string { return report.Version }

var mergeCommand = &command{
	name:    "merge",
	args:    "--out DIR SHARD_OUT...",
	summary: "combine the results of sharded runs (run --shard I/N)",
	about: `Reads the results folders that simulate run --shard I/N wrote (each its own --out), checks that
they come from the same experiment file (by its SHA-256), the same --seed and the same N, that no
shard is missing or given twice, and writes under DIR exactly the bytes an unsharded run writes,
and DIR/index.html.`,
	examples: []string{
		"simulate merge --out results shards/0 shards/1 shards/2 shards/3",
	},
	positional: "dir",
	values:     map[string]string{"out": "dir"},
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		out := fs.String("out", "", "the results root to write (required)")
		return func(dirs []string) error { return cmdMerge(*out, dirs, s.out) }
	},
}

// cmdMerge joins the results folders that `run --shard` wrote into exactly
// what an unsharded run writes.
func cmdMerge(out string, dirs []string, stdout io.Writer) error {
	if out == "" || len(dirs) == 0 {
		return usagef("merge needs --out DIR and the shard results folders: simulate merge --out DIR SHARD_OUT...")
	}
	names, err := report.Merge(out, dirs)
	if ie := interrupted("the merged results were not written"); ie != nil {
		return ie
	}
	if err != nil {
		return usageError{err}
	}
	for _, n := range names {
		fmt.Fprintf(stdout, "merged %s -> %s\n", n, filepath.Join(out, n))
	}
	return nil
}
