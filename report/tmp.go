package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Temporary folders. Every results folder is written as a hidden sibling,
// root/.NAME.tmp-PID-N, and renamed into place when complete. The folder
// holds an owner file naming the process that writes it (its pid and, on
// Linux, its start time, so that a reused pid is not mistaken for the
// owner). That makes three kinds of cleanup possible:
//   - a process interrupted by a signal removes the folders it has open
//     (Interrupt, then RemovePending or each writer's Abort);
//   - the supervising process removes those of a child that crashed
//     (RemoveOwnedBy);
//   - a later run of the same experiment removes the folders whose owner
//     is gone (removeStale), so a kill -9 leaves nothing for long.

const ownerFile = ".owner"

// ErrInterrupted is returned once a signal has stopped the process: no
// new results folder may be started.
var ErrInterrupted = errors.New("interrupted")

// pending is every temporary folder this process has open.
var pending = struct {
	sync.Mutex
	dirs   map[string]bool // NB: lookup only; listed sorted
	closed bool
}{dirs: map[string]bool{}}

// makeTemp creates root/.NAME.tmp-PID-N with its owner file, after removing
// stale folders of the same experiment.
func makeTemp(root, name string) (string, error) {
	pending.Lock()
	defer pending.Unlock()
	if pending.closed {
		return "", ErrInterrupted
	}
	removeStale(root, name)
	dir, err := os.MkdirTemp(root, fmt.Sprintf(".%s.tmp-%d-", name, os.Getpid()))
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil { // MkdirTemp makes it private
		os.RemoveAll(dir)
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(ownerLine(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	pending.dirs[dir] = true
	return dir, nil
}

// release forgets dir (committed or removed).
func release(dir string) {
	pending.Lock()
	delete(pending.dirs, dir)
	pending.Unlock()
}

// Interrupt stops new temporary folders from being made and returns the
// ones open now, sorted. A signal handler calls it first, then waits for
// the writers to abort, or removes them itself (RemovePending).
func Interrupt() []string {
	pending.Lock()
	defer pending.Unlock()
	pending.closed = true
	return pendingList()
}

// RemovePending removes every temporary folder still open and returns
// them; for a signal handler whose writers did not abort in time.
func RemovePending() []string {
	pending.Lock()
	defer pending.Unlock()
	dirs := pendingList()
	for _, d := range dirs {
		os.RemoveAll(d)
		os.RemoveAll(d) // NB: again, in case a running writer created a file while it went
		delete(pending.dirs, d)
	}
	return dirs
}

func pendingList() []string {
	var out []string
	for d := range pending.dirs {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// RemoveOwnedBy removes the temporary folders under root written by the
// process pid (a child that crashed), whatever their experiment; it
// returns their names.
func RemoveOwnedBy(root string, pid int) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		m := tmpName.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() || m[2] != strconv.Itoa(pid) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if owner, _ := readOwner(dir); owner.pid == pid {
			os.RemoveAll(dir)
			out = append(out, e.Name())
		}
	}
	return out
}

// tmpName matches a temporary folder: .NAME.tmp-PID-N (and .NAME.tmp-N as
// versions before the owner file wrote them: m[2] is empty then).
var tmpName = regexp.MustCompile(`^\.(.+)\.tmp-(?:(\d+)-)?(\d+)$`)

// removeStale removes root's temporary folders of experiment name whose
// owner is no longer running. A folder of an older version (no pid in its
// name, no owner file) cannot be told apart from one being written: it is
// removed once it is an hour old.
func removeStale(root, name string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		m := tmpName.FindStringSubmatch(e.Name())
		if m == nil || m[1] != name || !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		owner, err := readOwner(dir)
		switch {
		case err == nil && strconv.Itoa(owner.pid) == m[2]:
			if owner.alive() {
				continue // another process is writing it now
			}
		case m[2] == "":
			info, err := e.Info()
			if err != nil || time.Since(info.ModTime()) < time.Hour {
				continue
			}
		default:
			// A folder named like ours without a readable owner: its
			// writer died before writing the owner file, or it is not
			// ours. Only the first is possible in a folder we name.
			if pid, err := strconv.Atoi(m[2]); err != nil || processAlive(pid, "") {
				continue
			}
		}
		os.RemoveAll(dir)
	}
}

type owner struct {
	pid   int
	start string // process start time (Linux), "" when unknown
}

func (o owner) alive() bool { return processAlive(o.pid, o.start) }

func ownerLine(pid int) string { return fmt.Sprintf("%d %s\n", pid, processStart(pid)) }

func readOwner(dir string) (owner, error) {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return owner{}, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return owner{}, fmt.Errorf("empty owner file")
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		return owner{}, err
	}
	o := owner{pid: pid}
	if len(f) > 1 {
		o.start = f[1]
	}
	return o, nil
}

// processAlive reports whether pid runs, and when start is known, whether
// it is the same process (started then) and not a later one given the pid.
func processAlive(pid int, start string) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if start != "" {
		if now := processStart(pid); now != "" && now != start {
			return false
		}
	}
	return true
}

// processStart is pid's start time in clock ticks since boot, from
// /proc/PID/stat (field 22), or "" where there is no /proc.
func processStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces and parentheses
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19] // fields from 3 on: starttime is field 22
}
