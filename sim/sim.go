package sim

import (
	"fmt"
	"sort"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/protocol"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// Options are run-time knobs that are not part of the experiment.
type Options struct {
	// Trace, when set, receives one line per protocol step (golden tests).
	// Nil costs nothing.
	Trace func(line string)
	// CheckInvariants verifies the model's invariants after every event
	// (tests and the campaign); off, they are checked at every sample.
	CheckInvariants bool
	// OnSample receives each timeseries row as it is taken; when nil the
	// rows are kept in Result.Series.
	OnSample func(metrics.SeriesRow)
	// PartitionLag records every partition's lag in each row.
	PartitionLag bool
	// Timeline records each member's state spans (Result.Timelines).
	Timeline bool
	// HeatmapColumns, when positive, records each partition's maximum lag
	// in that many equal columns of time (Result.Heatmaps).
	HeatmapColumns int
	// Progress, when set, is told the simulated time at every sample (for a
	// progress display; it must not touch the run).
	Progress func(now engine.Time)
	// NoFastForward makes every poll an event (tests check that the
	// fast-forward of unobservable polls changes nothing).
	NoFastForward bool
	// MeasureSLO fills GroupResult.AfterWarmup: the metrics an [slo]
	// judges, from SLOWarmup on.
	MeasureSLO bool
	SLOWarmup  engine.Time
}

// event kinds
const (
	evSample int32 = iota
	evScenario
	evWake            // a member's application thread wakes (records, batch end, callback end)
	evPollTimeout     // a member's max.poll.interval.ms check
	evDeliverBroker   // a request reaches the coordinator (Arg: message id)
	evDeliverClient   // a response reaches a member (Arg: message id)
	evClientTimer     // a client machine's timer (Target: member, Arg: kind | inc<<8)
	evCoordTimer      // a coordinator machine's timer (Target: group, Arg: kind | key<<8)
	evRestart         // a restarted member's process comes back
	evStallEnd        // a paused member's poll loop resumes
	evMetadataRefresh // a member refreshes topic metadata
	evCoordinatorBack // a failed-over coordinator serves again
	evBoot            // a started process makes its first request
	evRollStep        // rolling_restart: restart one member (Target), downtime in Arg
	evAutoscale       // a group's autoscaler polls (Target: group)
)

// producerMetadataMaxAge is the producers' metadata.max.age.ms (Kafka's
// default): how late a producer learns of partitions added to its topic.
const producerMetadataMaxAge = 5 * engine.Minute

// Sim is one run: a scenario, a seed and the state of every entity.
type Sim struct {
	sc   *scenario.Scenario
	seed uint64
	opt  Options
	q    *engine.Queue

	dt  engine.Time // batch interval
	lat engine.Time // one-way network latency
	end engine.Time

	topics  []*topic
	topicBy map[string]*topic // NB: lookup only.
	groups  []*group
	members []*member // every member slot of every group; index = member.idx
	msgs    []*protocol.Message
	free    []int64

	// until is the time runUntil simulates to; ctl holds the times of
	// pending control events (scenario events, rolling steps, autoscaler
	// polls, metadata refreshes, coordinator returns): members may not
	// fast-forward past them.
	until engine.Time
	// sampleNext caches the next sample time after sampleFrom.
	sampleFrom, sampleNext engine.Time
	ctl                    *engine.Queue
	// frontier is the furthest time a member has fast-forwarded to: the
	// invariant checks read the logs there.
	frontier engine.Time
}

// Run simulates one scenario with one seed and returns its measurements.
func Run(sc *scenario.Scenario, seed uint64, opt Options) (*metrics.Result, error) {
	s, err := newSim(sc, seed, opt)
	if err != nil {
		return nil, err
	}
	s.scheduleSamples()
	s.runUntil(s.end)
	if si := engine.FromDuration(sc.SampleInterval); si > 0 && s.end%si == 0 {
		// NB: the sample at the very end is scheduled last, so it comes
		// after every event at that time and shows what summary.json's
		// final figures show.
		s.q.At(s.end, evSample, 0, 0)
		s.runUntil(s.end)
	}
	s.finish()
	return s.result(), nil
}

func newSim(sc *scenario.Scenario, seed uint64, opt Options) (*Sim, error) {
	s := &Sim{
		sc:      sc,
		seed:    seed,
		opt:     opt,
		q:       engine.NewQueue(1024),
		dt:      engine.FromDuration(sc.BatchInterval),
		lat:     engine.FromDuration(sc.Broker.NetworkLatency),
		end:     engine.FromDuration(sc.Duration),
		topicBy: map[string]*topic{},
		ctl:     engine.NewQueue(16),
	}
	if s.dt <= 0 {
		return nil, fmt.Errorf("batch_interval must be positive")
	}
	if err := s.buildTopics(); err != nil {
		return nil, err
	}
	for i := range sc.Groups {
		g, err := newGroup(s, i, &sc.Groups[i])
		if err != nil {
			return nil, err
		}
		s.groups = append(s.groups, g)
	}
	if err := s.buildLayout(); err != nil {
		return nil, err
	}
	s.scheduleScenario()
	return s, nil
}

// warmup is when SLO measurements start, or -1 when they are off.
func (s *Sim) warmup() engine.Time {
	if !s.opt.MeasureSLO {
		return -1
	}
	return s.opt.SLOWarmup
}

// buildTopics creates every partition a topic will ever have and the
// producers' rate schedules, since producer_rate and add_partitions events
// are known up front (production is drawn lazily on a fixed grid, so the
// whole schedule must be known before the first draw).
func (s *Sim) buildTopics() error {
	extraRates := map[string][]rateStep{}  // NB: lookup only
	added := map[string][]scenario.Event{} // NB: lookup only
	for _, ev := range s.sc.Events {
		switch ev.Action {
		case scenario.ActProducerRate:
			extraRates[ev.Producer] = append(extraRates[ev.Producer], rateStep{engine.FromDuration(ev.At), ev.Rate})
		case scenario.ActAddPartitions:
			added[ev.Topic] = append(added[ev.Topic], ev)
		}
	}
	for _, tc := range s.sc.Topics {
		t := &topic{name: tc.Name, dt: s.dt}
		t.counts = []countStep{{0, tc.Partitions}}
		t.writeCounts = []countStep{{0, tc.Partitions}}
		n := tc.Partitions
		for _, ev := range added[tc.Name] {
			n += ev.Count
			at := engine.FromDuration(ev.At)
			// The broker creates the partitions at once (consumers see
			// them at their next metadata refresh); producers start writing
			// to them at their own next refresh, every metadata.max.age.ms
			// (5 minutes) from their start at t = 0.
			t.counts = append(t.counts, countStep{int64(at/s.dt) + 1, n})
			refresh := (at/producerMetadataMaxAge + 1) * producerMetadataMaxAge
			t.writeCounts = append(t.writeCounts, countStep{int64(refresh / s.dt), n})
		}
		for p := 0; p < n; p++ {
			l := &plog{topic: t, id: int32(p), rnd: engine.Stream(s.seed, fmt.Sprintf("partition/%s-%d", tc.Name, p), "arrivals"), gapFrom: -1}
			l.created = t.createdTick(p)
			t.parts = append(t.parts, l)
		}
		s.topics = append(s.topics, t)
		s.topicBy[tc.Name] = t
	}
	for i := range s.sc.Producers {
		p := &s.sc.Producers[i]
		t := s.topicBy[p.Topic]
		if t == nil {
			return fmt.Errorf("producer %s writes to unknown topic %s", p.Name, p.Topic)
		}
		f := newFeed(p, extraRates[p.Name])
		t.feeds = append(t.feeds, f)
		for _, st := range f.steps[1:] {
			t.changes = append(t.changes, st.at)
		}
	}
	for _, t := range s.topics {
		for _, c := range t.writeCounts[1:] {
			t.changes = append(t.changes, engine.Time(c.tick)*s.dt)
		}
		sort.Slice(t.changes, func(i, j int) bool { return t.changes[i] < t.changes[j] })
	}
	return nil
}

// createdTick is the interval from which partition p exists.
func (t *topic) createdTick(p int) int64 {
	for _, c := range t.counts {
		if p < c.n {
			return c.tick
		}
	}
	return t.counts[len(t.counts)-1].tick
}

func (s *Sim) now() engine.Time { return s.q.Now() }

func (s *Sim) tracef(format string, args ...any) {
	if s.opt.Trace == nil {
		return
	}
	s.trace(fmt.Sprintf(format, args...))
}

func (s *Sim) trace(line string) {
	s.opt.Trace(fmt.Sprintf("%9.3fs ", s.now().Seconds()) + line)
}

func (s *Sim) scheduleSamples() {
	si := engine.FromDuration(s.sc.SampleInterval)
	for t := si; t < s.end; t += si {
		s.q.At(t, evSample, 0, 0)
	}
}

// runUntil handles every event up to and including time end.
func (s *Sim) runUntil(end engine.Time) {
	s.until = end
	for s.q.Peek() <= end {
		ev, ok := s.q.Pop()
		if !ok {
			break
		}
		s.dispatch(ev)
		if s.opt.CheckInvariants {
			s.checkInvariants()
		}
	}
}

// control schedules an event that can reach members from outside their
// own timers and messages, and records its time for their horizon.
func (s *Sim) control(ev engine.Event) {
	s.q.Push(ev)
	s.ctl.Push(engine.Event{At: ev.At})
}

func isControl(kind int32) bool {
	switch kind {
	case evScenario, evRollStep, evAutoscale, evMetadataRefresh, evCoordinatorBack:
		return true
	}
	return false
}

func (s *Sim) dispatch(ev engine.Event) {
	if isControl(ev.Kind) {
		s.ctl.Pop() // NB: control events fire in time order, as their times were recorded
	}
	switch ev.Kind {
	case evSample:
		s.sample()
	case evScenario:
		s.applyEvent(int(ev.Arg))
		for _, g := range s.groups {
			g.noteAll()
		}
	case evWake:
		m := s.members[ev.Target]
		m.onWake(ev)
		m.note()
	case evPollTimeout:
		m := s.members[ev.Target]
		m.onPollTimeout(ev)
		m.note()
	case evDeliverBroker:
		s.deliverToBroker(ev.Target, ev.Arg)
	case evDeliverClient:
		s.deliverToClient(ev.Target, ev.Arg)
	case evClientTimer:
		m := s.members[ev.Target]
		if m.alive && int32(ev.Arg>>8) == m.inc {
			m.client.Fire(s.now(), protocol.TimerID{Kind: uint8(ev.Arg)}, uint32(ev.Token))
			m.applyClient()
			m.note()
		}
	case evCoordTimer:
		g := s.groups[ev.Target]
		g.coord.Fire(s.now(), protocol.TimerID{Kind: uint8(ev.Arg), Key: int32(ev.Arg >> 8)}, uint32(ev.Token))
		g.applyCoord()
	case evAutoscale:
		s.groups[ev.Target].auto.poll()
	case evRestart:
		m := s.members[ev.Target]
		if !m.alive && int32(ev.Arg) == m.inc {
			m.start()
			m.note()
		}
	case evStallEnd:
		m := s.members[ev.Target]
		m.onStallEnd(ev)
		m.note()
	case evMetadataRefresh:
		m := s.members[ev.Target]
		if m.alive && int32(ev.Arg) == m.inc {
			m.client.MetadataRefresh(s.now())
			m.applyClient()
		}
	case evCoordinatorBack:
		g := s.groups[ev.Target]
		if s.now() >= g.unavailableUntil {
			g.coord.Loaded(s.now())
			g.applyCoord()
		}
	case evBoot:
		s.members[ev.Target].boot(ev)
	case evRollStep:
		m := s.members[ev.Target]
		if m.alive && !m.closing {
			m.tracef("rolling restart: stops for %v", engine.Time(ev.Arg).Duration())
			m.restartSet, m.restartIn = true, engine.Time(ev.Arg)
			m.requestClose()
		}
		m.g.noteAll()
	default:
		panic(fmt.Sprintf("sim: unknown event kind %d", ev.Kind))
	}
}

// nextSampleAfter is the first sample time strictly after now (Never when
// the scenario takes no samples).
func (s *Sim) nextSampleAfter(now engine.Time) engine.Time {
	if now >= s.sampleFrom && now < s.sampleNext {
		return s.sampleNext
	}
	si := engine.FromDuration(s.sc.SampleInterval)
	if si <= 0 {
		return engine.Never
	}
	s.sampleFrom, s.sampleNext = now/si*si, (now/si+1)*si
	return s.sampleNext
}
