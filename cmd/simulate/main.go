package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes (SPEC "CLI").
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// usageError marks bad usage or bad input: exit code 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

const usage = `usage:
  simulate run [--out DIR] [--seed N] [--parallel N] [--shard I/N] [--no-charts] [--quiet] [BUDGET] FILE...
  simulate check [--parallel N] [BUDGET] FILE...
  simulate assign [--assignor NAME] [--rounds] [--explain] [FILE|-]
  simulate describe FILE --at DURATION [--run ID] [--group NAME] [BUDGET]
  simulate trace FILE [--run ID] [--from DURATION] [--to DURATION] [--match TEXT] [--check] [BUDGET]
  simulate merge --out DIR SHARD_OUT...
  simulate validate [--repeat N] [--out DIR] [--markdown FILE] [--reuse] FILE...
  simulate list
  simulate version
BUDGET: [--max-memory SIZE] [--max-output SIZE] [--max-steps N] (defaults 4GiB, 10GiB, 1e11)
`

func main() {
	args := os.Args[1:]
	if !isChild() && supervised(args) {
		// Run the command in a child process and report its crashes:
		// see supervise.go.
		os.Exit(supervise(args, os.Stderr))
	}
	if len(args) > 0 {
		watchSignals(os.Stderr, args[0])
	}
	os.Exit(childCode(realMain(args, os.Stdin, os.Stdout, os.Stderr)))
}

// realMain is main without the process: tests call it.
func realMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(args[1:], stdout, stderr)
	case "check":
		err = cmdCheck(args[1:], stdout, stderr)
	case "assign":
		err = cmdAssign(args[1:], stdin, stdout)
	case "describe":
		err = cmdDescribe(args[1:], stdout, stderr)
	case "trace":
		err = cmdTrace(args[1:], stdout, stderr)
	case "merge":
		err = cmdMerge(args[1:], stdout)
	case "validate":
		err = cmdValidate(args[1:], stdout, stderr)
	case "list":
		err = cmdList(args[1:], stdout)
	case "version":
		err = cmdVersion(args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "simulate: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "simulate %s: %v\n", args[0], strings.TrimRight(err.Error(), "\n"))
	if ie, ok := asInterrupted(err); ok {
		return ie.exitCode()
	}
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitRuntime
}

// parseFlags parses flags that may come before, between or after the
// positional arguments (Go's flag package stops at the first positional).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
