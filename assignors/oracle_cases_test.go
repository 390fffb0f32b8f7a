package assignors

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Random groups through our assignors and Kafka's (the oracle), which must
// give identical plans, round after round.
//
// A case is the successive rounds of one group on one assignor instance:
// churn from a previous plan (members joined, left, restarted with stale
// generations; partitions added), then, for the sticky and server
// assignors, follow-up rounds whose owned partitions are the previous
// round's plan (a cooperative member rejoining after revoking). Follow-up
// rounds are built from our plan; when a round differs, later rounds are
// not compared.

var oracleAssignors = []string{"range", "roundrobin", "sticky", "cooperative-sticky", "uniform", "server-range"}

// oracleCase is one case: its seed and its rounds.
type oracleCase struct {
	Seed     uint64
	Assignor string
	Rounds   []*Group
}

// oracleGen builds the case of a seed. Shapes vary with the seed: small
// and large groups, homogeneous and heterogeneous subscriptions, static
// members, racks on some or all partitions and members.
func oracleGen(seed uint64, assignor string) oracleCase {
	r := rand.New(rand.NewPCG(seed, 0x6f7261636c65))
	server := assignor == "uniform" || assignor == "server-range"
	sticky := assignor == "sticky" || assignor == "cooperative-sticky"

	// Racks: none, or 2 to 4 of them.
	var racks []string
	if r.IntN(2) == 0 {
		for i := range 2 + r.IntN(3) {
			racks = append(racks, "r"+strconv.Itoa(i))
		}
	}
	// Topics.
	nTopics := 1 + r.IntN(4)
	if r.IntN(8) == 0 {
		nTopics += r.IntN(6)
	}
	maxParts := 12
	if r.IntN(6) == 0 {
		maxParts = 60
	}
	names := map[string]bool{}
	var topics []Topic
	for len(topics) < nTopics {
		name := oracleName(r, "t", 3)
		if names[name] {
			continue
		}
		names[name] = true
		n := int32(r.IntN(maxParts + 1))
		if n == 0 && r.IntN(3) != 0 {
			n = 1 + int32(r.IntN(maxParts))
		}
		topics = append(topics, Topic{Name: name, Partitions: n, ID: oracleUuid(r)})
	}
	slices.SortFunc(topics, func(a, b Topic) int { return strings.Compare(a.Name, b.Name) })
	if len(racks) > 0 {
		everywhere := r.IntN(4) == 0 // every replica set spans every rack
		for i := range topics {
			if r.IntN(8) == 0 {
				continue // this topic's brokers have no broker.rack
			}
			topics[i].Racks = oracleReplicaRacks(r, racks, topics[i].Partitions, everywhere)
		}
	}

	// Members.
	n := 1 + r.IntN(7)
	if r.IntN(6) == 0 {
		n += r.IntN(20)
	}
	static := r.IntN(3) == 0
	var members []Member
	ids := map[string]bool{}
	for len(members) < n {
		id := oracleName(r, "", 2+r.IntN(3))
		if ids[id] {
			continue
		}
		ids[id] = true
		m := Member{ID: id, Generation: -1}
		if static && r.IntN(4) != 0 {
			m.InstanceID = "i-" + oracleName(r, "", 2)
		}
		if len(racks) > 0 && r.IntN(6) != 0 {
			m.Rack = racks[r.IntN(len(racks))]
			if r.IntN(15) == 0 {
				m.Rack = "r9" // a rack no replica is on
			}
		}
		members = append(members, m)
	}
	// Instance ids must be distinct (Kafka fences a duplicate).
	seenInst := map[string]bool{}
	for i := range members {
		if seenInst[members[i].InstanceID] {
			members[i].InstanceID = ""
		}
		if members[i].InstanceID != "" {
			seenInst[members[i].InstanceID] = true
		}
	}
	allNames := make([]string, len(topics))
	for i, t := range topics {
		allNames[i] = t.Name
	}
	homogeneous := r.IntN(2) == 0
	common := oracleSubset(r, allNames, false)
	for i := range members {
		if homogeneous {
			members[i].Topics = common
		} else {
			members[i].Topics = oracleSubset(r, allNames, r.IntN(20) == 0)
		}
		if !server && r.IntN(25) == 0 {
			// A topic the metadata does not have: classic assignors skip it.
			members[i].Topics = append(slices.Clone(members[i].Topics), "zz-missing")
		}
	}

	g := &Group{Topics: topics, Members: members}
	if r.IntN(10) < 7 {
		oracleChurn(r, g, assignor, sticky)
	}
	c := oracleCase{Seed: seed, Assignor: assignor, Rounds: []*Group{g}}

	// Follow-up rounds from our own plans.
	if sticky || server {
		a, _ := New(assignor)
		for len(c.Rounds) < 4 && r.IntN(3) != 0 {
			last := c.Rounds[len(c.Rounds)-1]
			plan, err := a.Assign(last)
			if err != nil {
				break
			}
			next := oracleFollowUp(last, plan)
			if slices.EqualFunc(next.Members, last.Members, oracleSameOwned) {
				break
			}
			c.Rounds = append(c.Rounds, next)
		}
	}
	return c
}

// oracleChurn gives g's members what they owned before: the plan of a fresh
// assignor on a previous membership (some of today's members absent, some
// departed ones present) and previous partition counts (some topics since
// grew). Sticky cases also get stale claims: a member reporting partitions
// that another member owns, with an older or an equal generation.
func oracleChurn(r *rand.Rand, g *Group, assignor string, sticky bool) {
	prev := &Group{}
	for _, t := range g.Topics {
		pt := t
		if t.Partitions > 0 && r.IntN(5) == 0 {
			pt.Partitions = int32(r.IntN(int(t.Partitions)))
		}
		pt.Racks = nil
		if t.Racks != nil {
			pt.Racks = t.Racks[:pt.Partitions]
		}
		prev.Topics = append(prev.Topics, pt)
	}
	for _, m := range g.Members {
		if r.IntN(4) != 0 {
			prev.Members = append(prev.Members, Member{ID: m.ID, InstanceID: m.InstanceID, Topics: m.Topics, Generation: -1, Rack: m.Rack})
		}
	}
	for range r.IntN(3) {
		prev.Members = append(prev.Members, Member{ID: "gone-" + oracleName(r, "", 2), Topics: g.Members[0].Topics, Generation: -1})
	}
	a, _ := New(assignor)
	plan, err := a.Assign(prev)
	if err != nil {
		return
	}
	owned := map[string][]TopicPartitions{}
	for _, as := range plan {
		owned[as.MemberID] = as.Topics
	}
	gen := int32(1 + r.IntN(5))
	for i := range g.Members {
		m := &g.Members[i]
		o, ok := owned[m.ID]
		if !ok {
			continue
		}
		m.Owned = o
		m.Generation = gen
		if sticky && r.IntN(6) == 0 {
			m.Generation = gen - 1 - int32(r.IntN(2)) // rejoined late
		}
	}
	if sticky && len(g.Members) > 1 && r.IntN(4) == 0 {
		// Two members claim the same partitions.
		x, y := r.IntN(len(g.Members)), r.IntN(len(g.Members))
		if x != y && len(g.Members[y].Owned) > 0 {
			g.Members[x].Owned = oracleMergeOwned(g.Members[x].Owned, g.Members[y].Owned[:1])
			if r.IntN(2) == 0 {
				g.Members[x].Generation = g.Members[y].Generation
			}
		}
	}
}

// oracleFollowUp is the next round: each member owns its plan entry, one
// generation later.
func oracleFollowUp(g *Group, plan Plan) *Group {
	next := &Group{Topics: g.Topics}
	gen := int32(0)
	for _, m := range g.Members {
		gen = max(gen, m.Generation)
	}
	for i, m := range g.Members {
		nm := m
		nm.Owned = plan[i].Topics
		nm.Generation = gen + 1
		next.Members = append(next.Members, nm)
	}
	return next
}

func oracleSameOwned(a, b Member) bool {
	return slices.EqualFunc(a.Owned, b.Owned, func(x, y TopicPartitions) bool {
		return x.Topic == y.Topic && slices.Equal(x.Partitions, y.Partitions)
	})
}

func oracleMergeOwned(a, b []TopicPartitions) []TopicPartitions {
	m := map[string][]int32{}
	for _, tp := range append(slices.Clone(a), b...) {
		m[tp.Topic] = append(m[tp.Topic], tp.Partitions...)
	}
	var out []TopicPartitions
	for _, t := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		out = append(out, TopicPartitions{Topic: t, Partitions: slices.Compact(slices.Sorted(slices.Values(m[t])))})
	}
	return out
}

// oracleName draws a short id over an alphabet small enough that Java
// HashMap buckets collide often.
func oracleName(r *rand.Rand, prefix string, n int) string {
	const alphabet = "abcdeABC019-_."
	b := []byte(prefix)
	for range n {
		b = append(b, alphabet[r.IntN(len(alphabet))])
	}
	return string(b)
}

func oracleUuid(r *rand.Rand) Uuid {
	for {
		u := Uuid{Msb: int64(r.Uint64()), Lsb: int64(r.Uint64())}
		if r.IntN(4) == 0 {
			u.Msb &= 0xff // small ids: Uuid.hashCode collisions
			u.Lsb &= 0xffff
		}
		if !u.IsZero() && !(u.Msb == 0 && u.Lsb == 1) && u.String()[0] != '-' {
			return u
		}
	}
}

func oracleSubset(r *rand.Rand, names []string, allowEmpty bool) []string {
	for {
		var s []string
		for _, n := range names {
			if r.IntN(2) == 0 {
				s = append(s, n)
			}
		}
		if len(s) > 0 || allowEmpty || len(names) == 0 {
			return s
		}
	}
}

// oracleReplicaRacks places each partition's replicas: a replication factor
// of 1 to len(racks) on distinct racks, sometimes every rack, now and then a
// replica on a broker without a rack.
func oracleReplicaRacks(r *rand.Rand, racks []string, n int32, everywhere bool) [][]string {
	out := make([][]string, n)
	rf := 1 + r.IntN(len(racks))
	for p := range out {
		if everywhere {
			out[p] = slices.Clone(racks)
			continue
		}
		perm := r.Perm(len(racks))
		for _, k := range perm[:rf] {
			out[p] = append(out[p], racks[k])
		}
		if r.IntN(20) == 0 {
			out[p] = append(out[p], "")
		}
		if r.IntN(30) == 0 {
			out[p] = nil
		}
	}
	return out
}

// oracleOutcome is how one case compared.
type oracleOutcome int

const (
	oracleSame oracleOutcome = iota
	oracleDiffer
	oracleKafkaTimeout
	oracleKafkaInvalid
)

// oracleCompare runs a case through both and says how it compared; for a
// difference, the message names the round and both plans.
func oracleCompare(t testing.TB, c oracleCase) (oracleOutcome, string) {
	t.Helper()
	p := oracle(t)
	kafka, _, err := p.ask(c.Assignor, c.Rounds, 0)
	if errors.Is(err, errOracleTimeout) {
		return oracleKafkaTimeout, "Kafka's assignor did not return"
	}
	if err != nil {
		t.Fatalf("seed %d: %v", c.Seed, err)
	}
	a, err := New(c.Assignor)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range c.Rounds {
		ours, oerr := a.Assign(g)
		k := kafka[i]
		switch {
		case oerr != nil && k.Err != "":
			return oracleSame, "" // both refuse; later rounds cannot follow
		case oerr != nil:
			return oracleDiffer, fmt.Sprintf("round %d: ours fails (%v), Kafka's plan is %s", i+1, oerr, oracleFormat(k.Plan))
		case k.Err != "" && strings.HasPrefix(k.Err, "NullPointerException") && CheckPlan(g, ours, c.Assignor != "cooperative-sticky") == nil:
			// A bug in Kafka (the general sticky builder moving a partition
			// back to a previous owner that no longer takes part); ours
			// keeps its documented plan.
			return oracleKafkaInvalid, fmt.Sprintf("round %d: Kafka fails (%s)", i+1, k.Err)
		case k.Err != "":
			return oracleDiffer, fmt.Sprintf("round %d: Kafka fails (%s), our plan is %s", i+1, k.Err, oracleFormat(ours))
		}
		if err := CheckPlan(g, k.Plan, c.Assignor != "cooperative-sticky"); err != nil {
			return oracleKafkaInvalid, fmt.Sprintf("round %d: Kafka's plan is invalid: %v", i+1, err)
		}
		if o, kf := oracleFormat(ours), oracleFormat(k.Plan); o != kf {
			return oracleDiffer, fmt.Sprintf("round %d differs:\n  ours:  %s\n  Kafka: %s", i+1, o, kf)
		}
	}
	return oracleSame, ""
}

// oracleFormat is a plan in one line: member: topic[p,...] ..., members in
// input order.
func oracleFormat(p Plan) string {
	var b strings.Builder
	for i, a := range p {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(a.MemberID + ":")
		for _, tp := range a.Topics {
			fmt.Fprintf(&b, " %s%v", tp.Topic, tp.Partitions)
		}
	}
	return b.String()
}

// oracleShrink makes a differing case smaller while it still differs:
// fewer rounds, members, topics, partitions, owned partitions and racks.
// It gives up after a bounded number of oracle calls.
func oracleShrink(t testing.TB, c oracleCase) oracleCase {
	// Reductions of a case near a livelock input often livelock in Kafka:
	// give each a short time.
	old := oracleTimeout
	oracleTimeout = 3 * time.Second
	defer func() { oracleTimeout = old }()
	budget := 400
	fails := func(x oracleCase) bool {
		if budget <= 0 {
			return false
		}
		budget--
		o, _ := oracleCompare(t, x)
		return o == oracleDiffer
	}
	for changed := true; changed && budget > 0; {
		changed = false
		for _, cand := range oracleCandidates(c) {
			if fails(cand) {
				c, changed = cand, true
				break
			}
		}
	}
	return c
}

// oracleCandidates lists one-step reductions of c.
func oracleCandidates(c oracleCase) []oracleCase {
	var out []oracleCase
	edit := func(f func(g *Group)) oracleCase {
		x := c
		x.Rounds = nil
		for _, g := range c.Rounds {
			cp := oracleCopy(g)
			f(cp)
			x.Rounds = append(x.Rounds, cp)
		}
		return x
	}
	if len(c.Rounds) > 1 {
		x := c
		x.Rounds = c.Rounds[:len(c.Rounds)-1]
		out = append(out, x)
		x.Rounds = c.Rounds[len(c.Rounds)-1:]
		out = append(out, x)
	}
	g0 := c.Rounds[0]
	for i := range g0.Members {
		out = append(out, edit(func(g *Group) { g.Members = slices.Delete(g.Members, i, i+1) }))
	}
	for i := range g0.Topics {
		name := g0.Topics[i].Name
		out = append(out, edit(func(g *Group) { oracleDropTopic(g, name) }))
	}
	for i := range g0.Topics {
		if g0.Topics[i].Partitions > 0 {
			out = append(out, edit(func(g *Group) { oracleShrinkTopic(g, i, g.Topics[i].Partitions/2) }))
			out = append(out, edit(func(g *Group) { oracleShrinkTopic(g, i, g.Topics[i].Partitions-1) }))
		}
		if g0.Topics[i].Racks != nil {
			out = append(out, edit(func(g *Group) { g.Topics[i].Racks = nil }))
		}
	}
	for i := range g0.Members {
		if len(g0.Members[i].Owned) > 0 {
			out = append(out, edit(func(g *Group) { g.Members[i].Owned = nil }))
		}
		if g0.Members[i].Rack != "" {
			out = append(out, edit(func(g *Group) { g.Members[i].Rack = "" }))
		}
		if g0.Members[i].InstanceID != "" {
			out = append(out, edit(func(g *Group) { g.Members[i].InstanceID = "" }))
		}
		if g0.Members[i].Generation > 1 {
			out = append(out, edit(func(g *Group) { g.Members[i].Generation = 1 }))
		}
	}
	return out
}

func oracleCopy(g *Group) *Group {
	cp := &Group{Topics: slices.Clone(g.Topics), Members: slices.Clone(g.Members)}
	for i := range cp.Members {
		cp.Members[i].Owned = slices.Clone(cp.Members[i].Owned)
	}
	return cp
}

func oracleDropTopic(g *Group, name string) {
	g.Topics = slices.DeleteFunc(g.Topics, func(t Topic) bool { return t.Name == name })
	for i := range g.Members {
		m := &g.Members[i]
		m.Topics = slices.DeleteFunc(slices.Clone(m.Topics), func(t string) bool { return t == name })
		m.Owned = slices.DeleteFunc(m.Owned, func(tp TopicPartitions) bool { return tp.Topic == name })
	}
}

func oracleShrinkTopic(g *Group, i int, n int32) {
	t := &g.Topics[i]
	t.Partitions = n
	if len(t.Racks) > int(n) {
		t.Racks = t.Racks[:n]
	}
	for j := range g.Members {
		m := &g.Members[j]
		var owned []TopicPartitions
		for _, tp := range m.Owned {
			if tp.Topic == t.Name {
				ps := slices.DeleteFunc(slices.Clone(tp.Partitions), func(p int32) bool { return p >= n })
				if len(ps) == 0 {
					continue
				}
				tp.Partitions = ps
			}
			owned = append(owned, tp)
		}
		m.Owned = owned
	}
}

// oracleCaseJSON is a case as the driver's request, ready to paste into
// `java -cp ... rebalancesim.oracle.Driver`.
func oracleCaseJSON(c oracleCase) string {
	req := oracleWireRequest{Assignor: c.Assignor}
	for _, g := range c.Rounds {
		req.Groups = append(req.Groups, oracleWire(g))
	}
	b, _ := json.Marshal(req)
	return string(b)
}

// oracleTally counts outcomes per assignor.
type oracleTally struct {
	cases, rounds, timeouts, invalid map[string]int
	seeds                            map[string][]uint64 // timeouts and invalid plans
}

func newOracleTally() *oracleTally {
	return &oracleTally{cases: map[string]int{}, rounds: map[string]int{}, timeouts: map[string]int{}, invalid: map[string]int{}, seeds: map[string][]uint64{}}
}

// oracleRun compares one case and fails the test, with the seed and the
// smallest failing case, when the plans differ.
func oracleRun(t *testing.T, c oracleCase, tally *oracleTally) bool {
	t.Helper()
	o, msg := oracleCompare(t, c)
	tally.cases[c.Assignor]++
	tally.rounds[c.Assignor] += len(c.Rounds)
	switch o {
	case oracleKafkaTimeout:
		tally.timeouts[c.Assignor]++
		tally.seeds[c.Assignor] = append(tally.seeds[c.Assignor], c.Seed)
	case oracleKafkaInvalid:
		tally.invalid[c.Assignor]++
		tally.seeds[c.Assignor] = append(tally.seeds[c.Assignor], c.Seed)
		t.Logf("%s seed %d: %s (ours kept)", c.Assignor, c.Seed, msg)
	case oracleDiffer:
		small := oracleShrink(t, c)
		_, smallMsg := oracleCompare(t, small)
		t.Errorf("%s seed %d: our plan differs from Kafka 4.4's: %s\nsmallest failing case (driver request):\n%s\nits difference: %s",
			c.Assignor, c.Seed, msg, oracleCaseJSON(small), smallMsg)
		return false
	}
	return true
}

func (ty *oracleTally) log(t *testing.T) {
	for _, a := range oracleAssignors {
		if ty.cases[a] == 0 {
			continue
		}
		t.Logf("%-18s %5d groups, %5d rounds; Kafka did not return on %d, gave an invalid plan on %d %v",
			a, ty.cases[a], ty.rounds[a], ty.timeouts[a], ty.invalid[a], ty.seeds[a])
	}
}

// TestOracleFixed is `make test`'s share: a fixed set of seeds per assignor.
func TestOracleFixed(t *testing.T) {
	oracle(t)
	tally := newOracleTally()
	const perAssignor = 60
	failures := 0
	for _, a := range oracleAssignors {
		for s := uint64(1); s <= perAssignor; s++ {
			if !oracleRun(t, oracleGen(s, a), tally) {
				failures++
				if failures >= 3 {
					t.Fatal("stopping after 3 differences")
				}
			}
		}
	}
	tally.log(t)
}

// TestOracleFresh runs fresh seeds for REBALANCE_SIM_ORACLE_SECONDS seconds
// (`make oracle SECONDS=N`); it skips otherwise.
func TestOracleFresh(t *testing.T) {
	secs, err := strconv.Atoi(os.Getenv("REBALANCE_SIM_ORACLE_SECONDS"))
	if err != nil || secs <= 0 {
		t.Skip("set REBALANCE_SIM_ORACLE_SECONDS (make oracle SECONDS=N) to run fresh seeds")
	}
	oracle(t)
	tally := newOracleTally()
	base := uint64(time.Now().UnixNano())
	t.Logf("seeds start at %d", base)
	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	failures := 0
	for i := uint64(0); time.Now().Before(deadline); i++ {
		a := oracleAssignors[i%uint64(len(oracleAssignors))]
		if !oracleRun(t, oracleGen(base+i, a), tally) {
			failures++
			if failures >= 5 {
				break
			}
		}
	}
	tally.log(t)
}

// TestOracleStickyLivelock sends the inputs on which Kafka's general sticky
// builder never returns: Kafka must still not return (or, if a later Kafka
// does, give a valid plan), and ours keeps its documented bounded answer.
func TestOracleStickyLivelock(t *testing.T) {
	p := oracle(t)
	files, err := os.ReadDir(stickyLivelockDir)
	if err != nil {
		t.Fatal(err)
	}
	old := oracleTimeout
	oracleTimeout = 3 * time.Second
	defer func() { oracleTimeout = old }()
	for _, f := range files {
		name, g, err := stickyReadAssignFile(stickyLivelockDir + "/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := p.ask(name, []*Group{g}, 0)
		switch {
		case errors.Is(err, errOracleTimeout):
			t.Logf("%s (%s): Kafka 4.4 did not return within %v; ours returns a balanced plan (sticky_livelock_test.go)", f.Name(), name, oracleTimeout)
		case err != nil:
			t.Fatal(err)
		case res[0].Err != "":
			t.Logf("%s (%s): Kafka 4.4 fails: %s", f.Name(), name, res[0].Err)
		default:
			t.Logf("%s (%s): Kafka 4.4 returned; check: %v", f.Name(), name, CheckPlan(g, res[0].Plan, name != "cooperative-sticky"))
		}
		p = oracleCur
	}
}

// TestOracleUniformKafkaCases replays the transcribed cases of Kafka's
// uniform builder tests (uniform_kafka_test.go) through Kafka 4.4's classes
// fed as those tests feed them (TreeMap members, LinkedHashMap owned
// assignments where the test builds one, the subscription type the test
// sets), and requires the tables' expectations: the tables hold Kafka
// 4.4's answers.
func TestOracleUniformKafkaCases(t *testing.T) {
	p := oracle(t)
	for _, c := range append(uniKafkaHomogeneousCases(), uniKafkaHeterogeneousCases()...) {
		g := &Group{Topics: c.topics, Members: c.members}
		harness := map[string]any{"members_in_order": c.opts.membersInInputOrder, "owned_in_order": c.opts.ownedInInputOrder}
		switch c.opts.kind {
		case uniKindHomogeneous:
			harness["subscription_type"] = "HOMOGENEOUS"
		case uniKindHeterogeneous:
			harness["subscription_type"] = "HETEROGENEOUS"
		}
		res, err := p.askHarness("uniform", g, harness)
		if err != nil {
			t.Fatal(err)
		}
		name := c.name
		if name == "" {
			name = fmt.Sprint(c.members)
		}
		if c.wantErr != "" {
			// Kafka's test subscribes to a topic id the describer does not
			// know; the driver feeds subscriptions as production does,
			// through TopicIds, which drops names missing from the
			// metadata, so Kafka's error cannot be reached this way.
			continue
		}
		if res.Err != "" {
			t.Errorf("%s: Kafka 4.4 fails: %s", name, res.Err)
			continue
		}
		if got := uniOracleLines(res.Plan); !slices.Equal(got, c.want) {
			t.Errorf("%s: Kafka 4.4 gives\n%s\nthe table expects\n%s", name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}
