package experiment

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

func mustLoad(t *testing.T, path string) *Experiment {
	t.Helper()
	x, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return x
}

func mustParse(t *testing.T, src string) *Experiment {
	t.Helper()
	x, err := Parse("x.toml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return x
}

func runIDs(x *Experiment) []string {
	var ids []string
	for _, r := range x.Runs {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestMinimalFileGetsEveryDefault(t *testing.T) {
	x := mustLoad(t, "testdata/minimal.toml")
	if x.Name != "minimal" || x.File != "testdata/minimal.toml" || x.Description != "" {
		t.Errorf("name/file/description = %q %q %q", x.Name, x.File, x.Description)
	}
	if !reflect.DeepEqual(x.Seeds, []uint64{1}) || x.Variants != nil || x.Sweep != nil || x.SLO != nil {
		t.Errorf("seeds %v variants %v sweep %v slo %v", x.Seeds, x.Variants, x.Sweep, x.SLO)
	}
	if len(x.SHA256) != 64 || string(x.Source[:8]) != "duration" {
		t.Errorf("sha %q source %q", x.SHA256, x.Source[:8])
	}
	if got := runIDs(x); !reflect.DeepEqual(got, []string{"seed=1"}) {
		t.Fatalf("runs %v", got)
	}
	// The loader's defaults are scenario.Default's: one place for both.
	g := scenario.DefaultGroup("processors", []string{"payments"}, 2, 2*time.Millisecond)
	g.Line = 6
	want := scenario.Default()
	want.Duration = 10 * time.Minute
	want.Topics = []scenario.Topic{{Name: "payments", Partitions: 4, RecordSize: 1024, Line: 3}}
	want.Groups = []scenario.Group{g}
	if got := x.Runs[0].Scenario; !reflect.DeepEqual(got, &want) {
		t.Errorf("scenario\n got %+v\nwant %+v", got, want)
	}
}

func TestEveryKeyIsRead(t *testing.T) {
	x := mustLoad(t, "testdata/full.toml")
	if x.Name != "every-key" || x.Description != "All keys" || !reflect.DeepEqual(x.Seeds, []uint64{7, 3}) {
		t.Errorf("name %q description %q seeds %v", x.Name, x.Description, x.Seeds)
	}
	wantSLO := &SLO{MaxLag: 1000, MaxLagTime: 10 * time.Second, P99Latency: 2 * time.Second, MaxPause: 5 * time.Second, Warmup: 2 * time.Minute}
	if !reflect.DeepEqual(x.SLO, wantSLO) {
		t.Errorf("slo %+v", x.SLO)
	}
	if got := runIDs(x); !reflect.DeepEqual(got, []string{"seed=7", "seed=3"}) {
		t.Errorf("runs %v", got)
	}
	if x.Runs[0].Scenario != x.Runs[1].Scenario {
		t.Errorf("runs that differ only in seed should share their scenario")
	}
	sc := x.Runs[0].Scenario
	ledger := scenario.DefaultGroup("ledger", []string{"audit"}, 1, time.Millisecond)
	ledger.AssignmentStrategy = []string{"cooperative-sticky", "sticky"}
	ledger.SessionTimeout, ledger.HeartbeatInterval = 10*time.Second, time.Second
	ledger.Line = 154
	want := &scenario.Scenario{
		Duration:       90 * time.Minute,
		SampleInterval: 250 * time.Millisecond,
		BatchInterval:  5 * time.Millisecond,
		Broker: scenario.Broker{
			InitialRebalanceDelay:        0,
			NetworkLatency:               2 * time.Millisecond,
			MinSessionTimeout:            5 * time.Second,
			MaxSessionTimeout:            10 * time.Minute,
			ConsumerHeartbeatInterval:    15 * time.Second,
			ConsumerSessionTimeout:       time.Minute,
			ConsumerMinHeartbeatInterval: 2 * time.Second,
			ConsumerMaxHeartbeatInterval: 20 * time.Second,
			ConsumerMinSessionTimeout:    30 * time.Second,
			ConsumerMaxSessionTimeout:    90 * time.Second,
			ConsumerAssignmentInterval:   time.Second, // not set: the default
			BrokerSessionTimeout:         8 * time.Second,
			GroupLoadTime:                3 * time.Second,
			Nodes: []scenario.Node{{ID: 1, Rack: "az1"}, {ID: 2, Rack: "az2"}, {ID: 3, Rack: "az3"},
				{ID: 4, Rack: "az1"}, {ID: 5, Rack: "az2"}, {ID: 6, Rack: "az3"}},
			DefaultReplicationFactor: 2,
			ReplicaSelector:          scenario.RackAwareReplicaSelector,
		},
		Cost:   scenario.Cost{CrossZonePerGB: 0.5},
		Topics: []scenario.Topic{{Name: "audit", Partitions: 1, ReplicationFactor: 2, RecordSize: 1024, Line: 30}, {Name: "orders", Partitions: 12, ReplicationFactor: 3, RecordSize: 512, Line: 26}},
		Producers: []scenario.Producer{{
			Name: "web", Topic: "orders", Rate: 2500.5, Arrivals: scenario.Poisson, Keys: scenario.KeysZipf, KeyCount: 100, ZipfS: 0.9,
			RateChanges: []scenario.RateChange{{At: 10 * time.Minute, Rate: 0}, {At: 30 * time.Minute, Rate: 10}},
			Line:        33,
		}},
		Groups: []scenario.Group{{
			Name:                   "billing",
			Topics:                 []string{"audit", "orders"},
			Consumers:              3,
			ProcessingTime:         1500 * time.Microsecond,
			ProcessingDistribution: scenario.DistLognormal,
			ProcessingCV:           2.5,
			Commit:                 scenario.CommitSync,
			StaticMembership:       true,
			RevokeTime:             20 * time.Millisecond,
			AssignmentTime:         5 * time.Millisecond,
			StartupJitter:          250 * time.Millisecond,
			AssignmentStrategy:     []string{"range", "cooperative-sticky"},
			Protocol:               scenario.ProtocolConsumer,
			RemoteAssignor:         "range",
			SessionTimeout:         45 * time.Second,
			HeartbeatInterval:      3 * time.Second,
			MaxPollInterval:        time.Minute,
			MaxPollRecords:         100,
			AutoCommitInterval:     time.Second,
			AutoOffsetReset:        "earliest",
			FetchMaxWait:           100 * time.Millisecond,
			MetadataMaxAge:         time.Minute,
			RetryBackoff:           50 * time.Millisecond,
			RetryBackoffMax:        500 * time.Millisecond,
			ClientRack:             []string{"az1", "az2"},
			Racks:                  []string{"az2", "az3"},
			Autoscaler: &scenario.Autoscaler{
				LagThreshold: 500, ActivationLagThreshold: 10, MinConsumers: 2, MaxConsumers: 12,
				AllowIdleConsumers: true, LimitToPartitionsWithLag: true,
				PollingInterval: 15 * time.Second, Cooldown: time.Minute, Line: 74,
			},
			Line: 47,
		}, ledger},
		Events: []scenario.Event{
			{At: time.Minute, Action: scenario.ActJoin, Group: "billing", Count: 2, Member: -1, Line: 98},
			{At: 2 * time.Minute, Action: scenario.ActLeave, Group: "billing", Count: 1, Member: -1, Line: 103},
			{At: 2 * time.Minute, Action: scenario.ActCrash, Group: "billing", Member: 4, Line: 108},
			{At: 3 * time.Minute, Action: scenario.ActRestart, Group: "billing", Count: 1, Member: -1, Downtime: 10 * time.Second, Clean: true, Line: 113},
			{At: 4 * time.Minute, Action: scenario.ActRollingRestart, Group: "billing", Member: -1, Interval: 30 * time.Second, Downtime: 5 * time.Second, Line: 120},
			{At: 5 * time.Minute, Action: scenario.ActPause, Group: "billing", Count: 2, Member: -1, Duration: 40 * time.Second, Line: 126},
			{At: 6 * time.Minute, Action: scenario.ActScale, Group: "billing", Member: -1, To: 6, Line: 132},
			{At: 7 * time.Minute, Action: scenario.ActAddPartitions, Topic: "orders", Count: 4, Member: -1, Line: 137},
			{At: 8 * time.Minute, Action: scenario.ActProducerRate, Producer: "web", Rate: 100, Member: -1, Line: 142},
			{At: 9 * time.Minute, Action: scenario.ActCoordinatorFailover, Group: "billing", Member: -1, Line: 147},
			{At: 20 * time.Minute, Action: scenario.ActSlow, Group: "billing", Member: 2, Factor: 3, Duration: time.Minute, Line: 91},
		},
	}
	if sc.Cost != want.Cost {
		t.Errorf("cost %+v, want %+v", sc.Cost, want.Cost)
	}
	if !reflect.DeepEqual(sc.Broker, want.Broker) {
		t.Errorf("broker\n got %+v\nwant %+v", sc.Broker, want.Broker)
	}
	if !reflect.DeepEqual(sc.Topics, want.Topics) || !reflect.DeepEqual(sc.Producers, want.Producers) {
		t.Errorf("topics %+v producers %+v", sc.Topics, sc.Producers)
	}
	if !reflect.DeepEqual(sc.Groups, want.Groups) {
		t.Errorf("groups\n got %+v %+v\nwant %+v %+v", sc.Groups, sc.Groups[0].Autoscaler, want.Groups, want.Groups[0].Autoscaler)
	}
	for i := range want.Events {
		if i >= len(sc.Events) || !reflect.DeepEqual(sc.Events[i], want.Events[i]) {
			var got any = "nothing"
			if i < len(sc.Events) {
				got = sc.Events[i]
			}
			t.Errorf("event %d\n got %+v\nwant %+v", i, got, want.Events[i])
		}
	}
	if len(sc.Events) != len(want.Events) || sc.Duration != want.Duration || sc.SampleInterval != want.SampleInterval {
		t.Errorf("%d events, duration %v, sample %v", len(sc.Events), sc.Duration, sc.SampleInterval)
	}
}

func TestSpecExample(t *testing.T) {
	x := mustLoad(t, "testdata/spec-example.toml")
	if x.Name != "twenty-on-four" || !reflect.DeepEqual(x.Variants, []string{"eager-range", "cooperative-sticky", "kip848-uniform"}) {
		t.Fatalf("name %q variants %v", x.Name, x.Variants)
	}
	if len(x.Runs) != 3*7 {
		t.Fatalf("%d runs, want 21", len(x.Runs))
	}
	if x.Runs[0].ID != "eager-range/groups.processors.consumers=1/seed=1" ||
		x.Runs[20].ID != "kip848-uniform/groups.processors.consumers=20/seed=1" {
		t.Errorf("ids %v", runIDs(x))
	}
	for _, r := range x.Runs {
		g := r.Scenario.Groups[0]
		want := map[string][]string{"eager-range": {"range"}, "cooperative-sticky": {"cooperative-sticky"}, "kip848-uniform": {"range", "cooperative-sticky"}}[r.Variant]
		if !reflect.DeepEqual(g.AssignmentStrategy, want) {
			t.Errorf("%s: strategy %v", r.ID, g.AssignmentStrategy)
		}
		if (g.Protocol == scenario.ProtocolConsumer) != (r.Variant == "kip848-uniform") {
			t.Errorf("%s: protocol %v", r.ID, g.Protocol)
		}
		if int64(g.Consumers) != r.Point[0].Value.(int64) {
			t.Errorf("%s: consumers %d", r.ID, g.Consumers)
		}
		if g.Autoscaler == nil || g.Autoscaler.MaxConsumers != 30 || g.Autoscaler.Cooldown != 5*time.Minute {
			t.Errorf("%s: autoscaler %+v", r.ID, g.Autoscaler)
		}
	}
}

func TestVariantsAndSweepExpansion(t *testing.T) {
	x := mustLoad(t, "testdata/variants-sweep.toml")
	want := []string{
		"eager/groups.g.consumers=4,producers.p.rate=500/seed=1",
		"eager/groups.g.consumers=4,producers.p.rate=500/seed=2",
		"eager/groups.g.consumers=4,producers.p.rate=1000.5/seed=1",
		"eager/groups.g.consumers=4,producers.p.rate=1000.5/seed=2",
		"eager/groups.g.consumers=8,producers.p.rate=500/seed=1",
		"eager/groups.g.consumers=8,producers.p.rate=500/seed=2",
		"eager/groups.g.consumers=8,producers.p.rate=1000.5/seed=1",
		"eager/groups.g.consumers=8,producers.p.rate=1000.5/seed=2",
	}
	for _, v := range []string{"coop", "kip848"} {
		for _, id := range want[:8] {
			want = append(want, v+strings.TrimPrefix(id, "eager"))
		}
	}
	if got := runIDs(x); !reflect.DeepEqual(got, want) {
		t.Fatalf("ids\n got %v\nwant %v", got, want)
	}
	wantAxes := []SweepAxis{
		{Path: "groups.g.consumers", Line: 39, Values: []any{int64(4), int64(8)}},
		{Path: "producers.p.rate", Line: 40, Values: []any{int64(500), 1000.5}},
	}
	if !reflect.DeepEqual(x.Sweep.Axes, wantAxes) {
		t.Errorf("axes %+v", x.Sweep.Axes)
	}
	for _, r := range x.Runs {
		sc := r.Scenario
		g, p := sc.Groups[0], sc.Producers[0]
		if int64(g.Consumers) != r.Point[0].Value.(int64) {
			t.Errorf("%s: consumers %d", r.ID, g.Consumers)
		}
		if rate := r.Point[1].Value; p.Rate != map[any]float64{int64(500): 500, 1000.5: 1000.5}[rate] {
			t.Errorf("%s: rate %v", r.ID, p.Rate)
		}
		switch r.Variant {
		case "eager":
			if !reflect.DeepEqual(g.AssignmentStrategy, []string{"range", "cooperative-sticky"}) || g.SessionTimeout != 45*time.Second || sc.Duration != 5*time.Minute {
				t.Errorf("%s: %+v", r.ID, g)
			}
		case "coop":
			if !reflect.DeepEqual(g.AssignmentStrategy, []string{"cooperative-sticky"}) || g.SessionTimeout != 10*time.Second {
				t.Errorf("%s: %+v", r.ID, g)
			}
		case "kip848":
			if g.Protocol != scenario.ProtocolConsumer || sc.Broker.ConsumerHeartbeatInterval != 6*time.Second || sc.Duration != 6*time.Minute {
				t.Errorf("%s: %+v %+v", r.ID, g, sc.Broker)
			}
		}
	}
	// The base tree is shared: a variant must not leak into another.
	if x.Runs[0].Scenario.Groups[0].SessionTimeout != 45*time.Second {
		t.Errorf("variant leaked into the base")
	}
}

func TestRunIDsAndOrder(t *testing.T) {
	const base = "duration = \"1m\"\n[topics.t]\npartitions = 2\n[groups.g]\ntopics = [\"t\"]\nconsumers = 1\nprocessing_time = \"1ms\"\n"
	cases := []struct {
		name, extra string
		want        []string
	}{
		{"seed", "", []string{"seed=1"}},
		{"seed 0", "", nil}, // filled below: `seed = 0` must be allowed
		{"seeds", "", nil},
		{"variants", "[[variants]]\nname = \"a\"\n[[variants]]\nname = \"b.2\"\n", []string{"a/seed=1", "b.2/seed=1"}},
		{"sweep strings and bools", "[sweep]\n\"groups.g.static_membership\" = [true, false]\n\"groups.g.auto.offset.reset\" = [\"earliest\", \"latest\"]\n",
			[]string{
				"groups.g.static_membership=true,groups.g.auto.offset.reset=earliest/seed=1",
				"groups.g.static_membership=true,groups.g.auto.offset.reset=latest/seed=1",
				"groups.g.static_membership=false,groups.g.auto.offset.reset=earliest/seed=1",
				"groups.g.static_membership=false,groups.g.auto.offset.reset=latest/seed=1",
			}},
		{"float range", "[sweep]\n\"groups.g.processing_cv\" = {from = 0.1, to = 0.5, step = 0.1}\n",
			[]string{
				"groups.g.processing_cv=0.1/seed=1", "groups.g.processing_cv=0.2/seed=1", "groups.g.processing_cv=0.3/seed=1",
				"groups.g.processing_cv=0.4/seed=1", "groups.g.processing_cv=0.5/seed=1",
			}},
		{"int range not reaching to", "[sweep]\n\"topics.t.partitions\" = {from = 1, to = 6, step = 2}\n",
			[]string{"topics.t.partitions=1/seed=1", "topics.t.partitions=3/seed=1", "topics.t.partitions=5/seed=1"}},
		{"dotted sweep key, top-level path", "[sweep]\ngroups.g.consumers = [3]\nduration = [\"2m\"]\n",
			[]string{"groups.g.consumers=3,duration=2m/seed=1"}},
		{"variant with sweep and seeds", "seeds = [5, 6]\n[[variants]]\nname = \"v\"\n\"groups.g.session.timeout.ms\" = 30000\n[sweep]\n\"broker.network_latency\" = [\"1ms\"]\n",
			[]string{"v/broker.network_latency=1ms/seed=5", "v/broker.network_latency=1ms/seed=6"}},
	}
	cases[1].extra, cases[1].want = "", []string{"seed=0"}
	cases[2].extra, cases[2].want = "", []string{"seed=9", "seed=0", "seed=4"}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := c.extra + base
			switch i {
			case 1:
				src = "seed = 0\n" + base
			case 2:
				src = "seeds = [9, 0, 4]\n" + base
			default:
				// Top-level keys must come before the first table.
				if strings.HasPrefix(c.extra, "seeds") {
					src = "seeds = [5, 6]\n" + base + strings.TrimPrefix(c.extra, "seeds = [5, 6]\n")
				} else {
					src = base + c.extra
				}
			}
			x := mustParse(t, src)
			if got := runIDs(x); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ids\n got %v\nwant %v", got, c.want)
			}
		})
	}
}

func TestWithSeedReplacesSeeds(t *testing.T) {
	x := mustLoad(t, "testdata/variants-sweep.toml")
	y := x.WithSeed(42)
	if len(y.Runs) != len(x.Runs)/2 || !reflect.DeepEqual(y.Seeds, []uint64{42}) {
		t.Fatalf("%d runs, seeds %v", len(y.Runs), y.Seeds)
	}
	if y.Runs[0].ID != "eager/groups.g.consumers=4,producers.p.rate=500/seed=42" || y.Runs[0].Seed != 42 {
		t.Errorf("first run %s", y.Runs[0].ID)
	}
	if y.Runs[11].ID != "kip848/groups.g.consumers=8,producers.p.rate=1000.5/seed=42" || y.Runs[11].Scenario != x.Runs[22].Scenario {
		t.Errorf("last run %s", y.Runs[11].ID)
	}
	if len(x.Runs) != 24 || x.Runs[0].Seed != 1 {
		t.Errorf("WithSeed changed its receiver")
	}
	z := mustLoad(t, "testdata/minimal.toml").WithSeed(0)
	if got := runIDs(z); !reflect.DeepEqual(got, []string{"seed=0"}) {
		t.Errorf("ids %v", got)
	}
}

func TestCommitAndAutoCommitAgree(t *testing.T) {
	const base = "duration = \"1m\"\n[topics.t]\npartitions = 2\n[groups.g]\ntopics = [\"t\"]\nconsumers = 1\nprocessing_time = \"1ms\"\n"
	cases := []struct {
		extra string
		want  scenario.CommitMode
	}{
		{"", scenario.CommitAuto},
		{"commit = \"sync\"\n", scenario.CommitSync},
		{"\"enable.auto.commit\" = false\n", scenario.CommitSync},
		{"\"enable.auto.commit\" = true\n", scenario.CommitAuto},
		{"commit = \"auto\"\n\"enable.auto.commit\" = true\n", scenario.CommitAuto},
	}
	for _, c := range cases {
		x := mustParse(t, base+c.extra)
		if got := x.Runs[0].Scenario.Groups[0].Commit; got != c.want {
			t.Errorf("%q: commit %v, want %v", c.extra, got, c.want)
		}
	}
}

func TestEventsSortedStably(t *testing.T) {
	src := "duration = \"1m\"\n[topics.t]\npartitions = 2\n[groups.g]\ntopics = [\"t\"]\nconsumers = 1\nprocessing_time = \"1ms\"\n" +
		"[[events]]\nat = \"30s\"\naction = \"join\"\ngroup = \"g\"\ncount = 1\n" +
		"[[events]]\nat = \"10s\"\naction = \"join\"\ngroup = \"g\"\ncount = 2\n" +
		"[[events]]\nat = \"30s\"\naction = \"crash\"\ngroup = \"g\"\nmember = 3\n" +
		"events_done = 1\n"
	_, err := Parse("x.toml", []byte(src))
	// events_done lands inside the last [[events]] table: an unknown key.
	if err == nil || err.Error() != `x.toml:23: events[2].events_done: unknown key in an event; allowed: at, action, group, count, member, downtime, clean, duration, factor, to, interval, topic, producer, rate` {
		t.Fatalf("err = %v", err)
	}
	x := mustParse(t, strings.TrimSuffix(src, "events_done = 1\n"))
	var got []string
	for _, e := range x.Runs[0].Scenario.Events {
		got = append(got, e.At.String()+" "+e.Action.String())
	}
	want := []string{"10s join", "30s join", "30s crash"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events %v", got)
	}
}

func TestDefaultName(t *testing.T) {
	const body = "duration = \"1m\"\n[topics.t]\npartitions = 2\n[groups.g]\ntopics = [\"t\"]\nconsumers = 1\nprocessing_time = \"1ms\"\n"
	for file, want := range map[string]string{
		"experiments/twenty-on-four.toml": "twenty-on-four",
		"/abs/dir/a.b.toml":               "a.b",
		"plain":                           "plain",
	} {
		x, err := Parse(file, []byte(body))
		if err != nil || x.Name != want {
			t.Errorf("Parse(%q): name %v, err %v", file, x, err)
		}
	}
}

func TestParameters(t *testing.T) {
	params := Parameters()
	seen := map[string]bool{}
	byPath := map[string]Param{}
	for _, p := range params {
		if seen[p.Path] {
			t.Errorf("%s listed twice", p.Path)
		}
		seen[p.Path] = true
		byPath[p.Path] = p
		if p.Doc == "" {
			t.Errorf("%s has no doc", p.Path)
		}
	}
	checks := []Param{
		{Path: "groups.NAME.session.timeout.ms", Default: "45000", Variable: true},
		{Path: "groups.NAME.partition.assignment.strategy", Default: `["range", "cooperative-sticky"]`, Variable: true},
		{Path: "groups.NAME.processing_cv", Default: "1.0", Variable: true},
		{Path: "groups.NAME.consumers", Required: true, Variable: true},
		{Path: "groups.NAME.autoscaler.polling_interval", Default: `"30s"`, Variable: true},
		{Path: "broker.group.consumer.heartbeat.interval.ms", Default: "5000", Variable: true},
		{Path: "sample_interval", Default: `"1s"`, Variable: true},
		{Path: "seed", Default: "1"},
		{Path: "producers.NAME.zipf_s", Default: "1.2", Variable: true},
		{Path: "producers.NAME.rate_changes[].at", Required: true},
		{Path: "events[].action", Required: true},
		{Path: "slo.warmup", Default: `"0s"`},
	}
	for _, want := range checks {
		got, ok := byPath[want.Path]
		if !ok {
			t.Errorf("%s not listed", want.Path)
			continue
		}
		got.Doc, got.Key = "", ""
		if got != want {
			t.Errorf("%+v, want %+v", got, want)
		}
	}
	if !reflect.DeepEqual(Parameters(), params) {
		t.Errorf("Parameters is not deterministic")
	}
}

func TestVariantCanAddAnAutoscaler(t *testing.T) {
	x := mustParse(t, head+"[[variants]]\nname = \"fixed\"\n[[variants]]\nname = \"scaled\"\ngroups.g.autoscaler.max_consumers = 8\n")
	if a := x.Runs[0].Scenario.Groups[0].Autoscaler; a != nil {
		t.Errorf("base run has an autoscaler: %+v", a)
	}
	a := x.Runs[1].Scenario.Groups[0].Autoscaler
	want := &scenario.Autoscaler{LagThreshold: 1000, MinConsumers: 1, MaxConsumers: 8, PollingInterval: 30 * time.Second, Cooldown: 5 * time.Minute, Line: 4}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("autoscaler %+v, want %+v", a, want)
	}
}
