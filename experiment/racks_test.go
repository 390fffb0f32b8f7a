package experiment

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// rackHead is a valid file with a three-rack layout whose text appended
// starts at line 12, inside [groups.g].
const rackHead = `duration = "10m"
[broker]
racks = ["az1", "az2", "az3"]
[topics.t]
partitions = 6
replication_factor = 3
[groups.g]
topics = ["t"]
consumers = 6
processing_time = "1ms"
"client.rack" = ["az1", "az2", "az3"]
`

func rg(extra string) string { return rackHead + extra }

func TestRackLayoutLoads(t *testing.T) {
	x, err := Parse("x.toml", []byte(rg("[[variants]]\nname = \"unaware\"\n\"groups.g.client.rack\" = \"az2\"\n"+
		"[[variants]]\nname = \"follower\"\n\"broker.replica.selector.class\" = \""+scenario.RackAwareReplicaSelector+"\"\n"+
		"\"cost.cross_zone_per_gb\" = 0.01\n\"broker.brokers\" = 9\n")))
	if err != nil {
		t.Fatal(err)
	}
	unaware, follower := x.Runs[0].Scenario, x.Runs[1].Scenario
	three := []scenario.Node{{ID: 1, Rack: "az1"}, {ID: 2, Rack: "az2"}, {ID: 3, Rack: "az3"}}
	if !reflect.DeepEqual(unaware.Broker.Nodes, three) || unaware.Topics[0].ReplicationFactor != 3 || unaware.Topics[0].RecordSize != 1024 {
		t.Errorf("layout %+v, topic %+v", unaware.Broker.Nodes, unaware.Topics[0])
	}
	g := unaware.Groups[0]
	if !reflect.DeepEqual(g.ClientRack, []string{"az2"}) || !reflect.DeepEqual(g.Racks, []string{"az2"}) || g.RackOf(4) != "az2" {
		t.Errorf("client.rack %v racks %v", g.ClientRack, g.Racks)
	}
	if unaware.Broker.FollowerFetching() || !follower.Broker.FollowerFetching() || follower.Cost.CrossZonePerGB != 0.01 || unaware.Cost.CrossZonePerGB != 0.02 {
		t.Errorf("selector %q %q, cost %v %v", unaware.Broker.ReplicaSelector, follower.Broker.ReplicaSelector, unaware.Cost, follower.Cost)
	}
	if n := follower.Broker.Nodes; len(n) != 9 || n[8] != (scenario.Node{ID: 9, Rack: "az3"}) {
		t.Errorf("nine brokers: %+v", n)
	}
	if g := follower.Groups[0]; g.ClientRackOf(4) != "az2" || g.RackOf(5) != "az3" {
		t.Errorf("spread: slot 4 %q, slot 5 %q", g.ClientRackOf(4), g.RackOf(5))
	}

	// Explicit brokers, sorted by id; consumers running in zones without
	// telling Kafka (racks without client.rack).
	x, err = Parse("x.toml", []byte(`duration = "1m"
[broker]
brokers = [{id = 7, rack = "b"}, {id = 2, rack = "a"}, {id = 3}]
[topics.t]
partitions = 1
[groups.g]
topics = ["t"]
consumers = 1
processing_time = "1ms"
racks = ["a", "b"]
`))
	if err != nil {
		t.Fatal(err)
	}
	sc := x.Runs[0].Scenario
	if want := []scenario.Node{{ID: 2, Rack: "a"}, {ID: 3}, {ID: 7, Rack: "b"}}; !reflect.DeepEqual(sc.Broker.Nodes, want) {
		t.Errorf("brokers %+v, want %+v", sc.Broker.Nodes, want)
	}
	if g := sc.Groups[0]; g.ClientRack != nil || !reflect.DeepEqual(g.Racks, []string{"a", "b"}) || sc.Topics[0].ReplicationFactor != 1 {
		t.Errorf("client.rack %v racks %v rf %d", g.ClientRack, g.Racks, sc.Topics[0].ReplicationFactor)
	}
}

var rackBadCases = []struct {
	name, src string
	want      string
}{
	// Keys that need a layout.
	{"client.rack without layout", g("\"client.rack\" = \"az1\"\n"),
		"x.toml:8: groups.g.client.rack: has no effect without a broker layout: set [broker] racks (each broker's broker.rack) or brokers"},
	{"racks without layout", g("racks = [\"az1\"]\n"),
		"x.toml:8: groups.g.racks: has no effect without a broker layout: set [broker] racks (each broker's broker.rack) or brokers"},
	{"replication factor without layout", strings.Replace(head, "partitions = 4\n", "partitions = 4\nreplication_factor = 3\n", 1),
		"x.toml:4: topics.t.replication_factor: has no effect without a broker layout: set [broker] racks (each broker's broker.rack) or brokers"},
	{"record size without layout", strings.Replace(head, "partitions = 4\n", "partitions = 4\nrecord_size = 100\n", 1),
		"x.toml:4: topics.t.record_size: sizes fetched and cross-zone bytes, which are counted only with a broker layout: set [broker] racks (each broker's broker.rack) or brokers"},
	{"selector without layout", g("[broker]\n\"replica.selector.class\" = \"" + scenario.RackAwareReplicaSelector + "\"\n"),
		"x.toml:9: broker.replica.selector.class: has no effect without a broker layout: set [broker] racks (each broker's broker.rack) or brokers"},
	{"default rf without layout", g("[broker]\n\"default.replication.factor\" = 3\n"),
		"x.toml:9: broker.default.replication.factor: has no effect without a broker layout: set [broker] racks (each broker's broker.rack) or brokers"},
	{"cost without layout", g("[cost]\ncross_zone_per_gb = 0.01\n"),
		"x.toml:8: cost: prices cross-zone bytes, which are counted only with a broker layout: set [broker] racks (each broker's broker.rack) or brokers"},
	{"client.rack with rackless brokers", g("\"client.rack\" = \"az1\"\n[broker]\nbrokers = 3\n"),
		"x.toml:8: groups.g.client.rack: no broker has a rack, so no replica is near or far: set [broker] racks"},

	// The layout itself.
	{"racks and explicit brokers", g("[broker]\nracks = [\"a\"]\nbrokers = [{id = 1, rack = \"a\"}]\n"),
		"x.toml:9: broker.racks: give racks with a broker count (brokers = N), or each broker's rack in brokers, not both"},
	{"fewer brokers than racks", g("[broker]\nracks = [\"a\", \"b\", \"c\"]\nbrokers = 2\n"),
		`x.toml:10: broker.brokers: 2 broker(s) leave racks "c" without a broker; give at least 3, one per rack`},
	{"broker count zero", g("[broker]\nbrokers = 0\n"), "x.toml:9: broker.brokers: 0 must be from 1 to 10000"},
	{"brokers a string", g("[broker]\nbrokers = \"three\"\n"),
		`x.toml:9: broker.brokers: must be a broker count or an array of brokers such as [{id = 1, rack = "az1"}], not the string "three"`},
	{"brokers empty", g("[broker]\nbrokers = []\n"), "x.toml:9: broker.brokers: must not be empty"},
	{"broker not a table", g("[broker]\nbrokers = [1, 2]\n"),
		`x.toml:9: broker.brokers[0]: must be a table such as {id = 1, rack = "az1"}, not the integer 1`},
	{"broker without id", g("[broker]\nbrokers = [{rack = \"a\"}]\n"), "x.toml:9: broker.brokers[0].id: required key is missing (the broker's node.id)"},
	{"broker id twice", g("[broker]\nbrokers = [\n  {id = 1, rack = \"a\"},\n  {id = 1, rack = \"b\"},\n]\n"),
		"x.toml:11: broker.brokers[1].id: 1 is also the id of brokers[0]; node ids are unique"},
	{"broker id negative", g("[broker]\nbrokers = [{id = -1}]\n"), "x.toml:9: broker.brokers[0].id: -1 must be from 0 to 2147483647"},
	{"broker unknown key", g("[broker]\nbrokers = [{id = 1, zone = \"a\"}]\n"),
		"x.toml:9: broker.brokers[0].zone: unknown key in a broker; allowed: id (its node.id), rack (its broker.rack)"},
	{"broker rack empty", g("[broker]\nbrokers = [{id = 1, rack = \"\"}]\n"),
		"x.toml:9: broker.brokers[0].rack: must not be empty (a broker or consumer without a rack leaves it unset)"},
	{"rack with escape", g("[broker]\nracks = [\"a\\u001b[2J\"]\n"), "x.toml:9: broker.racks[0]: contains the control character U+001B; rack names are printed"},
	{"racks twice", g("[broker]\nracks = [\"a\", \"a\"]\n"), `x.toml:9: broker.racks[1]: "a" is listed twice`},
	{"too many racks", g("[broker]\nracks = [" + manyRacks(65) + "]\n"),
		"x.toml:9: broker.racks: the brokers are in 65 racks, more than 64 (a region's availability zones are a handful)"},
	{"unknown selector", g("[broker]\nracks = [\"a\"]\n\"replica.selector.class\" = \"RackAwareReplicaSelector\"\n"),
		`x.toml:10: broker.replica.selector.class: "RackAwareReplicaSelector" is not a replica selector the model knows: write "org.apache.kafka.common.replica.RackAwareReplicaSelector" (KIP-392: consumers fetch from a replica in their client.rack) or leave it unset (they fetch from the leader)`},

	// Replication factors.
	{"rf beyond brokers", rg("[[variants]]\nname = \"two\"\n\"broker.racks\" = [\"az1\", \"az2\"]\n"),
		"x.toml:14: topics.t.replication_factor: 3 replicas cannot be placed on 2 broker(s): Kafka refuses to create the topic (InvalidReplicationFactorException) (variant \"two\")\n" +
			`x.toml:14: groups.g.client.rack[2]: "az3" is not the rack of any broker (racks: "az1", "az2") (variant "two")`},
	{"default rf beyond brokers", g("[broker]\nracks = [\"a\"]\n\"default.replication.factor\" = 2\n"),
		"x.toml:10: broker.default.replication.factor: 2 replicas cannot be placed on 1 broker(s): Kafka refuses to create the topic (InvalidReplicationFactorException)"},
	{"rf zero", strings.Replace(rackHead, "replication_factor = 3", "replication_factor = 0", 1), "x.toml:6: topics.t.replication_factor: 0 must be from 1 to 32767"},
	{"record size too big", rg("[topics.u]\npartitions = 1\nrecord_size = 2000000\n"),
		"x.toml:14: topics.u.record_size: 2000000 must be from 1 to 1048588"},
	{"bytes beyond the counters", rg("[producers.p]\ntopic = \"t\"\nrate = 1e12\n[topics.t2]\npartitions = 1\n"),
		"x.toml:4: topics.t.record_size: producers would write up to 6.14e+17 bytes in this run (their highest rates for its duration at each topic's record_size), more than 1.44e+17: fetched bytes are counted in 64 bits, with room for records fetched again after rebalances; shorten duration, lower the rate or the record size"},

	// Consumers' racks.
	{"client.rack not a broker rack", rg("racks = [\"az1\", \"az4\"]\n"),
		`x.toml:12: groups.g.racks[1]: "az4" is not the rack of any broker (racks: "az1", "az2", "az3")`},
	{"client.rack single unknown", strings.Replace(rackHead, `["az1", "az2", "az3"]`+"\n[topics", `["az1", "az2", "az3"]`+"\n[topics", 1) +
		"[groups.h]\ntopics = [\"t\"]\nconsumers = 1\nprocessing_time = \"1ms\"\n\"client.rack\" = \"us-east-1a\"\n",
		`x.toml:16: groups.h.client.rack: "us-east-1a" is not the rack of any broker (racks: "az1", "az2", "az3")`},
	{"client.rack empty list", rg("racks = []\n"), "x.toml:12: groups.g.racks: must not be empty"},
	{"client.rack a number", rg("racks = 3\n"), `x.toml:12: groups.g.racks: must be a rack name or an array of them, e.g. "az1" or ["az1", "az2", "az3"], not the integer 3`},
	{"client.rack element", rg("racks = [\"az1\", 2]\n"), "x.toml:12: groups.g.racks[1]: must be a string, not the integer 2"},
	{"cost negative", rg("[cost]\ncross_zone_per_gb = -1\n"), "x.toml:13: cost.cross_zone_per_gb: -1 must not be negative"},
	{"cost unknown key", rg("[cost]\ncross_zone = 1\n"), "x.toml:13: cost.cross_zone: unknown key in a cost; allowed: cross_zone_per_gb"},
	{"cost variant unknown", rg("[[variants]]\nname = \"a\"\n\"cost.per_gb\" = 1\n"), "x.toml:14: variants[0].cost.per_gb: a cost has no key \"per_gb\"; `simulate list` shows the parameters"},
}

func manyRacks(n int) string {
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, `"r`+strings.Repeat("x", i)+`"`)
	}
	return strings.Join(parts, ", ")
}

func TestRackBadInputs(t *testing.T) {
	for _, c := range rackBadCases {
		t.Run(c.name, func(t *testing.T) {
			x, err := Parse("x.toml", []byte(c.src))
			if err == nil {
				t.Fatalf("no error; %d runs", len(x.Runs))
			}
			if got := err.Error(); got != c.want {
				t.Errorf("error\n got %s\nwant %s", got, c.want)
			}
			checkErrorShape(t, err)
		})
	}
}
