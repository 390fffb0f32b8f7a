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

func cmdRun(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&f.out, "out", "results", "results root: each experiment writes DIR/<name>/")
	fs.Int64Var(&f.seed, "seed", -1, "run with this seed instead of the file's seed(s)")
	fs.IntVar(&f.parallel, "parallel", 0, "runs in parallel (default: the number of CPUs)")
	fs.StringVar(&f.shard, "shard", "", "run only slice I of N (I/N, 0-based)")
	fs.BoolVar(&f.noCharts, "no-charts", false, "skip charts and report.html")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar, no summary table")
	f.budget.register(fs)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no experiment file given\n%s", usage)
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

func cmdCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var bf budgetFlags
	bf.register(fs)
	parallel := fs.Int("parallel", 0, "runs in parallel the memory estimate assumes (default: the number of CPUs)")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no experiment file given")
	}
	budget, err := bf.budget(*parallel, true)
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

func cmdVersion(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usagef("version takes no arguments")
	}
	fmt.Fprintf(stdout, "rebalance-sim %s\n", report.Version)
	return nil
}

// cmdMerge joins the results folders that `run --shard` wrote into exactly
// what an unsharded run writes.
func cmdMerge(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	out := fs.String("out", "", "the results root to write (required)")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *out == "" || len(dirs) == 0 {
		return usagef("merge needs --out DIR and the shard results folders\n%s", usage)
	}
	names, err := report.Merge(*out, dirs)
	if ie := interrupted("the merged results were not written"); ie != nil {
		return ie
	}
	if err != nil {
		return usageError{err}
	}
	for _, n := range names {
		fmt.Fprintf(stdout, "merged %s -> %s\n", n, filepath.Join(*out, n))
	}
	return nil
}
