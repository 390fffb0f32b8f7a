package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// parseOne loads an experiment given as text; it must have one run per
// variant (one seed).
func parseOne(t *testing.T, src string) *experiment.Experiment {
	t.Helper()
	x, err := experiment.Parse("racks.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// Cross-zone bytes on a case small enough to count by hand: three brokers,
// one per zone; a topic of three partitions with one replica each, so each
// broker leads one partition (Kafka's placer stripes them over the racks);
// 600 records/s spread evenly for 5 s, so exactly 1,000 records per
// partition; one consumer in az1 reading everything, 100 bytes a record.
// It fetches 3 x 1,000 x 100 = 300,000 bytes, and the 2,000 records of the
// two partitions led from az2 and az3 cross zones: 200,000 bytes, 2/3,
// priced at $0.02 per 10^9 bytes = $0.000004 over the run.
func TestCrossZoneBytesByHand(t *testing.T) {
	base := `duration = "30s"
[broker]
racks = ["az1", "az2", "az3"]
[topics.t]
partitions = 3
record_size = 100
%s
[producers.p]
topic = "t"
rate = 600
[[producers.p.rate_changes]]
at = "5s"
rate = 0
[groups.g]
topics = ["t"]
consumers = 1
processing_time = "10us"
%s
`
	for _, c := range []struct {
		name, topic, group string
		follower           bool
		cross              int64
	}{
		{"unaware consumer", "", `racks = ["az1"]`, false, 200000},
		{"client.rack without follower fetching", "replication_factor = 3", `"client.rack" = "az1"`, false, 200000},
		// Every partition has a replica in az1: the RackAwareReplicaSelector
		// serves everything from there.
		{"follower fetching", "replication_factor = 3", `"client.rack" = "az1"`, true, 0},
		// Follower fetching needs the client's rack: a consumer that runs
		// in az1 without saying so fetches from the leaders.
		{"follower fetching, client.rack unset", "replication_factor = 3", `racks = ["az1"]`, true, 200000},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := fmt.Sprintf(base, c.topic, c.group)
			if c.follower {
				src = strings.Replace(src, "[broker]\n", "[broker]\n\"replica.selector.class\" = \""+scenario.RackAwareReplicaSelector+"\"\n", 1)
			}
			x := parseOne(t, src)
			r, err := Run(x.Runs[0].Scenario, 1, Options{CheckInvariants: true})
			if err != nil {
				t.Fatal(err)
			}
			g := r.Groups[0]
			if g.Produced != 3000 || g.Consumed != 3000 || g.Duplicates != 0 {
				t.Fatalf("produced %d consumed %d duplicates %d, want 3000 3000 0", g.Produced, g.Consumed, g.Duplicates)
			}
			want := &metrics.CrossZoneStats{FetchedBytes: 300000, Bytes: c.cross}
			if c.cross > 0 {
				want.Fraction = metrics.Round(2.0 / 3)
				want.CostUSD = 0.000004
				want.USDPerMonth = metrics.Round(0.000004 / 30 * 730 * 3600)
			}
			if *g.CrossZone != *want {
				t.Errorf("cross zone %+v, want %+v", *g.CrossZone, *want)
			}
			// The timeseries column adds up to the same bytes.
			var sum float64
			for _, row := range r.Series {
				sum += row.CrossZoneBytesPerS * x.Runs[0].Scenario.SampleInterval.Seconds()
			}
			if int64(sum+0.5) != c.cross {
				t.Errorf("timeseries cross_zone_bytes_per_s sums to %v bytes, want %d", sum, c.cross)
			}
		})
	}
}

// Without a broker layout nothing is counted and summary.json has no
// cross_zone.
func TestNoLayoutNoCrossZone(t *testing.T) {
	r, _ := run(t, testScenario(2, 100, 1, 0), false)
	if r.Groups[0].CrossZone != nil {
		t.Errorf("cross zone %+v without a layout", r.Groups[0].CrossZone)
	}
}

// The partitions a running group holds are what the assignor gives for
// the same input: the members' ids and racks (client.rack), the topic's
// replica racks as placed. For range, Kafka's rack-aware assignor, the plan
// with racks differs from the one without on this group, and it is the one
// the group runs.
func TestRackAwareAssignmentIsTheAssignors(t *testing.T) {
	for _, strategy := range []string{"range", "cooperative-sticky"} {
		src := `duration = "1m"
[broker]
racks = ["az1", "az2", "az3"]
brokers = 6
[topics.t]
partitions = 12
replication_factor = 2
[producers.p]
topic = "t"
rate = 100
[groups.g]
topics = ["t"]
consumers = 6
processing_time = "1ms"
"client.rack" = ["az1", "az2", "az3"]
"partition.assignment.strategy" = "` + strategy + `"
`
		x := parseOne(t, src)
		s, err := newSim(x.Runs[0].Scenario, 3, Options{CheckInvariants: true})
		if err != nil {
			t.Fatal(err)
		}
		s.scheduleSamples()
		s.runUntil(engine.FromDuration(x.Runs[0].Scenario.Duration) / 2)
		g := s.groups[0]
		in := &assignors.Group{Topics: []assignors.Topic{{Name: "t", Partitions: 12, Racks: g.top.Racks[0]}}}
		for _, m := range g.members {
			v := m.client.View()
			if !m.alive || v.MemberID == "" {
				t.Fatalf("%s: member %d not in the group", strategy, m.slot)
			}
			in.Members = append(in.Members, assignors.Member{ID: v.MemberID, Topics: []string{"t"}, Rack: g.cfg.ClientRackOf(m.slot), Generation: -1})
		}
		a, _ := assignors.New(strategy)
		plan, err := a.Assign(in)
		if err != nil {
			t.Fatal(err)
		}
		holds := func(id string) []int32 {
			var out []int32
			for _, gp := range g.parts {
				if gp.holder != nil && gp.holder.client.View().MemberID == id {
					out = append(out, gp.tp.Part)
				}
			}
			return out
		}
		for _, pa := range plan {
			var want []int32
			if len(pa.Topics) > 0 {
				want = pa.Topics[0].Partitions
			}
			if got := holds(pa.MemberID); !slices.Equal(got, want) {
				t.Errorf("%s: member %s holds %v, the assignor gives %v", strategy, pa.MemberID, got, want)
			}
		}
		// Each member's partitions have a replica in its rack, which the
		// same group without racks does not achieve.
		for _, m := range g.members {
			for _, gp := range g.parts {
				if gp.holder == m && g.zones.replicas[gp.idx]&(1<<uint(rackAt(g.zones.client, m.slot))) == 0 {
					t.Errorf("%s: member %d (%s) holds t-%d, which has no replica there", strategy, m.slot, g.cfg.ClientRackOf(m.slot), gp.tp.Part)
				}
			}
		}
		for i := range in.Members {
			in.Members[i].Rack = ""
		}
		b, _ := assignors.New(strategy)
		plain, _ := b.Assign(in)
		if fmt.Sprint(plain) == fmt.Sprint(plan) {
			t.Errorf("%s: the plan without racks is the same; the test shows nothing", strategy)
		}
	}
}

// A restarted consumer comes back in its slot's rack, and the partitions
// added later are placed too (their replicas reach the assignors).
func TestRacksAcrossRestartsAndNewPartitions(t *testing.T) {
	src := `duration = "8m"
[broker]
racks = ["az1", "az2", "az3"]
[topics.t]
partitions = 3
replication_factor = 1
[producers.p]
topic = "t"
rate = 300
[groups.g]
topics = ["t"]
consumers = 3
processing_time = "100us"
"client.rack" = ["az1", "az2", "az3"]
"metadata.max.age.ms" = 20000
[[events]]
at = "30s"
action = "restart"
group = "g"
member = 1
downtime = "5s"
[[events]]
at = "40s"
action = "add_partitions"
topic = "t"
count = 3
`
	x := parseOne(t, src)
	var lines []string
	r, err := Run(x.Runs[0].Scenario, 1, Options{CheckInvariants: true, Trace: func(l string) { lines = append(lines, l) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 || !strings.Contains(lines[0], "replicas t-0=") || !strings.Contains(lines[0], " t-5=") {
		t.Fatalf("first trace line %q should list the six partitions' replicas", lines[0])
	}
	// Rack-aware range with one replica per partition and a consumer per
	// rack: every consumer reads only partitions led in its own rack, so
	// nothing crosses zones, before and after the restart and the new
	// partitions.
	if cz := r.Groups[0].CrossZone; cz.Bytes != 0 || cz.FetchedBytes == 0 {
		t.Errorf("cross zone %+v, want fetches and none across zones", cz)
	}
}
