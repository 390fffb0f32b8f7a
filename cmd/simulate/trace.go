package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rebalance-sim/rebalance-sim/experiment"
	world "github.com/rebalance-sim/rebalance-sim/sim"
)

var traceCommand = &command{
	name:    "trace",
	args:    "[flags] FILE",
	summary: "one run's protocol steps, line by line",
	about: `Runs one run of the experiment FILE and prints what every member and coordinator did, one
line per protocol step (joins, syncs, heartbeats' errors, assignments, revocations, commits'
failures, session expiries, target epochs, reconciliations), each with its simulated time: the
same lines as the golden traces in sim/testdata/trace, and the quickest way to see why a run's
numbers are what they are. The first line names the run.`,
	examples: []string{
		"simulate trace experiments/stuck-consumer.toml --run eager-static/seed=1 --from 400s --to 500s",
		"simulate trace experiments/scale-out.toml --match coordinator  # the coordinator's side only",
	},
	positional: "toml",
	values:     map[string]string{"run": "runs"},
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		var f traceFlags
		fs.StringVar(&f.run, "run", "", "the run to trace, by the `ID` summary.csv gives it (default: the first run)")
		fs.StringVar(&f.from, "from", "0s", "print from this simulated moment, a `DURATION` such as 2m")
		fs.StringVar(&f.to, "to", "", "print up to this simulated moment, a `DURATION` (default: the end)")
		fs.StringVar(&f.match, "match", "", "print only lines containing `TEXT` (a member, a partition, \"coordinator\")")
		fs.BoolVar(&f.check, "check", false, "check the model's invariants after every event (slower)")
		f.budget.register(fs)
		return func(pos []string) error { return cmdTrace(f, pos, s.out, s.err) }
	},
}

type traceFlags struct {
	run, from, to, match string
	check                bool
	budget               budgetFlags
}

// cmdTrace runs one run with the model's trace on and prints it, filtered.
func cmdTrace(f traceFlags, pos []string, out, stderr io.Writer) error {
	if len(pos) != 1 {
		return usagef("trace takes one experiment file: simulate trace FILE")
	}
	from, err := time.ParseDuration(f.from)
	if err != nil || from < 0 {
		return usagef("--from %q: want a duration such as 90s or 2m", f.from)
	}
	to := time.Duration(1<<63 - 1)
	if f.to != "" {
		if to, err = time.ParseDuration(f.to); err != nil || to < from {
			return usagef("--to %q: want a duration such as 3m, not before --from", f.to)
		}
	}
	x, err := experiment.Load(pos[0])
	if err != nil {
		return usageError{err}
	}
	idx, err := pickRun(x, f.run)
	if err != nil {
		return err
	}
	budget, err := f.budget.budget(1, false)
	if err != nil {
		return err
	}
	budget.Charts = false
	budget.Runs = []int{idx}
	if _, err := checkBudget(x, budget, stderr, "trace"); err != nil {
		return err
	}
	limitMemory(budget)
	run := &x.Runs[idx]
	w := bufio.NewWriterSize(out, 64<<10)
	defer w.Flush()
	fmt.Fprintf(w, "# %s, run %s\n", x.Name, run.ID)
	lo, hi := from.Seconds(), to.Seconds()
	var werr error
	opt := world.Options{CheckInvariants: f.check, Trace: func(line string) {
		if werr != nil {
			return
		}
		// Every line starts with its simulated time in seconds ("  12.345s").
		words := strings.Fields(line)
		if len(words) == 0 {
			return
		}
		at, err := strconv.ParseFloat(strings.TrimSuffix(words[0], "s"), 64)
		if err == nil && (at < lo || at > hi) {
			return
		}
		if f.match != "" && !strings.Contains(line, f.match) {
			return
		}
		_, werr = fmt.Fprintln(w, line)
	}}
	if _, err := world.Run(run.Scenario, run.Seed, opt); err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	return w.Flush()
}
