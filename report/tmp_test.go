package report

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// deadPid is the pid of a process that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true(1) to make a dead pid with")
	}
	return cmd.Process.Pid
}

func mkdirOwned(t *testing.T, root, name string, pid int, withOwner bool) string {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if withOwner {
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(ownerLine(pid)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A run removes the temporary folders of its experiment whose writer is
// gone, and only those.
func TestStaleTemporaryFoldersAreRemoved(t *testing.T) {
	root := t.TempDir()
	dead, me := deadPid(t), os.Getpid()
	deadDir := mkdirOwned(t, root, ".exp.tmp-"+strconv.Itoa(dead)+"-11", dead, true)
	deadNoOwner := mkdirOwned(t, root, ".exp.tmp-"+strconv.Itoa(dead)+"-12", dead, false)
	live := mkdirOwned(t, root, ".exp.tmp-"+strconv.Itoa(me)+"-13", me, true)
	other := mkdirOwned(t, root, ".other.tmp-"+strconv.Itoa(dead)+"-14", dead, true)
	lookalike := mkdirOwned(t, root, ".exp.tmp-5.tmp-"+strconv.Itoa(dead)+"-15", dead, true) // experiment "exp.tmp-5"
	legacyNew := mkdirOwned(t, root, ".exp.tmp-123456", 0, false)
	legacyOld := mkdirOwned(t, root, ".exp.tmp-654321", 0, false)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(legacyOld, old, old)
	// A pid reused by another process: same pid, another start time.
	reused := mkdirOwned(t, root, ".exp.tmp-"+strconv.Itoa(me)+"-16", me, false)
	os.WriteFile(filepath.Join(reused, ownerFile), []byte(strconv.Itoa(me)+" 1\n"), 0o644)

	removeStale(root, "exp")
	for dir, want := range map[string]bool{deadDir: false, deadNoOwner: false, live: true, other: true, lookalike: true,
		legacyNew: true, legacyOld: false, reused: false} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
}

// The supervisor removes what its crashed child left, whatever the
// experiment, and nothing of another process.
func TestRemoveOwnedBy(t *testing.T) {
	root := t.TempDir()
	dead := deadPid(t)
	a := mkdirOwned(t, root, ".a.tmp-"+strconv.Itoa(dead)+"-1", dead, true)
	b := mkdirOwned(t, root, ".b.tmp-"+strconv.Itoa(dead)+"-2", dead, true)
	mine := mkdirOwned(t, root, ".c.tmp-"+strconv.Itoa(os.Getpid())+"-3", os.Getpid(), true)
	if got := RemoveOwnedBy(root, dead); len(got) != 2 {
		t.Errorf("removed %v", got)
	}
	for dir, want := range map[string]bool{a: false, b: false, mine: true} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
}

// A temporary folder carries its owner while it is written and not after:
// the results folder has no owner file. Once interrupted, no new folder
// can be started, and RemovePending removes the open ones.
func TestTemporaryFolderLifecycle(t *testing.T) {
	defer func() {
		pending.Lock()
		pending.closed = false
		pending.Unlock()
	}()
	root := t.TempDir()
	dir, err := makeTemp(root, "exp")
	if err != nil {
		t.Fatal(err)
	}
	if o, err := readOwner(dir); err != nil || o.pid != os.Getpid() || !o.alive() {
		t.Errorf("owner %+v, %v", o, err)
	}
	w := &Writer{tmp: dir, final: filepath.Join(root, "exp")}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "exp", ownerFile)); !os.IsNotExist(err) {
		t.Errorf("the results folder keeps the owner file: %v", err)
	}
	open, err := makeTemp(root, "exp2")
	if err != nil {
		t.Fatal(err)
	}
	if got := Interrupt(); len(got) != 1 || got[0] != open {
		t.Errorf("pending %v, want %s", got, open)
	}
	if _, err := makeTemp(root, "exp3"); !errors.Is(err, ErrInterrupted) {
		t.Errorf("a folder was started after the interrupt: %v", err)
	}
	RemovePending()
	if _, err := os.Stat(open); !os.IsNotExist(err) {
		t.Errorf("RemovePending left %s", open)
	}
}
