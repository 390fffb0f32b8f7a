package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

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
	if f.shard != "" {
		return usagef("--shard is not supported yet")
	}
	// Load every file first: a bad file fails the command before anything
	// runs or is written.
	var xs []*experiment.Experiment
	names := map[string]string{}
	for _, file := range files {
		x, err := experiment.Load(file)
		if err != nil {
			return usageError{err}
		}
		if err := supported(x); err != nil {
			return usageError{err}
		}
		if f.seed >= 0 {
			x = x.WithSeed(uint64(f.seed))
		}
		if prev, dup := names[x.Name]; dup {
			return usagef("%s and %s are both named %q: their results would share a folder", prev, file, x.Name)
		}
		names[x.Name] = file
		xs = append(xs, x)
	}
	for _, x := range xs {
		if err := runOne(x, f, stdout, stderr); err != nil {
			return err
		}
	}
	if !f.noCharts {
		if err := report.WriteIndex(f.out); err != nil {
			return fmt.Errorf("cannot write %s: %v", filepath.Join(f.out, "index.html"), err)
		}
	}
	return nil
}

// supported rejects what this build cannot run yet, with the file and line.
func supported(x *experiment.Experiment) error {
	if x.Sweep != nil {
		return fmt.Errorf("%s:%d: [sweep] is not supported yet (capacity-planning sweeps are planned); remove it", x.File, x.Sweep.Axes[0].Line)
	}
	if x.SLO != nil {
		return fmt.Errorf("%s: [slo] is not supported yet (SLO verdicts are planned); remove it", x.File)
	}
	return nil
}

func runOne(x *experiment.Experiment, f runFlags, stdout, stderr io.Writer) error {
	w, err := report.NewWriter(f.out, x, !f.noCharts)
	if err != nil {
		return fmt.Errorf("cannot write results under %s: %v", f.out, err)
	}
	timeline, heat := w.ModelOptions()
	bar := startProgress(stderr, x.Name, len(x.Runs), f.quiet)
	outs, err := runner.Execute(x, runner.Options{Parallel: f.parallel, Sink: w.Sink, Timeline: timeline, HeatmapColumns: heat,
		Progress: func(int, int) { bar.runDone() }, SimProgress: bar.simAdvanced})
	bar.finish()
	if err != nil {
		w.Abort()
		return err
	}
	if err := w.Write(outs); err != nil {
		w.Abort()
		return fmt.Errorf("cannot write results: %v", err)
	}
	if err := w.Commit(); err != nil {
		w.Abort()
		return fmt.Errorf("cannot move results into %s: %v", w.Dir(), err)
	}
	if !f.quiet {
		printSummary(stdout, x, outs, w.Dir())
	}
	return nil
}

// printSummary prints one screen: a row per run and group.
func printSummary(out io.Writer, x *experiment.Experiment, outs []runner.Outcome, dir string) {
	fmt.Fprintf(out, "%s: %d run(s) -> %s\n", x.Name, len(outs), dir)
	if x.Description != "" {
		for _, l := range strings.Split(strings.TrimSpace(x.Description), "\n") {
			fmt.Fprintf(out, "  %s\n", l)
		}
	}
	tw := tabwriter.NewWriter(out, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tgroup\tthroughput/s\tlag max\tlag s max\tidle\tduplicates\trebalances\tpause s (rebal/fail/unass)\tp99 ms\t")
	for _, o := range outs {
		for _, g := range o.Result.Groups {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%d\t%d\t%s/%s/%s\t%s\t\n",
				o.Run.ID, g.Group, num(g.ThroughputPerS, 1), g.Lag.Max, num(g.LagTimeS.Max, 1),
				num(g.IdleMembers.Mean, 1), g.Duplicates, g.Rebalances,
				num(g.PartitionPauseS.Rebalance, 1), num(g.PartitionPauseS.FailureDetection, 1), num(g.PartitionPauseS.Unassigned, 1),
				num(g.LatencyMs.P99, 0))
		}
	}
	tw.Flush()
}

func num(x float64, decimals int) string { return strconv.FormatFloat(x, 'f', decimals, 64) }

func cmdCheck(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no experiment file given")
	}
	var bad []string
	for _, file := range files {
		x, err := experiment.Load(file)
		if err == nil {
			err = supported(x)
		}
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (%s, %d run(s))\n", file, x.Name, len(x.Runs))
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

func cmdMerge(args []string, stdout io.Writer) error {
	return usagef("merge is not supported yet")
}

var _ = os.Stdout
