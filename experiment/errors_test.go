package experiment

import (
	"errors"
	"strings"
	"testing"
)

// head is a valid file ending inside [groups.g]: text appended to it starts
// at line 8, in that group's table.
const head = `duration = "10m"
[topics.t]
partitions = 4
[groups.g]
topics = ["t"]
consumers = 2
processing_time = "1ms"
`

// g appends to the group table; pre puts top-level keys first (line 1).
func g(extra string) string   { return head + extra }
func pre(extra string) string { return extra + head }

var badCases = []struct {
	name, src string
	want      string // the whole error text, lines joined by \n
}{
	// Syntax and types.
	{"syntax", g("x = \n"), "x.toml:8: TOML syntax error: expected value but found '\\n' instead"},
	{"duplicate key", g("consumers = 3\n"), "x.toml:8: TOML syntax error: Key 'groups.g.consumers' has already been defined."},
	{"unknown top-level key", pre("durration = \"1m\"\n"), "x.toml:1: durration: unknown key in an experiment; did you mean duration?"},
	{"unknown group key", g("\"sesion.timeout.ms\" = 1\n"), "x.toml:8: groups.g.sesion.timeout.ms: unknown key in a group; did you mean session.timeout.ms?"},
	{"unknown group key far", g("colour = 1\n"), "x.toml:8: groups.g.colour: unknown key in a group; `simulate list` shows the allowed keys"},
	{"int as string", g("\"max.poll.records\" = \"500\"\n"), `x.toml:8: groups.g.max.poll.records: must be an integer, not the string "500"`},
	{"ms as duration", g("\"session.timeout.ms\" = \"45s\"\n"), `x.toml:8: groups.g.session.timeout.ms: must be an integer number of milliseconds, not the string "45s" (write 45000)`},
	{"duration as int", g("revoke_time = 10\n"), `x.toml:8: groups.g.revoke_time: must be a duration string such as "250ms", "45s" or "10m", not the integer 10`},
	{"bad duration", pre("sample_interval = \"1 second\"\n"), `x.toml:1: sample_interval: "1 second" is not a duration: write a number and a unit (ns, us, ms, s, m, h), e.g. "250ms", "45s", "1h30m"`},
	{"float for int", g("consumers_x = 1\n"), "x.toml:8: groups.g.consumers_x: unknown key in a group; did you mean consumers?"},
	{"bool type", g("static_membership = \"yes\"\n"), `x.toml:8: groups.g.static_membership: must be true or false, not the string "yes"`},
	{"date-time", g("processing_cv = 1979-05-27\n"), "x.toml:8: groups.g.processing_cv: must be a number, not a date-time"},
	{"nan", g("processing_cv = nan\n"), "x.toml:8: groups.g.processing_cv: must be a finite number, not NaN"},
	{"table expected", pre("broker = 3\n"), "x.toml:1: broker: must be a table ([broker]), not the integer 3"},

	// Top level.
	{"duration missing", "[topics.t]\npartitions = 1\n[groups.g]\ntopics = [\"t\"]\nconsumers = 1\nprocessing_time = \"1ms\"\n",
		"x.toml: duration: required key is missing (simulated time of every run)"},
	{"duration zero", "duration = \"0s\"\n" + head[len("duration = \"10m\"\n"):], `x.toml:1: duration: "0s" must be greater than 0`},
	{"sample longer than duration", pre("sample_interval = \"11m\"\n"), `x.toml:1: sample_interval: "11m" must not be longer than duration (10m)`},
	{"batch longer than sample", pre("batch_interval = \"2s\"\n"), `x.toml:1: batch_interval: "2s" must not be longer than sample_interval (1s)`},
	{"batch zero", pre("batch_interval = \"0s\"\n"), `x.toml:1: batch_interval: "0s" must be greater than 0`},
	{"seed and seeds", pre("seed = 1\nseeds = [2]\n"), "x.toml:2: seeds: give seed or seeds, not both"},
	{"seeds empty", pre("seeds = []\n"), "x.toml:1: seeds: must not be empty"},
	{"seeds duplicate", pre("seeds = [1, 2,\n  1]\n"), "x.toml:2: seeds[2]: 1 is listed twice"},
	{"seed negative", pre("seed = -1\n"), "x.toml:1: seed: -1 must not be negative"},
	{"bad name", pre("name = \"a b\"\n"), `x.toml:1: name: "a b" is not allowed: use letters, digits, '-', '_' and '.'`},
	{"dots name", pre("name = \"..\"\n"), `x.toml:1: name: ".." is not allowed: use letters, digits, '-', '_' and '.'`},
	{"no groups", "duration = \"1m\"\n[topics.t]\npartitions = 1\n", "x.toml: groups: at least one consumer group is required, e.g. [groups.processors]"},

	// Broker.
	// KIP-848's broker settings, with Kafka's rules (GroupCoordinatorConfig).
	{"broker heartbeat bounds", g("[broker]\n\"group.consumer.heartbeat.interval.ms\" = 4000\n"),
		"x.toml:9: broker.group.consumer.heartbeat.interval.ms: group.consumer.heartbeat.interval.ms must be greater than or equal to " +
			"group.consumer.min.heartbeat.interval.ms (4000 and 5000); the broker refuses to start otherwise"},
	{"broker session bounds", g("[broker]\n\"group.consumer.session.timeout.ms\" = 60001\n"),
		"x.toml:9: broker.group.consumer.session.timeout.ms: group.consumer.session.timeout.ms must be less than or equal to " +
			"group.consumer.max.session.timeout.ms (60001 and 60000); the broker refuses to start otherwise"},
	{"broker heartbeat max below min", g("[broker]\n\"group.consumer.max.heartbeat.interval.ms\" = 100\n"),
		"x.toml:9: broker.group.consumer.max.heartbeat.interval.ms: group.consumer.max.heartbeat.interval.ms must be greater than or equal to " +
			"group.consumer.min.heartbeat.interval.ms (100 and 5000); the broker refuses to start otherwise"},
	{"broker session max below min", g("[broker]\n\"group.consumer.max.session.timeout.ms\" = 40000\n"),
		"x.toml:9: broker.group.consumer.max.session.timeout.ms: group.consumer.max.session.timeout.ms must be greater than or equal to " +
			"group.consumer.min.session.timeout.ms (40000 and 45000); the broker refuses to start otherwise"},
	{"broker session below min", g("[broker]\n\"group.consumer.session.timeout.ms\" = 30000\n"),
		"x.toml:9: broker.group.consumer.session.timeout.ms: group.consumer.session.timeout.ms must be greater than or equal to " +
			"group.consumer.min.session.timeout.ms (30000 and 45000); the broker refuses to start otherwise"},
	{"broker heartbeat not below session", g("[broker]\n\"group.consumer.heartbeat.interval.ms\" = 15000\n" +
		"\"group.consumer.session.timeout.ms\" = 15000\n\"group.consumer.min.session.timeout.ms\" = 1000\n"),
		"x.toml:9: broker.group.consumer.heartbeat.interval.ms: group.consumer.heartbeat.interval.ms must be less than " +
			"group.consumer.session.timeout.ms (15000 and 15000); the broker refuses to start otherwise"},
	{"broker heartbeat zero", g("[broker]\n\"group.consumer.min.heartbeat.interval.ms\" = 0\n"),
		"x.toml:9: broker.group.consumer.min.heartbeat.interval.ms: 0 must be from 1 to 2147483647"},
	{"broker min > max", g("[broker]\n\"group.min.session.timeout.ms\" = 7000\n\"group.max.session.timeout.ms\" = 6500\n"),
		"x.toml:9: broker.group.min.session.timeout.ms: 7000 must not be greater than group.max.session.timeout.ms (6500)"},
	{"broker negative latency", g("[broker]\nnetwork_latency = \"-1ms\"\n"), `x.toml:9: broker.network_latency: "-1ms" must not be negative`},

	// Topics.
	{"partitions zero", "duration = \"1m\"\n[topics.t]\npartitions = 0\n[groups.g]\ntopics = [\"t\"]\nconsumers = 1\nprocessing_time = \"1ms\"\n",
		"x.toml:3: topics.t.partitions: 0 must be from 1 to 1000000"},
	{"partitions missing", g("[topics.u]\n"), "x.toml:8: topics.u.partitions: required key is missing (partition count)"},
	{"bad topic name", g("[topics.\"a.b\"]\npartitions = 1\n"), `x.toml:8: topics.a.b: topic name "a.b" is not allowed: use letters, digits, '-' and '_'`},

	// Producers.
	{"producer topic missing", g("[producers.p]\ntopic = \"nope\"\nrate = 1\n"), `x.toml:9: producers.p.topic: no topic "nope" in this file (topics: "t")`},
	{"producer rate negative", g("[producers.p]\ntopic = \"t\"\nrate = -1\n"), "x.toml:10: producers.p.rate: -1 must not be negative"},
	{"producer required", g("[producers.p]\n"), "x.toml:8: producers.p.topic: required key is missing (the topic written to)\nx.toml:8: producers.p.rate: required key is missing (records per second)"},
	{"key_count without keys", g("[producers.p]\ntopic = \"t\"\nrate = 1\nkey_count = 5\n"), `x.toml:11: producers.p.key_count: is only used with keys = "uniform" or "zipf" (keys is "none")`},
	{"zipf_s without keys", g("[producers.p]\ntopic = \"t\"\nrate = 1\nkeys = \"none\"\nzipf_s = 1.1\n"), `x.toml:12: producers.p.zipf_s: is only used with keys = "zipf" (keys is "none")`},
	{"zipf_s zero", g("[producers.p]\ntopic = \"t\"\nrate = 1\nkeys = \"zipf\"\nzipf_s = 0\n"), "x.toml:12: producers.p.zipf_s: 0 must be greater than 0"},
	{"arrivals enum", g("[producers.p]\ntopic = \"t\"\nrate = 1\narrivals = \"bursty\"\n"), `x.toml:11: producers.p.arrivals: "bursty" must be one of constant, poisson`},
	{"rate change after end", g("[producers.p]\ntopic = \"t\"\nrate = 1\n[[producers.p.rate_changes]]\nat = \"10m\"\nrate = 2\n"),
		`x.toml:12: producers.p.rate_changes[0].at: "10m" must be before the end of the run (duration = 10m)`},
	{"rate changes same time", g("[producers.p]\ntopic = \"t\"\nrate = 1\n[[producers.p.rate_changes]]\nat = \"1m\"\nrate = 2\n[[producers.p.rate_changes]]\nat = \"60s\"\nrate = 3\n"),
		`x.toml:15: producers.p.rate_changes[1].at: "60s" is also the time of the rate change at line 12; give each change its own time`},
	{"rate change unknown key", g("[producers.p]\ntopic = \"t\"\nrate = 1\nrate_changes = [{at = \"1m\", rat = 2}]\n"),
		"x.toml:11: producers.p.rate_changes[0].rat: unknown key in a rate change; did you mean rate?\nx.toml:11: producers.p.rate_changes[0].rate: required key is missing (records per second from then on)"},

	// Groups.
	{"consumers too many", "duration = \"1m\"\n[topics.t]\npartitions = 1\n[groups.g]\ntopics = [\"t\"]\nconsumers = 10001\nprocessing_time = \"1ms\"\n",
		"x.toml:6: groups.g.consumers: 10001 must be from 0 to 10000"},
	{"group topic missing", "duration = \"1m\"\n[topics.t]\npartitions = 1\n[groups.g]\ntopics = [\"t\",\n \"u\"]\nconsumers = 1\nprocessing_time = \"1ms\"\n",
		`x.toml:6: groups.g.topics[1]: no topic "u" in this file (topics: "t")`},
	{"group topics empty", "duration = \"1m\"\n[topics.t]\npartitions = 1\n[groups.g]\ntopics = []\nconsumers = 1\nprocessing_time = \"1ms\"\n",
		"x.toml:5: groups.g.topics: must not be empty"},
	{"group topics string", "duration = \"1m\"\n[topics.t]\npartitions = 1\n[groups.g]\ntopics = \"t\"\nconsumers = 1\nprocessing_time = \"1ms\"\n",
		`x.toml:5: groups.g.topics: must be an array of strings, e.g. ["t"]`},
	{"heartbeat >= session", g("\"heartbeat.interval.ms\" = 50000\n"), "x.toml:8: groups.g.heartbeat.interval.ms: 50000 must be lower than session.timeout.ms (45000)"},
	{"session outside broker bounds", g("\"session.timeout.ms\" = 5000\n\"heartbeat.interval.ms\" = 1000\n"),
		"x.toml:8: groups.g.session.timeout.ms: 5000 must be within the broker's group.min.session.timeout.ms (6000) and group.max.session.timeout.ms (1800000) for a classic group"},
	// Kafka's consumer refuses classic-only client settings with the
	// consumer protocol (ConsumerConfig), one error per key at its line.
	{"consumer protocol refuses client session", g("\"session.timeout.ms\" = 5000\n\"heartbeat.interval.ms\" = 1000\n\"group.protocol\" = \"consumer\"\n"),
		"x.toml:8: groups.g.session.timeout.ms: cannot be set when group.protocol=CONSUMER, as Kafka's consumer refuses it " +
			"(the broker sets it: set broker.group.consumer.session.timeout.ms instead)\n" +
			"x.toml:9: groups.g.heartbeat.interval.ms: cannot be set when group.protocol=CONSUMER, as Kafka's consumer refuses it " +
			"(the broker sets it: set broker.group.consumer.heartbeat.interval.ms instead)"},
	{"consumer protocol refuses client assignors", g("\"group.protocol\" = \"consumer\"\n\"partition.assignment.strategy\" = \"range\"\n"),
		"x.toml:9: groups.g.partition.assignment.strategy: cannot be set when group.protocol=CONSUMER, as Kafka's consumer refuses it " +
			"(the broker assigns partitions: set group.remote.assignor instead)"},
	{"consumer protocol by a variant refuses the base session", g("\"session.timeout.ms\" = 10000\n[[variants]]\nname = \"kip848\"\n\"groups.g.group.protocol\" = \"consumer\"\n"),
		"x.toml:11: groups.g.session.timeout.ms: cannot be set when group.protocol=CONSUMER, as Kafka's consumer refuses it " +
			"(the broker sets it: set broker.group.consumer.session.timeout.ms instead) (variant \"kip848\")"},
	{"consumer protocol by a sweep refuses a variant's heartbeat", g("[[variants]]\nname = \"fast\"\n\"groups.g.heartbeat.interval.ms\" = 500\n" +
		"[sweep]\n\"groups.g.group.protocol\" = [\"classic\", \"consumer\"]\n"),
		"x.toml:10: groups.g.heartbeat.interval.ms: cannot be set when group.protocol=CONSUMER, as Kafka's consumer refuses it " +
			"(the broker sets it: set broker.group.consumer.heartbeat.interval.ms instead) (variant \"fast\"; sweep groups.g.group.protocol=consumer)"},
	{"commit contradiction", g("commit = \"sync\"\n\"enable.auto.commit\" = true\n"),
		`x.toml:9: groups.g.enable.auto.commit: true contradicts commit = "sync" (enable.auto.commit must be true with commit = "auto" and false with commit = "sync")`},
	{"strategy unknown", g("\"partition.assignment.strategy\" = [\"range\", \"uniform\"]\n"),
		`x.toml:8: groups.g.partition.assignment.strategy[1]: "uniform" must be one of range, roundrobin, sticky, cooperative-sticky`},
	{"strategy twice", g("\"partition.assignment.strategy\" = [\"range\", \"range\"]\n"), `x.toml:8: groups.g.partition.assignment.strategy[1]: "range" is listed twice`},
	{"strategy empty", g("\"partition.assignment.strategy\" = []\n"), "x.toml:8: groups.g.partition.assignment.strategy: must not be empty"},
	{"remote assignor", g("\"group.remote.assignor\" = \"sticky\"\n"), `x.toml:8: groups.g.group.remote.assignor: "sticky" must be one of uniform, range`},
	{"processing_cv zero", g("processing_cv = 0.0\n"), "x.toml:8: groups.g.processing_cv: 0 must be greater than 0"},
	{"max.poll.records zero", g("\"max.poll.records\" = 0\n"), "x.toml:8: groups.g.max.poll.records: 0 must be from 1 to 2147483647"},
	{"ms too large", g("\"max.poll.interval.ms\" = 2147483648\n"), "x.toml:8: groups.g.max.poll.interval.ms: 2147483648 must be from 1 to 2147483647"},
	{"bad group name", g("[groups.\"my group\"]\n"), `x.toml:8: groups.my group: group name "my group" is not allowed: use letters, digits, '-' and '_'` +
		"\nx.toml:8: groups.my group.topics: required key is missing (topics the group subscribes to)" +
		"\nx.toml:8: groups.my group.consumers: required key is missing (members started at t = 0)" +
		"\nx.toml:8: groups.my group.processing_time: required key is missing (mean time to process one record)"},
	{"autoscaler min > max", g("[groups.g.autoscaler]\nmin_consumers = 5\nmax_consumers = 4\n"),
		"x.toml:9: groups.g.autoscaler.min_consumers: 5 must not be greater than max_consumers (4)"},
	{"autoscaler polling zero", g("[groups.g.autoscaler]\npolling_interval = \"0s\"\nlag_threshold = 0\n"),
		"x.toml:9: groups.g.autoscaler.polling_interval: \"0s\" must be greater than 0\nx.toml:10: groups.g.autoscaler.lag_threshold: 0 must be at least 1"},
	{"autoscaler unknown", g("[groups.g.autoscaler]\nmaxReplicaCount = 4\n"),
		"x.toml:9: groups.g.autoscaler.maxReplicaCount: unknown key in an autoscaler; allowed: lag_threshold, activation_lag_threshold, min_consumers, max_consumers, allow_idle_consumers, limit_to_partitions_with_lag, polling_interval, cooldown"},

	// Events.
	{"event action unknown", g("[[events]]\nat = \"1m\"\naction = \"kill\"\ngroup = \"g\"\n"),
		`x.toml:10: events[0].action: "kill" must be one of join, leave, crash, restart, rolling_restart, pause, slow, scale, add_partitions, producer_rate, coordinator_failover`},
	{"event at missing", g("[[events]]\naction = \"join\"\ngroup = \"g\"\ncount = 1\n"), "x.toml:8: events[0].at: required key is missing (when the event happens (before duration))"},
	{"event at too late", g("[[events]]\nat = \"10m\"\naction = \"join\"\ngroup = \"g\"\ncount = 1\n"),
		`x.toml:9: events[0].at: "10m" must be before the end of the run (duration = 10m)`},
	{"event group missing", g("[[events]]\nat = \"1m\"\naction = \"join\"\ncount = 1\n"), `x.toml:8: events[0].group: required by action "join" (the group acted on (every action but producer_rate and add_partitions))`},
	{"event group unknown", g("[[events]]\nat = \"1m\"\naction = \"join\"\ngroup = \"h\"\ncount = 1\n"), `x.toml:11: events[0].group: no group "h" in this file (groups: "g")`},
	{"event field not taken", g("[[events]]\nat = \"1m\"\naction = \"join\"\ngroup = \"g\"\ncount = 1\ndowntime = \"1s\"\n"),
		`x.toml:13: events[0].downtime: is not a field of action "join" (it takes at, action, group, count)`},
	{"event count and member", g("[[events]]\nat = \"1m\"\naction = \"crash\"\ngroup = \"g\"\ncount = 1\nmember = 0\n"),
		`x.toml:13: events[0].member: action "crash" takes count or member, not both`},
	{"event neither count nor member", g("[[events]]\nat = \"1m\"\naction = \"leave\"\ngroup = \"g\"\n"),
		`x.toml:8: events[0]: action "leave" needs count (members, newest first) or member (a 0-based index)`},
	{"event member beyond slots", g("[[events]]\nat = \"1m\"\naction = \"crash\"\ngroup = \"g\"\nmember = 2\n"),
		`x.toml:12: events[0].member: 2 must be lower than 2, the members group "g" can have by then (consumers plus earlier joins and scale-ups)`},
	{"event member after join", g("[[events]]\nat = \"1m\"\naction = \"crash\"\ngroup = \"g\"\nmember = 2\n[[events]]\nat = \"30s\"\naction = \"join\"\ngroup = \"g\"\ncount = 1\n[[events]]\nat = \"2m\"\naction = \"pause\"\ngroup = \"g\"\nmember = 4\nduration = \"1s\"\n"),
		`x.toml:22: events[2].member: 4 must be lower than 3, the members group "g" can have by then (consumers plus earlier joins and scale-ups)`},
	{"event restart needs downtime", g("[[events]]\nat = \"1m\"\naction = \"restart\"\ngroup = \"g\"\ncount = 1\n"),
		`x.toml:8: events[0].downtime: required by action "restart" (restart, rolling_restart: time down; coordinator_failover: time unreachable)`},
	{"event slow factor", g("[[events]]\nat = \"1m\"\naction = \"slow\"\ngroup = \"g\"\ncount = 1\nfactor = 0\nduration = \"0s\"\n"),
		"x.toml:13: events[0].factor: 0 must be greater than 0\nx.toml:14: events[0].duration: \"0s\" must be greater than 0"},
	{"event producer_rate takes no group", g("[producers.p]\ntopic = \"t\"\nrate = 1\n[[events]]\nat = \"1m\"\naction = \"producer_rate\"\ngroup = \"g\"\nproducer = \"q\"\nrate = 5\n"),
		"x.toml:14: events[0].group: is not a field of action \"producer_rate\" (it takes at, action, producer, rate)\n" +
			`x.toml:15: events[0].producer: no producer "q" in this file (producers: "p")`},
	{"event add_partitions", g("[[events]]\nat = \"1m\"\naction = \"add_partitions\"\ntopic = \"t\"\ncount = 999997\n"),
		`x.toml:12: events[0].count: 999997 more partitions would give topic "t" 1000001, more than 1000000`},
	{"event join count too large", g("[[events]]\nat = \"1m\"\naction = \"join\"\ngroup = \"g\"\ncount = 10001\n"),
		"x.toml:12: events[0].count: 10001 must be from 1 to 10000"},
	{"events not an array", g("[events]\nat = 1\n"), "x.toml:8: events: must be an array of tables ([[events]]), not a table"},

	// SLO.
	{"slo empty", g("[slo]\nwarmup = \"1m\"\n"), "x.toml:8: slo: needs at least one objective: lag_max, lag_time_s_max, latency_ms_p99, partition_pause_s_max_single"},
	{"slo zero lag", g("[slo]\nmax_lag = 0\n"), "x.toml:9: slo.max_lag: 0 must be at least 1"},
	{"slo warmup too long", g("[slo]\nmax_pause = \"1s\"\nwarmup = \"10m\"\n"), `x.toml:10: slo.warmup: "10m" must be shorter than duration (10m)`},

	// Variants.
	{"variant name missing", g("[[variants]]\n\"groups.g.consumers\" = 3\n"), "x.toml:8: variants[0].name: required key is missing (the variant's name (letters, digits, '-', '_', '.'); other keys are parameter paths)"},
	{"variant name twice", g("[[variants]]\nname = \"a\"\n[[variants]]\nname = \"a\"\n"), `x.toml:11: variants[1].name: "a" is already the name of the variant at line 9`},
	{"variant bad name", g("[[variants]]\nname = \"a/b\"\n"), `x.toml:9: variants[0].name: "a/b" is not allowed: use letters, digits, '-', '_' and '.'`},
	{"variant unknown group", g("[[variants]]\nname = \"a\"\n\"groups.h.consumers\" = 3\n"), `x.toml:10: variants[0].groups.h.consumers: no group "h" in this file (groups: "g")`},
	{"variant unknown key", g("[[variants]]\nname = \"a\"\n\"groups.g.session.timeout\" = 3\n"),
		`x.toml:10: variants[0].groups.g.session.timeout: a group has no key "session.timeout"; did you mean session.timeout.ms?`},
	{"variant unknown root", g("[[variants]]\nname = \"a\"\nseed = 3\n"),
		"x.toml:10: variants[0].seed: not a parameter that can vary; write topics.NAME.KEY, producers.NAME.KEY, groups.NAME.KEY, groups.NAME.autoscaler.KEY, broker.KEY, cost.KEY, duration, sample_interval or batch_interval"},
	{"variant sub-table", g("[[variants]]\nname = \"a\"\n\"producers.p.rate_changes\" = []\n[producers.p]\ntopic = \"t\"\nrate = 1\n"),
		`x.toml:10: variants[0].producers.p.rate_changes: rate_changes is a table; a variant or sweep sets single keys (e.g. producers.p.topic)`},
	{"variant value checked", g("[[variants]]\nname = \"fast\"\n\"groups.g.heartbeat.interval.ms\" = 50000\n"),
		`x.toml:10: groups.g.heartbeat.interval.ms: 50000 must be lower than session.timeout.ms (45000) (variant "fast")`},
	{"variant breaks a rule from the other side", g("\"heartbeat.interval.ms\" = 3000\n[[variants]]\nname = \"short\"\n\"groups.g.session.timeout.ms\" = 2000\n"),
		"x.toml:11: groups.g.heartbeat.interval.ms: 3000 must be lower than session.timeout.ms (2000) (variant \"short\")\n" +
			"x.toml:11: groups.g.session.timeout.ms: 2000 must be within the broker's group.min.session.timeout.ms (6000) and group.max.session.timeout.ms (1800000) for a classic group (variant \"short\")"},
	{"variant type", g("[[variants]]\nname = \"a\"\n\"groups.g.consumers\" = \"3\"\n"), `x.toml:10: groups.g.consumers: must be an integer, not the string "3" (variant "a")`},
	{"variant set twice", g("[[variants]]\nname = \"a\"\n\"groups.g.consumers\" = 3\ngroups.g.consumers = 4\n"),
		"x.toml:11: variants[0].groups.g.consumers: groups.g.consumers is already set by this variant at line 10"},
	{"variant duration moves events", g("[[events]]\nat = \"5m\"\naction = \"join\"\ngroup = \"g\"\ncount = 1\n[[variants]]\nname = \"short\"\nduration = \"5m\"\n"),
		`x.toml:15: events[0].at: "5m" must be before the end of the run (duration = 5m) (variant "short")`},
	{"variants empty", g("variants = []\n"), "x.toml:8: groups.g.variants: unknown key in a group; `simulate list` shows the allowed keys"},
	{"variants empty top", pre("variants = []\n"), "x.toml:1: variants: must hold at least one [[variants]] table"},

	// Sweep.
	{"sweep empty", g("[sweep]\n"), `x.toml:8: sweep: needs at least one parameter path, e.g. "groups.NAME.consumers" = [1, 2, 4]`},
	{"sweep scalar", g("[sweep]\n\"groups.g.consumers\" = 4\n"), "x.toml:9: sweep.groups.g.consumers: must be a list of values, e.g. [1, 2, 4], or a range {from = 1, to = 8, step = 1}, not the integer 4"},
	{"sweep empty list", g("[sweep]\n\"groups.g.consumers\" = []\n"), "x.toml:9: sweep.groups.g.consumers: must list at least one value"},
	{"sweep duplicate value", g("[sweep]\n\"groups.g.consumers\" = [1, 2, 1]\n"), "x.toml:9: sweep.groups.g.consumers[2]: 1 is listed twice"},
	{"sweep nested list", g("[sweep]\n\"groups.g.partition.assignment.strategy\" = [[\"range\"]]\n"),
		"x.toml:9: sweep.groups.g.partition.assignment.strategy[0]: a swept value must be a number, a string or a boolean, not an array"},
	{"sweep bad range", g("[sweep]\n\"groups.g.consumers\" = {from = 4, to = 1, step = 1}\n"), "x.toml:9: sweep.groups.g.consumers.from: 4 must not be greater than to (1)"},
	{"sweep zero step", g("[sweep]\n\"groups.g.consumers\" = {from = 1, to = 4, step = 0}\n"), "x.toml:9: sweep.groups.g.consumers.step: 0 must be greater than 0"},
	{"sweep range keys", g("[sweep]\n\"groups.g.consumers\" = {from = 1, to = 4, stride = 1}\n"),
		"x.toml:9: sweep.groups.g.consumers.stride: unknown key in a range; allowed: from, to, step\nx.toml:9: sweep.groups.g.consumers.step: required key is missing (a range is {from, to, step})"},
	{"sweep range too long", g("[sweep]\n\"groups.g.consumers\" = {from = 0, to = 10000, step = 1}\n"), "x.toml:9: sweep.groups.g.consumers: gives more than 10000 values; use a larger step"},
	{"sweep grid too big", g("[sweep]\n\"groups.g.consumers\" = {from = 0, to = 999, step = 1}\n\"topics.t.partitions\" = {from = 1, to = 11, step = 1}\n"),
		"x.toml:8: sweep: the grid has more than 10000 points; sweep fewer values"},
	{"sweep value checked", g("[sweep]\n\"groups.g.consumers\" = [1, 10001]\n"), `x.toml:9: groups.g.consumers: 10001 must be from 0 to 10000 (sweep groups.g.consumers=10001)`},
	{"sweep and variant", g("[[variants]]\nname = \"a\"\n\"groups.g.consumers\" = 3\n[sweep]\n\"groups.g.consumers\" = [1, 2]\n"),
		"x.toml:10: variants[0].groups.g.consumers: groups.g.consumers is also swept in [sweep] (line 12); vary it in one place"},
	{"sweep provides a member bound", g("[[events]]\nat = \"1m\"\naction = \"crash\"\ngroup = \"g\"\nmember = 1\n[sweep]\n\"groups.g.consumers\" = [1, 2]\n"),
		`x.toml:14: events[0].member: 1 must be lower than 1, the members group "g" can have by then (consumers plus earlier joins and scale-ups) (sweep groups.g.consumers=1)`},
}

func TestBadInputs(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			x, err := Parse("x.toml", []byte(c.src))
			if err == nil {
				t.Fatalf("no error; %d runs", len(x.Runs))
			}
			if x != nil {
				t.Errorf("an Experiment came back with the error")
			}
			if got := err.Error(); got != c.want {
				t.Errorf("error\n got %s\nwant %s", got, c.want)
			}
			checkErrorShape(t, err)
		})
	}
}

// checkErrorShape asserts what the CLI relies on: an *Error or an
// ErrorList of them, each with a message.
func checkErrorShape(t *testing.T, err error) {
	t.Helper()
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
		if len(list) < 2 {
			t.Errorf("an ErrorList of %d", len(list))
		}
		for _, e := range list {
			if e == nil || e.Msg == "" {
				t.Errorf("empty error in %v", err)
			}
		}
	case errors.As(err, &one):
		if one.Msg == "" {
			t.Errorf("empty message")
		}
	default:
		t.Errorf("error of type %T", err)
	}
	if strings.Contains(err.Error(), "internal error") {
		t.Errorf("panic caught: %v", err)
	}
}

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{File: "f.toml", Line: 3, Key: "a.b", Msg: "bad"}, "f.toml:3: a.b: bad"},
		{Error{File: "f.toml", Key: "a.b", Msg: "bad"}, "f.toml: a.b: bad"},
		{Error{File: "f.toml", Line: 3, Msg: "bad"}, "f.toml:3: bad"},
		{Error{Line: 3, Key: "k", Msg: "bad"}, "3: k: bad"},
		{Error{Msg: "bad"}, "bad"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}

func TestManyErrorsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; i < 30; i++ {
		b.WriteString("[topics.x" + strings.Repeat("y", i) + "]\npartitions = 0\n")
	}
	_, err := Parse("x.toml", []byte(b.String()))
	var list ErrorList
	if !errors.As(err, &list) || len(list) != maxErrors+1 {
		t.Fatalf("got %d errors: %v", len(list), err)
	}
	if last := list[maxErrors].Error(); last != "x.toml: 10 more problems not shown; fix the ones above first" {
		t.Errorf("last line %q", last)
	}
	for i := 1; i < maxErrors; i++ {
		if list[i].Line < list[i-1].Line {
			t.Errorf("not sorted by line: %v", err)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.toml")
	if err == nil || err.Error() != "testdata/does-not-exist.toml: cannot read the file: no such file or directory" {
		t.Errorf("err = %v", err)
	}
}
