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

// cmdTrace prints what every member and coordinator of one run did, one
// line per protocol step, the way the golden traces in sim/testdata/trace
// read: the quickest way to see why a run's numbers are what they are.
func cmdTrace(args []string, out, stderr io.Writer) error {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	runID := fs.String("run", "", "run id (default: the first run)")
	fromS := fs.String("from", "0s", "first simulated moment to print, e.g. 2m")
	toS := fs.String("to", "", "last simulated moment to print (default: the end)")
	match := fs.String("match", "", "print only lines containing this text (e.g. a member or partition)")
	check := fs.Bool("check", false, "check the model's invariants after every event (slower)")
	var bf budgetFlags
	bf.register(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("trace takes one experiment file")
	}
	from, err := time.ParseDuration(*fromS)
	if err != nil || from < 0 {
		return usagef("--from %q: want a duration such as 90s or 2m", *fromS)
	}
	to := time.Duration(1<<63 - 1)
	if *toS != "" {
		if to, err = time.ParseDuration(*toS); err != nil || to < from {
			return usagef("--to %q: want a duration such as 3m, not before --from", *toS)
		}
	}
	x, err := experiment.Load(pos[0])
	if err != nil {
		return usageError{err}
	}
	idx := 0
	if *runID != "" {
		idx = -1
		var ids []string
		for i := range x.Runs {
			ids = append(ids, x.Runs[i].ID)
			if x.Runs[i].ID == *runID {
				idx = i
			}
		}
		if idx < 0 {
			return usagef("--run %q: no such run; runs are: %s", *runID, strings.Join(ids, ", "))
		}
	}
	budget, err := bf.budget(1, false)
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
	opt := world.Options{CheckInvariants: *check, Trace: func(line string) {
		if werr != nil {
			return
		}
		// Every line starts with its simulated time in seconds ("  12.345s").
		f := strings.Fields(line)
		if len(f) == 0 {
			return
		}
		at, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "s"), 64)
		if err == nil && (at < lo || at > hi) {
			return
		}
		if *match != "" && !strings.Contains(line, *match) {
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
