package main

import (
	"strconv"
	"strings"
	"testing"
)

func TestTracePrintsOneRunsProtocolSteps(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	// The crash at 20 s is noticed when the 10 s session expires: the
	// coordinator's lines between 20 s and 40 s name the expiry and the
	// rebalance that follows.
	code, stdout, e := sim(t, "", "trace", file, "--run", "short-session/seed=1", "--from", "20s", "--match", "coordinator")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if lines[0] != "# small, run short-session/seed=1" {
		t.Errorf("first line %q should name the run", lines[0])
	}
	var expired, rebalance bool
	for _, l := range lines[1:] {
		at, err := strconv.ParseFloat(strings.TrimSuffix(strings.Fields(l)[0], "s"), 64)
		if err != nil || at < 20 {
			t.Errorf("line before --from or without a time: %q", l)
		}
		if !strings.Contains(l, "coordinator") {
			t.Errorf("line without the --match text: %q", l)
		}
		expired = expired || strings.Contains(l, "expired")
		rebalance = rebalance || strings.Contains(l, "PreparingRebalance")
	}
	if !expired || !rebalance {
		t.Errorf("want the session expiry and the rebalance after it:\n%s", stdout)
	}
	if code, _, stderr := sim(t, "", "trace", file, "--run", "nope"); code != 2 || !strings.Contains(stderr, "range/seed=1") {
		t.Errorf("unknown run: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := sim(t, "", "trace", file, "--from", "30s", "--to", "10s"); code != 2 {
		t.Errorf("--to before --from: exit %d, want 2", code)
	}
}
