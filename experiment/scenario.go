package experiment

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

var (
	durationPath = keyPath{}.key("duration")
	samplePath   = keyPath{}.key("sample_interval")
	batchPath    = keyPath{}.key("batch_interval")
)

// sloCheck carries what build needs of [slo] (warmup must end before the
// run does, and duration can differ per run).
type sloCheck struct {
	warmup val
	path   keyPath
}

// scenarioBuild is the state of one build: the names found so far, for the
// checks that tie tables together.
type scenarioBuild struct {
	c        *checker
	sc       *scenario.Scenario
	duration val

	topicNames    []string // every [topics.NAME], valid or not, sorted
	producerNames []string
	groupNames    []string
	topics        map[string]*scenario.Topic // valid ones only
	groups        map[string]*scenario.Group
	// rackNames are the brokers' racks, sorted (racks.go).
	rackNames []string
	// eventPaths[i] is where sc.Events[i] is written (events are sorted
	// by time, the file may list them in any order).
	eventPaths []keyPath
}

// build reads the scenario part of one run's configuration (the base file
// with a variant's and a sweep point's overrides applied). It returns nil
// when it found a problem, each reported through c.
func (c *checker) build(root map[string]any, slo *sloCheck) *scenario.Scenario {
	c.failed = false
	b := &scenarioBuild{c: c, sc: &scenario.Scenario{}, topics: map[string]*scenario.Topic{}, groups: map[string]*scenario.Group{}}
	top := tbl{m: root}

	b.duration = c.get(top, topSection, "duration")
	sample := c.get(top, topSection, "sample_interval")
	batch := c.get(top, topSection, "batch_interval")
	b.sc.Duration, b.sc.SampleInterval, b.sc.BatchInterval = b.duration.d, sample.d, batch.d
	if b.duration.ok && sample.ok && sample.d > b.duration.d {
		c.fail(samplePath, fmt.Sprintf("%q must not be longer than duration (%s)", sample.s, b.duration.s), durationPath)
	}
	if sample.ok && batch.ok && batch.d > sample.d {
		c.fail(batchPath, fmt.Sprintf("%q must not be longer than sample_interval (%s)", batch.s, sample.s), samplePath)
	}
	if slo != nil && slo.warmup.set && slo.warmup.ok && b.duration.ok && slo.warmup.d >= b.duration.d {
		c.fail(slo.path, fmt.Sprintf("%q must be shorter than duration (%s)", slo.warmup.s, b.duration.s), durationPath)
	}

	b.broker(top)
	b.readTopics(top)
	b.readProducers(top)
	b.readGroups(top)
	b.readEvents(top)
	b.readCost(top)
	if c.failed {
		return nil
	}
	b.limits()
	if c.failed {
		return nil
	}
	c.eventPaths = b.eventPaths
	return b.sc
}

// before reports a time at or after the end of the run.
func (b *scenarioBuild) before(p keyPath, v val) {
	if v.ok && b.duration.ok && v.d >= b.duration.d {
		b.c.fail(p, fmt.Sprintf("%q must be before the end of the run (duration = %s)", v.s, b.duration.s), durationPath)
	}
}

func (b *scenarioBuild) broker(top tbl) {
	c := b.c
	t, _ := c.table(top, "broker", "[broker]")
	c.unknown(t, brokerSection)
	get := func(k string) val { return c.get(t, brokerSection, k) }
	minS, maxS := get("group.min.session.timeout.ms"), get("group.max.session.timeout.ms")
	const (
		hbKey, minHbKey, maxHbKey = "group.consumer.heartbeat.interval.ms", "group.consumer.min.heartbeat.interval.ms", "group.consumer.max.heartbeat.interval.ms"
		stKey, minStKey, maxStKey = "group.consumer.session.timeout.ms", "group.consumer.min.session.timeout.ms", "group.consumer.max.session.timeout.ms"
	)
	hb, minHb, maxHb := get(hbKey), get(minHbKey), get(maxHbKey)
	st, minSt, maxSt := get(stKey), get(minStKey), get(maxStKey)
	b.sc.Broker = scenario.Broker{
		InitialRebalanceDelay:        get("group.initial.rebalance.delay.ms").d,
		NetworkLatency:               get("network_latency").d,
		MinSessionTimeout:            minS.d,
		MaxSessionTimeout:            maxS.d,
		ConsumerHeartbeatInterval:    hb.d,
		ConsumerSessionTimeout:       st.d,
		ConsumerMinHeartbeatInterval: minHb.d,
		ConsumerMaxHeartbeatInterval: maxHb.d,
		ConsumerMinSessionTimeout:    minSt.d,
		ConsumerMaxSessionTimeout:    maxSt.d,
		ConsumerAssignmentInterval:   get("group.consumer.assignment.interval.ms").d,
		BrokerSessionTimeout:         get("broker.session.timeout.ms").d,
		GroupLoadTime:                get("group_load_time").d,
	}
	if minS.ok && maxS.ok && minS.i > maxS.i {
		c.fail(t.p.key("group.min.session.timeout.ms"),
			fmt.Sprintf("%d must not be greater than group.max.session.timeout.ms (%d)", minS.i, maxS.i),
			t.p.key("group.max.session.timeout.ms"))
	}
	// The KIP-848 settings, checked as Kafka's broker checks them when it
	// starts (GroupCoordinatorConfig), with its words and in its order:
	// the first rule broken is the one reported for each pair.
	rule := func(ok bool, a, b val, ka, kb, rel string) bool {
		if !a.ok || !b.ok || ok {
			return true
		}
		c.fail(t.p.key(ka), fmt.Sprintf("%s must be %s %s (%d and %d); the broker refuses to start otherwise", ka, rel, kb, a.i, b.i),
			t.p.key(kb))
		return false
	}
	_ = rule(maxHb.i >= minHb.i, maxHb, minHb, maxHbKey, minHbKey, "greater than or equal to") &&
		rule(hb.i >= minHb.i, hb, minHb, hbKey, minHbKey, "greater than or equal to") &&
		rule(hb.i <= maxHb.i, hb, maxHb, hbKey, maxHbKey, "less than or equal to")
	_ = rule(maxSt.i >= minSt.i, maxSt, minSt, maxStKey, minStKey, "greater than or equal to") &&
		rule(st.i >= minSt.i, st, minSt, stKey, minStKey, "greater than or equal to") &&
		rule(st.i <= maxSt.i, st, maxSt, stKey, maxStKey, "less than or equal to")
	rule(hb.i < st.i, hb, st, hbKey, stKey, "less than")
	b.layout(t)
}

// names lists the entries of a [KIND.NAME] table, sorted, reporting names
// that are not allowed.
func (b *scenarioBuild) names(t tbl, what string) []string {
	var out []string
	for _, name := range sortedKeys(t.m) {
		if !nameTooLong(b.c, t.p.key(name), name) && !validName(name) {
			b.c.fail(t.p.key(name), fmt.Sprintf("%s name %q is not allowed: use letters, digits, '-' and '_'", what, name))
		}
		out = append(out, name)
	}
	return out
}

func (b *scenarioBuild) readTopics(top tbl) {
	c := b.c
	tt, _ := c.table(top, "topics", "[topics.NAME]")
	b.topicNames = b.names(tt, "topic")
	for _, name := range b.topicNames {
		t, ok := c.table(tt, name, "[topics."+name+"]")
		if !ok {
			continue
		}
		c.unknown(t, topicSection)
		v := c.get(t, topicSection, "partitions")
		if !v.ok {
			continue
		}
		tp := scenario.Topic{Name: name, Partitions: int(v.i), Line: c.lines.line(t.p)}
		b.topicLayout(t, &tp)
		b.sc.Topics = append(b.sc.Topics, tp)
	}
	for i := range b.sc.Topics {
		b.topics[b.sc.Topics[i].Name] = &b.sc.Topics[i]
	}
}

// exists reports a reference to a name that is not defined.
func (b *scenarioBuild) exists(p keyPath, v val, kind string, names []string) bool {
	if !v.ok {
		return false
	}
	if !contains(names, v.s) {
		b.c.fail(p, fmt.Sprintf("no %s %q in this file (%ss: %s)", kind, v.s, kind, quoteList(names)))
		return false
	}
	return true
}

func (b *scenarioBuild) readProducers(top tbl) {
	c := b.c
	pt, _ := c.table(top, "producers", "[producers.NAME]")
	b.producerNames = b.names(pt, "producer")
	for _, name := range b.producerNames {
		t, ok := c.table(pt, name, "[producers."+name+"]")
		if !ok {
			continue
		}
		c.unknown(t, producerSection)
		get := func(k string) val { return c.get(t, producerSection, k) }
		topic, rate, arrivals, keys := get("topic"), get("rate"), get("arrivals"), get("keys")
		keyCount, zipfS := get("key_count"), get("zipf_s")
		b.exists(t.p.key("topic"), topic, "topic", b.topicNames)
		if keys.ok && keyCount.set && keys.s == "none" {
			c.fail(t.p.key("key_count"), `is only used with keys = "uniform" or "zipf" (keys is "none")`, t.p.key("keys"))
		}
		// NB: zipf_s with keys = "uniform" is allowed (and unused): SPEC's
		// own example writes it, and a variant may switch uniform <-> zipf.
		if keys.ok && zipfS.set && keys.s == "none" {
			c.fail(t.p.key("zipf_s"), `is only used with keys = "zipf" (keys is "none")`, t.p.key("keys"))
		}
		p := scenario.Producer{
			Name:        name,
			Topic:       topic.s,
			Rate:        rate.f,
			Arrivals:    scenario.Arrivals(arrivals.i),
			Keys:        scenario.Keys(keys.i),
			KeyCount:    int(keyCount.i),
			ZipfS:       zipfS.f,
			RateChanges: b.rateChanges(t),
			Line:        c.lines.line(t.p),
		}
		b.sc.Producers = append(b.sc.Producers, p)
	}
}

func (b *scenarioBuild) rateChanges(t tbl) []scenario.RateChange {
	c := b.c
	type change struct {
		scenario.RateChange

		p keyPath
		s string
	}
	var list []change
	for _, rt := range c.tables(t, "rate_changes", "[[producers.NAME.rate_changes]]") {
		c.unknown(rt, rateChangeSection)
		at, rate := c.get(rt, rateChangeSection, "at"), c.get(rt, rateChangeSection, "rate")
		b.before(rt.p.key("at"), at)
		if at.ok && rate.ok {
			list = append(list, change{scenario.RateChange{At: at.d, Rate: rate.f}, rt.p, at.s})
		}
	}
	// Sorted by time for the simulator; stable so that the duplicate
	// reported is the later one in the file.
	sort.SliceStable(list, func(i, j int) bool { return list[i].At < list[j].At })
	var out []scenario.RateChange
	for i, ch := range list {
		if i > 0 && ch.At == list[i-1].At {
			c.fail(ch.p.key("at"), fmt.Sprintf("%q is also the time of the rate change at line %d; give each change its own time",
				ch.s, c.lines.line(list[i-1].p.key("at"))))
		}
		out = append(out, ch.RateChange)
	}
	return out
}

func (b *scenarioBuild) readGroups(top tbl) {
	c := b.c
	gt, present := c.table(top, "groups", "[groups.NAME]")
	b.groupNames = b.names(gt, "group")
	if _, has := top.m["groups"]; !has || present && len(b.groupNames) == 0 {
		c.fail(gt.p, "at least one consumer group is required, e.g. [groups.processors]")
	}
	brokerP := keyPath{}.key("broker")
	for _, name := range b.groupNames {
		t, ok := c.table(gt, name, "[groups."+name+"]")
		if !ok {
			continue
		}
		c.unknown(t, groupSection)
		get := func(k string) val { return c.get(t, groupSection, k) }
		at := func(k string) keyPath { return t.p.key(k) }

		topics := get("topics")
		if topics.ok {
			for i, tn := range topics.ss {
				if !contains(b.topicNames, tn) {
					c.fail(at("topics").at(i), fmt.Sprintf("no topic %q in this file (topics: %s)", tn, quoteList(b.topicNames)))
				}
			}
		}
		g := scenario.Group{
			Name:                   name,
			Topics:                 append([]string(nil), topics.ss...),
			Consumers:              int(get("consumers").i),
			ProcessingTime:         get("processing_time").d,
			ProcessingDistribution: scenario.Distribution(get("processing_distribution").i),
			ProcessingCV:           get("processing_cv").f,
			StaticMembership:       get("static_membership").b,
			RevokeTime:             get("revoke_time").d,
			AssignmentTime:         get("assignment_time").d,
			StartupJitter:          get("startup_jitter").d,
			AssignmentStrategy:     get("partition.assignment.strategy").ss,
			Protocol:               scenario.GroupProtocol(get("group.protocol").i),
			RemoteAssignor:         get("group.remote.assignor").s,
			MaxPollInterval:        get("max.poll.interval.ms").d,
			MaxPollRecords:         int(get("max.poll.records").i),
			AutoCommitInterval:     get("auto.commit.interval.ms").d,
			AutoOffsetReset:        get("auto.offset.reset").s,
			FetchMaxWait:           get("fetch.max.wait.ms").d,
			MetadataMaxAge:         get("metadata.max.age.ms").d,
			RetryBackoff:           get("retry.backoff.ms").d,
			RetryBackoffMax:        get("retry.backoff.max.ms").d,
			Line:                   c.lines.line(t.p),
		}
		sort.Strings(g.Topics) // the documented order of Group.Topics

		// commit and enable.auto.commit say the same thing; either one
		// alone decides, both must agree.
		commit, autoCommit := get("commit"), get("enable.auto.commit")
		g.Commit = scenario.CommitMode(commit.i)
		switch {
		case commit.set && autoCommit.set && commit.ok && autoCommit.ok && (commit.s == "auto") != autoCommit.b:
			c.fail(at("enable.auto.commit"), fmt.Sprintf(`%t contradicts commit = %q (enable.auto.commit must be true with commit = "auto" and false with commit = "sync")`,
				autoCommit.b, commit.s), at("commit"))
		case autoCommit.set && !commit.set && autoCommit.ok && !autoCommit.b:
			g.Commit = scenario.CommitSync
		}

		session, heartbeat, protocol := get("session.timeout.ms"), get("heartbeat.interval.ms"), get("group.protocol")
		g.SessionTimeout, g.HeartbeatInterval = session.d, heartbeat.d
		if protocol.ok && g.Protocol == scenario.ProtocolConsumer {
			b.consumerProtocolRefuses(t)
		}
		if session.ok && heartbeat.ok && heartbeat.i >= session.i {
			c.fail(at("heartbeat.interval.ms"), fmt.Sprintf("%d must be lower than session.timeout.ms (%d)", heartbeat.i, session.i),
				at("session.timeout.ms"))
		}
		if protocol.ok && g.Protocol == scenario.ProtocolClassic && session.ok {
			lo, hi := b.sc.Broker.MinSessionTimeout.Milliseconds(), b.sc.Broker.MaxSessionTimeout.Milliseconds()
			if lo <= hi && (session.i < lo || session.i > hi) {
				c.fail(at("session.timeout.ms"),
					fmt.Sprintf("%d must be within the broker's group.min.session.timeout.ms (%d) and group.max.session.timeout.ms (%d) for a classic group",
						session.i, lo, hi),
					brokerP.key("group.min.session.timeout.ms"), brokerP.key("group.max.session.timeout.ms"), at("group.protocol"))
			}
		}
		b.groupLayout(t, &g)
		if _, has := t.m["autoscaler"]; has {
			g.Autoscaler = b.autoscaler(t)
		}
		b.sc.Groups = append(b.sc.Groups, g)
	}
	for i := range b.sc.Groups {
		b.groups[b.sc.Groups[i].Name] = &b.sc.Groups[i]
	}
}

// consumerProtocolRefuses reports the client settings Kafka's consumer
// refuses with group.protocol = consumer (ConsumerConfig's
// CONSUMER_PROTOCOL_UNSUPPORTED_CONFIGS, "cannot be set when
// group.protocol=CONSUMER"): under KIP-848 the broker assigns partitions
// (group.remote.assignor) and sets every member's session and heartbeat.
//
// What counts is the run's effective configuration, as for the Java client,
// which sees one set of properties: a key written anywhere (the base group,
// a variant, a sweep) is set, and a default is not. So a base group with
// session.timeout.ms and a variant switching it to the consumer protocol is
// refused, at the variant's line: the user must move the key into the
// classic variants, as they would keep two property files.
func (b *scenarioBuild) consumerProtocolRefuses(t tbl) {
	hints := map[string]string{
		"partition.assignment.strategy": "the broker assigns partitions: set group.remote.assignor instead",
		"heartbeat.interval.ms":         "the broker sets it: set broker.group.consumer.heartbeat.interval.ms instead",
		"session.timeout.ms":            "the broker sets it: set broker.group.consumer.session.timeout.ms instead",
	}
	for _, k := range []string{"partition.assignment.strategy", "heartbeat.interval.ms", "session.timeout.ms"} { // Kafka's order
		if _, set := t.m[k]; set {
			b.c.fail(t.p.key(k), fmt.Sprintf("cannot be set when group.protocol=CONSUMER, as Kafka's consumer refuses it (%s)", hints[k]),
				t.p.key("group.protocol"))
		}
	}
}

func (b *scenarioBuild) autoscaler(g tbl) *scenario.Autoscaler {
	c := b.c
	t, ok := c.table(g, "autoscaler", "[groups.NAME.autoscaler]")
	if !ok {
		return nil
	}
	c.unknown(t, autoscalerSection)
	get := func(k string) val { return c.get(t, autoscalerSection, k) }
	minC, maxC := get("min_consumers"), get("max_consumers")
	if minC.ok && maxC.ok && minC.i > maxC.i {
		c.fail(t.p.key("min_consumers"), fmt.Sprintf("%d must not be greater than max_consumers (%d)", minC.i, maxC.i),
			t.p.key("max_consumers"))
	}
	return &scenario.Autoscaler{
		LagThreshold:             get("lag_threshold").i,
		ActivationLagThreshold:   get("activation_lag_threshold").i,
		MinConsumers:             int(minC.i),
		MaxConsumers:             int(maxC.i),
		AllowIdleConsumers:       get("allow_idle_consumers").b,
		LimitToPartitionsWithLag: get("limit_to_partitions_with_lag").b,
		PollingInterval:          get("polling_interval").d,
		Cooldown:                 get("cooldown").d,
		Line:                     c.lines.line(t.p),
	}
}

// takes splits an action's field list: the names it accepts, and whether
// count|member is among them.
func takes(a scenario.Action) (names []string, countOrMember bool) {
	for _, f := range actionFields[a] {
		switch {
		case f == "count|member":
			names = append(names, "count", "member")
			countOrMember = true
		case strings.HasSuffix(f, "?"):
			names = append(names, strings.TrimSuffix(f, "?"))
		default:
			names = append(names, f)
		}
	}
	return names, countOrMember
}

// fieldList describes an action's fields for a message.
func fieldList(a scenario.Action) string {
	var parts []string
	for _, f := range actionFields[a] {
		switch {
		case f == "count|member":
			parts = append(parts, "count or member")
		case strings.HasSuffix(f, "?"):
			parts = append(parts, "optionally "+strings.TrimSuffix(f, "?"))
		default:
			parts = append(parts, f)
		}
	}
	return "at, action, " + strings.Join(parts, ", ")
}

func (b *scenarioBuild) readEvents(top tbl) {
	c := b.c
	type placed struct {
		scenario.Event

		p keyPath
	}
	var list []placed
	for _, et := range c.tables(top, "events", "[[events]]") {
		c.unknown(et, eventSection)
		get := func(k string) val { return c.get(et, eventSection, k) }
		e := scenario.Event{Member: -1, Line: c.lines.line(et.p)}
		at := get("at")
		b.before(et.p.key("at"), at)
		e.At = at.d
		act := get("action")
		if !act.ok {
			continue
		}
		e.Action = scenario.Action(act.i)
		names, countOrMember := takes(e.Action)
		for _, k := range sortedKeys(et.m) {
			if k != "at" && k != "action" && eventSection.def(k) != nil && !contains(names, k) {
				c.fail(et.p.key(k), fmt.Sprintf("is not a field of action %q (it takes %s)", act.s, fieldList(e.Action)))
			}
		}
		for _, f := range actionFields[e.Action] {
			if f == "count|member" || strings.HasSuffix(f, "?") {
				continue
			}
			if _, has := et.m[f]; !has {
				c.fail(et.p.key(f), fmt.Sprintf("required by action %q (%s)", act.s, eventSection.def(f).doc))
			}
		}
		if countOrMember {
			_, hasCount := et.m["count"]
			_, hasMember := et.m["member"]
			switch {
			case hasCount && hasMember:
				c.fail(et.p.key("member"), fmt.Sprintf("action %q takes count or member, not both", act.s))
			case !hasCount && !hasMember:
				c.fail(et.p, fmt.Sprintf("action %q needs count (members, newest first) or member (a 0-based index)", act.s))
			}
		}
		// Read only the fields the action takes; the others were reported.
		for _, k := range names {
			if _, has := et.m[k]; !has {
				continue
			}
			v := get(k)
			if !v.ok {
				continue
			}
			p := et.p.key(k)
			switch k {
			case "group":
				b.exists(p, v, "group", b.groupNames)
				e.Group = v.s
			case "count":
				if e.Action != scenario.ActAddPartitions && v.i > maxMembers {
					c.fail(p, fmt.Sprintf("%d must be from 1 to %d", v.i, maxMembers))
				}
				e.Count = int(v.i)
			case "member":
				e.Member = int(v.i)
			case "downtime":
				e.Downtime = v.d
			case "clean":
				e.Clean = v.b
			case "duration":
				e.Duration = v.d
			case "factor":
				e.Factor = v.f
			case "to":
				e.To = int(v.i)
			case "interval":
				e.Interval = v.d
			case "topic":
				b.exists(p, v, "topic", b.topicNames)
				e.Topic = v.s
			case "producer":
				b.exists(p, v, "producer", b.producerNames)
				e.Producer = v.s
			case "rate":
				e.Rate = v.f
			}
		}
		list = append(list, placed{e, et.p})
	}
	// Sorted by time; stable, so events at the same time keep file order
	// (the order the simulator applies them in).
	sort.SliceStable(list, func(i, j int) bool { return list[i].At < list[j].At })

	// A static bound on member indexes: the slots that can exist by then
	// are the initial consumers plus every member a join or a scale-up
	// before the event could have added. An autoscaler adds members the
	// loader cannot foresee, so groups with one are not bounded.
	slots := map[string]int{}
	for name, g := range b.groups {
		slots[name] = g.Consumers // NB: map filled from a map, never read in order
	}
	partitions := map[string]int{}
	for name, t := range b.topics {
		partitions[name] = t.Partitions
	}
	for _, e := range list {
		g, known := b.groups[e.Group]
		switch {
		case e.Action == scenario.ActAddPartitions:
			if n, ok := partitions[e.Topic]; ok {
				partitions[e.Topic] = n + e.Count
				if n+e.Count > maxPartition {
					c.fail(e.p.key("count"), fmt.Sprintf("%d more partitions would give topic %q %d, more than %d",
						e.Count, e.Topic, n+e.Count, maxPartition), keyPath{}.keys("topics", e.Topic, "partitions"))
				}
			}
		case !known:
		case e.Member >= 0 && g.Autoscaler == nil && e.Member >= slots[e.Group]:
			c.fail(e.p.key("member"), fmt.Sprintf("%d must be lower than %d, the members group %q can have by then (consumers plus earlier joins and scale-ups)",
				e.Member, slots[e.Group], e.Group), keyPath{}.keys("groups", e.Group, "consumers"))
		case e.Action == scenario.ActJoin:
			slots[e.Group] += e.Count
		case e.Action == scenario.ActScale:
			slots[e.Group] += e.To
		}
		b.sc.Events = append(b.sc.Events, e.Event)
		b.eventPaths = append(b.eventPaths, e.p)
	}
}
