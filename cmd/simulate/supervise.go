package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rebalance-sim/rebalance-sim/report"
)

// The supervisor. Exit code 2 means bad usage or bad input, but Go's
// runtime also exits 2 when it dies: out of memory, a stack overflow, a
// fatal error. No budget checked up front can rule those out entirely (an
// estimate is an estimate, and a kernel may kill a process for memory other
// processes took), so a crash must never read as "your file is wrong".
//
// `simulate` therefore runs each command in a child process, itself with
// this environment variable set to the parent's pid. The child reports bad
// input as exit code 3, which Go's runtime never uses; the parent maps its
// codes back: 3 -> 2, 0 and 1 unchanged, 128+n for a signal it handled,
// and anything else (2, the runtime's, or a death by a signal such as the
// kernel's out-of-memory SIGKILL) -> 1, a failure at run time, with a line
// saying so; it removes the temporary results folders the child left.
//
// The alternative, debug.SetMemoryLimit alone, only makes the collector
// work harder near a soft limit: it cannot stop an allocation that does
// not fit, so it is used as well (budget.go) but is no guard by itself.
const superviseEnv = "REBALANCE_SIM_SUPERVISOR"

// exitChildUsage is a child's exit code for bad usage or bad input.
const exitChildUsage = 3

// isChild reports whether this process runs a command for a supervisor (the
// variable names our parent, so an exported leftover does not count).
func isChild() bool {
	v := os.Getenv(superviseEnv)
	return v != "" && v == strconv.Itoa(os.Getppid())
}

// childCode maps an exit code for the supervisor to read.
func childCode(code int) int {
	if code == exitUsage && isChild() {
		return exitChildUsage
	}
	return code
}

// supervised reports whether a command runs under a supervisor: every
// command that loads a file or simulates (the others cannot crash).
func supervised(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "run", "check", "describe", "trace", "merge", "assign":
		return os.Getenv("REBALANCE_SIM_NO_SUPERVISOR") == ""
	}
	return false
}

// supervise runs the command in a child and returns the exit code to use.
func supervise(args []string, stderr io.Writer) int {
	exe, err := os.Executable()
	if err != nil {
		return childCode(realMain(args, os.Stdin, os.Stdout, os.Stderr))
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), superviseEnv+"="+strconv.Itoa(os.Getpid()))
	// The child dies with its parent (SIGTERM: it cleans up); the thread
	// that starts it stays, since Linux ties that signal to the thread.
	runtime.LockOSThread()
	cmd.SysProcAttr = childAttr()
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if err := cmd.Start(); err != nil {
		signal.Stop(signals)
		return childCode(realMain(args, os.Stdin, os.Stdout, os.Stderr))
	}
	done := make(chan struct{})
	var forwarded os.Signal
	got := make(chan os.Signal, 1)
	go func() {
		for {
			select {
			case sig := <-signals:
				if forwarded == nil {
					got <- sig
				}
				forwarded = sig
				cmd.Process.Signal(sig)
				// A child that does not stop in time is killed; its
				// folders are removed below.
				go func() {
					select {
					case <-done:
					case <-time.After(stopGrace + 5*time.Second):
						cmd.Process.Kill()
					}
				}()
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	var sig os.Signal
	select {
	case sig = <-got:
	default:
	}
	st := cmd.ProcessState
	if st == nil {
		fmt.Fprintf(stderr, "simulate %s: %v\n", args[0], err)
		return exitRuntime
	}
	ws, _ := st.Sys().(syscall.WaitStatus)
	code := st.ExitCode()
	switch {
	case code == exitChildUsage:
		return exitUsage
	case code == exitOK || code == exitRuntime:
		return code
	case code == 128+int(syscall.SIGINT) || code == 128+int(syscall.SIGTERM) || code == 128+int(syscall.SIGHUP):
		return code // the child stopped cleanly on a signal
	}
	// A crash, or a death by a signal.
	left := cleanUpAfter(args, cmd.Process.Pid)
	var what string
	switch {
	case ws.Signaled() && sig != nil && (ws.Signal() == syscall.SIGKILL):
		what = "did not stop in time after " + signalName(sig) + " and was killed"
		code = 128 + int(sig.(syscall.Signal))
	case ws.Signaled() && ws.Signal() == syscall.SIGKILL:
		what = "was killed by SIGKILL (the kernel's out-of-memory killer sends it)"
		code = exitRuntime
	case ws.Signaled():
		what = "was killed by " + signalName(ws.Signal())
		code = exitRuntime
	default:
		what = fmt.Sprintf("crashed (the Go runtime's fatal error above, exit status %d); "+
			"if it ran out of memory, the run needed more than its estimate: please report it", st.ExitCode())
		code = exitRuntime
	}
	if len(left) > 0 {
		what += "; removed its unfinished results " + strings.Join(left, ", ")
	}
	fmt.Fprintf(stderr, "simulate %s: the command %s\n", args[0], what)
	return code
}

// cleanUpAfter removes the temporary folders the child pid left in the
// results root its command writes to.
func cleanUpAfter(args []string, pid int) []string {
	if args[0] != "run" && args[0] != "merge" {
		return nil
	}
	root := "results"
	if args[0] == "merge" {
		root = ""
	}
	for i, a := range args[1:] {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "out" {
			continue
		}
		if !hasValue && i+2 < len(args) {
			value = args[i+2]
		}
		root = value
	}
	if root == "" {
		return nil
	}
	return report.RemoveOwnedBy(root, pid)
}
