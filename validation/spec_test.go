package validation

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

const base = `name = "t"
duration = "30s"
seeds = [1, 2]

[topics.t]
partitions = 4

[producers.p]
topic = "t"
rate = 500

[groups.g]
topics = ["t"]
consumers = 3
processing_time = "1ms"
startup_jitter = "500ms"
`

func load(t *testing.T, extra string) *experiment.Experiment {
	t.Helper()
	x, err := experiment.Parse("t.toml", []byte(base+extra))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestResolveEvents(t *testing.T) {
	x := load(t, `
[[events]]
at = "5s"
group = "g"
action = "crash"
count = 1

[[events]]
at = "6s"
group = "g"
action = "restart"
member = 0
downtime = "2s"
clean = true

[[events]]
at = "9s"
group = "g"
action = "join"
count = 2

[[events]]
at = "12s"
group = "g"
action = "scale"
to = 2

[[events]]
at = "14s"
group = "g"
action = "pause"
member = 1
duration = "3s"
`)
	s, err := Resolve(x.Runs[0].Scenario, "t", 7)
	if err != nil {
		t.Fatal(err)
	}
	// Slot 2 crashes (count picks the newest), slot 0 restarts cleanly at
	// 6 s and is back at 8 s, slots 3 and 4 join at 9 s; scaling to 2 at
	// 12 s stops the newest alive (4, then 3), leaving 0 and 1; slot 1
	// pauses at 14 s.
	var got []string
	for _, a := range s.Actions {
		got = append(got, a.Op+" "+a.Group+":"+strconv.Itoa(a.Slot))
	}
	want := []string{"start g:0", "start g:1", "start g:2", "kill g:2", "leave g:0", "start g:0", "start g:3", "start g:4",
		"leave g:4", "leave g:3", "pause g:1"}
	// NB: starts are in time order, and their jitter reorders them.
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("actions:\n got %s\nwant %s", strings.Join(got, ", "), strings.Join(want, ", "))
	}
	for _, a := range s.Actions {
		if a.Op == "start" {
			var lo int64
			switch a.Slot {
			case 0:
				if a.AtMs >= 8000 {
					lo = 8000
				}
			case 3, 4:
				lo = 9000
			}
			if a.AtMs < lo || a.AtMs >= lo+500 {
				t.Errorf("start of slot %d at %d ms: want [%d, %d) (startup jitter)", a.Slot, a.AtMs, lo, lo+500)
			}
		}
		if a.Op == "pause" && a.Ms != 3000 {
			t.Errorf("pause of %d ms, want 3000", a.Ms)
		}
	}
	// The same seed draws the same jitter; another draws another.
	s2, _ := Resolve(x.Runs[0].Scenario, "t", 7)
	s3, _ := Resolve(x.Runs[0].Scenario, "t", 8)
	if s2.Actions[0] != s.Actions[0] {
		t.Error("the same seed gave other start times")
	}
	same := true
	for i := range s.Actions {
		same = same && s.Actions[i] == s3.Actions[i]
	}
	if same {
		t.Error("another seed gave the same start times")
	}
}

func TestResolveRollingRestart(t *testing.T) {
	x := load(t, `
[[events]]
at = "5s"
group = "g"
action = "rolling_restart"
interval = "4s"
downtime = "1s"
`)
	s, err := Resolve(x.Runs[0].Scenario, "t", 1)
	if err != nil {
		t.Fatal(err)
	}
	var leaves []int64
	starts := 0
	for _, a := range s.Actions {
		switch a.Op {
		case "leave":
			leaves = append(leaves, a.AtMs)
		case "start":
			starts++
		}
	}
	if len(leaves) != 3 || leaves[0] != 5000 || leaves[1] != 9000 || leaves[2] != 13000 || starts != 6 {
		t.Fatalf("leaves %v, starts %d: want three clean stops 4 s apart from 5 s and six starts", leaves, starts)
	}
}

func TestResolveProperties(t *testing.T) {
	x := load(t, `
[broker]
"group.initial.rebalance.delay.ms" = 1500
"group.min.session.timeout.ms" = 2000

[[variants]]
name = "coop"
"groups.g.partition.assignment.strategy" = "cooperative-sticky"
"groups.g.session.timeout.ms" = 3000
"groups.g.heartbeat.interval.ms" = 1000

[[variants]]
name = "kip848"
"groups.g.group.protocol" = "consumer"
"groups.g.group.remote.assignor" = "range"
`)
	coop, _ := Resolve(x.Runs[0].Scenario, "t", 1)
	kip, _ := Resolve(x.Runs[2].Scenario, "t", 1)
	if coop.Broker["group.initial.rebalance.delay.ms"] != "1500" || coop.Broker["group.min.session.timeout.ms"] != "2000" {
		t.Errorf("broker settings %v", coop.Broker)
	}
	p := coop.Groups[0].Props
	if p["partition.assignment.strategy"] != "org.apache.kafka.clients.consumer.CooperativeStickyAssignor" ||
		p["session.timeout.ms"] != "3000" || p["group.protocol"] != "classic" || p["auto.offset.reset"] != "earliest" {
		t.Errorf("classic properties %v", p)
	}
	k := kip.Groups[0].Props
	if k["group.protocol"] != "consumer" || k["group.remote.assignor"] != "range" {
		t.Errorf("KIP-848 properties %v", k)
	}
	// The Java client refuses these with group.protocol = consumer.
	for _, bad := range []string{"session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy"} {
		if _, ok := k[bad]; ok {
			t.Errorf("KIP-848 consumer given %s", bad)
		}
	}
}

func TestRefuse(t *testing.T) {
	cases := []struct {
		extra, want string
	}{
		{`
[[events]]
at = "5s"
group = "g"
action = "coordinator_failover"
downtime = "5s"
`, "t.toml:18: events.action: not supported by real runs: coordinator_failover"},
		{`
[[events]]
at = "5s"
action = "add_partitions"
topic = "t"
count = 2
`, "add_partitions"},
		{`
[groups.g.autoscaler]
lag_threshold = 100
`, "groups.g.autoscaler: not supported by real runs"},
		{`
[sweep]
"groups.g.consumers" = [1, 2]
`, "sweep: not supported by real runs"},
		{`
[[variants]]
name = "slow-net"
"broker.network_latency" = "20ms"
`, `broker.network_latency: not supported by real runs: 20ms`},
		{`
[[variants]]
name = "big"
"groups.g.consumers" = 40
`, `40 consumer processes at once`},
	}
	for _, c := range cases {
		x := load(t, c.extra)
		err := Refuse(x)
		var e *experiment.Error
		if err == nil || !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Refuse(%q) = %v, want an *experiment.Error containing %q", c.extra, err, c.want)
		}
	}
	if err := Refuse(load(t, "")); err != nil {
		t.Errorf("a plain experiment refused: %v", err)
	}
}
