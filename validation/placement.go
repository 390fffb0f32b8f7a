package validation

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// Placement is one KIP-848 target assignment the real coordinator computed,
// next to what our assignor (the one `simulate assign --assignor
// uniform|server-range` runs) computes from the same input: the members of
// that epoch in the order they joined, the topics with their real topic
// ids, and each member's previous target as its current assignment.
type Placement struct {
	Group    string              `json:"group"`
	Epoch    int                 `json:"epoch"`
	Assignor string              `json:"assignor"`
	Members  int                 `json:"members"`
	Agree    bool                `json:"agree"`
	Broker   map[string][]string `json:"broker"`
	Ours     map[string][]string `json:"ours"`
}

// Placements checks every target assignment of every KIP-848 group of a
// real run against our server-side assignors.
func Placements(sc *scenario.Scenario, l *Logs) ([]Placement, error) {
	var out []Placement
	for i := range sc.Groups {
		g := &sc.Groups[i]
		if g.Protocol != scenario.ProtocolConsumer {
			continue
		}
		ps, err := groupPlacements(sc, g, l)
		if err != nil {
			return nil, fmt.Errorf("group %s: %v", g.Name, err)
		}
		out = append(out, ps...)
	}
	return out, nil
}

func groupPlacements(sc *scenario.Scenario, g *scenario.Group, l *Logs) ([]Placement, error) {
	name := map[string]string{"uniform": "uniform", "range": "server-range"}[g.RemoteAssignor]
	var topics []assignors.Topic
	for _, tn := range g.Topics {
		for _, t := range sc.Topics {
			if t.Name != tn {
				continue
			}
			at := assignors.Topic{Name: t.Name, Partitions: int32(t.Partitions)}
			if id := l.TopicIDs[t.Name]; id != "" {
				u, err := assignors.ParseUuid(id)
				if err != nil {
					return nil, fmt.Errorf("topic id %q: %v", id, err)
				}
				at.ID = u
			}
			topics = append(topics, at)
		}
	}
	sort.Slice(topics, func(i, j int) bool { return topics[i].Name < topics[j].Name })
	instance := map[string]string{}
	for _, p := range l.Procs {
		if p.Group != g.Name {
			continue
		}
		for _, e := range p.Events {
			if e.Ev == "member" && e.Instance != nil && e.ID != "" {
				instance[e.ID] = *e.Instance
			}
		}
	}
	var joined []string // member ids in the order the coordinator first saw them
	seen := map[string]bool{}
	var prev map[string][]string
	var out []Placement
	for _, bl := range l.Broker {
		if bl.Group != g.Name {
			continue
		}
		switch bl.Kind {
		case "kjoin", "mstate":
			if !seen[bl.ID] {
				seen[bl.ID] = true
				joined = append(joined, bl.ID)
			}
			continue
		case "target":
		default:
			continue
		}
		target := ParseTarget(bl.Text, l.TopicNames)
		grp := &assignors.Group{Topics: topics}
		for _, id := range joined {
			if _, in := target[id]; !in {
				continue
			}
			m := assignors.Member{ID: id, InstanceID: instance[id], Topics: g.Topics, Generation: -1}
			m.Owned = toTopicPartitions(prev[id])
			grp.Members = append(grp.Members, m)
		}
		if len(grp.Members) != len(target) {
			// A member the log never showed joining: cannot rebuild the input.
			prev = target
			continue
		}
		a, err := assignors.New(name)
		if err != nil {
			return nil, err
		}
		plan, err := a.Assign(grp)
		if err != nil {
			return nil, err
		}
		ours := map[string][]string{}
		for _, as := range plan {
			var tps []string
			for _, tp := range as.Topics {
				for _, p := range tp.Partitions {
					tps = append(tps, tp.Topic+"-"+strconv.Itoa(int(p)))
				}
			}
			sort.Strings(tps)
			ours[as.MemberID] = tps
		}
		agree := true
		for id, tps := range target {
			if strings.Join(tps, ",") != strings.Join(ours[id], ",") {
				agree = false
			}
		}
		out = append(out, Placement{Group: g.Name, Epoch: bl.Gen, Assignor: name, Members: len(target), Agree: agree, Broker: target, Ours: ours})
		prev = target
	}
	return out, nil
}

// toTopicPartitions turns "topic-3" names into the assignor's form
// (sorted by topic, partitions ascending).
func toTopicPartitions(tps []string) []assignors.TopicPartitions {
	by := map[string][]int32{}
	for _, tp := range tps {
		i := strings.LastIndexByte(tp, '-')
		p, _ := strconv.Atoi(tp[i+1:])
		by[tp[:i]] = append(by[tp[:i]], int32(p))
	}
	var out []assignors.TopicPartitions
	for _, t := range sortedKeys(by) {
		ps := by[t]
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		out = append(out, assignors.TopicPartitions{Topic: t, Partitions: ps})
	}
	return out
}
