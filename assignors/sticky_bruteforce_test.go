package assignors

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// A deliberately simple reference for tiny groups (at most 4 members and 7
// partitions): enumerate every complete valid assignment (each partition to
// one subscriber of its topic), keep those that are balanced as Kafka defines
// it, and find the most previously owned partitions any of them keeps.
//
// What the sticky plans must satisfy against it:
//   - equal subscriptions: Kafka's ConstrainedAssignmentBuilder keeps every
//     member's owned partitions up to minQuota and lets up to E of the
//     members owning at least maxQuota keep maxQuota, which is exactly the
//     optimum over balanced plans. So the plan must be balanced and keep
//     exactly the brute-force maximum (for cooperative-sticky: counted from
//     the first round's input to the converged plan).
//   - unequal subscriptions: Kafka's GeneralAssignmentBuilder is a heuristic
//     and can keep fewer than the optimum (it first gives unowned partitions
//     to the least-loaded subscriber, then moves partitions one at a time),
//     so no bound on kept partitions is sound. We assert what Kafka
//     guarantees: the plan is one of the enumerated balanced ones; it keeps
//     everything when the owned assignment is already complete and balanced
//     (the optimum is then "all"); and no two members swap partitions of one
//     topic (isSticky). How often the optimum is reached is logged.

// stkBrute is a tiny group flattened for enumeration.
type stkBrute struct {
	parts []stkTP // every partition of a subscribed, existing topic
	subs  [][]int // subs[p]: indexes of the members subscribed to parts[p]'s topic
	owner []int   // owner[p]: valid previous owner (still subscribed), or -1
	equal bool
	n     int // members
}

func stkNewBrute(g *Group) *stkBrute {
	b := &stkBrute{n: len(g.Members), equal: stkAllSubscriptionsEqual(g)}
	prev, _ := stkPrevOwners(g)
	prev = stkStillValid(g, prev)
	index := map[string]int{}
	for i, m := range g.Members {
		index[m.ID] = i
	}
	for _, t := range g.Topics {
		var subs []int
		for i, m := range g.Members {
			for _, s := range m.Topics {
				if s == t.Name {
					subs = append(subs, i)
				}
			}
		}
		if len(subs) == 0 {
			continue
		}
		for q := int32(0); q < t.Partitions; q++ {
			p := stkTP{t.Name, q}
			b.parts = append(b.parts, p)
			b.subs = append(b.subs, subs)
			o := -1
			if id, ok := prev[p]; ok {
				o = index[id]
			}
			b.owner = append(b.owner, o)
		}
	}
	return b
}

// balanced is Kafka's definition on an assignment given as member indexes.
func (b *stkBrute) balanced(a []int, sizes []int) bool {
	if b.equal {
		lo, hi := sizes[0], sizes[0]
		for _, s := range sizes {
			lo, hi = min(lo, s), max(hi, s)
		}
		return hi-lo <= 1
	}
	for p, m := range a {
		for _, s := range b.subs[p] {
			if sizes[s]+1 < sizes[m] {
				return false
			}
		}
	}
	return true
}

// best enumerates all assignments: the number of balanced ones and the most
// owned partitions one of them keeps.
func (b *stkBrute) best() (balanced, maxKept int) {
	maxKept = -1
	a := make([]int, len(b.parts))
	choice := make([]int, len(b.parts))
	sizes := make([]int, b.n)
	for p := range a {
		a[p] = b.subs[p][0]
		sizes[a[p]]++
	}
	for {
		if b.balanced(a, sizes) {
			balanced++
			kept := 0
			for p, m := range a {
				if m == b.owner[p] {
					kept++
				}
			}
			maxKept = max(maxKept, kept)
		}
		// Odometer over each partition's subscribers.
		p := 0
		for ; p < len(a); p++ {
			sizes[a[p]]--
			choice[p]++
			if choice[p] < len(b.subs[p]) {
				a[p] = b.subs[p][choice[p]]
				sizes[a[p]]++
				break
			}
			choice[p] = 0
			a[p] = b.subs[p][0]
			sizes[a[p]]++
		}
		if p == len(a) {
			return balanced, maxKept
		}
	}
}

// stkTinyGroup is a random group of at most 4 members and 7 partitions with a
// random previous ownership: partitions owned or not, some owners no longer
// subscribed, some partitions claimed twice (equal or different
// generations), some members without a known generation.
func stkTinyGroup(r *rand.Rand, equal bool) Group {
	var g Group
	nt := 1 + r.IntN(3)
	budget := 1 + r.IntN(7)
	for i := 0; i < nt && budget > 0; i++ {
		n := 1 + r.IntN(budget)
		if i == nt-1 {
			n = budget
		}
		budget -= n
		g.Topics = append(g.Topics, Topic{Name: fmt.Sprintf("t%d", i), Partitions: int32(n)})
	}
	nm := 1 + r.IntN(4)
	used := map[string]bool{}
	for i := 0; i < nm; i++ {
		m := Member{ID: stkRandomID(r, used), Topics: stkRandomSubs(r, g.Topics, equal), Generation: []int32{-1, 1, 2, 2}[r.IntN(4)]}
		g.Members = append(g.Members, m)
	}
	owned := make([][]stkTP, nm)
	for _, t := range g.Topics {
		for q := int32(0); q < t.Partitions; q++ {
			if r.IntN(4) == 0 {
				continue // nobody owned it
			}
			i := r.IntN(nm)
			owned[i] = append(owned[i], stkTP{t.Name, q})
			if nm > 1 && r.IntN(8) == 0 {
				j := (i + 1 + r.IntN(nm-1)) % nm
				owned[j] = append(owned[j], stkTP{t.Name, q})
			}
		}
	}
	for i := range g.Members {
		g.Members[i].Owned = stkToTopics(owned[i])
	}
	return g
}

func TestStickyBruteForce(t *testing.T) {
	for _, equal := range []bool{true, false} {
		t.Run(fmt.Sprintf("equalSubscriptions=%v", equal), func(t *testing.T) {
			r := stkRand(map[bool]uint64{true: 11, false: 12}[equal])
			const groups = 3000
			optimal := map[string]int{}
			for gi := 0; gi < groups; gi++ {
				g := stkTinyGroup(r, equal)
				b := stkNewBrute(&g)
				nBalanced, maxKept := b.best()
				if nBalanced == 0 {
					t.Fatalf("group %d: no balanced assignment exists?\n%s", gi, stkDescribe(&g))
				}
				for _, name := range stkNames {
					plan := stkRebalance(t, stkNew(t, name), &g, 3)
					kept := stkKept(&g, plan)
					if kept > maxKept {
						t.Fatalf("%s group %d: keeps %d owned partitions, more than any balanced plan (%d): the brute force or the balance check is wrong\ninput: %s\nplan: %s",
							name, gi, kept, maxKept, stkDescribe(&g), stkDescribePlan(plan))
					}
					if b.equal && kept != maxKept {
						t.Errorf("%s group %d: keeps %d owned partitions, the best balanced plan keeps %d\ninput: %s\nplan: %s",
							name, gi, kept, maxKept, stkDescribe(&g), stkDescribePlan(plan))
					}
					if stkOwnedIsFinal(&g) && kept != len(b.owned()) {
						t.Errorf("%s group %d: the owned assignment was complete and balanced but only %d of %d partitions stayed\ninput: %s\nplan: %s",
							name, gi, kept, len(b.owned()), stkDescribe(&g), stkDescribePlan(plan))
					}
					if kept == maxKept {
						optimal[name]++
					}
				}
			}
			names := make([]string, 0, len(optimal))
			for n := range optimal {
				names = append(names, n)
			}
			sort.Strings(names) // NB: stable log.
			for _, n := range names {
				t.Logf("%s: optimal stickiness in %d of %d tiny groups", n, optimal[n], groups)
			}
		})
	}
}

// owned lists the partitions with a valid previous owner.
func (b *stkBrute) owned() []int {
	var out []int
	for p, o := range b.owner {
		if o >= 0 {
			out = append(out, p)
		}
	}
	return out
}

// TestStickyBruteForceReference checks the reference itself on cases worked
// out by hand, so that a bug in it cannot hide one in the assignors.
func TestStickyBruteForceReference(t *testing.T) {
	// Two members, one topic of 3 partitions, a owns all three: a balanced
	// plan gives a 2 and b 1, so at most 2 owned partitions stay.
	g := Group{
		Topics: []Topic{{Name: "t", Partitions: 3}},
		Members: []Member{
			{ID: "a", Topics: []string{"t"}, Owned: stkToTopics(stkP("t", 0, 1, 2)), Generation: 1},
			{ID: "b", Topics: []string{"t"}, Generation: -1},
		},
	}
	if n, kept := stkNewBrute(&g).best(); n != 6 || kept != 2 {
		t.Errorf("got %d balanced plans keeping at most %d, want 6 and 2", n, kept)
	}
	// b only subscribes to u: unequal subscriptions. t-0..t-2 must all go
	// to a, u-0 to a or b. Balanced: a=3,b=1 (u-0 to b) only, since a=4,b=0
	// lets u-0 move to b.
	g = Group{
		Topics: []Topic{{Name: "t", Partitions: 3}, {Name: "u", Partitions: 1}},
		Members: []Member{
			{ID: "a", Topics: []string{"t", "u"}, Owned: stkToTopics(stkP("u", 0)), Generation: 1},
			{ID: "b", Topics: []string{"u"}, Generation: -1},
		},
	}
	if n, kept := stkNewBrute(&g).best(); n != 1 || kept != 0 {
		t.Errorf("got %d balanced plans keeping at most %d, want 1 and 0", n, kept)
	}
	// Same generation claims cancel: both claim t-0, nobody keeps it; the
	// balanced plans give each member one partition.
	g = Group{
		Topics: []Topic{{Name: "t", Partitions: 2}},
		Members: []Member{
			{ID: "a", Topics: []string{"t"}, Owned: stkToTopics(stkP("t", 0)), Generation: 2},
			{ID: "b", Topics: []string{"t"}, Owned: stkToTopics(stkP("t", 0, 1)), Generation: 2},
		},
	}
	if n, kept := stkNewBrute(&g).best(); n != 2 || kept != 1 {
		t.Errorf("got %d balanced plans keeping at most %d, want 2 and 1", n, kept)
	}
}
