// Command simulate is rebalance-sim's command line: run, check, describe,
// assign, merge, list, version, completion and help. It parses flags,
// prints, and maps failures to exit codes (0 success, 1 run-time failure,
// 2 bad usage or a bad input file, 128+n after signal n); it holds no
// simulation logic.
//
// cli.go owns the command table and the conventions every command follows:
// GNU-style flags (--name value, --name=value; the single dash Go's flag
// package takes is still read), per-command help built from the flag
// definitions (--help, -h, `simulate help COMMAND`, exit 0), and
// did-you-mean suggestions for commands, flags and values. completion.go
// prints the bash, zsh and fish scripts, which ask the hidden `simulate
// __complete` what to offer.
//
// It also owns the process: the resource budgets judged before anything
// runs (budget.go), the clean stop on SIGINT/SIGTERM/SIGHUP (signals.go),
// and the supervisor that runs each command in a child so that a crash of
// Go's runtime, which exits 2, is never reported as bad input
// (supervise.go).
package main
