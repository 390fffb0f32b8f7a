// Package runner executes an experiment's runs: each run is one sim.Run
// on one goroutine, runs go in parallel across workers, and results come back
// in the experiment's fixed run order whatever the parallelism.
//
// It owns scheduling only; it must not change what a run computes (no
// shared state between runs, no wall clock inside one). It can stop an
// execution (Options.Stop): runs not started are skipped and a run in
// progress is abandoned at its next sample, its state thrown away.
package runner
