package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes (the README's "The command line").
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
		printOverview(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		printOverview(stdout)
		return exitOK
	case "-version", "--version":
		name, args = "version", []string{"version"}
	}
	c := lookupCommand(name)
	if c == nil {
		fmt.Fprintf(stderr, "simulate: %v\n", unknownCommand(name))
		return exitUsage
	}
	s := stdio{in: stdin, out: stdout, err: stderr}
	fs, run := c.flagSet(s)
	var pos []string
	var err error
	if c == completeCommand {
		pos = args[1:] // the words to complete, flags included, as they are
	} else {
		pos, err = parseArgs(c, fs, args[1:])
	}
	if _, help := err.(helpRequested); help {
		printHelp(stdout, c)
		return exitOK
	}
	if err == nil {
		err = run(pos)
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "simulate %s: %v\n", c.name, strings.TrimRight(err.Error(), "\n"))
	if ie, ok := asInterrupted(err); ok {
		return ie.exitCode()
	}
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitRuntime
}
