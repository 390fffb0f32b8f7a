package validation

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// runDir writes a real run's logs by hand: what the harness, two consumer
// processes and the broker would have logged for a classic eager group of
// two on two partitions, the second consumer killed at 10 s and removed by
// the coordinator at 16 s (session expiry).
type runDir struct {
	t      *testing.T
	dir    string
	t0     int64 // epoch µs
	files  map[string]*strings.Builder
	broker strings.Builder
}

func newRunDir(t *testing.T) *runDir {
	d := &runDir{t: t, dir: t.TempDir(), t0: 1_800_000_000_000_000, files: map[string]*strings.Builder{}}
	os.MkdirAll(filepath.Join(d.dir, "consumers"), 0o755)
	return d
}

func (d *runDir) us(s float64) int64 { return d.t0 + int64(math.Round(s*1e6)) }

func (d *runDir) line(file string, s float64, ev string, kv ...any) {
	m := map[string]any{"t": d.us(s), "ev": ev}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	if d.files[file] == nil {
		d.files[file] = &strings.Builder{}
	}
	d.files[file].Write(append(b, '\n'))
}

// proc logs records [from, to) of tp, produced at produceS each (s after
// t0), finishing evenly from s0 to s1.
func (d *runDir) proc(file, tp string, from, to int64, produceS, s0, s1 float64) {
	n := int(to - from)
	dts := make([]int64, n)
	dt := make([]int64, n)
	for i := range dt {
		if n > 1 {
			dt[i] = int64(math.Round((s1 - s0) * 1e6 * float64(i) / float64(n-1)))
		}
	}
	ts0 := (d.us(produceS) + 500) / 1000
	d.line(file, s1, "proc", "tp", tp, "from", from, "to", to, "n", n, "ts0", ts0, "dts", dts, "t0_done", d.us(s0), "dt", dt)
}

func (d *runDir) brokerLine(s float64, msg string) {
	t := time.UnixMicro(d.us(s)).UTC()
	fmt.Fprintf(&d.broker, "%s INFO org.apache.kafka.coordinator.group.GroupMetadataManager - [GroupCoordinator id=1 topic=__consumer_offsets partition=0] %s\n",
		t.Format(brokerTime), msg)
}

func (d *runDir) write() string {
	for name, b := range d.files {
		if err := os.WriteFile(filepath.Join(d.dir, name), []byte(b.String()), 0o644); err != nil {
			d.t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(d.dir, "broker.log"), []byte(d.broker.String()), 0o644); err != nil {
		d.t.Fatal(err)
	}
	return d.dir
}

const crashScenario = `name = "crash"
duration = "20s"

[topics.t]
partitions = 2

[producers.p]
topic = "t"
rate = 20

[groups.g]
topics = ["t"]
consumers = 2
processing_time = "1ms"
"partition.assignment.strategy" = "range"
`

func crashRun(t *testing.T) *runDir {
	d := newRunDir(t)
	h := "harness.jsonl"
	d.line(h, -1, "topics_ready", "topic_ids", map[string]string{"t": "AAAAAAAAAAAAAAAAAAAAAA"})
	d.line(h, -0.5, "t0", "t0", d.t0)
	a, b := "consumers/g-0-1.jsonl", "consumers/g-1-1.jsonl"
	d.line(a, 0.1, "start", "group", "g", "slot", 0, "inc", 1, "late_us", 100)
	d.line(b, 0.2, "start", "group", "g", "slot", 1, "inc", 1, "late_us", 100)
	d.brokerLine(0.3, "Preparing to rebalance group g in state PreparingRebalance with old generation 0 (reason: Adding new member c-a with group instance id null).")
	d.brokerLine(3.0, "Stabilized group g generation 1 with 2 members.")
	d.brokerLine(3.01, "Assignment received from leader c-a for group g for generation 1. The group has 2 members, 0 of which are static.")
	d.line(a, 3.02, "member", "id", "c-a", "gen", 1)
	d.line(a, 3.02, "assigned", "tps", []string{"t-0"}, "owned", []string{"t-0"}, "gen", 1, "member", "c-a")
	d.line(b, 3.02, "member", "id", "c-b", "gen", 1)
	d.line(b, 3.02, "assigned", "tps", []string{"t-1"}, "owned", []string{"t-1"}, "gen", 1, "member", "c-b")
	// Each partition gets 10 records/s; each record is processed 0.1 s
	// after it was produced (while the group forms, they wait).
	d.proc(a, "t-0", 0, 30, 0, 3.1, 3.2)
	d.proc(b, "t-1", 0, 30, 0, 3.1, 3.2)
	d.proc(a, "t-0", 30, 100, 3.0, 3.1, 10.0)
	d.proc(b, "t-1", 30, 95, 3.0, 3.1, 9.5)
	d.line(h, 10.0, "kill", "group", "g", "slot", 1, "inc", 1)
	d.brokerLine(16.0, "Member c-b in group g has failed, removing it from the group.")
	d.brokerLine(16.0, "Preparing to rebalance group g in state PreparingRebalance with old generation 1 (reason: removing member c-b on heartbeat expiration.).")
	d.line(a, 16.5, "revoked", "tps", []string{"t-0"}, "gen", 1)
	d.brokerLine(16.6, "Stabilized group g generation 2 with 1 members.")
	d.brokerLine(16.61, "Assignment received from leader c-a for group g for generation 2. The group has 1 members, 0 of which are static.")
	d.line(a, 16.62, "member", "id", "c-a", "gen", 2)
	d.line(a, 16.62, "assigned", "tps", []string{"t-0", "t-1"}, "owned", []string{"t-0", "t-1"}, "gen", 2, "member", "c-a")
	// c-b had committed 60 of t-1 (auto commit): records 60..94 again.
	d.proc(a, "t-1", 60, 200, 16.0, 16.7, 19.0)
	d.proc(a, "t-0", 100, 190, 10.0, 16.7, 19.5)
	for k := 1; k <= 20; k++ {
		s := float64(k)
		leo := int64(10 * k)
		c0, c1 := int64(0), int64(0)
		if k >= 5 {
			c0, c1 = leo-20, min(leo-20, 60)
		}
		if k >= 18 {
			c1 = 150
		}
		d.line(h, s, "sample", "k", k, "t_leo", d.us(s),
			"leo", map[string]int64{"t-0": leo, "t-1": leo},
			"committed", map[string]map[string]int64{"g": {"t-0": c0, "t-1": c1}},
			"groups", map[string]any{"g": map[string]any{"state": "Stable", "members": []map[string]any{{"id": "c-a", "assigned": []string{}}}}})
	}
	d.line(h, 20.0, "end")
	return d
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %v, want %v (±%v)", what, got, want, tol)
	}
}

func TestReplayCrash(t *testing.T) {
	d := crashRun(t)
	l, err := ReadLogs(d.write())
	if err != nil {
		t.Fatal(err)
	}
	x, err := experiment.Parse("crash.toml", []byte(crashScenario))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Result(x.Runs[0].Scenario, l)
	if err != nil {
		t.Fatal(err)
	}
	g := res.Groups[0]
	if g.Consumed != 30+30+70+65+140+90 || g.Duplicates != 35 {
		t.Errorf("consumed %d, duplicates %d: want 425 and 35 (t-1 60..94 again)", g.Consumed, g.Duplicates)
	}
	if g.Lost != 0 {
		t.Errorf("lost %d, want 0", g.Lost)
	}
	near(t, "throughput", g.ThroughputPerS, float64(425-35)/20, 1e-9)
	// t-1's owner is dead from 10 s until the coordinator removes it at
	// 16 s; then it waits for the rebalance until the assignment at 16.62,
	// and t-0 from its revocation at 16.5.
	near(t, "failure_detection", g.PartitionPauseS.FailureDetection, 6.0, 1e-6)
	near(t, "rebalance", g.PartitionPauseS.Rebalance, 0.62+0.12, 1e-6)
	// Both partitions waited from t = 0 until their first assignment
	// (3.02 s): never assigned is "unassigned", formed or not.
	near(t, "unassigned", g.PartitionPauseS.Unassigned, 2*3.02, 1e-6)
	near(t, "max_single", g.PartitionPauseS.MaxS, 6.62, 1e-6)
	if g.Rebalances != 1 || g.PartitionsMoved != 0 {
		t.Errorf("rebalances %d, moved %d: want 1 (generation 2) and 0 (t-1's owner left the group)", g.Rebalances, g.PartitionsMoved)
	}
	near(t, "rebalance_time", g.RebalanceTimeS, 0.61, 1e-6)
	if len(res.Rebalances) != 2 || res.Rebalances[1].Generation != 2 || res.Rebalances[1].Members != 1 || res.Rebalances[1].Revoked != 1 {
		t.Errorf("rebalance rows %+v", res.Rebalances)
	}
	if g.Produced != 400 || g.Lag.Final != (200-180)+(200-150) || g.Lag.Max < 20 {
		t.Errorf("produced %d, lag %+v", g.Produced, g.Lag)
	}
	if len(res.Series) != 20 || res.Series[10].TS != 11 || res.Series[10].PausedPartitions != 1 {
		t.Errorf("series: %d rows, row 11 %+v", len(res.Series), res.Series[10])
	}
	// The first 30 records of each partition waited for the group
	// (~3.1 s); the rest took 0.1 s after their batch started.
	if g.LatencyMs.Max < 3100 || g.LatencyMs.Max > 10000 {
		t.Errorf("latency %+v", g.LatencyMs)
	}
}

func TestIntervals(t *testing.T) {
	var s intervals
	if f := s.add(10, 20); len(f) != 1 || f[0] != [2]int64{10, 20} {
		t.Fatalf("fresh %v", f)
	}
	if s.prefix() != 0 {
		t.Fatalf("prefix %d with a hole at 0", s.prefix())
	}
	s.add(0, 5)
	f := s.add(3, 25) // 3..5 and 10..20 seen: fresh 5..10 and 20..25
	if len(f) != 2 || f[0] != [2]int64{5, 10} || f[1] != [2]int64{20, 25} {
		t.Fatalf("fresh %v", f)
	}
	if s.prefix() != 25 || len(s.r) != 1 {
		t.Fatalf("prefix %d, ranges %v", s.prefix(), s.r)
	}
	s.add(30, 40)
	if s.covered(0, 35) != 30 || s.covered(26, 29) != 0 {
		t.Fatalf("covered %d %d", s.covered(0, 35), s.covered(26, 29))
	}
	s.add(25, 30) // adjacent on both sides: one range
	if len(s.r) != 1 || s.r[0] != [2]int64{0, 40} {
		t.Fatalf("ranges %v", s.r)
	}
}

func TestParseTarget(t *testing.T) {
	// As GroupMetadataManager logs it at DEBUG (Kafka 4.4).
	s := "{UJSIE4mNTXiLzJ16w3gq9g=MemberAssignment(partitions={kukN6WNhQ8ep6FYV9fDOSA=[2, 3]}), " +
		"4934EwfJSHyuAtvPZee7ww=MemberAssignment(partitions={kukN6WNhQ8ep6FYV9fDOSA=[0, 1], otherTopicIdAAAAAAAAAA=[5]}), " +
		"mBQSdzY6TouyG4Gi9v9m2Q=MemberAssignment(partitions={}), " +
		"wYxQpBdjTBaRnKzJIDr4Mg=MemberAssignment(partitions={kukN6WNhQ8ep6FYV9fDOSA=RangeSet(from=4 (inclusive), to=6 (exclusive))})}"
	got := ParseTarget(s, map[string]string{"kukN6WNhQ8ep6FYV9fDOSA": "orders", "otherTopicIdAAAAAAAAAA": "audit"}) // id -> name
	want := map[string]string{
		"UJSIE4mNTXiLzJ16w3gq9g": "orders-2 orders-3",
		"4934EwfJSHyuAtvPZee7ww": "audit-5 orders-0 orders-1",
		"mBQSdzY6TouyG4Gi9v9m2Q": "",
		"wYxQpBdjTBaRnKzJIDr4Mg": "orders-4 orders-5",
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for id, w := range want {
		if strings.Join(got[id], " ") != w {
			t.Errorf("%s: %v, want %s", id, got[id], w)
		}
	}
	if w := withEpochs("abc-0@2, abc-11@3"); len(w) != 2 || w[1] != "abc-11" {
		t.Errorf("withEpochs: %v", w)
	}
}

func TestReadLogsRefusesUnfinishedRuns(t *testing.T) {
	d := newRunDir(t)
	d.line("harness.jsonl", 0, "t0", "t0", d.t0)
	if _, err := ReadLogs(d.write()); err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("a run without an end line: %v", err)
	}
	d2 := newRunDir(t)
	d2.line("harness.jsonl", 0, "failed", "error", "the broker exited")
	if _, err := ReadLogs(d2.write()); err == nil || !strings.Contains(err.Error(), "the broker exited") {
		t.Errorf("a failed run: %v", err)
	}
}
