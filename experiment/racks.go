package experiment

import (
	"fmt"
	"slices"
	"unicode"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// The broker layout and what depends on it: the brokers and their racks
// ([broker] racks, brokers), replication factors and record sizes
// ([topics]), where consumers run and which rack they tell Kafka
// ([groups] racks, "client.rack"), follower fetching ([broker]
// "replica.selector.class") and the price of cross-zone bytes ([cost]).
// Every one of these keys needs a layout; without one, setting it has no
// effect and is refused.

const needsLayout = "has no effect without a broker layout: set [broker] racks (each broker's broker.rack) or brokers"

// maxFetchedBytes bounds the bytes a run may fetch (every record of the
// run at its topic's record_size, with room for records fetched again
// after rebalances): the model counts them in 64-bit integers.
const maxFetchedBytes = 1 << 60

// rackName checks one rack name; it reports whether it is fine.
func (c *checker) rackName(p keyPath, s string) bool {
	switch {
	case s == "":
		c.fail(p, "must not be empty (a broker or consumer without a rack leaves it unset)")
		return false
	case len(s) > maxNameLen:
		c.fail(p, fmt.Sprintf("is %d characters long; rack names may have at most %d", len(s), maxNameLen))
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			c.fail(p, fmt.Sprintf("contains the control character %U; rack names are printed", r))
			return false
		}
	}
	return true
}

// convRacks reads one rack name or a list of them (repeats allowed: a
// spread may weight a rack).
func (c *checker) convRacks(lp lazyPath, raw any) val {
	var v val
	switch x := raw.(type) {
	case string:
		if !c.rackName(lp.path(), x) {
			return v
		}
		v.ss = []string{x}
	case []any:
		if len(x) == 0 {
			c.fail(lp.path(), "must not be empty")
			return v
		}
		if len(x) > maxMembers {
			c.fail(lp.path(), fmt.Sprintf("lists %d racks; a spread has at most %d entries", len(x), maxMembers))
			return v
		}
		v.list = true
		ok := true
		for i, e := range x {
			s, isStr := e.(string)
			switch {
			case !isStr:
				c.fail(lp.path().at(i), "must be a string, not "+describe(e))
				ok = false
			case !c.rackName(lp.path().at(i), s):
				ok = false
			default:
				v.ss = append(v.ss, s)
			}
			if c.sink.full() {
				return val{}
			}
		}
		if !ok {
			return val{}
		}
	default:
		c.fail(lp.path(), `must be a rack name or an array of them, e.g. "az1" or ["az1", "az2", "az3"], not `+describe(raw))
		return v
	}
	v.ok = true
	return v
}

// convBrokers reads [broker] brokers: a count, or the brokers one by one.
func (c *checker) convBrokers(lp lazyPath, d *keyDef, raw any) val {
	var v val
	var list []map[string]any
	switch x := raw.(type) {
	case int64:
		if x < 1 || x > maxBrokers {
			c.fail(lp.path(), fmt.Sprintf("%d %s", x, intRange(1, maxBrokers)))
			return v
		}
		v.i, v.ok = x, true
		return v
	case []map[string]any:
		list = x
	case []any:
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				c.fail(lp.path().at(i), `must be a table such as {id = 1, rack = "az1"}, not `+describe(e))
				return v
			}
			list = append(list, m)
		}
	default:
		c.fail(lp.path(), `must be a broker count or an array of brokers such as [{id = 1, rack = "az1"}], not `+describe(raw))
		return v
	}
	switch {
	case len(list) == 0:
		c.fail(lp.path(), "must not be empty")
		return v
	case len(list) > maxBrokers:
		c.fail(lp.path(), fmt.Sprintf("lists %d brokers, more than %d", len(list), maxBrokers))
		return v
	}
	ok := true
	seen := map[int64]int{} // NB: lookup only
	for i, m := range list {
		p := lp.path().at(i)
		for _, k := range sortedKeys(m) {
			if k != "id" && k != "rack" {
				c.fail(p.key(k), "unknown key in a broker; allowed: id (its node.id), rack (its broker.rack)")
				ok = false
			}
		}
		n := scenario.Node{}
		switch id, isInt := m["id"].(int64); {
		case m["id"] == nil:
			c.fail(p.key("id"), "required key is missing (the broker's node.id)")
			ok = false
		case !isInt:
			c.fail(p.key("id"), "must be an integer, not "+describe(m["id"]))
			ok = false
		case id < 0 || id > maxJavaInt:
			c.fail(p.key("id"), fmt.Sprintf("%d %s", id, intRange(0, maxJavaInt)))
			ok = false
		default:
			if j, dup := seen[id]; dup {
				c.fail(p.key("id"), fmt.Sprintf("%d is also the id of brokers[%d]; node ids are unique", id, j))
				ok = false
			}
			seen[id] = i
			n.ID = int32(id)
		}
		if r, has := m["rack"]; has {
			s, isStr := r.(string)
			switch {
			case !isStr:
				c.fail(p.key("rack"), "must be a string, not "+describe(r))
				ok = false
			case !c.rackName(p.key("rack"), s):
				ok = false
			default:
				n.Rack = s
			}
		}
		v.nodes = append(v.nodes, n)
		if c.sink.full() {
			return val{}
		}
	}
	if !ok {
		return val{}
	}
	v.i, v.ok = int64(len(v.nodes)), true
	return v
}

// layout reads the broker layout of [broker] (t).
func (b *scenarioBuild) layout(t tbl) {
	c := b.c
	get := func(k string) val { return c.get(t, brokerSection, k) }
	racks, brokers := get("racks"), get("brokers")
	rf, sel := get("default.replication.factor"), get("replica.selector.class")
	br := &b.sc.Broker
	br.DefaultReplicationFactor = int(rf.i)
	at := t.p.key
	racksOK := racks.ok
	for i, r := range racks.ss {
		racksOK = c.rackName(at("racks").at(i), r) && racksOK
	}
	var nodes []scenario.Node
	switch {
	case brokers.ok && brokers.nodes != nil:
		if racks.set {
			c.fail(at("racks"), "give racks with a broker count (brokers = N), or each broker's rack in brokers, not both", at("brokers"))
		}
		nodes = slices.Clone(brokers.nodes)
	case brokers.ok:
		n := int(brokers.i)
		if racksOK && n < len(racks.ss) {
			c.fail(at("brokers"), fmt.Sprintf("%d broker(s) leave racks %s without a broker; give at least %d, one per rack",
				n, quoteList(racks.ss[n:]), len(racks.ss)), at("racks"))
		}
		for i := 0; i < n; i++ {
			node := scenario.Node{ID: int32(i + 1)}
			if racksOK {
				node.Rack = racks.ss[i%len(racks.ss)]
			}
			nodes = append(nodes, node)
		}
	case racksOK:
		for i, r := range racks.ss {
			nodes = append(nodes, scenario.Node{ID: int32(i + 1), Rack: r})
		}
	}
	if nodes == nil && !racks.set && !brokers.set {
		if rf.set {
			c.fail(at("default.replication.factor"), needsLayout)
		}
		if sel.set {
			c.fail(at("replica.selector.class"), needsLayout)
		}
	}
	if sel.ok && sel.s != "" && sel.s != scenario.RackAwareReplicaSelector {
		c.fail(at("replica.selector.class"), fmt.Sprintf("%q is not a replica selector the model knows: write %q (KIP-392: "+
			"consumers fetch from a replica in their client.rack) or leave it unset (they fetch from the leader)", sel.s, scenario.RackAwareReplicaSelector))
	}
	slices.SortFunc(nodes, func(a, b scenario.Node) int { return int(a.ID) - int(b.ID) })
	br.Nodes, br.ReplicaSelector = nodes, sel.s
	b.rackNames = nil
	for _, n := range nodes {
		if n.Rack != "" && !contains(b.rackNames, n.Rack) {
			b.rackNames = append(b.rackNames, n.Rack)
		}
	}
	slices.Sort(b.rackNames)
	if len(b.rackNames) > maxRacks {
		key := "racks"
		if !racks.set {
			key = "brokers"
		}
		c.fail(at(key), fmt.Sprintf("the brokers are in %d racks, more than %d (a region's availability zones are a handful)", len(b.rackNames), maxRacks))
	}
}

// hasLayout reports whether the run has a broker layout.
func (b *scenarioBuild) hasLayout() bool { return len(b.sc.Broker.Nodes) > 0 }

// topicLayout reads a topic's replication factor and record size.
func (b *scenarioBuild) topicLayout(t tbl, tp *scenario.Topic) {
	c := b.c
	rf, size := c.get(t, topicSection, "replication_factor"), c.get(t, topicSection, "record_size")
	tp.RecordSize = size.i
	if !b.hasLayout() {
		if rf.set {
			c.fail(t.p.key("replication_factor"), needsLayout)
		}
		if size.set {
			c.fail(t.p.key("record_size"), "sizes fetched and cross-zone bytes, which are counted only with a broker layout: "+
				"set [broker] racks (each broker's broker.rack) or brokers")
		}
		return
	}
	n, at := b.sc.Broker.DefaultReplicationFactor, keyPath{}.keys("broker", "default.replication.factor")
	if rf.ok {
		n, at = int(rf.i), t.p.key("replication_factor")
	}
	tp.ReplicationFactor = n
	if brokers := len(b.sc.Broker.Nodes); n > brokers {
		c.fail(at, fmt.Sprintf("%d replicas cannot be placed on %d broker(s): Kafka refuses to create the topic (InvalidReplicationFactorException)",
			n, brokers), keyPath{}.keys("broker", "brokers"), keyPath{}.keys("broker", "racks"))
	}
}

// groupLayout reads where a group's consumers run and what rack they tell
// Kafka.
func (b *scenarioBuild) groupLayout(t tbl, g *scenario.Group) {
	c := b.c
	for _, k := range []string{"client.rack", "racks"} {
		v := c.get(t, groupSection, k)
		if !v.set || !v.ok {
			continue
		}
		p := t.p.key(k)
		switch {
		case !b.hasLayout():
			c.fail(p, needsLayout)
			continue
		case len(b.rackNames) == 0:
			c.fail(p, "no broker has a rack, so no replica is near or far: set [broker] racks", keyPath{}.keys("broker", "brokers"))
			continue
		}
		ok := true
		for i, r := range v.ss {
			if !contains(b.rackNames, r) {
				at := p
				if v.list {
					at = p.at(i)
				}
				c.fail(at, fmt.Sprintf("%q is not the rack of any broker (racks: %s)", r, quoteList(b.rackNames)), keyPath{}.keys("broker", "racks"))
				ok = false
			}
		}
		if !ok {
			continue
		}
		if k == "client.rack" {
			g.ClientRack = v.ss
		} else {
			g.Racks = v.ss
		}
	}
	if g.Racks == nil {
		g.Racks = g.ClientRack
	}
}

// readCost reads [cost].
func (b *scenarioBuild) readCost(top tbl) {
	c := b.c
	t, present := c.table(top, "cost", "[cost]")
	c.unknown(t, costSection)
	b.sc.Cost.CrossZonePerGB = c.get(t, costSection, "cross_zone_per_gb").f
	if present && len(t.m) > 0 && !b.hasLayout() {
		c.fail(t.p, "prices cross-zone bytes, which are counted only with a broker layout: set [broker] racks (each broker's broker.rack) or brokers")
	}
}

// rackLimits bounds the bytes a run can count.
func (b *scenarioBuild) rackLimits() {
	if !b.hasLayout() {
		return
	}
	sc := b.sc
	records := map[string]float64{} // NB: lookup only
	for _, p := range sc.Producers {
		records[p.Topic] += maxRate(sc, &p) * sc.Duration.Seconds()
	}
	var total float64
	worst, worstN := "", 0.0
	for _, t := range sc.Topics {
		n := records[t.Name] * float64(t.RecordSize)
		total += n
		if n > worstN {
			worst, worstN = t.Name, n
		}
	}
	if total*8 > maxFetchedBytes && worst != "" {
		b.c.fail(keyPath{}.keys("topics", worst, "record_size"), fmt.Sprintf("producers would write up to %.3g bytes in this run "+
			"(their highest rates for its duration at each topic's record_size), more than %.3g: fetched bytes are counted in 64 bits, "+
			"with room for records fetched again after rebalances; shorten duration, lower the rate or the record size", total, float64(maxFetchedBytes)/8),
			durationPath)
	}
}
