package assignors

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Helpers shared by the sticky and cooperative-sticky test files
// (sticky_kafka_test.go, sticky_property_test.go, sticky_bruteforce_test.go,
// sticky_franz_test.go). They use only the public contract: Group in, Plan
// out, CheckPlan. Every check returns a reason, never panics, and never lets
// map iteration order reach its message.

// stkNames are the two assignors under test; Kafka runs
// AbstractStickyAssignorTest once for each of them.
var stkNames = []string{"sticky", "cooperative-sticky"}

// stkTP is one topic-partition, printed the way Kafka prints it ("t1-3").
type stkTP struct {
	Topic string
	P     int32
}

func (p stkTP) String() string { return fmt.Sprintf("%s-%d", p.Topic, p.P) }

func stkLess(a, b stkTP) bool {
	if a.Topic != b.Topic {
		return JavaStringLess(a.Topic, b.Topic)
	}
	return a.P < b.P
}

// stkP lists partitions of one topic: stkP("t", 0, 2) is [t-0 t-2].
func stkP(topic string, ps ...int32) []stkTP {
	out := make([]stkTP, len(ps))
	for i, p := range ps {
		out[i] = stkTP{topic, p}
	}
	return out
}

// stkCat concatenates partition lists.
func stkCat(lists ...[]stkTP) []stkTP {
	var out []stkTP
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// stkParse reads Kafka's "t1-0, t1-3, t2-0" notation (AbstractPartitionAssignorTest).
func stkParse(s string) []stkTP {
	var out []stkTP
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		i := strings.LastIndexByte(f, '-')
		var p int32
		if _, err := fmt.Sscanf(f[i+1:], "%d", &p); err != nil {
			panic("stkParse: bad partition " + f)
		}
		out = append(out, stkTP{f[:i], p})
	}
	return out
}

// stkSorted returns a sorted, de-duplicated copy.
func stkSorted(tps []stkTP) []stkTP {
	out := append([]stkTP(nil), tps...)
	sort.Slice(out, func(i, j int) bool { return stkLess(out[i], out[j]) }) // NB: canonical order for comparison and messages.
	return slices.Compact(out)
}

func stkFmt(tps []stkTP) string {
	s := stkSorted(tps)
	parts := make([]string, len(s))
	for i, p := range s {
		parts[i] = p.String()
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// stkToTopics converts to the contract's form: topics sorted, partitions ascending.
func stkToTopics(tps []stkTP) []TopicPartitions {
	var out []TopicPartitions
	for _, p := range stkSorted(tps) {
		if n := len(out); n > 0 && out[n-1].Topic == p.Topic {
			out[n-1].Partitions = append(out[n-1].Partitions, p.P)
			continue
		}
		out = append(out, TopicPartitions{Topic: p.Topic, Partitions: []int32{p.P}})
	}
	return out
}

func stkFlatten(tps []TopicPartitions) []stkTP {
	var out []stkTP
	for _, t := range tps {
		for _, p := range t.Partitions {
			out = append(out, stkTP{t.Topic, p})
		}
	}
	return out
}

// stkOwners maps every assigned partition to its member.
func stkOwners(plan Plan) map[stkTP]string {
	m := map[stkTP]string{}
	for _, a := range plan {
		for _, p := range stkFlatten(a.Topics) {
			m[p] = a.MemberID
		}
	}
	return m
}

func stkSizes(plan Plan) []int {
	out := make([]int, len(plan))
	for i, a := range plan {
		out[i] = len(stkFlatten(a.Topics))
	}
	return out
}

// stkSpread is max-min of the members' partition counts (0 for no members).
func stkSpread(plan Plan) int {
	s := stkSizes(plan)
	if len(s) == 0 {
		return 0
	}
	return slices.Max(s) - slices.Min(s)
}

func stkTopicSizes(g *Group) map[string]int32 {
	m := make(map[string]int32, len(g.Topics))
	for _, t := range g.Topics {
		m[t.Name] = t.Partitions
	}
	return m
}

// stkAllSubscriptionsEqual is Kafka's test for the constrained builder:
// every member lists the same topics (whether or not they exist).
func stkAllSubscriptionsEqual(g *Group) bool {
	for _, m := range g.Members[1:] {
		if !slices.Equal(m.Topics, g.Members[0].Topics) {
			return false
		}
	}
	return true
}

// stkFullyBalanced is Kafka's isFullyBalanced: partition counts differ by at most one.
func stkFullyBalanced(plan Plan) error {
	if s := stkSpread(plan); s > 1 {
		return fmt.Errorf("not fully balanced: sizes %v", stkSizes(plan))
	}
	return nil
}

// stkKafkaValidity is AbstractStickyAssignorTest.verifyValidityAndBalance
// (without the cooperative follow-up rounds): every member is subscribed to
// the topics of its partitions, no partition has two members, and when two
// members' counts differ by more than one, their assignments share no topic.
func stkKafkaValidity(g *Group, plan Plan) error {
	if len(plan) != len(g.Members) {
		return fmt.Errorf("plan has %d entries for %d members", len(plan), len(g.Members))
	}
	type entry struct {
		id     string
		parts  []stkTP
		topics map[string]bool
	}
	es := make([]entry, len(plan))
	seen := map[stkTP]string{}
	for i, a := range plan {
		m := g.Members[i]
		es[i] = entry{id: a.MemberID, parts: stkFlatten(a.Topics), topics: map[string]bool{}}
		for _, p := range es[i].parts {
			if !slices.Contains(m.Topics, p.Topic) {
				return fmt.Errorf("%s is assigned to %s, which does not subscribe to %s", p, m.ID, p.Topic)
			}
			if prev, dup := seen[p]; dup {
				return fmt.Errorf("%s is assigned to both %s and %s", p, prev, m.ID)
			}
			seen[p] = m.ID
			es[i].topics[p.Topic] = true
		}
	}
	// NB: pairs visited in member-id order, as Kafka does, so the first complaint is stable.
	sort.SliceStable(es, func(i, j int) bool { return JavaStringLess(es[i].id, es[j].id) })
	for i := range es {
		for j := i + 1; j < len(es); j++ {
			li, lj := len(es[i].parts), len(es[j].parts)
			if li-lj <= 1 && lj-li <= 1 {
				continue
			}
			for _, p := range stkSorted(es[i].parts) {
				if es[j].topics[p.Topic] {
					return fmt.Errorf("partitions of %s can move between %s (%d partitions) and %s (%d partitions)",
						p.Topic, es[i].id, li, es[j].id, lj)
				}
			}
		}
	}
	return nil
}

// stkBalanced is the balance Kafka's assignors promise:
// with equal subscriptions, counts differ by at most one; otherwise no
// partition can move to a member subscribed to its topic that has at least
// two fewer partitions (GeneralAssignmentBuilder.isBalanced).
func stkBalanced(g *Group, plan Plan) error {
	sizes := stkSizes(plan)
	if len(g.Members) > 0 && stkAllSubscriptionsEqual(g) {
		return stkFullyBalanced(plan)
	}
	owner := map[stkTP]int{}
	for i, a := range plan {
		for _, p := range stkFlatten(a.Topics) {
			owner[p] = i
		}
	}
	parts := stkTopicSizes(g)
	for i, m := range g.Members {
		for _, t := range m.Topics {
			for q := int32(0); q < parts[t]; q++ {
				j, ok := owner[stkTP{t, q}]
				if ok && j != i && sizes[i]+1 < sizes[j] {
					return fmt.Errorf("%s-%d can move from %s (%d partitions) to %s (%d partitions), which subscribes to %s",
						t, q, g.Members[j].ID, sizes[j], m.ID, sizes[i], t)
				}
			}
		}
	}
	return nil
}

// stkPrevOwners is the previous ownership an assignor honours: a partition of
// an existing topic claimed by exactly one member, or by several where one
// has the strictly highest generation. Partitions claimed by two members of
// the top generation are in multi (Kafka invalidates them).
// NB: with three or more claimers of mixed generations Kafka's answer depends
// on HashMap order; the generators here never produce that.
func stkPrevOwners(g *Group) (owner map[stkTP]string, multi map[stkTP]bool) {
	parts := stkTopicSizes(g)
	type claim struct {
		id  string
		gen int32
		n   int
	}
	best := map[stkTP]*claim{}
	for _, m := range g.Members {
		for _, p := range stkFlatten(m.Owned) {
			if _, ok := parts[p.Topic]; !ok || p.P >= parts[p.Topic] {
				continue
			}
			c := best[p]
			switch {
			case c == nil:
				best[p] = &claim{m.ID, m.Generation, 1}
			case m.Generation > c.gen:
				*c = claim{m.ID, m.Generation, 1}
			case m.Generation == c.gen:
				c.n++
			}
		}
	}
	owner, multi = map[stkTP]string{}, map[stkTP]bool{}
	for p, c := range best {
		if c.n == 1 {
			owner[p] = c.id
		} else {
			multi[p] = true
		}
	}
	return owner, multi
}

// stkStillValid keeps the previous owners that still subscribe to the topic:
// only those partitions can stay put.
func stkStillValid(g *Group, owner map[stkTP]string) map[stkTP]string {
	subs := map[string]map[string]bool{}
	for _, m := range g.Members {
		subs[m.ID] = map[string]bool{}
		for _, t := range m.Topics {
			subs[m.ID][t] = true
		}
	}
	out := map[stkTP]string{}
	for p, id := range owner {
		if subs[id][p.Topic] {
			out[p] = id
		}
	}
	return out
}

// stkKept counts the partitions that stay with their (valid) previous owner.
func stkKept(g *Group, plan Plan) int {
	prev, _ := stkPrevOwners(g)
	prev = stkStillValid(g, prev)
	now := stkOwners(plan)
	n := 0
	for p, id := range prev {
		if now[p] == id {
			n++
		}
	}
	return n
}

// stkMoved counts partitions previously owned by a member still in the group
// (any claim, any generation) that end up with another member.
func stkMoved(g *Group, plan Plan) int {
	prev, _ := stkPrevOwners(g)
	now := stkOwners(plan)
	n := 0
	for p, id := range prev {
		if to, ok := now[p]; ok && to != id {
			n++
		}
	}
	return n
}

// stkIsSticky is the observable part of Kafka's isSticky (PartitionMovements):
// for one topic, no partition moved a->b while another moved b->a. Moves are
// taken from the previous owners in g (still subscribed) to the owners in plan.
func stkIsSticky(g *Group, plan Plan) error {
	prev, _ := stkPrevOwners(g)
	prev = stkStillValid(g, prev)
	return stkNoSwaps(prev, stkOwners(plan))
}

func stkNoSwaps(prev, now map[stkTP]string) error {
	type move struct{ topic, from, to string }
	moved := map[move]stkTP{}
	for p, from := range prev {
		if to, ok := now[p]; ok && to != from {
			k := move{p.Topic, from, to}
			if q, ok := moved[k]; !ok || stkLess(p, q) {
				moved[k] = p
			}
		}
	}
	var bad []string
	for k, p := range moved {
		if q, ok := moved[move{k.topic, k.to, k.from}]; ok && k.from < k.to {
			bad = append(bad, fmt.Sprintf("%s moved %s->%s while %s moved %s->%s", p, k.from, k.to, q, k.to, k.from))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad) // NB: map order must not reach the message.
		return fmt.Errorf("not sticky: %s", strings.Join(bad, "; "))
	}
	return nil
}

// stkRevokedAndAdded returns, for a cooperative round, the partitions some
// member owned but is no longer assigned (revoked) and those assigned to a
// member that did not own them (added), as CooperativeStickyAssignorTest
// computes them from the raw owned partitions.
func stkRevokedAndAdded(g *Group, plan Plan) (revoked, added map[stkTP]bool) {
	revoked, added = map[stkTP]bool{}, map[stkTP]bool{}
	for i, m := range g.Members {
		owned := map[stkTP]bool{}
		for _, p := range stkFlatten(m.Owned) {
			owned[p] = true
		}
		got := map[stkTP]bool{}
		for _, p := range stkFlatten(plan[i].Topics) {
			got[p] = true
			if !owned[p] {
				added[p] = true
			}
		}
		for p := range owned {
			if !got[p] {
				revoked[p] = true
			}
		}
	}
	return revoked, added
}

// stkCoopRound checks one cooperative round the way
// CooperativeStickyAssignorTest.verifyCooperativeValidity does (no partition
// is revoked from one member and added to another in the same round) and also
// that every partition left unassigned is one being revoked (Kafka withholds
// only partitionsTransferringOwnership, all of which are revoked). It reports
// whether anything was revoked, i.e. whether a follow-up round is needed.
func stkCoopRound(g *Group, plan Plan) (needFollowUp bool, err error) {
	revoked, added := stkRevokedAndAdded(g, plan)
	var both []stkTP
	for p := range added {
		if revoked[p] {
			both = append(both, p)
		}
	}
	if len(both) > 0 {
		return false, fmt.Errorf("partitions revoked and reassigned in the same round: %s", stkFmt(both))
	}
	assigned := stkOwners(plan)
	subscribed := map[string]bool{}
	for _, m := range g.Members {
		for _, t := range m.Topics {
			subscribed[t] = true
		}
	}
	var stray []stkTP
	for _, t := range g.Topics {
		if !subscribed[t.Name] {
			continue
		}
		for q := int32(0); q < t.Partitions; q++ {
			p := stkTP{t.Name, q}
			if _, ok := assigned[p]; !ok && !revoked[p] {
				stray = append(stray, p)
			}
		}
	}
	if len(stray) > 0 {
		return false, fmt.Errorf("partitions withheld although nobody revokes them: %s", stkFmt(stray))
	}
	return len(revoked) > 0, nil
}

// stkWithheld lists the subscribed partitions that a plan gives to nobody.
func stkWithheld(g *Group, plan Plan) []stkTP {
	assigned := stkOwners(plan)
	subscribed := map[string]bool{}
	for _, m := range g.Members {
		for _, t := range m.Topics {
			subscribed[t] = true
		}
	}
	var out []stkTP
	for _, t := range g.Topics {
		for q := int32(0); subscribed[t.Name] && q < t.Partitions; q++ {
			if _, ok := assigned[stkTP{t.Name, q}]; !ok {
				out = append(out, stkTP{t.Name, q})
			}
		}
	}
	return out
}

// stkNextGroup is the group of the next rebalance: the same members and
// topics, each member owning what plan gave it, at generation gen.
func stkNextGroup(g *Group, plan Plan, gen int32) Group {
	next := Group{Topics: g.Topics, Members: make([]Member, len(g.Members))}
	for i, m := range g.Members {
		m.Owned = stkToTopics(stkFlatten(plan[i].Topics))
		m.Generation = gen
		next.Members[i] = m
	}
	return next
}

// stkCoopFollowUps runs the rounds that follow a cooperative round until
// nothing is revoked, as CooperativeStickyAssignorTest.verifyValidityAndBalance
// does (each member rejoins owning its assignment, at generation gen; at most
// four follow-ups). It returns the final group and plan.
func stkCoopFollowUps(a Assignor, g *Group, plan Plan, gen int32) (Group, Plan, error) {
	cur := *g
	for rounds := 0; ; rounds++ {
		more, err := stkCoopRound(&cur, plan)
		if err != nil {
			return cur, plan, fmt.Errorf("round %d: %v", rounds+1, err)
		}
		if !more {
			return cur, plan, nil
		}
		if rounds == 4 {
			return cur, plan, fmt.Errorf("still revoking after 4 follow-up rebalances")
		}
		cur = stkNextGroup(&cur, plan, gen)
		plan, err = a.Assign(&cur)
		if err != nil {
			return cur, plan, fmt.Errorf("follow-up %d: %v", rounds+1, err)
		}
		if err := CheckPlan(&cur, plan, false); err != nil {
			return cur, plan, fmt.Errorf("follow-up %d: %v", rounds+1, err)
		}
	}
}

// stkNew returns a fresh assignor or fails the test (the implementation may
// not be registered yet).
func stkNew(t testing.TB, name string) Assignor {
	t.Helper()
	a, err := New(name)
	if err != nil {
		t.Fatalf("New(%q): %v", name, err)
	}
	return a
}

// stkDescribe prints a group compactly for failure messages (input order).
func stkDescribe(g *Group) string {
	var b strings.Builder
	b.WriteString("topics:")
	for _, t := range g.Topics {
		fmt.Fprintf(&b, " %s=%d", t.Name, t.Partitions)
	}
	for _, m := range g.Members {
		fmt.Fprintf(&b, "\n  %s gen=%d topics=%v owned=%s", m.ID, m.Generation, m.Topics, stkFmt(stkFlatten(m.Owned)))
	}
	return b.String()
}

func stkDescribePlan(plan Plan) string {
	var b strings.Builder
	for _, a := range plan {
		fmt.Fprintf(&b, "\n  %s: %s", a.MemberID, stkFmt(stkFlatten(a.Topics)))
	}
	return b.String()
}

// stkRand is the one source of randomness of these tests: PCG with fixed seeds.
func stkRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5ee4_57c4)) }

// stkGenOptions shapes random groups.
type stkGenOptions struct {
	maxTopics, maxPartitions, maxMembers int
	equalSubs                            bool // every member subscribes to every topic
}

// stkRandomGroup builds a fresh group (nobody owns anything) with random topics,
// partition counts and subscriptions. Member ids are random so that Java
// HashMap order differs from input order.
func stkRandomGroup(r *rand.Rand, o stkGenOptions) Group {
	var g Group
	nt := 1 + r.IntN(o.maxTopics)
	for i := 0; i < nt; i++ {
		g.Topics = append(g.Topics, Topic{Name: fmt.Sprintf("t%d", i), Partitions: int32(1 + r.IntN(o.maxPartitions))})
	}
	nm := 1 + r.IntN(o.maxMembers)
	used := map[string]bool{}
	for i := 0; i < nm; i++ {
		id := stkRandomID(r, used)
		g.Members = append(g.Members, Member{ID: id, Topics: stkRandomSubs(r, g.Topics, o.equalSubs), Generation: -1})
	}
	return g
}

func stkRandomID(r *rand.Rand, used map[string]bool) string {
	for {
		n := 1 + r.IntN(6)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		if id := string(b); !used[id] {
			used[id] = true
			return id
		}
	}
}

func stkRandomSubs(r *rand.Rand, topics []Topic, all bool) []string {
	var subs []string
	for _, t := range topics {
		if all || r.IntN(2) == 0 {
			subs = append(subs, t.Name)
		}
	}
	if len(subs) == 0 {
		subs = append(subs, topics[r.IntN(len(topics))].Name)
	}
	sort.Strings(subs) // NB: Topic names are ASCII, so byte order is Java order.
	return subs
}

// stkChurn derives the next rebalance from the previous one: every member
// owns what prev gave it at generation gen, then some members leave, some
// join, some change subscription, and sometimes a topic gains partitions.
func stkChurn(r *rand.Rand, g *Group, prev Plan, gen int32, o stkGenOptions) Group {
	next := stkNextGroup(g, prev, gen)
	next.Topics = append([]Topic(nil), g.Topics...)
	switch x := r.IntN(12); {
	case x < 3:
		i := r.IntN(len(next.Topics))
		next.Topics[i].Partitions += int32(1 + r.IntN(3))
	case x == 3 && len(next.Topics) > 1:
		// The topic is deleted; members keep subscribing to it.
		i := r.IntN(len(next.Topics))
		next.Topics = slices.Delete(next.Topics, i, i+1)
	}
	used := map[string]bool{}
	var members []Member
	for _, m := range next.Members {
		used[m.ID] = true
		switch x := r.IntN(10); {
		case x == 0 && len(next.Members) > 1:
			continue // leaves
		case x == 1 && !o.equalSubs:
			m.Topics = stkRandomSubs(r, next.Topics, false)
		}
		members = append(members, m)
	}
	joinerTopics := func() []string {
		if o.equalSubs {
			// Same list as everyone, including any deleted topic they still subscribe to.
			return next.Members[0].Topics
		}
		return stkRandomSubs(r, next.Topics, false)
	}
	for n := r.IntN(3); n > 0 && len(members) < o.maxMembers+2; n-- {
		members = append(members, Member{ID: stkRandomID(r, used), Topics: joinerTopics(), Generation: -1})
	}
	if len(members) == 0 {
		members = append(members, Member{ID: stkRandomID(r, used), Topics: joinerTopics(), Generation: -1})
	}
	// NB: a joiner is appended, a leaver removed: the order a Java HashMap would have seen puts in.
	next.Members = members
	return next
}
