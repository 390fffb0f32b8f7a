package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Tests that need a real process: signals, exit codes of crashes, resource
// bounds. The binary is built once per test process.

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binary returns the path of a freshly built simulate.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "simulate-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "simulate")
		out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// result is one finished process.
type result struct {
	code           int
	stdout, stderr string
	maxRSS         int64 // bytes, the largest of the process and its children
	elapsed        time.Duration
	timedOut       bool
}

// memLimit is the address-space limit hostile runs get (with prlimit, when
// the machine has it): a safety net, so that a regression fails the test
// instead of exhausting the machine. Go reserves address space it does not
// use, hence more than the 2 GB of memory the runs are held to.
const memLimit = 4 << 30

// start starts simulate with args in dir, under the address-space limit.
func start(t *testing.T, ctx context.Context, dir string, stdin string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	return startLimited(t, ctx, dir, stdin, nil, args...)
}

// startLimited is start with more prlimit options (e.g. --nofile=64).
func startLimited(t *testing.T, ctx context.Context, dir, stdin string, limits []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	bin := binary(t)
	name, full := bin, args
	if p, err := exec.LookPath("prlimit"); err == nil {
		pre := append([]string{fmt.Sprintf("--as=%d", memLimit)}, limits...)
		name, full = p, append(append(pre, bin), args...)
	} else if len(limits) > 0 {
		t.Skip("needs prlimit")
	}
	cmd := exec.CommandContext(ctx, name, full...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &o, &e
}

// finish waits for cmd and collects what it did.
func finish(cmd *exec.Cmd, o, e *bytes.Buffer, began time.Time, ctx context.Context) result {
	cmd.Wait()
	r := result{stdout: o.String(), stderr: e.String(), elapsed: time.Since(began), timedOut: ctx.Err() != nil}
	if st := cmd.ProcessState; st != nil {
		r.code = st.ExitCode()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			r.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux; includes waited-for children
		}
	}
	return r
}

// runBinary runs simulate to the end, or kills it after timeout.
func runBinary(t *testing.T, timeout time.Duration, dir, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	began := time.Now()
	cmd, o, e := start(t, ctx, dir, stdin, args...)
	return finish(cmd, o, e, began, ctx)
}

// tmpFolder matches a temporary results folder; its first number is the
// pid of the process writing it.
var tmpFolder = regexp.MustCompile(`^\..+\.tmp-(\d+)-\d+$`)

// waitForRun waits until a run of the experiment writes its first
// timeseries file in a temporary folder under out, and returns the pid of
// the process that writes it.
func waitForRun(t *testing.T, out string, deadline time.Duration) int {
	t.Helper()
	end := time.Now().Add(deadline)
	for time.Now().Before(end) {
		entries, _ := os.ReadDir(out)
		for _, e := range entries {
			m := tmpFolder.FindStringSubmatch(e.Name())
			if m == nil {
				continue
			}
			files, _ := os.ReadDir(filepath.Join(out, e.Name()))
			for _, f := range files {
				if strings.HasPrefix(f.Name(), ".series-") {
					pid, _ := strconv.Atoi(m[1])
					return pid
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no run started under %s within %v", out, deadline)
	return 0
}

// longSweep takes tens of seconds in one process: long enough to be
// interrupted in the middle, whatever the machine.
const longSweep = `name = "long-sweep"
duration = "2h"
seeds = [1, 2, 3, 4, 5, 6, 7, 8]

[topics.t]
partitions = 8

[producers.p]
topic = "t"
rate = 2000
arrivals = "poisson"

[groups.g]
topics = ["t"]
consumers = 4
processing_time = "1ms"
processing_distribution = "exponential"

[sweep]
"groups.g.consumers" = [2, 4, 6, 8, 10, 12]
`

// entriesOf lists a folder, for messages.
func entriesOf(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// SIGINT and SIGTERM in the middle of a sweep stop it: exit 130 or 143, one
// line on stderr, and nothing left in the results root (no temporary
// folder, no partial results). The signal goes to the process the user
// started (the supervisor) or, as a kill of the worker would, to the child
// writing the results.
func TestSignalStopsSweepCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	cases := []struct {
		name    string
		sig     syscall.Signal
		toChild bool
		code    int
	}{
		{"SIGINT", syscall.SIGINT, false, 130},
		{"SIGTERM", syscall.SIGTERM, false, 143},
		{"SIGTERM to the worker", syscall.SIGTERM, true, 143},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "long.toml", longSweep)
			out := filepath.Join(dir, "results")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			began := time.Now()
			cmd, o, e := start(t, ctx, dir, "", "run", "--parallel", "2", "--out", out, "long.toml")
			child := waitForRun(t, out, 30*time.Second)
			target := cmd.Process.Pid
			if c.toChild {
				target = child
			}
			if err := syscall.Kill(target, c.sig); err != nil {
				t.Fatal(err)
			}
			r := finish(cmd, o, e, began, ctx)
			if r.timedOut || r.code != c.code {
				t.Fatalf("exit %d (timed out: %v), want %d; stderr:\n%s", r.code, r.timedOut, c.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], "interrupted by "+signalName(c.sig)) {
				t.Errorf("stderr should be one line saying it was interrupted:\n%s", r.stderr)
			}
			if left := entriesOf(out); len(left) > 0 {
				t.Errorf("left behind in the results root: %v", left)
			}
			if err := syscall.Kill(child, 0); err == nil {
				t.Errorf("the worker process %d is still running", child)
			}
		})
	}
}

// A worker killed outright (the kernel's out-of-memory killer sends
// SIGKILL) is a failure at run time, exit 1, never 2; the supervisor says
// so and removes the folder the worker could not.
func TestKilledWorkerIsARuntimeFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	writeFile(t, dir, "long.toml", longSweep)
	out := filepath.Join(dir, "results")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	began := time.Now()
	cmd, o, e := start(t, ctx, dir, "", "run", "--parallel", "2", "--out", out, "long.toml")
	child := waitForRun(t, out, 30*time.Second)
	if err := syscall.Kill(child, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	r := finish(cmd, o, e, began, ctx)
	if r.code != 1 || !strings.Contains(r.stderr, "was killed by SIGKILL") || !strings.Contains(r.stderr, "removed its unfinished results") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if left := entriesOf(out); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Go's runtime exits 2 when it runs out of memory, the code of bad input:
// the supervisor reports it as a failure at run time. The budget is raised
// past what the address space allows, so the worker really dies.
func TestOutOfMemoryIsNotBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Skip("needs prlimit to bound the address space")
	}
	dir := t.TempDir()
	writeFile(t, dir, "keys.toml", `duration = "10s"
[topics.t]
partitions = 4
[producers.p]
topic = "t"
rate = 100
keys = "uniform"
key_count = 2000000000
[groups.g]
topics = ["t"]
consumers = 1
processing_time = "1ms"
`)
	out := filepath.Join(dir, "results")
	r := runBinary(t, 60*time.Second, dir, "", "run", "--max-memory", "1TiB", "--out", out, "keys.toml")
	if r.code != 1 || !strings.Contains(r.stderr, "crashed") || !strings.Contains(r.stderr, "out of memory") {
		t.Fatalf("exit %d, want 1 with a crash reported; stderr ends:\n%s", r.code, tail(r.stderr, 600))
	}
	if left := entriesOf(out); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	// With the default budget the same file is refused up front.
	r = runBinary(t, 30*time.Second, dir, "", "run", "--out", out, "keys.toml")
	if r.code != 2 || !strings.Contains(r.stderr, "keys.toml:8: producers.p.key_count: the run needs an estimated") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// Exit codes stay distinct through the supervisor: 0, 1 (cannot write), 2
// (bad usage, bad file).
func TestExitCodesThroughTheSupervisor(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	writeFile(t, dir, "small.toml", small)
	writeFile(t, dir, "bad.toml", "duration = 5\n")
	writeFile(t, dir, "blocker", "a file")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", "small.toml"}, 0, "small.toml: ok"},
		{[]string{"check", "bad.toml"}, 2, "bad.toml:1: duration: must be a duration string"},
		{[]string{"run", "--quiet", "--out", "blocker", "small.toml"}, 1, "cannot write results"},
		{[]string{"run", "--max-memory", "lots", "small.toml"}, 2, "--max-memory"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"version"}, 0, "rebalance-sim"},
	}
	for _, c := range cases {
		r := runBinary(t, 60*time.Second, dir, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.want) {
			t.Errorf("simulate %v: exit %d, want %d with %q\n%s%s", c.args, r.code, c.code, c.want, r.stdout, r.stderr)
		}
	}
}

// A sweep of many runs holds one file open per run in flight, not one per
// run: 600 runs succeed with 64 file descriptors.
func TestManyRunsFewDescriptors(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	var seeds []string
	for i := 1; i <= 600; i++ {
		seeds = append(seeds, strconv.Itoa(i))
	}
	src := strings.Replace(strings.Replace(longSweep, "seeds = [1, 2, 3, 4, 5, 6, 7, 8]", "seeds = ["+strings.Join(seeds, ", ")+"]", 1),
		`duration = "2h"`, `duration = "2s"`, 1)
	src = strings.Replace(src, "[2, 4, 6, 8, 10, 12]", "[2]", 1)
	writeFile(t, dir, "many.toml", src)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	began := time.Now()
	cmd, o, e := startLimited(t, ctx, dir, "", []string{"--nofile=64"}, "run", "--quiet", "--no-charts", "--out", "results", "many.toml")
	r := finish(cmd, o, e, began, ctx)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := entriesOf(filepath.Join(dir, "results")); strings.Join(got, " ") != "long-sweep" {
		t.Errorf("results root holds %v", got)
	}
}

// A later run removes the temporary folders of its experiment that a dead
// process left (a kill -9, a power cut), and nothing else.
func TestLaterRunRemovesStaleFolders(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	out := filepath.Join(dir, "results")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true(1)")
	}
	pid := strconv.Itoa(dead.Process.Pid)
	stale := filepath.Join(out, ".small.tmp-"+pid+"-1")
	other := filepath.Join(out, ".other.tmp-"+pid+"-2")
	for _, d := range []string{stale, other} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, d, ".owner", pid+"\n")
		writeFile(t, d, "summary.json", "half written")
	}
	if code, _, e := sim(t, "", "run", "--quiet", "--no-charts", "--out", out, file); code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale folder of small is still there")
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another experiment's folder was removed: %v", err)
	}
}
