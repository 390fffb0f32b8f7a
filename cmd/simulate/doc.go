// Command simulate is rebalance-sim's command line: run, check, assign,
// describe, merge, list and version. It parses flags, prints, and maps
// failures to exit codes (0 success, 1 run-time failure, 2 bad usage or a
// bad input file, 128+n after signal n); it holds no simulation logic.
//
// It also owns the process: the resource budgets judged before anything
// runs (budget.go), the clean stop on SIGINT/SIGTERM/SIGHUP (signals.go),
// and the supervisor that runs each command in a child so that a crash of
// Go's runtime, which exits 2, is never reported as bad input
// (supervise.go).
package main
