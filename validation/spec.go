package validation

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// Spec is one real run as the harness reads it (run.json): the scenario
// with every event resolved into per-consumer actions at fixed times.
// Times are milliseconds after t = 0.
type Spec struct {
	Name             string            `json:"name"`
	DurationMs       int64             `json:"duration_ms"`
	SampleIntervalMs int64             `json:"sample_interval_ms"`
	LingerMs         int64             `json:"linger_ms"`
	Seed             uint64            `json:"seed"`
	LeadMs           int64             `json:"lead_ms"`
	Broker           map[string]string `json:"broker"`
	Topics           []SpecTopic       `json:"topics"`
	Producers        []SpecProducer    `json:"producers"`
	Groups           []SpecGroup       `json:"groups"`
	Actions          []Action          `json:"actions"`
}

type SpecTopic struct {
	Name       string `json:"name"`
	Partitions int    `json:"partitions"`
}

type SpecProducer struct {
	Name       string     `json:"name"`
	Topic      string     `json:"topic"`
	Partitions int        `json:"partitions"`
	Arrivals   string     `json:"arrivals"`
	Keys       string     `json:"keys"`
	KeyCount   int        `json:"key_count"`
	ZipfS      float64    `json:"zipf_s"`
	Steps      []RateStep `json:"steps"`
}

// RateStep is a producer's rate from AtMs on.
type RateStep struct {
	AtMs int64   `json:"at_ms"`
	Rate float64 `json:"rate"`
}

type SpecGroup struct {
	Name         string            `json:"name"`
	Topics       []string          `json:"topics"`
	Commit       string            `json:"commit"`
	RevokeTimeMs int64             `json:"revoke_time_ms"`
	Static       bool              `json:"static"`
	Processing   Processing        `json:"processing"`
	Props        map[string]string `json:"props"`
}

// Processing is a record's service time law.
type Processing struct {
	Dist   string  `json:"dist"`
	MeanNs float64 `json:"mean_ns"`
	CV     float64 `json:"cv"`
}

// Action is one thing the harness does to one consumer slot: start a
// process (its startup jitter already drawn), kill it (SIGKILL), make it
// leave (close()), pause its poll loop, or slow its processing.
type Action struct {
	AtMs   int64   `json:"at_ms"`
	Op     string  `json:"op"`
	Group  string  `json:"group"`
	Slot   int     `json:"slot"`
	Ms     int64   `json:"ms,omitempty"`
	Factor float64 `json:"factor,omitempty"`
}

// Limits of what a real run on this machine can be, each with its reason
// (docs/validation.md, "What real runs refuse").
const (
	// MaxDuration: real runs take wall time; the suite must fit in minutes.
	MaxDuration = 5 * time.Minute
	// MaxProcesses: each consumer is a JVM (about 60 MB and a share of two
	// cores); past this, JVM scheduling noise swamps what is measured.
	MaxProcesses = 32
	// MaxRate: total records per second a two-core machine produces and
	// consumes without starving the timers the comparison depends on.
	MaxRate = 20000
	// MaxNetworkLatency: loopback is what it is; adding latency would take
	// traffic control on a shared machine.
	MaxNetworkLatency = 2 * time.Millisecond
	// LeadTime: consumer JVMs start this long before their scheduled time
	// and wait, warm, to be released at it. A JVM and its warm-up take 2-3 s
	// on a quiet two-core machine and over 10 s on a busy one.
	LeadTime = 15 * time.Second
)

// assignorClasses maps the format's assignor names to the Java client's
// classes (partition.assignment.strategy takes class names).
var assignorClasses = map[string]string{
	"range":              "org.apache.kafka.clients.consumer.RangeAssignor",
	"roundrobin":         "org.apache.kafka.clients.consumer.RoundRobinAssignor",
	"sticky":             "org.apache.kafka.clients.consumer.StickyAssignor",
	"cooperative-sticky": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
}

// Refuse reports the first part of x that a real run cannot reproduce, as
// an *experiment.Error naming the file, line and key; nil when every run of
// x can be run for real.
func Refuse(x *experiment.Experiment) error {
	if x.Sweep != nil {
		return &experiment.Error{File: x.File, Line: lineOf(x.Source, "[sweep]"), Key: "sweep",
			Msg: "not supported by real runs: every point would be minutes of wall time; validate chosen points as [[variants]]"}
	}
	for i := range x.Runs {
		if i > 0 && x.Runs[i].Scenario == x.Runs[i-1].Scenario {
			continue
		}
		if err := refuseScenario(x, &x.Runs[i]); err != nil {
			return err
		}
	}
	return nil
}

func refuseScenario(x *experiment.Experiment, r *experiment.Run) error {
	sc := r.Scenario
	fail := func(line int, key, msg string) error {
		if r.Variant != "" {
			msg += fmt.Sprintf(" (variant %q)", r.Variant)
		}
		return &experiment.Error{File: x.File, Line: line, Key: key, Msg: "not supported by real runs: " + msg}
	}
	if sc.Duration > MaxDuration {
		return fail(lineOf(x.Source, "duration"), "duration", fmt.Sprintf("%v is longer than %v: real runs take wall time", sc.Duration, MaxDuration))
	}
	if sc.Broker.NetworkLatency > MaxNetworkLatency {
		return fail(lineOf(x.Source, "network_latency"), "broker.network_latency",
			fmt.Sprintf("%v: the real clients talk over loopback; adding latency would need traffic control on a shared machine (at most %v)", sc.Broker.NetworkLatency, MaxNetworkLatency))
	}
	var rate float64
	for _, p := range sc.Producers {
		peak := p.Rate
		for _, rc := range p.RateChanges {
			peak = max(peak, rc.Rate)
		}
		for _, ev := range sc.Events {
			if ev.Action == scenario.ActProducerRate && ev.Producer == p.Name {
				peak = max(peak, ev.Rate)
			}
		}
		readers := 0
		for _, g := range sc.Groups {
			for _, t := range g.Topics {
				if t == p.Topic {
					readers++
				}
			}
		}
		rate += peak * float64(max(readers, 1))
	}
	if rate > MaxRate {
		return fail(0, "producers", fmt.Sprintf("%.0f records/s produced and consumed at peak; two cores keep real timers honest up to %d", rate, MaxRate))
	}
	for _, g := range sc.Groups {
		key := "groups." + g.Name
		if g.Autoscaler != nil {
			return fail(g.Autoscaler.Line, key+".autoscaler", "the autoscaler is the simulator's own KEDA-like policy; there is no real one to compare with")
		}
		if g.AssignmentTime > 0 {
			return fail(g.Line, key+".assignment_time", "the real leader runs Kafka's assignor at its own speed")
		}
		if g.Protocol == scenario.ProtocolClassic {
			for _, s := range g.AssignmentStrategy {
				if assignorClasses[s] == "" {
					return fail(g.Line, key+".partition.assignment.strategy", "unknown assignor "+s)
				}
			}
		}
	}
	for _, ev := range sc.Events {
		switch ev.Action {
		case scenario.ActCoordinatorFailover:
			return fail(ev.Line, "events.action", "coordinator_failover: the harness runs one broker, so there is no other coordinator to fail over to")
		case scenario.ActAddPartitions:
			return fail(ev.Line, "events.action", "add_partitions: every real consumer starts its partitions at offset 0 "+
				"(auto.offset.reset = earliest, the simulator's \"committed at the log start\"), so the loss a new partition's auto.offset.reset causes cannot be reproduced")
		}
	}
	spec, err := Resolve(sc, "check", 1)
	if err != nil {
		return fail(0, "events", err.Error())
	}
	if n := peakProcesses(spec); n > MaxProcesses {
		return fail(0, "groups", fmt.Sprintf("%d consumer processes at once; at most %d JVMs fit beside the broker on this machine", n, MaxProcesses))
	}
	return nil
}

// lineOf finds the first line of src that starts with key (after spaces),
// for errors about keys the scenario carries no line for.
func lineOf(src []byte, key string) int {
	for i, l := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, key) || strings.HasPrefix(t, strconv.Quote(key)) {
			return i + 1
		}
	}
	return 0
}

// peakProcesses is the largest number of consumer JVMs alive at once: each
// process lives from LeadTime before its start (it waits there, warm) until
// its slot's next kill or leave, or the end of the run.
func peakProcesses(s *Spec) int {
	type edge struct {
		at int64
		d  int
	}
	var edges []edge
	open := map[string]bool{}
	for _, a := range s.Actions { // NB: in time order
		key := a.Group + "/" + strconv.Itoa(a.Slot)
		switch a.Op {
		case "start":
			edges = append(edges, edge{a.AtMs - s.LeadMs, 1})
			open[key] = true
		case "kill", "leave":
			if open[key] {
				edges = append(edges, edge{a.AtMs, -1})
				open[key] = false
			}
		}
	}
	// NB: at equal times a stop counts before a start (the harness kills
	// first); sorted for that, not for determinism (the sum is the same).
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].at != edges[j].at {
			return edges[i].at < edges[j].at
		}
		return edges[i].d < edges[j].d
	})
	n, peak := 0, 0
	for _, e := range edges {
		n += e.d
		peak = max(peak, n)
	}
	return peak
}

// Resolve turns one scenario into the harness's run: events become
// per-slot actions at fixed times, each start with its own startup jitter
// drawn from seed (the real run's random choices, like the simulator's,
// come from a seed). name labels the run in logs.
func Resolve(sc *scenario.Scenario, name string, seed uint64) (*Spec, error) {
	s := &Spec{
		Name:             name,
		DurationMs:       sc.Duration.Milliseconds(),
		SampleIntervalMs: sc.SampleInterval.Milliseconds(),
		LingerMs:         sc.BatchInterval.Milliseconds(),
		Seed:             seed,
		LeadMs:           LeadTime.Milliseconds(),
		Broker:           brokerProps(sc.Broker),
	}
	if s.SampleIntervalMs < 100 {
		return nil, fmt.Errorf("sample_interval %v: real samples are Admin calls, at most ten a second", sc.SampleInterval)
	}
	parts := map[string]int{}
	for _, t := range sc.Topics {
		s.Topics = append(s.Topics, SpecTopic{Name: t.Name, Partitions: t.Partitions})
		parts[t.Name] = t.Partitions
	}
	for _, p := range sc.Producers {
		sp := SpecProducer{Name: p.Name, Topic: p.Topic, Partitions: parts[p.Topic], Arrivals: p.Arrivals.String(),
			Keys: p.Keys.String(), KeyCount: p.KeyCount, ZipfS: p.ZipfS}
		sp.Steps = rateSteps(sc, &p)
		s.Producers = append(s.Producers, sp)
	}
	for i := range sc.Groups {
		s.Groups = append(s.Groups, specGroup(sc, &sc.Groups[i]))
	}
	rnd := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	acts, err := resolveEvents(sc, rnd)
	if err != nil {
		return nil, err
	}
	s.Actions = acts
	return s, nil
}

// rateSteps is a producer's rate schedule: its rate, its rate_changes and
// the producer_rate events, by time (an event at the same time as a
// rate_changes entry wins, as in the simulator).
func rateSteps(sc *scenario.Scenario, p *scenario.Producer) []RateStep {
	steps := []RateStep{{0, p.Rate}}
	for _, rc := range p.RateChanges {
		steps = append(steps, RateStep{rc.At.Milliseconds(), rc.Rate})
	}
	for _, ev := range sc.Events {
		if ev.Action == scenario.ActProducerRate && ev.Producer == p.Name {
			steps = append(steps, RateStep{ev.At.Milliseconds(), ev.Rate})
		}
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].AtMs < steps[j].AtMs })
	// NB: keep the last of equal times only (the one in force).
	out := steps[:0]
	for _, st := range steps {
		if len(out) > 0 && out[len(out)-1].AtMs == st.AtMs {
			out[len(out)-1] = st
			continue
		}
		out = append(out, st)
	}
	return out
}

// brokerProps are the broker settings a run needs beyond the harness's
// fixed single-node KRaft setup. The KIP-848 minimum bounds are lowered to
// the experiment's values when these are below Kafka's defaults (the
// experiment format keeps them within Kafka's default bounds, so today
// this never changes a bound); group.min.session.timeout.ms is passed as
// the experiment sets it, which is how short classic session timeouts run.
func brokerProps(b scenario.Broker) map[string]string {
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	p := map[string]string{
		"group.initial.rebalance.delay.ms":     ms(b.InitialRebalanceDelay),
		"group.min.session.timeout.ms":         ms(b.MinSessionTimeout),
		"group.max.session.timeout.ms":         ms(b.MaxSessionTimeout),
		"group.consumer.heartbeat.interval.ms": ms(b.ConsumerHeartbeatInterval),
		"group.consumer.session.timeout.ms":    ms(b.ConsumerSessionTimeout),
	}
	if b.ConsumerHeartbeatInterval < 5*time.Second {
		p["group.consumer.min.heartbeat.interval.ms"] = ms(b.ConsumerHeartbeatInterval)
	}
	if b.ConsumerSessionTimeout < 45*time.Second {
		p["group.consumer.min.session.timeout.ms"] = ms(b.ConsumerSessionTimeout)
	}
	return p
}

func specGroup(sc *scenario.Scenario, g *scenario.Group) SpecGroup {
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	props := map[string]string{
		"max.poll.interval.ms":    ms(g.MaxPollInterval),
		"max.poll.records":        strconv.Itoa(g.MaxPollRecords),
		"enable.auto.commit":      strconv.FormatBool(g.Commit == scenario.CommitAuto),
		"auto.commit.interval.ms": ms(g.AutoCommitInterval),
		"fetch.max.wait.ms":       ms(g.FetchMaxWait),
		"metadata.max.age.ms":     ms(g.MetadataMaxAge),
		"retry.backoff.ms":        ms(g.RetryBackoff),
		"retry.backoff.max.ms":    ms(g.RetryBackoffMax),
		// The simulator starts every group at the log start (committed
		// offset 0 at t = 0); earliest is the same for fresh topics.
		"auto.offset.reset": "earliest",
	}
	if g.Protocol == scenario.ProtocolConsumer {
		// The session timeout and heartbeat interval are the broker's
		// (group.consumer.*); the Java client refuses them here.
		props["group.protocol"] = "consumer"
		props["group.remote.assignor"] = g.RemoteAssignor
	} else {
		props["group.protocol"] = "classic"
		props["session.timeout.ms"] = ms(g.SessionTimeout)
		props["heartbeat.interval.ms"] = ms(g.HeartbeatInterval)
		var classes []string
		for _, s := range g.AssignmentStrategy {
			classes = append(classes, assignorClasses[s])
		}
		props["partition.assignment.strategy"] = strings.Join(classes, ",")
	}
	return SpecGroup{
		Name: g.Name, Topics: g.Topics, Commit: g.Commit.String(), RevokeTimeMs: g.RevokeTime.Milliseconds(),
		Static: g.StaticMembership,
		Processing: Processing{Dist: g.ProcessingDistribution.String(), MeanNs: float64(g.ProcessingTime.Nanoseconds()),
			CV: g.ProcessingCV},
		Props: props,
	}
}

// slotState is a consumer slot as the planner tracks it.
type slotState struct {
	alive   bool
	closing bool // leaving: no longer a target
}

type pending struct {
	at    time.Duration
	seq   int
	group string
	slot  int
}

// resolveEvents replays the events over the slots of each group, as the
// simulator does (sim/scenario.go's applyEvent): `member` is a slot index, `count`
// the newest alive slots; restarts and rolling restarts stop a slot and
// start it again after its downtime.
func resolveEvents(sc *scenario.Scenario, rnd *rand.Rand) ([]Action, error) {
	slots := map[string][]*slotState{}
	jitter := map[string]time.Duration{}
	var acts []Action
	at := func(d time.Duration) int64 { return d.Milliseconds() }
	start := func(g string, slot int, t time.Duration) {
		var j time.Duration
		if jitter[g] > 0 {
			j = time.Duration(rnd.Int64N(int64(jitter[g])))
		}
		acts = append(acts, Action{AtMs: at(t + j), Op: "start", Group: g, Slot: slot})
	}
	for _, g := range sc.Groups {
		jitter[g.Name] = g.StartupJitter
		for i := 0; i < g.Consumers; i++ {
			slots[g.Name] = append(slots[g.Name], &slotState{alive: true})
			start(g.Name, i, 0)
		}
	}
	var later []pending // restarts: a slot starts again after its downtime
	seq := 0
	targets := func(ev *scenario.Event) []int {
		ss := slots[ev.Group]
		if ev.Member >= 0 {
			if ev.Member < len(ss) && ss[ev.Member].alive {
				return []int{ev.Member}
			}
			return nil
		}
		var out []int
		for i := len(ss) - 1; i >= 0 && len(out) < ev.Count; i-- { // NB: newest first
			if ss[i].alive && !ss[i].closing {
				out = append(out, i)
			}
		}
		return out
	}
	stop := func(g string, slot int, t time.Duration, op string) {
		acts = append(acts, Action{AtMs: at(t), Op: op, Group: g, Slot: slot})
		slots[g][slot].alive = false
	}
	flush := func(until time.Duration) {
		sort.SliceStable(later, func(i, j int) bool {
			if later[i].at != later[j].at {
				return later[i].at < later[j].at
			}
			return later[i].seq < later[j].seq
		})
		for len(later) > 0 && later[0].at <= until {
			p := later[0]
			later = later[1:]
			slots[p.group][p.slot].alive = true
			slots[p.group][p.slot].closing = false
			start(p.group, p.slot, p.at)
		}
	}
	for i := range sc.Events {
		ev := &sc.Events[i]
		flush(ev.At)
		switch ev.Action {
		case scenario.ActJoin:
			for k := 0; k < ev.Count; k++ {
				slots[ev.Group] = append(slots[ev.Group], &slotState{alive: true})
				start(ev.Group, len(slots[ev.Group])-1, ev.At)
			}
		case scenario.ActLeave:
			for _, s := range targets(ev) {
				stop(ev.Group, s, ev.At, "leave")
			}
		case scenario.ActCrash:
			for _, s := range targets(ev) {
				stop(ev.Group, s, ev.At, "kill")
			}
		case scenario.ActRestart:
			for _, s := range targets(ev) {
				op := "kill"
				if ev.Clean {
					op = "leave"
				}
				stop(ev.Group, s, ev.At, op)
				seq++
				later = append(later, pending{at: ev.At + ev.Downtime, seq: seq, group: ev.Group, slot: s})
			}
		case scenario.ActRollingRestart:
			// Every alive member in join order, each a clean stop and a
			// start after downtime (a deploy sends SIGTERM).
			var alive []int
			for s, st := range slots[ev.Group] {
				if st.alive && !st.closing {
					alive = append(alive, s)
				}
			}
			for k, s := range alive {
				t := ev.At + time.Duration(k)*ev.Interval
				acts = append(acts, Action{AtMs: at(t), Op: "leave", Group: ev.Group, Slot: s})
				seq++
				later = append(later, pending{at: t + ev.Downtime, seq: seq, group: ev.Group, slot: s})
			}
			for _, s := range alive {
				slots[ev.Group][s].closing = true // NB: not a target while the deploy rolls
			}
		case scenario.ActPause:
			for _, s := range targets(ev) {
				acts = append(acts, Action{AtMs: at(ev.At), Op: "pause", Group: ev.Group, Slot: s, Ms: ev.Duration.Milliseconds()})
			}
		case scenario.ActSlow:
			for _, s := range targets(ev) {
				acts = append(acts, Action{AtMs: at(ev.At), Op: "slow", Group: ev.Group, Slot: s, Ms: ev.Duration.Milliseconds(), Factor: ev.Factor})
			}
		case scenario.ActScale:
			var alive []int
			for s, st := range slots[ev.Group] {
				if st.alive && !st.closing {
					alive = append(alive, s)
				}
			}
			for k := len(alive); k < ev.To; k++ {
				slots[ev.Group] = append(slots[ev.Group], &slotState{alive: true})
				start(ev.Group, len(slots[ev.Group])-1, ev.At)
			}
			for k := len(alive) - 1; k >= ev.To; k-- {
				stop(ev.Group, alive[k], ev.At, "leave")
			}
		case scenario.ActProducerRate:
			// In the producer's steps.
		default:
			return nil, fmt.Errorf("line %d: action %s cannot run for real", ev.Line, ev.Action)
		}
	}
	flush(sc.Duration)
	// Starts at or after the end never happen.
	out := acts[:0]
	for _, a := range acts {
		if a.AtMs < sc.Duration.Milliseconds() {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].AtMs < out[j].AtMs })
	return out, nil
}
