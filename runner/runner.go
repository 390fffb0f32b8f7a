package runner

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/sim"
)

// Options control how runs are executed.
type Options struct {
	// Parallel is the number of runs in flight (0: the number of CPUs).
	Parallel int
	// Sink, when set, is asked for one timeseries consumer per run index;
	// each run streams its samples to it instead of keeping them.
	Sink func(run int) func(metrics.SeriesRow)
	// Detail says which runs record member timelines and a per-partition
	// lag heat map (for their charts), and with how many columns; nil: none.
	Detail func(run int) (timeline bool, heatmapColumns int)
	// Progress is called after each run finishes, from one goroutine at a
	// time, with the number of runs done.
	Progress func(done, total int)
	// Done, when set, is called from the worker as soon as run i has
	// finished (its timeseries can be closed).
	Done func(run int)
	// Stop, when closed, stops the execution: no run starts, and runs in
	// progress are abandoned at their next sample. Execute then returns
	// ErrStopped.
	Stop <-chan struct{}
	// SimProgress is called from the running goroutines with simulated
	// time advanced (for a progress display).
	SimProgress func(advanced engine.Time)
	// Indexes restricts execution to these run indexes (a shard); nil runs
	// all of them.
	Indexes []int
	// MeasureSLO asks each run for the metrics an [slo] judges, from
	// SLOWarmup on.
	MeasureSLO bool
	SLOWarmup  engine.Time
}

// Outcome is one run's result.
type Outcome struct {
	Index  int
	Run    *experiment.Run
	Result *metrics.Result
}

// ErrStopped is returned by Execute when Options.Stop was closed.
var ErrStopped = errors.New("stopped")

// stopRun is what the sample hook panics with to abandon a run: the model
// has no other way out of a run, and a stopped run's state is thrown away.
type stopRun struct{}

// Execute runs the selected runs of x and returns their outcomes in run
// order. The first failing run's error is returned (after every started run
// has finished).
func Execute(x *experiment.Experiment, opt Options) ([]Outcome, error) {
	idx := opt.Indexes
	if idx == nil {
		idx = make([]int, len(x.Runs))
		for i := range idx {
			idx[i] = i
		}
	}
	workers := opt.Parallel
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	if workers > len(idx) {
		workers = len(idx)
	}
	out := make([]Outcome, len(idx))
	errs := make([]error, len(idx))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				i := idx[j]
				run := &x.Runs[i]
				mopt := sim.Options{MeasureSLO: opt.MeasureSLO, SLOWarmup: opt.SLOWarmup}
				if opt.Detail != nil {
					mopt.Timeline, mopt.HeatmapColumns = opt.Detail(i)
				}
				if stopped(opt.Stop) {
					errs[j] = ErrStopped
					continue
				}
				var last engine.Time
				mopt.Progress = func(now engine.Time) {
					if stopped(opt.Stop) {
						panic(stopRun{})
					}
					if opt.SimProgress != nil {
						opt.SimProgress(now - last)
						last = now
					}
				}
				if opt.Sink != nil {
					mopt.OnSample = opt.Sink(i)
				}
				res, err := safeRun(run, mopt)
				if opt.Done != nil {
					opt.Done(i)
				}
				switch {
				case errors.Is(err, ErrStopped):
					errs[j] = err
				case err != nil:
					errs[j] = fmt.Errorf("run %s: %w", run.ID, err)
				}
				out[j] = Outcome{Index: i, Run: run, Result: res}
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, len(idx))
					mu.Unlock()
				}
			}
		}()
	}
	for j := range idx {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	if stopped(opt.Stop) {
		return out, ErrStopped
	}
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// safeRun turns a broken model invariant (a panic) into an error, so one bad
// run cannot take the process down with other runs' work half written.
func safeRun(run *experiment.Run, opt sim.Options) (res *metrics.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stopRun); ok {
				res, err = nil, ErrStopped
				return
			}
			res, err = nil, fmt.Errorf("internal error (please report it): %v", r)
		}
	}()
	return sim.Run(run.Scenario, run.Seed, opt)
}
