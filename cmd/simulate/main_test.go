package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func sim(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = realMain(args, strings.NewReader(stdin), &o, &e)
	return code, o.String(), e.String()
}

const small = `name = "small"
description = "A small experiment for CLI tests."
duration = "40s"
seeds = [1, 2]

[topics.t]
partitions = 4

[producers.p]
topic = "t"
rate = 800
arrivals = "poisson"

[groups.g]
topics = ["t"]
consumers = 3
processing_time = "1ms"
processing_distribution = "exponential"

[[events]]
at = "20s"
group = "g"
action = "crash"
member = 1

[[variants]]
name = "range"

[[variants]]
name = "short-session"
"groups.g.session.timeout.ms" = 10000
`

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readTree returns every file under dir with its bytes.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Same file, same seed, same version: the same bytes in every output file,
// whatever the parallelism.
func TestRunIsDeterministicAcrossParallelism(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if code, _, e := sim(t, "", "run", "--quiet", "--parallel", "1", "--out", a, file); code != 0 {
		t.Fatalf("run 1: exit %d: %s", code, e)
	}
	if code, _, e := sim(t, "", "run", "--quiet", "--parallel", "4", "--out", b, file); code != 0 {
		t.Fatalf("run 2: exit %d: %s", code, e)
	}
	ta, tb := readTree(t, a), readTree(t, b)
	for _, name := range []string{"small/summary.json", "small/summary.csv", "small/timeseries.csv", "small/rebalances.csv",
		"small/report.html", "index.html", "small/throughput-g.svg", "small/throughput-g.png", "small/timeline-g-range-seed-1.svg"} {
		if ta[name] == "" {
			t.Errorf("%s missing or empty", name)
		}
	}
	if len(ta) != len(tb) {
		t.Fatalf("different file sets: %d and %d files", len(ta), len(tb))
	}
	for name, body := range ta {
		if tb[name] != body {
			t.Errorf("%s differs between --parallel 1 and --parallel 4", name)
		}
	}
	// Runs are in the file's order: variants, then seeds.
	var ids []string
	for _, l := range strings.Split(ta["small/summary.csv"], "\n")[1:] {
		if l != "" {
			ids = append(ids, strings.Split(l, ",")[0])
		}
	}
	want := "range/seed=1 range/seed=2 short-session/seed=1 short-session/seed=2"
	if strings.Join(ids, " ") != want {
		t.Errorf("run order %v, want %s", ids, want)
	}
}

func TestBadExperimentExitsTwoWithLineAndKey(t *testing.T) {
	dir := t.TempDir()
	bad := strings.Replace(small, `"groups.g.session.timeout.ms" = 10000`, `"groups.g.heartbeat.interval.ms" = 50000`, 1)
	file := writeFile(t, dir, "bad.toml", bad)
	out := filepath.Join(dir, "results")
	code, _, stderr := sim(t, "", "run", "--out", out, file)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
	}
	for _, want := range []string{"bad.toml:31:", "groups.g.heartbeat.interval.ms", "must be lower than session.timeout.ms"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q should contain %q", stderr, want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		entries, _ := os.ReadDir(out)
		if len(entries) > 0 {
			t.Errorf("a bad file must leave no results behind, found %d entries", len(entries))
		}
	}
	// check says the same, with the same exit code.
	if code, _, stderr := sim(t, "", "check", file); code != 2 || !strings.Contains(stderr, "heartbeat.interval.ms") {
		t.Errorf("check: exit %d, stderr %q", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"run"},
		{"run", "--parallel", "x", "f.toml"},
		{"run", "does-not-exist.toml"},
		{"version", "extra"},
		{"describe", "f.toml"},
	} {
		if code, _, _ := sim(t, "", args...); code != 2 {
			t.Errorf("simulate %v: exit %d, want 2", args, code)
		}
	}
}

// A run that cannot write its results exits 1 and leaves nothing behind.
func TestUnwritableResultsExitOne(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	blocker := writeFile(t, dir, "blocker", "a file where the results folder should go")
	code, _, stderr := sim(t, "", "run", "--quiet", "--out", blocker, file)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (%s)", code, stderr)
	}
}

// Rerunning replaces the previous results whole.
func TestRerunReplacesResults(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	out := filepath.Join(dir, "results")
	for i := 0; i < 2; i++ {
		if code, _, e := sim(t, "", "run", "--quiet", "--out", out, file); code != 0 {
			t.Fatalf("exit %d: %s", code, e)
		}
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "index.html small" {
		t.Errorf("results holds %v, want index.html and small/ only (no temporary or old folders)", names)
	}
}

func TestSummaryTableAndSeedFlag(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	code, stdout, e := sim(t, "", "run", "--seed", "7", "--out", filepath.Join(dir, "r"), file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	for _, want := range []string{"small: 2 run(s)", "range/seed=7", "short-session/seed=7", "throughput/s"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary should contain %q:\n%s", want, stdout)
		}
	}
}

func TestDescribePrintsConsumerGroupsTable(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	code, stdout, e := sim(t, "", "describe", file, "--at", "15s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	for _, want := range []string{"Run range/seed=1 (variant range, seed 1) at 15s of 40s; run 1 of 4",
		"\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID ", "consumer-g-1-"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("describe output should contain %q:\n%s", want, stdout)
		}
	}
	if lines := strings.Count(stdout, "\ng "); lines < 4 {
		t.Errorf("want a row per partition (4):\n%s", stdout)
	}
	// --state: Kafka's columns, the run named.
	code, stdout, _ = sim(t, "", "describe", file, "--at", "15s", "--run", "short-session/seed=2", "--state")
	want := "Run short-session/seed=2 (variant short-session, seed 2) at 15s of 40s; run 4 of 4, --run ID shows another.\n\n" +
		"GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\n" +
		"g               broker1:9092  (1)         range                Stable               3\n"
	if code != 0 || stdout != want {
		t.Errorf("describe --state: exit %d\n got %q\nwant %q", code, stdout, want)
	}
	if code, _, stderr := sim(t, "", "describe", file, "--at", "15s", "--run", "nope"); code != 2 || !strings.Contains(stderr, "range/seed=1") {
		t.Errorf("unknown run: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := sim(t, "", "describe", file, "--at", "15s", "--run", "range/seed=3"); code != 2 || !strings.Contains(stderr, "did you mean range/seed=1?") {
		t.Errorf("near-miss run: exit %d, stderr %q", code, stderr)
	}
}

func TestListNamesAssignorsActionsAndParameters(t *testing.T) {
	code, stdout, _ := sim(t, "", "list")
	if code != 0 {
		t.Fatal(code)
	}
	for _, want := range []string{"range", "uniform", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", "crash", "rolling_restart",
		"\n[groups.NAME]\n", `"session.timeout.ms" = 45000`, "\n[sweep]\n", "\n[slo]\n", "lag_time_s_max", "the older name of lag_time_s_max"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("list should mention %q", want)
		}
	}
	// Readable in a 100-column terminal.
	for _, l := range strings.Split(stdout, "\n") {
		if n := len([]rune(l)); n > 100 {
			t.Errorf("a line of %d columns: %s", n, l)
		}
	}
	// One section by its topic.
	code, slo, _ := sim(t, "", "list", "slo")
	if code != 0 || !strings.HasPrefix(slo, "[slo]\n") || strings.Contains(slo, "[groups.NAME]") {
		t.Errorf("list slo: exit %d\n%s", code, slo)
	}
	if code, _, e := sim(t, "", "list", "grups"); code != 2 || !strings.Contains(e, "did you mean groups?") {
		t.Errorf("list grups: exit %d, %q", code, e)
	}
}

// Sharded runs merge into exactly the bytes an unsharded run writes.
func TestShardsMergeToUnshardedBytes(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	whole := filepath.Join(dir, "whole")
	if code, _, e := sim(t, "", "run", "--quiet", "--out", whole, file); code != 0 {
		t.Fatalf("unsharded: exit %d: %s", code, e)
	}
	var shards []string
	for i := 0; i < 3; i++ {
		out := filepath.Join(dir, "shard"+strconv.Itoa(i))
		if code, _, e := sim(t, "", "run", "--quiet", "--shard", strconv.Itoa(i)+"/3", "--out", out, file); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, e)
		}
		shards = append(shards, out)
	}
	merged := filepath.Join(dir, "merged")
	if code, o, e := sim(t, "", append([]string{"merge", "--out", merged}, shards...)...); code != 0 {
		t.Fatalf("merge: exit %d: %s%s", code, o, e)
	}
	a, b := readTree(t, whole), readTree(t, merged)
	if len(a) != len(b) {
		t.Errorf("%d files unsharded, %d merged", len(a), len(b))
	}
	for name, body := range a {
		if b[name] != body {
			t.Errorf("%s differs between the unsharded run and the merged shards", name)
		}
	}
	// Missing or duplicated shards are refused.
	if code, _, e := sim(t, "", "merge", "--out", filepath.Join(dir, "bad"), shards[0], shards[1]); code != 2 || !strings.Contains(e, "missing") {
		t.Errorf("merge of 2 of 3 shards: exit %d, %q", code, e)
	}
	if code, _, e := sim(t, "", "merge", "--out", filepath.Join(dir, "bad2"), shards[0], shards[0], shards[1], shards[2]); code != 2 || !strings.Contains(e, "two shards") {
		t.Errorf("merge with a shard twice: exit %d, %q", code, e)
	}
	if code, _, _ := sim(t, "", "run", "--shard", "3/3", file); code != 2 {
		t.Errorf("--shard 3/3 should be refused")
	}
}

func TestValidateRefusesWithoutJava(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "small.toml", small)
	t.Setenv("PATH", dir) // nothing on it: no java, no mvn
	code, _, stderr := sim(t, "", "validate", "--out", filepath.Join(dir, "out"), f)
	if code != 2 || !strings.Contains(stderr, "no java on PATH") {
		t.Fatalf("exit %d, stderr %q: want 2 and a message about java", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("a results folder was written")
	}
}

func TestValidateRefusesWhatRealRunsCannotDo(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "fail.toml", strings.Replace(small, `action = "crash"
member = 1`, `action = "coordinator_failover"
downtime = "5s"`, 1))
	code, _, stderr := sim(t, "", "validate", f)
	if code != 2 || !strings.Contains(stderr, "fail.toml:") || !strings.Contains(stderr, "coordinator_failover: the harness runs one broker") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// --members lists every member, idle ones included, with Kafka's
// GROUP-INSTANCE-ID column when members are static; --state numbers the
// coordinator, which a failover moves.
func TestDescribeMembersAndState(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "six.toml", `duration = "40s"
[topics.t]
partitions = 4
[producers.p]
topic = "t"
rate = 100
[groups.g]
topics = ["t"]
consumers = 6
processing_time = "1ms"
static_membership = true
[[events]]
at = "15s"
group = "g"
action = "coordinator_failover"
downtime = "5s"
`)
	code, out, e := sim(t, "", "describe", file, "--at", "10s", "--members")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1+1+1+6 || !strings.HasPrefix(lines[2], "GROUP           CONSUMER-ID ") || !strings.Contains(lines[2], " GROUP-INSTANCE-ID ") ||
		!strings.HasSuffix(lines[2], " CLIENT-ID       #PARTITIONS") {
		t.Fatalf("members table:\n%s", out)
	}
	idle, owned := 0, 0
	for _, l := range lines[3:] {
		f := strings.Fields(l)
		switch f[len(f)-1] {
		case "0":
			idle++
		default:
			owned++
		}
	}
	if idle != 2 || owned != 4 {
		t.Errorf("want 4 members with a partition and 2 idle:\n%s", out)
	}
	_, out, e = sim(t, "", "describe", file, "--at", "17s", "--state")
	if !strings.Contains(out, "broker1:9092  (1)") || !strings.Contains(e, "has no reachable coordinator at 17s") {
		t.Errorf("during the failover:\n%s\n%s", out, e)
	}
	_, out, e = sim(t, "", "describe", file, "--at", "30s", "--state")
	if !strings.Contains(out, "broker2:9092  (2)") || e != "" {
		t.Errorf("after the failover:\n%s\n%s", out, e)
	}
}
