package assignors

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Kafka's general sticky builder can loop forever (docs/model.md, "Sticky"):
// the three inputs in testdata/sticky-livelock never return from Kafka's own
// StickyAssignor / CooperativeStickyAssignor (seen running Kafka's classes). Ours bounds the loop and
// must return a valid plan that Kafka's isBalanced accepts.

// stickyLivelockDir holds the inputs, in `simulate assign`'s JSON.
const stickyLivelockDir = "testdata/sticky-livelock"

// stickyAssignFile is the JSON of `simulate assign`:
// {"assignor", "topics": {name: count}, "members": [{"id", "topics",
// "owned": {topic: [p...]}, "generation", "instance_id"}]}.
type stickyAssignFile struct {
	Assignor string           `json:"assignor"`
	Topics   map[string]int32 `json:"topics"`
	Members  []struct {
		ID         string             `json:"id"`
		Topics     []string           `json:"topics"`
		Owned      map[string][]int32 `json:"owned"`
		Generation *int32             `json:"generation"`
		InstanceID string             `json:"instance_id"`
	} `json:"members"`
}

// stickyReadAssignFile reads one input into a Group, normalised to the
// package contract (sorted topics, subscriptions and owned partitions); a
// missing generation is -1.
func stickyReadAssignFile(path string) (string, *Group, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	var f stickyAssignFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return "", nil, fmt.Errorf("%s: %v", path, err)
	}
	g := &Group{}
	for name, n := range f.Topics {
		g.Topics = append(g.Topics, Topic{Name: name, Partitions: n})
	}
	// NB: map order must not reach the group.
	slices.SortFunc(g.Topics, func(a, b Topic) int { return JavaStringCompare(a.Name, b.Name) })
	for i, m := range f.Members {
		if m.ID == "" {
			return "", nil, fmt.Errorf("%s: members[%d]: missing id", path, i)
		}
		mem := Member{ID: m.ID, InstanceID: m.InstanceID, Generation: stickyNoGeneration}
		if m.Generation != nil {
			mem.Generation = *m.Generation
		}
		mem.Topics = slices.Compact(slices.Sorted(slices.Values(m.Topics)))
		topics := make([]string, 0, len(m.Owned))
		for t := range m.Owned {
			topics = append(topics, t)
		}
		slices.Sort(topics) // NB: map order must not reach the group.
		for _, t := range topics {
			ps := slices.Compact(slices.Sorted(slices.Values(m.Owned[t])))
			if len(ps) > 0 {
				mem.Owned = append(mem.Owned, TopicPartitions{Topic: t, Partitions: ps})
			}
		}
		g.Members = append(g.Members, mem)
	}
	return f.Assignor, g, nil
}

// stickyKafkaBalanced is Kafka's isBalanced on a complete plan, written
// plainly from its definition: sizes differ by at most one, or no member
// could take a partition of a topic it subscribes to from a member with at
// least 2 more partitions.
func stickyKafkaBalanced(g *Group, p Plan) error {
	size := make(map[string]int, len(p))
	owner := map[string]string{} // "topic/partition" -> member
	lo, hi := -1, -1
	for _, a := range p {
		for _, tp := range a.Topics {
			size[a.MemberID] += len(tp.Partitions)
			for _, q := range tp.Partitions {
				owner[fmt.Sprintf("%s/%d", tp.Topic, q)] = a.MemberID
			}
		}
		s := size[a.MemberID]
		if lo < 0 || s < lo {
			lo = s
		}
		if s > hi {
			hi = s
		}
	}
	if hi-lo <= 1 {
		return nil
	}
	parts := map[string]int32{}
	for _, t := range g.Topics {
		parts[t.Name] = t.Partitions
	}
	for _, m := range g.Members {
		for _, t := range m.Topics {
			for q := int32(0); q < parts[t]; q++ {
				o := owner[fmt.Sprintf("%s/%d", t, q)]
				if o != "" && o != m.ID && size[m.ID]+1 < size[o] {
					return fmt.Errorf("%s-%d could move from %s (%d partitions) to %s (%d)", t, q, o, size[o], m.ID, size[m.ID])
				}
			}
		}
	}
	return nil
}

func TestStickyLivelockInputsTerminateBalanced(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(stickyLivelockDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("want the 3 livelock inputs in %s, found %d", stickyLivelockDir, len(files))
	}
	for _, file := range files {
		name, g, err := stickyReadAssignFile(file)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			for _, assignor := range []string{name, "sticky", "cooperative-sticky"} {
				a, err := New(assignor)
				if err != nil {
					t.Fatal(err)
				}
				p1, err := a.Assign(g)
				if err != nil {
					t.Fatalf("%s: %v", assignor, err)
				}
				// The cooperative plan withholds moving partitions, so only
				// the eager plan is complete and checked for balance.
				complete := assignor == "sticky"
				if err := CheckPlan(g, p1, complete); err != nil {
					t.Fatalf("%s: invalid plan: %v", assignor, err)
				}
				if complete {
					if err := stickyKafkaBalanced(g, p1); err != nil {
						t.Fatalf("%s: not balanced: %v", assignor, err)
					}
				}
				// Deterministic: a fresh instance gives the same bytes.
				b, _ := New(assignor)
				p2, err := b.Assign(g)
				if err != nil || fmt.Sprint(p1) != fmt.Sprint(p2) {
					t.Fatalf("%s: second run differs (%v)", assignor, err)
				}
			}
		})
	}
}

// The bound must also hold when the group keeps churning: feed the plan back
// as owned partitions for a few cooperative rounds; every round must
// terminate with a valid plan, and the eager plan must be balanced.
func TestStickyLivelockFollowUpRounds(t *testing.T) {
	_, g, err := stickyReadAssignFile(filepath.Join(stickyLivelockDir, "sticky-seed5-case1329.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, assignor := range []string{"sticky", "cooperative-sticky"} {
		a, _ := New(assignor)
		cur := *g
		cur.Members = slices.Clone(g.Members)
		for round := 0; round < 4; round++ {
			p, err := a.Assign(&cur)
			if err != nil {
				t.Fatalf("%s round %d: %v", assignor, round, err)
			}
			if err := CheckPlan(&cur, p, assignor == "sticky"); err != nil {
				t.Fatalf("%s round %d: %v", assignor, round, err)
			}
			if assignor == "sticky" {
				if err := stickyKafkaBalanced(&cur, p); err != nil {
					t.Fatalf("%s round %d: %v", assignor, round, err)
				}
			}
			for i := range cur.Members {
				cur.Members[i].Owned = p[i].Topics
				cur.Members[i].Generation = int32(round + 2)
			}
		}
	}
}

// Up to the bound, our loop is Kafka's loop: stopped after the same number
// of partition visits (50,000, thousands of them through the movement
// tracker's substitution), the plan is the one Kafka's own code holds at
// that point (recorded by running Kafka's GeneralAssignmentBuilder,
// instrumented to stop there, on this input).
func TestStickyLivelockFollowsKafkaUntilBound(t *testing.T) {
	_, g, err := stickyReadAssignFile(filepath.Join(stickyLivelockDir, "sticky-seed5-case1329.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"mm te:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14",
		"zvi dj:0,3,6,7,9,14,16,19,20,27;saqi:1,5,6,8,9,10,12,14,15,16,17,18,19,22,25,27",
		"xvvunmgaxm ejnoo:0,1,3,5,8,10,11,13,14,15,17,22,24,25,29,31,36,39,40;saqi:0,2,3,4,7,11,13",
		"hnftfbfjhi kizxfskh:0,1,2,3;saqiegj:0,1,2,3,4,5,6,7,8,9,10,11,12,14,15,16,19,21,23,24",
		"m ejnoo:4,6,7,9,12,16,18,19,20,21,23,26,27,28,30,32,33,34,35,37,38;saqi:20,21,23,24,26",
		"b djyitdoykuvs:5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,21,23,35;rgfvgddw:0,1,2,3,4,5,6,7,11,13",
		"ngvd dj:1,2,4,5,8,10,11,12,13,15,17,18,21,22,23,24,25,26;saqiegj:13,17,18,20,22,25,26",
		"cbu djyitdoyk:0,1,2,3,4;gq:0,1",
		"loanocacu djyitdoykuvs:0,1,2,3,4,20,22,24,25,26,27,28,29,30,31,32,33,34,36,37,38,39,40,41,42,43,44;ejnoo:2",
		"mu rgfvgddw:15,16,17,18,19,20,22,23,24,27,28,31,34,35,36,37,38,40,41,43,44,46,48,50,52,53,54,55,57",
		"cbui rgfvg:0,1,2,3,4,5,6,7,8;rgfvgddw:8,9,10,12,14,21,25,26,29,30,32,33,39,42,45,47,49,51,56,58",
	}
	st, err := stickyIntern(g)
	if err != nil {
		t.Fatal(err)
	}
	maxGen := int32(stickyNoGeneration)
	if st.normalize(&maxGen) {
		t.Fatal("subscriptions are unequal in this input")
	}
	b := st.newGeneral(maxGen)
	b.stepLimit, b.rawAtLimit = 50_000, true
	b.run()
	if !b.livelock {
		t.Fatal("the loop ended before 50,000 steps; Kafka's does not")
	}
	if got := stickyUnitFormat(st.plan(b.owner)); !slices.Equal(got, want) {
		t.Fatalf("after 50,000 steps:\ngot\n\t%s\nwant (Kafka)\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// The three inputs do reach the bound (Kafka's loop never ends on them), so
// the tests above exercise the way out, not an ordinary run.
func TestStickyLivelockBoundIsReached(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(stickyLivelockDir, "*.json"))
	for _, file := range files {
		_, g, err := stickyReadAssignFile(file)
		if err != nil {
			t.Fatal(err)
		}
		st, err := stickyIntern(g)
		if err != nil {
			t.Fatal(err)
		}
		maxGen := int32(stickyNoGeneration)
		if st.normalize(&maxGen) {
			t.Fatalf("%s: subscriptions are unequal in this input", file)
		}
		b := st.newGeneral(maxGen)
		b.run()
		if !b.livelock {
			t.Errorf("%s: reassignment ended within %d steps", filepath.Base(file), b.stepLimit)
		}
	}
}
