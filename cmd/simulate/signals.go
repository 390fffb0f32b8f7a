package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rebalance-sim/rebalance-sim/report"
)

// Signals. SIGINT, SIGTERM and SIGHUP stop a command cleanly: no new run
// starts, runs in progress are abandoned at their next sample, every
// temporary results folder is removed, and the command exits with 128 plus
// the signal's number (130, 143, 129) after one line on stderr. Results
// already moved into place stay: they are complete.

// stop is closed at the first signal; commands poll it.
var stop = make(chan struct{})

// caught is the signal that closed stop.
var caught atomic.Value // os.Signal

// stopGrace is how long the handler lets the command abort by itself
// (its runs stop at their next sample) before removing the temporary
// folders and exiting on its own.
const stopGrace = 3 * time.Second

// interruptedError is what a command returns once stopped by a signal.
type interruptedError struct {
	sig  os.Signal
	what string // what was left out, for the message
}

func (e interruptedError) Error() string {
	if e.what == "" {
		return "interrupted by " + signalName(e.sig)
	}
	return "interrupted by " + signalName(e.sig) + "; " + e.what
}

// exitCode is the shell's convention for a death by signal.
func (e interruptedError) exitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitRuntime
}

func signalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGKILL:
		return "SIGKILL"
	}
	return sig.String()
}

// interrupted returns the error to stop with when a signal has come.
func interrupted(what string) error {
	select {
	case <-stop:
		sig, _ := caught.Load().(os.Signal)
		return interruptedError{sig: sig, what: what}
	default:
		return nil
	}
}

// asInterrupted reports whether err is (or wraps) an interruption.
func asInterrupted(err error) (interruptedError, bool) {
	var ie interruptedError
	ok := errors.As(err, &ie)
	return ie, ok
}

// watchSignals installs the handler for the process (main only: tests call
// realMain without it).
func watchSignals(stderr io.Writer, cmd string) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		sig := <-ch
		caught.Store(sig)
		dirs := report.Interrupt() // no new results folder from now on
		close(stop)
		// NB: later signals (a terminal's Ctrl-C reaches the supervisor
		// and this process both) change nothing: the cleanup is under way.
		signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
		e := interruptedError{sig: sig}
		if len(dirs) > 0 {
			// The command aborts its writers and exits itself, normally
			// well within the grace period.
			time.Sleep(stopGrace)
			if removed := report.RemovePending(); len(removed) > 0 {
				e.what = "removed unfinished results " + strings.Join(removed, ", ")
			}
		}
		fmt.Fprintf(stderr, "simulate %s: %v\n", cmd, e)
		os.Exit(childCode(e.exitCode()))
	}()
}
