package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// budgetFlags are the resource budgets a command judges an experiment by
// before it runs anything (experiment.Budget): a run estimated beyond one
// is refused with exit code 2, naming the key that drives the cost.
type budgetFlags struct {
	memory, output string
	steps          float64
}

func (b *budgetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.memory, "max-memory", "4GiB", "memory the runs in flight may hold, a `SIZE` such as 512MiB or 16GiB "+
		"(KiB, MiB, GiB, TiB are powers of 1024; k, M, G, T of 1000)")
	fs.StringVar(&b.output, "max-output", "10GiB", "disk space the results may take, a `SIZE` such as 500MiB")
	fs.Float64Var(&b.steps, "max-steps", experiment.DefaultMaxSteps, "model steps the runs may take, about 100 ns of CPU each (`N`, default 1e11)")
}

// budget turns the flags into a budget for runs in flight at once.
func (b *budgetFlags) budget(parallel int, charts bool) (experiment.Budget, error) {
	mem, err := parseSize(b.memory)
	if err != nil {
		return experiment.Budget{}, usagef("--max-memory %q: %v", b.memory, err)
	}
	out, err := parseSize(b.output)
	if err != nil {
		return experiment.Budget{}, usagef("--max-output %q: %v", b.output, err)
	}
	if !(b.steps > 0) || math.IsInf(b.steps, 0) {
		return experiment.Budget{}, usagef("--max-steps %g: want a positive number such as 1e11", b.steps)
	}
	if parallel <= 0 {
		parallel = runtime.NumCPU()
	}
	return experiment.Budget{Memory: mem, Output: out, Steps: b.steps, Parallel: parallel, Charts: charts}, nil
}

// limitMemory tells the Go runtime to collect garbage harder as the heap
// nears the memory budget, so that memory that is no longer live does not
// push the process past it: the estimate the budget is checked against is
// of live memory. It is a soft limit (the runtime never fails an
// allocation because of it); the hard guard against an out-of-memory
// crash being reported as bad input is the supervisor (supervise.go).
func limitMemory(b experiment.Budget) {
	if b.Memory > 0 {
		debug.SetMemoryLimit(b.Memory)
	}
}

// checkBudget estimates what x needs and refuses it beyond b; warnings go
// to stderr.
func checkBudget(x *experiment.Experiment, b experiment.Budget, stderr io.Writer, cmd string) (experiment.Costs, error) {
	costs, warnings, err := x.Check(b)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "simulate %s: warning: %s\n", cmd, w)
	}
	if err != nil {
		return costs, usageError{err}
	}
	return costs, nil
}

// parseSize reads a size such as 4GiB, 512MB, 2G or 1000000 (bytes): k, M,
// G and T are powers of 1000, Ki, Mi, Gi and Ti powers of 1024; a trailing
// B is optional.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "b")
	mult := 1.0
	units := []struct {
		suffix string
		mult   float64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40},
		{"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}}
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSuffix(t, u.suffix), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || !(v > 0) || v*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("want a positive size such as 512MiB, 4GiB or 2G")
	}
	return int64(v * mult), nil
}

// sizeText prints bytes for the check command's summary.
func sizeText(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.0f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.0f KiB", b/(1<<10))
}
