package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rebalance-sim/rebalance-sim/assignors"
)

// assignInput is `simulate assign`'s JSON input (README, "simulate assign").
type assignInput struct {
	Assignor string            `json:"assignor"`
	Topics   map[string]int32  `json:"topics"`
	TopicIDs map[string]string `json:"topic_ids"`
	// Replicas gives, per topic, the racks of each partition's replicas
	// (one list per partition); topics not listed have no rack layout.
	Replicas map[string][][]string `json:"replicas"`
	Members  []assignMember        `json:"members"`
}

type assignMember struct {
	ID         string             `json:"id"`
	Topics     []string           `json:"topics"`
	Owned      map[string][]int32 `json:"owned"`
	Generation *int32             `json:"generation"`
	InstanceID string             `json:"instance_id"`
	Rack       string             `json:"rack"`
}

// Limits of `simulate assign`, checked before anything is allocated for
// them: Go's out-of-memory crash exits 2, the same code as bad input, so a
// too large input must be refused before it can get there.
const (
	// assignMaxInput bounds the JSON read: every other count below is
	// bounded by it except the partition counts, which are numbers.
	assignMaxInput = 64 << 20
	// assignMaxPartitions bounds the partitions of all topics together:
	// about as many as the largest Kafka clusters run (KRaft's tested
	// scale), and each costs the assignors some tens of bytes and the
	// output a few, so that the answer fits in well under 1 GB and 30 s.
	assignMaxPartitions = 1_000_000
	// assignMaxMembers and assignMaxTopics: far beyond any group Kafka
	// serves (group.max.size defaults to unlimited, but a coordinator
	// handles thousands), and small enough that per-member and per-topic
	// tables stay small.
	assignMaxMembers = 100_000
	assignMaxTopics  = 100_000
	// assignMaxRackWork bounds partitions x members for the sticky
	// assignors when racks are given on both sides: Kafka's rack-aware
	// sticky algorithm may first pile a rack's partitions onto its few
	// local members and then move them one at a time, work that grows with
	// that product (100,000 partitions over 2,000 members take seconds).
	assignMaxRackWork = 200_000_000
)

var assignCommand = &command{
	name:    "assign",
	args:    "[flags] [FILE|-]",
	summary: "one assignment as Kafka's assignors compute it (JSON or a table)",
	about: `Answers one group as Kafka 4.4's group leader (classic assignors) or KIP-848 coordinator
(uniform, server-range) would, tie-breaks included. The input, from FILE or stdin, is one JSON
object: "assignor", "topics" (name: partition count), "members" (each with "id", "topics", and
optionally "owned" (topic: partitions), "generation", "instance_id" and "rack"), and optionally
"topic_ids" (topic: Kafka's base64 id) and "replicas" (topic: the racks of each partition's
replicas, for rack-aware assignment).

An assignor is named as simulate list shows (range, roundrobin, sticky, cooperative-sticky,
uniform, server-range) or by its Java class, as a Java config holds it
(org.apache.kafka.clients.consumer.CooperativeStickyAssignor,
org.apache.kafka.coordinator.group.assignor.UniformAssignor).

The answer is JSON by default ({"assignment": {member: {topic: [partitions]}}}), members in
input order; --format table prints it for people, with each member's assignment in Kafka's
"topic:0,1;other:2" form. --explain adds, per partition, whether it stayed with its owner, moved
(from whom to whom), is new, or is withheld this round (cooperative-sticky); --rounds runs the
cooperative follow-up rounds until nothing is revoked.`,
	examples: []string{
		"simulate assign group.json",
		"simulate assign --format table --explain < group.json",
		"simulate assign --assignor cooperative-sticky --rounds --explain --format table group.json",
	},
	positional: "json",
	values:     map[string]string{"assignor": "assignors", "format": "json table"},
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		var f assignFlags
		fs.StringVar(&f.assignor, "assignor", "", "the assignor, overriding the input's \"assignor\" (`NAME` or Java class)")
		fs.BoolVar(&f.rounds, "rounds", false, "run cooperative follow-up rounds (owned := the last assignment) until nothing is revoked")
		fs.BoolVar(&f.explain, "explain", false, "say per partition whether it stayed, moved (from, to), is new or is withheld")
		fs.StringVar(&f.format, "format", "json", "output `FORMAT`: json (for programs) or table (for people)")
		return func(pos []string) error { return cmdAssign(f, pos, s.in, s.out) }
	},
}

type assignFlags struct {
	assignor, format string
	rounds, explain  bool
}

// assignRound is one round's input and answer.
type assignRound struct {
	g    *assignors.Group
	plan assignors.Plan
}

func cmdAssign(f assignFlags, pos []string, stdin io.Reader, out io.Writer) error {
	if f.format != "json" && f.format != "table" {
		return usagef("--format %q: want json or table", f.format)
	}
	if len(pos) > 1 {
		return usagef("assign takes one input file (or - for stdin)")
	}
	src, in := "stdin", stdin
	if len(pos) == 1 && pos[0] != "-" {
		src = pos[0]
		file, err := os.Open(src)
		if err != nil {
			return usagef("%v", err)
		}
		defer file.Close()
		in = file
	}
	data, err := io.ReadAll(io.LimitReader(in, assignMaxInput+1))
	if err != nil {
		return usagef("%s: %v", src, err)
	}
	if len(data) > assignMaxInput {
		return usagef("%s: input larger than %d MiB, the limit of simulate assign (no real group's description comes near it)", src, assignMaxInput>>20)
	}
	g, assignorName, err := parseAssignInput(src, data, f.assignor)
	if err != nil {
		return usageError{err}
	}
	a, err := assignors.New(assignorName)
	if err != nil {
		return usagef("%s: assignor: %v", src, err)
	}
	plan, err := a.Assign(g)
	if err != nil {
		return usagef("%s: %s rejects this input: %v", src, assignorName, err)
	}
	rounds := []assignRound{{g, plan}}
	// --rounds: follow-up rounds with owned := the last assignment and
	// generation := 1, until a round revokes nothing.
	for f.rounds && revokesAny(g, plan) {
		if len(rounds) >= 10 {
			return fmt.Errorf("no convergence after 10 rounds")
		}
		g = followUp(g, plan)
		a2, _ := assignors.New(assignorName)
		plan, err = a2.Assign(g)
		if err != nil {
			return usagef("%s: %s rejects round %d: %v", src, assignorName, len(rounds)+1, err)
		}
		rounds = append(rounds, assignRound{g, plan})
	}
	var b bytes.Buffer
	if f.format == "table" {
		writeAssignTable(&b, assignorName, rounds, f.rounds, f.explain)
	} else {
		writeAssignJSON(&b, rounds, f.rounds, f.explain)
	}
	_, err = out.Write(b.Bytes())
	return err
}

// writeAssignJSON writes the answer as JSON: the assignment on one line
// (as it always was), and with --explain each partition's entry on a line
// of its own, so that a reader can follow it.
func writeAssignJSON(b *bytes.Buffer, rounds []assignRound, withRounds, explain bool) {
	one := func(r assignRound, indent string) {
		b.WriteString(`"assignment": `)
		writePlan(b, r.g, r.plan)
		if explain {
			b.WriteString(`, "explain": `)
			writeExplain(b, r.g, r.plan, indent)
		}
	}
	if !withRounds {
		b.WriteString("{")
		one(rounds[0], "")
		b.WriteString("}\n")
		return
	}
	b.WriteString(`{"rounds": [`)
	for i, r := range rounds {
		if i > 0 {
			b.WriteString(",")
		}
		if explain {
			b.WriteString("\n  ")
		} else if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(b, `{"round": %d, `, i+1)
		one(r, "  ")
		b.WriteString("}")
	}
	if explain {
		b.WriteString("\n")
	}
	b.WriteString("]}\n")
}

const assignShape = `expected {"assignor", "topics": {name: partitions}, "members": [{"id", "topics", "owned", "generation", "instance_id", "rack"}], "topic_ids", "replicas"}`

func parseAssignInput(src string, data []byte, override string) (*assignors.Group, string, error) {
	// encoding/json alone takes the last of duplicate keys and ignores
	// trailing text; both hide mistakes, so the token stream is checked
	// first: exactly one value, no key twice in any object.
	if err := jsonStrict(data); err != nil {
		return nil, "", fmt.Errorf("%s: %v", src, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var in assignInput
	if err := dec.Decode(&in); err != nil {
		return nil, "", fmt.Errorf("%s: %v (%s)", src, jsonErr(data, err), assignShape)
	}
	if err := assignLimits(in); err != nil {
		return nil, "", fmt.Errorf("%s: %v", src, err)
	}
	if err := assignRackLimit(in, override); err != nil {
		return nil, "", fmt.Errorf("%s: %v", src, err)
	}
	name := assignorName(in.Assignor, override)
	if name == "" {
		return nil, "", fmt.Errorf("%s: no assignor: give \"assignor\" or --assignor (one of %s)", src, strings.Join(assignors.Names(), ", "))
	}
	g := &assignors.Group{}
	names := make([]string, 0, len(in.Topics))
	for t, n := range in.Topics {
		if n < 0 {
			return nil, "", fmt.Errorf("%s: topics.%s: %d partitions; must be >= 0", src, t, n)
		}
		names = append(names, t)
	}
	sort.Strings(names) // NB: map order must not reach the plan.
	for _, t := range names {
		tp := assignors.Topic{Name: t, Partitions: in.Topics[t]}
		if rs, ok := in.Replicas[t]; ok {
			if len(rs) != int(tp.Partitions) {
				return nil, "", fmt.Errorf("%s: replicas.%s: %d partitions listed, the topic has %d; list the racks of every partition's replicas", src, t, len(rs), tp.Partitions)
			}
			tp.Racks = rs
		}
		if s, ok := in.TopicIDs[t]; ok {
			id, err := assignors.ParseUuid(s)
			if err != nil {
				return nil, "", fmt.Errorf("%s: topic_ids.%s: %v", src, t, err)
			}
			tp.ID = id
		}
		g.Topics = append(g.Topics, tp)
	}
	for _, key := range []string{"topic_ids", "replicas"} {
		var extra []string
		switch key {
		case "topic_ids":
			for t := range in.TopicIDs {
				if _, ok := in.Topics[t]; !ok {
					extra = append(extra, t)
				}
			}
		case "replicas":
			for t := range in.Replicas {
				if _, ok := in.Topics[t]; !ok {
					extra = append(extra, t)
				}
			}
		}
		if len(extra) > 0 {
			sort.Strings(extra) // NB: map order must not reach the message.
			return nil, "", fmt.Errorf("%s: %s.%s: no such topic in \"topics\"", src, key, extra[0])
		}
	}
	seen := map[string]bool{}
	instances := map[string]bool{}
	for i, m := range in.Members {
		if m.ID == "" {
			return nil, "", fmt.Errorf("%s: members[%d].id: required", src, i)
		}
		if seen[m.ID] {
			return nil, "", fmt.Errorf("%s: members[%d].id: %q appears twice", src, i, m.ID)
		}
		seen[m.ID] = true
		if m.InstanceID != "" {
			if instances[m.InstanceID] {
				return nil, "", fmt.Errorf("%s: members[%d].instance_id: %q appears twice (static members with equal instance ids cannot coexist)", src, i, m.InstanceID)
			}
			instances[m.InstanceID] = true
		}
		am := assignors.Member{ID: m.ID, InstanceID: m.InstanceID, Generation: -1, Rack: m.Rack}
		if m.Generation != nil {
			am.Generation = *m.Generation
		}
		topics := append([]string(nil), m.Topics...)
		sort.Strings(topics)
		for j := 1; j < len(topics); j++ {
			if topics[j] == topics[j-1] {
				return nil, "", fmt.Errorf("%s: members[%d].topics: %q listed twice", src, i, topics[j])
			}
		}
		am.Topics = topics
		owned := make([]string, 0, len(m.Owned))
		for t := range m.Owned {
			owned = append(owned, t)
		}
		sort.Strings(owned)
		for _, t := range owned {
			ps := append([]int32(nil), m.Owned[t]...)
			sort.Slice(ps, func(a, b int) bool { return ps[a] < ps[b] })
			for j, p := range ps {
				if p < 0 || (j > 0 && ps[j-1] == p) {
					return nil, "", fmt.Errorf("%s: members[%d].owned.%s: partitions must be distinct and >= 0", src, i, t)
				}
			}
			if len(ps) > 0 {
				am.Owned = append(am.Owned, assignors.TopicPartitions{Topic: t, Partitions: ps})
			}
		}
		g.Members = append(g.Members, am)
	}
	return g, name, nil
}

// jsonErr adds the line of a JSON syntax error.
func jsonErr(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case asErr(err, &se):
		off = se.Offset
	case asErr(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err.Error()
	}
	line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	return fmt.Sprintf("line %d: %v", line, err)
}

func asErr[T error](err error, target *T) bool {
	if e, ok := err.(T); ok {
		*target = e
		return true
	}
	return false
}

// writePlan writes members in input order, topics and partitions sorted.
func writePlan(b *bytes.Buffer, g *assignors.Group, plan assignors.Plan) {
	b.WriteString("{")
	for i, a := range plan {
		if i > 0 {
			b.WriteString(", ")
		}
		jsonString(b, a.MemberID)
		b.WriteString(": {")
		for j, tp := range a.Topics {
			if j > 0 {
				b.WriteString(", ")
			}
			jsonString(b, tp.Topic)
			b.WriteString(": [")
			for k, p := range tp.Partitions {
				if k > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strconv.Itoa(int(p)))
			}
			b.WriteString("]")
		}
		b.WriteString("}")
	}
	b.WriteString("}")
}

type tpKey struct {
	topic string
	p     int32
}

// writeExplain says, per partition of the plan (and per withheld one),
// whether it stayed with its owner, moved (from, to), is new, or is
// withheld this round (cooperative-sticky).
func writeExplain(b *bytes.Buffer, g *assignors.Group, plan assignors.Plan, indent string) {
	b.WriteString("[")
	for i, e := range explainPlan(g, plan) {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n" + indent + "  ")
		fmt.Fprintf(b, `{"topic": %s, "partition": %d, "status": %q, "from": %s, "to": %s}`,
			jsonQuote(e.topic), e.partition, e.status, jsonOrNull(e.from), jsonOrNull(e.to))
	}
	b.WriteString("\n" + indent + "]")
}

func jsonOrNull(s string) string {
	if s == "" {
		return "null"
	}
	return jsonQuote(s)
}

// explained is one partition of --explain.
type explained struct {
	topic     string
	partition int32
	status    string // stayed, moved, new, withheld
	from, to  string // from: its owners, comma-separated; "" for none
}

// explainPlan says, per partition of the plan (and per withheld one),
// whether it stayed with its owner, moved (from, to), is new, or is
// withheld this round (cooperative-sticky), by topic then partition.
func explainPlan(g *assignors.Group, plan assignors.Plan) []explained {
	owner := map[tpKey][]string{}
	for _, m := range g.Members {
		for _, tp := range m.Owned {
			for _, p := range tp.Partitions {
				owner[tpKey{tp.Topic, p}] = append(owner[tpKey{tp.Topic, p}], m.ID)
			}
		}
	}
	assigned := map[tpKey]string{}
	for _, a := range plan {
		for _, tp := range a.Topics {
			for _, p := range tp.Partitions {
				assigned[tpKey{tp.Topic, p}] = a.MemberID
			}
		}
	}
	var out []explained
	for _, t := range g.Topics {
		for p := int32(0); p < t.Partitions; p++ {
			k := tpKey{t.Name, p}
			to, ok := assigned[k]
			from := owner[k]
			if !ok && len(from) == 0 {
				continue // unsubscribed and unowned
			}
			e := explained{topic: t.Name, partition: p, from: strings.Join(from, ","), to: to}
			switch {
			case !ok:
				e.status = "withheld"
			case len(from) == 0:
				e.status = "new"
			case len(from) == 1 && from[0] == to:
				e.status = "stayed"
			default:
				e.status = "moved"
			}
			out = append(out, e)
		}
	}
	return out
}

// followUp is the next cooperative round's input: owned := this round's
// assignment, generation := 1.
func followUp(g *assignors.Group, plan assignors.Plan) *assignors.Group {
	next := &assignors.Group{Topics: g.Topics}
	for i, m := range g.Members {
		nm := m
		nm.Owned = plan[i].Topics
		nm.Generation = 1
		next.Members = append(next.Members, nm)
	}
	return next
}

// revokesAny reports whether some member lost a partition it owned.
func revokesAny(g *assignors.Group, plan assignors.Plan) bool {
	for i, m := range g.Members {
		have := map[tpKey]bool{}
		for _, tp := range plan[i].Topics {
			for _, p := range tp.Partitions {
				have[tpKey{tp.Topic, p}] = true
			}
		}
		for _, tp := range m.Owned {
			for _, p := range tp.Partitions {
				if !have[tpKey{tp.Topic, p}] {
					return true
				}
			}
		}
	}
	return false
}

// jsonString appends s as a JSON string written by encoding/json (which
// escapes control characters and quotes as JSON requires; HTML characters
// are left readable).
func jsonString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err) // a string always encodes
	}
	b.Truncate(b.Len() - 1) // Encode's newline
}

func jsonQuote(s string) string {
	var b bytes.Buffer
	jsonString(&b, s)
	return b.String()
}

// jsonStrict checks that data holds exactly one JSON value and that no
// object in it has a key twice, naming the line of the first problem.
func jsonStrict(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	line := func() int { return 1 + bytes.Count(data[:min(int(dec.InputOffset()), len(data))], []byte("\n")) }
	// One frame per open container: its keys so far (nil for an array)
	// and whether the next string token is a key.
	type frame struct {
		keys   map[string]bool
		wantKy bool
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return fmt.Errorf("line %d: unexpected end of JSON input", line())
			}
			return fmt.Errorf("no JSON value (%s)", assignShape)
		}
		if err != nil {
			return fmt.Errorf("%s", jsonErr(data, err))
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			top := &stack[n-1]
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
			} else if top.wantKy {
				k := tok.(string) // the decoder only yields string keys
				if top.keys[k] {
					return fmt.Errorf("line %d: key %q appears twice in one object", line(), k)
				}
				top.keys[k] = true
				top.wantKy = false
				continue
			} else {
				top.wantKy = true
				if d, ok := tok.(json.Delim); ok {
					stack = append(stack, frame{keys: map[string]bool{}, wantKy: true})
					if d == '[' {
						stack[len(stack)-1].keys = nil
					}
				}
			}
		} else if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, frame{keys: map[string]bool{}, wantKy: true})
			case '[':
				stack = append(stack, frame{})
			default: // ']'
				stack = stack[:len(stack)-1]
			}
		}
		if len(stack) == 0 {
			break // the first value is complete
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("line %d: text after the JSON value; give exactly one object", line())
	}
	return nil
}

// assignLimits refuses, before anything is built from them, counts beyond
// the limits above, saying which and why.
func assignLimits(in assignInput) error {
	if len(in.Topics) > assignMaxTopics {
		return fmt.Errorf("topics: %d topics; the limit is %d", len(in.Topics), assignMaxTopics)
	}
	if len(in.Members) > assignMaxMembers {
		return fmt.Errorf("members: %d members; the limit is %d", len(in.Members), assignMaxMembers)
	}
	total := int64(0)
	names := make([]string, 0, len(in.Topics))
	for t := range in.Topics {
		names = append(names, t)
	}
	sort.Strings(names) // NB: the first topic over the limit is named.
	for _, t := range names {
		n := in.Topics[t]
		if n < 0 {
			return fmt.Errorf("topics.%s: %d partitions; must be >= 0", t, n)
		}
		total += int64(n)
		if total > assignMaxPartitions {
			return fmt.Errorf("topics.%s: %d partitions brings the total to %d; the limit is %d partitions in all "+
				"(about the most a Kafka cluster runs; more would take gigabytes to assign)", t, n, total, assignMaxPartitions)
		}
	}
	return nil
}

// assignRackLimit applies assignMaxRackWork.
func assignRackLimit(in assignInput, override string) error {
	name := assignorName(in.Assignor, override)
	if name != "sticky" && name != "cooperative-sticky" || len(in.Replicas) == 0 {
		return nil
	}
	racks := false
	for _, m := range in.Members {
		racks = racks || m.Rack != ""
	}
	if !racks {
		return nil
	}
	total := int64(0)
	for _, n := range in.Topics {
		total += int64(max(n, 0))
	}
	if work := total * int64(len(in.Members)); work > assignMaxRackWork {
		return fmt.Errorf("members: %d members with racks on %d partitions with replica racks; rack-aware %s is limited to %d partitions x members "+
			"(Kafka's algorithm may move partitions one at a time, work that grows with that product)", len(in.Members), total, name, assignMaxRackWork)
	}
	return nil
}

// assignorName is the assignor asked for (--assignor over the input's), as
// our name: Kafka's class names, as a Java config holds them, are mapped.
func assignorName(input, override string) string {
	name := input
	if override != "" {
		name = override
	}
	if n, ok := assignors.FromJavaClass(name); ok {
		return n
	}
	return name
}

// writeAssignTable prints the answer for people: one row per member with
// its partition count and its assignment as kafka-consumer-groups.sh
// --describe --members --verbose writes one ("orders:0,1;payments:2"), and
// with --explain a row per partition saying what happened to it.
func writeAssignTable(b *bytes.Buffer, assignor string, rounds []assignRound, withRounds, explain bool) {
	for i, r := range rounds {
		if withRounds {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(b, "Round %d of %d (%s):\n", i+1, len(rounds), assignor)
		}
		instances, racks := false, false
		for _, m := range r.g.Members {
			instances = instances || m.InstanceID != ""
			racks = racks || m.Rack != ""
		}
		tw := tabwriter.NewWriter(b, 2, 0, 2, ' ', 0)
		head := []string{"MEMBER"}
		if instances {
			head = append(head, "INSTANCE-ID")
		}
		if racks {
			head = append(head, "RACK")
		}
		fmt.Fprintln(tw, strings.Join(append(head, "#PARTITIONS", "ASSIGNMENT"), "\t"))
		for k, a := range r.plan {
			m := r.g.Members[k]
			cells := []string{printable(a.MemberID)}
			if instances {
				cells = append(cells, dash(printable(m.InstanceID)))
			}
			if racks {
				cells = append(cells, dash(printable(m.Rack)))
			}
			n := 0
			var parts []string
			for _, tp := range a.Topics {
				n += len(tp.Partitions)
				ps := make([]string, len(tp.Partitions))
				for j, p := range tp.Partitions {
					ps[j] = strconv.Itoa(int(p))
				}
				if len(ps) > 0 {
					parts = append(parts, printable(tp.Topic)+":"+strings.Join(ps, ","))
				}
			}
			cells = append(cells, strconv.Itoa(n), dash(strings.Join(parts, ";")))
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		tw.Flush()
		if !explain {
			continue
		}
		es := explainPlan(r.g, r.plan)
		count := map[string]int{}
		for _, e := range es {
			count[e.status]++
		}
		var summary []string
		for _, st := range []string{"stayed", "moved", "new", "withheld"} {
			if count[st] > 0 {
				summary = append(summary, fmt.Sprintf("%d %s", count[st], st))
			}
		}
		fmt.Fprintf(b, "\n%d partition(s): %s\n", len(es), strings.Join(summary, ", "))
		tw = tabwriter.NewWriter(b, 2, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TOPIC\tPARTITION\tSTATUS\tFROM\tTO")
		for _, e := range es {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", printable(e.topic), e.partition, e.status, dash(printable(e.from)), dash(printable(e.to)))
		}
		tw.Flush()
	}
}

// printable shows a name with control characters (and tabs, which would
// break the table) escaped as Go does; other names as they are.
func printable(s string) string {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\t' {
			q := strconv.Quote(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}
