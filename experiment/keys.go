package experiment

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// kind is how a key's TOML value is read and checked.
type kind int

const (
	kInt      kind = iota // TOML integer within [min, max]
	kMillis               // TOML integer of milliseconds within [min, max] (Kafka's *.ms)
	kDuration             // string for time.ParseDuration, >= 0 or (gt) > 0
	kFloat                // TOML integer or float, finite, >= fmin or (gt) > fmin
	kEnum                 // one string of enum
	kBool                 // TOML boolean
	kText                 // any string
	kName                 // a string naming something else in the file; the caller checks it exists
	kNames                // non-empty list of distinct strings
	kStrategy             // one string of enum, or a non-empty list of distinct ones
	kSeeds                // non-empty list of distinct integers >= 0
	kRacks                // one rack name, or a non-empty list of them (repeats allowed)
	kBrokers              // a broker count, or an array of {id, rack} tables
)

// keyDef is one key of one table: how to read it, its default and its doc.
// The tables below are the single place defaults live: the loader, the
// variant and sweep path checks and `simulate list` all read them.
type keyDef struct {
	name     string
	kind     kind
	unit     time.Duration // kDuration: a TOML number is a count of this unit (0: strings only)
	def      any           // the default in decoded TOML form (int64, float64, string, bool, []any); nil: none
	req      bool
	min, max int64 // kInt and kMillis as written; kDuration in nanoseconds
	fmin     float64
	fmax     float64  // kFloat: largest value allowed (0: no bound), with why
	whyMax   string   // kFloat: the reason for fmax, for the message
	gt       bool     // kFloat and kDuration: strictly greater than the minimum
	enum     []string // kEnum, kStrategy
	// alias maps another spelling of a kEnum or kStrategy value (a Java
	// class name) to its enum value, or says why it is refused (msg).
	alias  func(s string) (canon, msg string)
	fixed  bool   // may not be set by [[variants]] or [sweep]
	defDoc string // the default as `simulate list` shows it, when def alone would mislead
	doc    string
	// aliasOf names the key this one is an older spelling of (a table
	// takes either, not both).
	aliasOf string
}

// section is the set of keys of one kind of table.
type section struct {
	what     string // for messages: "group", "producer", ...
	title    string // for `simulate list`: the table as written, e.g. "[groups.NAME]"
	about    string // for `simulate list`: what the table is
	pattern  string // path pattern for Parameters(), e.g. "groups.NAME."
	variable bool   // its keys can be overridden (subject to keyDef.fixed)
	defs     []keyDef
	extra    []string // keys of sub-tables, read by the caller
	byName   map[string]*keyDef
}

func (s *section) def(name string) *keyDef { return s.byName[name] }

func (s *section) index() *section {
	s.byName = make(map[string]*keyDef, len(s.defs))
	for i := range s.defs {
		s.byName[s.defs[i].name] = &s.defs[i]
	}
	return s
}

// Bounds Kafka itself puts on its settings: int configs are Java ints.
const (
	maxJavaInt   = math.MaxInt32
	maxMembers   = 10000
	maxPartition = 1000000
	maxGridSize  = 10000
	maxRuns      = 100000
	// maxBrokers is far beyond any Kafka cluster; maxRacks bounds the racks
	// (zones) of one layout, which the model keeps as bits of a word.
	maxBrokers = 10000
	maxRacks   = 64
	// maxReplicationFactor is Kafka's: replication factors are Java shorts.
	maxReplicationFactor = math.MaxInt16
	// maxRecordSize is Kafka's default max.message.bytes: a broker refuses
	// larger record batches.
	maxRecordSize = 1048588
)

var (
	strategyNames   = []string{"range", "roundrobin", "sticky", "cooperative-sticky"}
	protocolNames   = []string{"classic", "consumer"}
	remoteNames     = []string{"uniform", "range"}
	arrivalNames    = []string{"constant", "poisson"}
	keysNames       = []string{"none", "uniform", "zipf"}
	distNames       = []string{"constant", "exponential", "lognormal"}
	commitNames     = []string{"auto", "sync"}
	offsetResetName = []string{"latest", "earliest"}
)

func ms(name string, def, min, max int64, doc string) keyDef {
	return keyDef{name: name, kind: kMillis, def: def, min: min, max: max, doc: doc}
}

func dur(name string, def string, positive bool, doc string) keyDef {
	d := keyDef{name: name, kind: kDuration, min: 0, max: int64(MaxTime), gt: positive, doc: doc}
	if def != "" {
		d.def = def
	}
	return d
}

func integer(name string, def any, min, max int64, doc string) keyDef {
	return keyDef{name: name, kind: kInt, def: def, min: min, max: max, doc: doc}
}

func enum(name string, names []string, doc string) keyDef {
	return keyDef{name: name, kind: kEnum, def: names[0], enum: names, doc: doc}
}

func required(d keyDef) keyDef { d.req = true; d.def = nil; return d }

func withAlias(d keyDef, alias func(string) (string, string)) keyDef { d.alias = alias; return d }
func fixed(d keyDef) keyDef                                          { d.fixed = true; return d }

var topSection = (&section{
	what: "experiment", pattern: "", variable: true,
	title: "top level (keys before any [table])", about: "the experiment as a whole: its name, how long each run simulates, its seeds, how often it samples",
	defs: []keyDef{
		fixed(keyDef{name: "name", kind: kText, defDoc: "the file name without .toml",
			doc: "the experiment's name (letters, digits, '-', '_', '.'); names results/<name>/"}),
		fixed(keyDef{name: "description", kind: kText, def: "", doc: "the question the experiment answers"}),
		required(dur("duration", "", true, "simulated time of every run")),
		fixed(integer("seed", int64(1), 0, math.MaxInt64, "random seed of the single replication")),
		fixed(keyDef{name: "seeds", kind: kSeeds, doc: "seeds of several replications (instead of seed), reported with spread"}),
		dur("sample_interval", "1s", true, "time between metric samples (at most duration)"),
		dur("batch_interval", "5ms", true, "producers send each partition's records as one batch per interval "+
			"(Kafka's linger.ms, 5 ms since 4.0); the model's time resolution for records (at most sample_interval)"),
	},
	extra: []string{"broker", "topics", "producers", "groups", "events", "variants", "sweep", "slo", "cost"},
}).index()

var brokerSection = (&section{
	what: "broker", pattern: "broker.", variable: true,
	title: "[broker]", about: "the group coordinator's settings (Kafka's broker config names) and the network",
	defs: []keyDef{
		ms("group.initial.rebalance.delay.ms", 3000, 0, maxJavaInt, "wait for more members before an empty group's first rebalance completes"),
		dur("network_latency", "1ms", false, "one-way latency between clients and brokers"),
		ms("group.min.session.timeout.ms", 6000, 1, maxJavaInt, "smallest session.timeout.ms a classic member may ask for"),
		ms("group.max.session.timeout.ms", 1800000, 1, maxJavaInt, "largest session.timeout.ms a classic member may ask for"),
		ms("group.consumer.heartbeat.interval.ms", 5000, 1, maxJavaInt, "heartbeat interval the broker gives consumer-protocol (KIP-848) members; "+
			"within the min/max bounds and lower than group.consumer.session.timeout.ms"),
		ms("group.consumer.min.heartbeat.interval.ms", 5000, 1, maxJavaInt, "smallest group.consumer.heartbeat.interval.ms the broker accepts"),
		ms("group.consumer.max.heartbeat.interval.ms", 15000, 1, maxJavaInt, "largest group.consumer.heartbeat.interval.ms the broker accepts"),
		ms("group.consumer.session.timeout.ms", 45000, 1, maxJavaInt, "session timeout of consumer-protocol (KIP-848) members; within the min/max bounds"),
		ms("group.consumer.min.session.timeout.ms", 45000, 1, maxJavaInt, "smallest group.consumer.session.timeout.ms the broker accepts"),
		ms("group.consumer.max.session.timeout.ms", 60000, 1, maxJavaInt, "largest group.consumer.session.timeout.ms the broker accepts"),
		ms("group.consumer.assignment.interval.ms", 1000, 0, 15000, "consumer-protocol groups recompute their target assignment at most this often (KIP-1263, Kafka 4.3+)"),
		ms("broker.session.timeout.ms", 9000, 1, maxJavaInt, "KRaft fences a crashed coordinator's broker after this"),
		dur("group_load_time", "1s", false, "time a new coordinator takes to load the group"),
		{name: "racks", kind: kNames, doc: "the brokers' broker.rack values (a rack is an availability zone), dealt in turn " +
			"to broker ids 1, 2, ...: a broker layout, on which replicas are placed as Kafka places them"},
		{name: "brokers", kind: kBrokers, defDoc: "one per rack",
			doc: `the brokers: a count (ids 1..N, racks dealt in turn), or an array such as [{id = 1, rack = "az1"}] (then no racks key)`},
		integer("default.replication.factor", int64(1), 1, maxReplicationFactor, "replicas of a topic without replication_factor (with a broker layout)"),
		{name: "replica.selector.class", kind: kText, def: "", defDoc: `"" (the leader)`,
			doc: "\"" + scenario.RackAwareReplicaSelector + "\": consumers with client.rack fetch from a replica in their rack " +
				"(KIP-392 follower fetching); unset, from the leader"},
	},
}).index()

var topicSection = (&section{
	what: "topic", pattern: "topics.NAME.", variable: true,
	title: "[topics.NAME]", about: "a topic; NAME is its name",
	defs: []keyDef{
		required(integer("partitions", nil, 1, maxPartition, "partition count")),
		{name: "replication_factor", kind: kInt, min: 1, max: maxReplicationFactor, defDoc: "broker.default.replication.factor",
			doc: "replicas per partition, placed on the brokers as Kafka places them (with a broker layout)"},
		integer("record_size", int64(1024), 1, maxRecordSize, "bytes one record takes in a fetch, overhead included (fetched and cross-zone bytes; "+
			"with a broker layout); at most Kafka's default max.message.bytes"),
	},
}).index()

var producerSection = (&section{
	what: "producer", pattern: "producers.NAME.", variable: true,
	title: "[producers.NAME]", about: "a producer writing to one topic",
	defs: []keyDef{
		required(keyDef{name: "topic", kind: kName, doc: "the topic written to"}),
		required(keyDef{name: "rate", kind: kFloat, fmin: 0, doc: "records per second"}),
		enum("arrivals", arrivalNames, "arrival process: constant (evenly spaced) or poisson"),
		enum("keys", keysNames, "partition choice: none (even spread), uniform or zipf keys"),
		integer("key_count", int64(10000), 1, maxJavaInt, "distinct keys, with keys = uniform or zipf (an error with keys = none)"),
		{name: "zipf_s", kind: kFloat, def: 1.2, fmin: 0, gt: true, doc: "Zipf exponent, with keys = zipf (an error with keys = none)"},
	},
	extra: []string{"rate_changes"},
}).index()

var rateChangeSection = (&section{
	what: "rate change", pattern: "producers.NAME.rate_changes[].",
	title: "[[producers.NAME.rate_changes]]", about: "a change of a producer's rate at a moment (one table per change)",
	defs: []keyDef{
		required(dur("at", "", false, "when the rate changes (before duration)")),
		required(keyDef{name: "rate", kind: kFloat, fmin: 0, doc: "records per second from then on"}),
	},
}).index()

var groupSection = (&section{
	what: "group", pattern: "groups.NAME.", variable: true,
	title: "[groups.NAME]", about: "a consumer group; NAME is its group.id. Quoted keys are the Java consumer's own settings",
	defs: []keyDef{
		required(keyDef{name: "topics", kind: kNames, doc: "topics the group subscribes to"}),
		required(integer("consumers", nil, 0, maxMembers, "members started at t = 0")),
		required(dur("processing_time", "", false, "mean time to process one record")),
		enum("processing_distribution", distNames, "shape of processing times: constant, exponential or lognormal"),
		{name: "processing_cv", kind: kFloat, def: 1.0, fmin: 0, gt: true, fmax: maxCV, whyMax: whyMaxCV,
			doc: "coefficient of variation, with processing_distribution = lognormal (at most 100)"},
		enum("commit", commitNames, "auto (Kafka's auto commit) or sync (commit after each batch)"),
		{name: "static_membership", kind: kBool, def: false, doc: "each consumer has a group.instance.id (KIP-345)"},
		dur("revoke_time", "0s", false, "time spent in onPartitionsRevoked"),
		dur("assignment_time", "0s", false, "time the leader's assignor takes"),
		dur("startup_jitter", "1s", false, "each consumer process starts (first request) after a random delay up to this: pods do not start in the same millisecond"),
		{name: "partition.assignment.strategy", kind: kStrategy, def: []any{"range", "cooperative-sticky"}, enum: strategyNames, alias: strategyAlias,
			doc: "assignors in preference order: range, roundrobin, sticky, cooperative-sticky, or their Java classes " +
				"(org.apache.kafka.clients.consumer.CooperativeStickyAssignor), as a list or Kafka's comma-separated string " +
				"(not with group.protocol = consumer: see group.remote.assignor)"},
		enum("group.protocol", protocolNames, "classic or consumer (KIP-848)"),
		withAlias(enum("group.remote.assignor", remoteNames, "server-side assignor with group.protocol = consumer: uniform or range "+
			"(the names the broker knows; it refuses class names)"), remoteAlias),
		ms("session.timeout.ms", 45000, 1, maxJavaInt, "a classic member silent this long is removed (not with group.protocol = consumer: see broker.group.consumer.session.timeout.ms)"),
		ms("heartbeat.interval.ms", 3000, 1, maxJavaInt, "classic heartbeat period, lower than session.timeout.ms (not with group.protocol = consumer)"),
		ms("max.poll.interval.ms", 300000, 1, maxJavaInt, "longest gap between polls; also the rebalance timeout"),
		integer("max.poll.records", int64(500), 1, maxJavaInt, "records returned by one poll"),
		{name: "enable.auto.commit", kind: kBool, def: true, defDoc: `true (false with commit = "sync")`,
			doc: "must agree with commit: true for auto, false for sync"},
		ms("auto.commit.interval.ms", 5000, 1, maxJavaInt, "period of auto commits"),
		enum("auto.offset.reset", offsetResetName, "where a partition without a committed offset starts: latest or earliest"),
		ms("fetch.max.wait.ms", 500, 0, maxJavaInt, "longest a fetch waits for data"),
		ms("metadata.max.age.ms", 300000, 0, maxJavaInt, "metadata refresh period (new partitions are seen then)"),
		ms("retry.backoff.ms", 100, 0, maxJavaInt, "first retry backoff (FindCoordinator and others)"),
		ms("retry.backoff.max.ms", 1000, 0, maxJavaInt, "longest retry backoff"),
		{name: "client.rack", kind: kRacks, defDoc: `"" (none)`,
			doc: "the rack each consumer tells Kafka (rack-aware assignors, KIP-881; follower fetching, KIP-392): one rack, " +
				"or a list dealt in turn by member slot (slot i takes entry i mod length, also after a restart)"},
		{name: "racks", kind: kRacks, defDoc: "client.rack",
			doc: "the racks the consumers run in, by slot as client.rack, for cross-zone traffic; without client.rack " +
				"they run there without telling Kafka (rack-unaware)"},
	},
	extra: []string{"autoscaler"},
}).index()

var autoscalerSection = (&section{
	what: "autoscaler", pattern: "groups.NAME.autoscaler.", variable: true,
	title: "[groups.NAME.autoscaler]", about: "a KEDA-style autoscaler for the group: every polling_interval it wants ceil(lag / lag_threshold) consumers, within min_consumers..max_consumers, scaling down only after cooldown",
	defs: []keyDef{
		integer("lag_threshold", int64(1000), 1, math.MaxInt64, "target lag per consumer"),
		integer("activation_lag_threshold", int64(0), 0, math.MaxInt64, "below this total lag the group scales to min_consumers"),
		integer("min_consumers", int64(1), 0, maxMembers, "fewest consumers"),
		integer("max_consumers", int64(30), 1, maxMembers, "most consumers (capped at the partition count unless allow_idle_consumers)"),
		{name: "allow_idle_consumers", kind: kBool, def: false, doc: "may scale past the partition count"},
		{name: "limit_to_partitions_with_lag", kind: kBool, def: false, doc: "cap at the number of partitions with lag"},
		dur("polling_interval", "30s", true, "how often the scaler looks at lag"),
		dur("cooldown", "5m", false, "wait after a scale-down before the next"),
	},
}).index()

// eventSection holds every event field; which ones an action takes is in
// actionFields.
var eventSection = (&section{
	what: "event", pattern: "events[].",
	title: "[[events]]", about: "something that happens to a group, a topic or a producer at a moment (one table per event); each action takes the fields listed under EVENT ACTIONS",
	defs: []keyDef{
		required(dur("at", "", false, "when the event happens (before duration)")),
		required(keyDef{name: "action", kind: kEnum, enum: scenario.ActionNames(), doc: "what happens: " + strings.Join(scenario.ActionNames(), ", ")}),
		{name: "group", kind: kName, doc: "the group acted on (every action but producer_rate and add_partitions)"},
		integer("count", nil, 1, maxPartition, "members acted on (newest first); add_partitions: partitions added"),
		integer("member", nil, 0, maxMembers-1, "one member, by 0-based join order (instead of count)"),
		dur("downtime", "", false, "restart, rolling_restart: time down; coordinator_failover: time unreachable"),
		{name: "clean", kind: kBool, def: false, doc: "restart: stop cleanly (LeaveGroup) instead of crashing"},
		dur("duration", "", true, "pause, slow: how long"),
		{name: "factor", kind: kFloat, fmin: 0, gt: true, doc: "slow: processing time multiplier"},
		integer("to", nil, 0, maxMembers, "scale: target member count"),
		dur("interval", "", false, "rolling_restart: gap between one member's restart and the next"),
		{name: "topic", kind: kName, doc: "add_partitions: the topic"},
		{name: "producer", kind: kName, doc: "producer_rate: the producer"},
		{name: "rate", kind: kFloat, fmin: 0, doc: "producer_rate: records per second"},
	},
}).index()

// actionFields lists, per action, the fields it takes besides at and action.
// "count|member" means exactly one of the two.
var actionFields = [...][]string{
	scenario.ActJoin:                {"group", "count"},
	scenario.ActLeave:               {"group", "count|member"},
	scenario.ActCrash:               {"group", "count|member"},
	scenario.ActRestart:             {"group", "count|member", "downtime", "clean?"},
	scenario.ActRollingRestart:      {"group", "interval", "downtime"},
	scenario.ActPause:               {"group", "count|member", "duration"},
	scenario.ActSlow:                {"group", "count|member", "factor", "duration"},
	scenario.ActScale:               {"group", "to"},
	scenario.ActAddPartitions:       {"topic", "count"},
	scenario.ActProducerRate:        {"producer", "rate"},
	scenario.ActCoordinatorFailover: {"group", "downtime"},
}

var sloSection = (&section{
	what: "slo", pattern: "slo.",
	title: "[slo]", about: "service-level objectives every run is judged against, per group, from warmup on; a configuration passes when every seed passes. " +
		"Each objective is named after the metric it bounds (docs/metrics.md; the verdicts name them so too); set at least one",
	defs: []keyDef{
		// NB: SLO treats zero as "not set", so an objective of 0 cannot be
		// stored; it could never be met anyway (lag and pauses are never
		// exactly zero at every sample), hence the strict lower bounds.
		integer("lag_max", nil, 1, math.MaxInt64, "largest total lag (records) at any sample"),
		durUnit("lag_time_s_max", time.Second, "largest age of the oldest unprocessed record at any sample (a duration, or seconds)"),
		durUnit("latency_ms_p99", time.Millisecond, "largest p99 produce-to-processed latency of the records first processed (a duration, or milliseconds)"),
		durUnit("partition_pause_s_max_single", time.Second, "longest time any one partition could not be fetched (a duration, or seconds)"),
		dur("warmup", "0s", false, "samples before this are not judged (shorter than duration)"),
		// The names before the metrics' own were used (0.1.0); files
		// written then keep working.
		alias(integer("max_lag", nil, 1, math.MaxInt64, ""), "lag_max"),
		alias(dur("max_lag_time", "", true, ""), "lag_time_s_max"),
		alias(dur("p99_latency", "", true, ""), "latency_ms_p99"),
		alias(dur("max_pause", "", true, ""), "partition_pause_s_max_single"),
	},
}).index()

// SLOObjectives are the [slo] objectives' names, in the order verdicts list
// them.
var SLOObjectives = []string{"lag_max", "lag_time_s_max", "latency_ms_p99", "partition_pause_s_max_single"}

// durUnit is a positive duration written as a string or as a number of
// unit.
func durUnit(name string, unit time.Duration, doc string) keyDef {
	d := dur(name, "", true, doc)
	d.unit = unit
	return d
}

func alias(d keyDef, of string) keyDef {
	d.aliasOf = of
	d.doc = "the older name of " + of
	return d
}

var costSection = (&section{
	what: "cost", pattern: "cost.", variable: true,
	title: "[cost]", about: "prices that turn measured traffic into money (with a broker layout)",
	defs: []keyDef{
		{name: "cross_zone_per_gb", kind: kFloat, def: 0.02, fmin: 0,
			doc: "US dollars per GB (10^9 bytes) fetched from a replica in another rack (AWS: $0.01 each way between zones)"},
	},
}).index()

var variantSection = (&section{
	what: "variant", pattern: "variants[].",
	title: "[[variants]]", about: "a variant: the base file plus overrides by parameter path, e.g. \"groups.NAME.partition.assignment.strategy\" = \"cooperative-sticky\" (any key not marked fixed, outside [[events]] and [slo]); every variant runs once per seed, and the charts overlay them",
	defs: []keyDef{
		required(keyDef{name: "name", kind: kText, doc: "the variant's name (letters, digits, '-', '_', '.'); other keys are parameter paths"}),
	},
}).index()

// Param is one settable parameter, as `simulate list` shows it.
type Param struct {
	Path     string // pattern, e.g. "groups.NAME.session.timeout.ms"
	Key      string // as written in its table: session.timeout.ms quoted, since it has dots
	Default  string // as TOML, e.g. `45000`, `"1s"`, `["range", "cooperative-sticky"]`; "" when none
	Required bool
	Variable bool   // may be set by [[variants]] and swept in [sweep]
	AliasOf  string // the key this one is an older name of ("" for most)
	// DefaultText is set when Default describes the default in words
	// rather than as a TOML value.
	DefaultText bool
	Doc         string
}

// Section is one table of an experiment file and its keys.
type Section struct {
	Title  string // "[groups.NAME]", or "top level"
	About  string
	Params []Param
}

var allSections = []*section{topSection, brokerSection, topicSection, producerSection, rateChangeSection,
	groupSection, autoscalerSection, eventSection, variantSection, sloSection, costSection}

// Sections lists every table an experiment file may have and its keys, in
// a fixed order: top level, broker, topics, producers, rate changes,
// groups, autoscaler, events, variants, sweep, slo.
func Sections() []Section {
	var out []Section
	for _, s := range allSections {
		if s == sloSection {
			out = append(out, sweepSection())
		}
		sec := Section{Title: s.title, About: s.about}
		for i := range s.defs {
			d := &s.defs[i]
			p := Param{
				Path:     s.pattern + d.name,
				Key:      d.name,
				Default:  d.defDoc,
				Required: d.req,
				Variable: s.variable && !d.fixed,
				AliasOf:  d.aliasOf,
				Doc:      d.doc,
			}
			if strings.Contains(d.name, ".") {
				p.Key = strconv.Quote(d.name)
			}
			p.DefaultText = p.Default != ""
			if p.Default == "" && d.def != nil {
				p.Default = tomlLiteral(d.def)
			}
			sec.Params = append(sec.Params, p)
		}
		out = append(out, sec)
	}
	return out
}

// sweepSection describes [sweep], whose keys are parameter paths.
func sweepSection() Section {
	return Section{Title: "[sweep]",
		About: "a what-if grid: each key is a parameter path (as in [[variants]]), each value a list or a numeric range; " +
			"every variant runs at every point of the grid (the cross product of the values) with every seed, at most 10000 points",
		Params: []Param{
			{Path: "sweep.PATH", Key: `"groups.NAME.consumers"`, Default: "[4, 8, 16]", Doc: "a list of values, in the order the plan and the charts use"},
			{Path: "sweep.PATH", Key: `"topics.NAME.partitions"`, Default: "{from = 12, to = 48, step = 12}", Doc: "a range: from, from + step, ... up to to"},
		}}
}

// Parameters lists every key an experiment file may set, in the order of
// Sections ([sweep], whose keys are paths, aside).
func Parameters() []Param {
	var out []Param
	for _, s := range Sections() {
		if s.Title == "[sweep]" {
			continue
		}
		out = append(out, s.Params...)
	}
	return out
}

// tomlLiteral writes a decoded value back as TOML, for defaults and for
// messages.
func tomlLiteral(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		f := formatFloat(x)
		if !strings.ContainsAny(f, ".eEIN") {
			f += ".0" // keep it a TOML float
		}
		return f
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = tomlLiteral(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// formatFloat prints a float plainly (0.5, 2, 50000), with an exponent
// only for very large or very small magnitudes.
func formatFloat(f float64) string {
	if a := math.Abs(f); a == 0 || a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
