package validation

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// Result turns a real run's logs into what a simulated run of the same
// scenario reports (metrics.Result: the groups' metrics, the timeseries
// samples and the rebalance rows), with every metric defined as the
// simulator defines it:
//
//   - records: processed, first processings and repeats come from the
//     consumers' processed offset ranges; latency is each record's
//     completion time minus its produce timestamp;
//   - lag and members come from the harness's Admin samples (what
//     kafka-consumer-groups shows);
//   - partition pauses are replayed from the rebalance callbacks, the
//     harness's kills and the coordinator's log (which member it removed
//     when, and for KIP-848 which partitions it asked a member to revoke);
//   - rebalance rows, the group's formation and partitions_moved come from
//     the coordinator's log: generations (classic) and target assignment
//     epochs (KIP-848).
func Result(sc *scenario.Scenario, l *Logs) (*metrics.Result, error) {
	res := &metrics.Result{}
	for i := range sc.Groups {
		r, err := replayGroup(sc, &sc.Groups[i], l)
		if err != nil {
			return nil, fmt.Errorf("group %s: %v", sc.Groups[i].Name, err)
		}
		res.Groups = append(res.Groups, r.result)
		res.Rebalances = append(res.Rebalances, r.rows...)
		res.Series = append(res.Series, r.series...)
	}
	// Series by time, then group, as a simulated run writes them.
	sort.SliceStable(res.Series, func(i, j int) bool { return res.Series[i].TS < res.Series[j].TS })
	return res, nil
}

// proc is one consumer process during the replay.
type proc struct {
	log      *ProcLog
	alive    bool
	stalled  bool
	closing  bool
	static   bool
	memberID string
	instance string
	owned    map[string]bool
	assigned bool // it has had an assignment (idle_members counts only these)
}

func (p *proc) identity() string {
	if p.instance != "" {
		return "static:" + p.instance
	}
	return p.memberID
}

// part is one partition during the replay.
type part struct {
	name         string
	owner        *proc
	revoking     bool // KIP-848: the coordinator asked its owner to revoke it
	everAssigned bool
	// lostInFailure: its owner lost it while no rebalance was open, so it
	// waits for the coordinator to notice (the model's rule, sim/group.go).
	lostInFailure bool
	cause         int
	since         float64
	pauseStart    float64
	processed     intervals
	index         []Checkpoint // produce times by offset
}

const (
	causeNone = iota
	causeRebalance
	causeFailure
	causeUnassigned
	numCauses
)

type fact struct {
	ts    float64
	order int
	kind  string
	p     *proc
	ev    *CEvent
	bl    *BrokerLine
	smp   *Sample
}

type groupReplay struct {
	sc    *scenario.Scenario
	g     *scenario.Group
	l     *Logs
	parts []*part
	byTP  map[string]*part
	procs []*proc
	slots map[int][]*proc // slot -> its processes by incarnation
	byID  map[string]*proc
	now   float64

	pause    [numCauses]float64
	maxPause float64

	// formation and rebalancing
	everStable  bool
	formedAt    float64
	rows        []metrics.RebalanceRow
	openRow     int
	rbOpen      bool
	rbStart     float64
	rbFormation bool
	rbTime      float64
	moved       int64
	genMembers  map[int]map[int]bool // classic: generation -> slots (per process index) with an assignment in it
	lastGen     int32

	// KIP-848
	kMembers    map[string]*kmember
	target      map[string][]string
	targetEpoch int
	cause       string

	// records
	consumed, distinct, dups int64
	sinceSample              int64
	latencies                []float64

	prevLEO int64
	stats   sampleStats

	result metrics.GroupResult
	series []metrics.SeriesRow
}

// sampleStats accumulates what the samples say over the run.
type sampleStats struct {
	n             int
	lagSum        float64
	lagMax        int64
	lagTimeMax    float64
	membersMax    int
	idleSum       float64
	idleMax       int
	lastIdle      int
	lastMembers   int
	lastLag       int64
	lastLEO       int64
	lastCommitted map[string]int64
}

type kmember struct {
	epoch      int
	state      string
	staticLeft bool
}

func replayGroup(sc *scenario.Scenario, g *scenario.Group, l *Logs) (*groupReplay, error) {
	r := &groupReplay{sc: sc, g: g, l: l, byTP: map[string]*part{}, slots: map[int][]*proc{}, byID: map[string]*proc{},
		openRow: -1, genMembers: map[int]map[int]bool{}, kMembers: map[string]*kmember{}, lastGen: 0}
	for _, tn := range g.Topics {
		for _, t := range sc.Topics {
			if t.Name != tn {
				continue
			}
			for p := 0; p < t.Partitions; p++ {
				pt := &part{name: t.Name + "-" + strconv.Itoa(p), cause: causeUnassigned}
				r.parts = append(r.parts, pt)
				r.byTP[pt.name] = pt
			}
		}
	}
	for _, pl := range l.Procs {
		if pl.Group != g.Name {
			continue
		}
		p := &proc{log: pl, owned: map[string]bool{}, static: g.StaticMembership}
		for _, e := range pl.Events {
			if e.Ev == "member" && e.ID != "" {
				r.byID[e.ID] = p
				if e.Instance != nil {
					p.instance = *e.Instance
				}
			}
		}
		r.procs = append(r.procs, p)
		r.slots[pl.Slot] = append(r.slots[pl.Slot], p)
	}
	for i, p := range r.procs {
		for _, e := range p.log.Events {
			if e.Ev == "assigned" && e.Gen > 0 {
				if r.genMembers[e.Gen] == nil {
					r.genMembers[e.Gen] = map[int]bool{}
				}
				// NB: the whole log, not what happened so far: the
				// coordinator's Stable comes a moment before the callbacks.
				r.genMembers[e.Gen][i] = true
			}
		}
	}
	r.buildIndexes()
	facts := r.facts()
	for i := range facts {
		f := &facts[i]
		r.now = f.ts
		r.apply(f)
		r.refreshAll()
	}
	r.finish()
	return r, nil
}

// buildIndexes gathers each partition's known produce times: the producer's
// checkpoints and the processed records' own timestamps.
func (r *groupReplay) buildIndexes() {
	for _, pt := range r.parts {
		pt.index = append(pt.index, r.l.Produced[pt.name]...)
	}
	for _, p := range r.procs {
		for i := range p.log.Events {
			e := &p.log.Events[i]
			if e.Ev != "proc" || len(e.ProduceMs) == 0 {
				continue
			}
			if pt := r.byTP[e.TP]; pt != nil {
				pt.index = append(pt.index, Checkpoint{e.From, e.ProduceMs[0]})
			}
		}
	}
	for _, pt := range r.parts {
		sort.Slice(pt.index, func(i, j int) bool { return pt.index[i].Offset < pt.index[j].Offset })
	}
}

// produceS is the produce time (s after t0) of offset off of pt: that of
// the nearest known record at or below it.
func (r *groupReplay) produceS(pt *part, off int64) (float64, bool) {
	i := sort.Search(len(pt.index), func(i int) bool { return pt.index[i].Offset > off }) - 1
	if i < 0 {
		return 0, false
	}
	return r.msToS(pt.index[i].TSMs), true
}

func (r *groupReplay) msToS(ms int64) float64 { return float64(ms*1000-r.l.T0) / 1e6 }

// facts is every observation about the group in time order.
func (r *groupReplay) facts() []fact {
	var fs []fact
	add := func(f fact) {
		f.order = len(fs)
		fs = append(fs, f)
	}
	for _, p := range r.procs {
		for i := range p.log.Events {
			e := &p.log.Events[i]
			switch e.Ev {
			case "start", "member", "assigned", "revoked", "lost", "stall", "stall_end", "closing", "closed", "proc":
				add(fact{ts: e.TS, kind: e.Ev, p: p, ev: e})
			}
		}
	}
	for _, k := range r.l.Kills {
		if k.Group != r.g.Name {
			continue
		}
		for _, p := range r.slots[k.Slot] {
			if p.log.Inc == k.Inc {
				add(fact{ts: k.TS, kind: "closed", p: p})
			}
		}
	}
	for i := range r.l.Broker {
		bl := &r.l.Broker[i]
		if bl.Group == r.g.Name {
			add(fact{ts: bl.TS, kind: "broker", bl: bl})
		}
	}
	for i := range r.l.Samples {
		add(fact{ts: r.l.Samples[i].TS, kind: "sample", smp: &r.l.Samples[i]})
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].ts != fs[j].ts {
			return fs[i].ts < fs[j].ts
		}
		return fs[i].order < fs[j].order
	})
	return fs
}

func (r *groupReplay) apply(f *fact) {
	p := f.p
	switch f.kind {
	case "start":
		p.alive = true
	case "closed":
		p.alive = false
	case "stall":
		p.stalled = true
	case "stall_end":
		p.stalled = false
	case "closing":
		p.closing = true
	case "member":
		if f.ev.ID != "" {
			p.memberID = f.ev.ID
		}
		if f.ev.Gen > 0 && r.g.Protocol == scenario.ProtocolConsumer {
			p.assigned = true
		}
	case "assigned":
		p.assigned = true
		now := map[string]bool{}
		for _, tp := range f.ev.Owned {
			now[tp] = true
		}
		for tp := range p.owned { // NB: the result is the same in any order
			if !now[tp] {
				if pt := r.byTP[tp]; pt != nil && pt.owner == p {
					pt.owner = nil
				}
			}
		}
		// Cooperative and KIP-848 callbacks name only what was added; the
		// full assignment is in owned.
		p.owned = now
		for _, tp := range sortedKeys(now) {
			if pt := r.byTP[tp]; pt != nil {
				pt.owner, pt.revoking, pt.everAssigned, pt.lostInFailure = p, false, true, false
			}
		}
	case "revoked", "lost":
		if len(f.ev.TPs) > 0 {
			r.noteRevoked(int64(len(f.ev.TPs)))
		}
		// A static member's close sends no LeaveGroup (KIP-345; KIP-848's
		// epoch -2): the coordinator keeps its assignment until its session
		// expires, so its partitions wait for it, they are not revoked.
		keep := p.closing && p.static && f.kind == "revoked"
		for _, tp := range f.ev.TPs {
			delete(p.owned, tp)
			if pt := r.byTP[tp]; pt != nil && pt.owner == p && !keep {
				pt.owner, pt.revoking = nil, false
				pt.lostInFailure = f.kind == "lost" && !r.rbOpen
			}
		}
	case "proc":
		r.processed(f.ev)
	case "sample":
		r.sample(f.smp)
	case "broker":
		r.broker(f.bl)
	}
}

func (r *groupReplay) procIndex(p *proc) int {
	for i, q := range r.procs {
		if q == p {
			return i
		}
	}
	return -1
}

// disown clears what the coordinator had given the process with member id
// id: it removed the member.
func (r *groupReplay) disown(id string) {
	p := r.byID[id]
	if p == nil {
		return
	}
	for _, pt := range r.parts {
		if pt.owner == p {
			pt.owner, pt.revoking = nil, false
		}
	}
}

func (r *groupReplay) broker(bl *BrokerLine) {
	switch bl.Kind {
	case "prepare":
		r.openRebalance(bl.Text)
	case "stabilized":
		if r.openRow >= 0 {
			r.rows[r.openRow].Generation = int32(bl.Gen)
			r.rows[r.openRow].Members = bl.N
		}
		r.lastGen = int32(bl.Gen)
	case "synced":
		r.closeClassic(bl.Gen, false)
	case "empty":
		r.closeClassic(bl.Gen, true)
	case "expired", "left", "fenced", "kleft":
		r.disown(bl.ID)
		if bl.Kind == "fenced" || bl.Kind == "kleft" {
			delete(r.kMembers, bl.ID)
			r.cause = shortID(bl.ID) + " " + map[string]string{"fenced": "fenced", "kleft": "left"}[bl.Kind]
			r.checkReconciled()
		}
	case "stragglers":
		for _, f := range strings.Split(bl.Text, ",") {
			id := strings.TrimSpace(f)
			if i := strings.IndexByte(id, '='); i > 0 {
				id = id[:i]
			}
			r.disown(id)
		}
	case "kjoin":
		if r.kMembers[bl.ID] == nil {
			r.kMembers[bl.ID] = &kmember{epoch: 0}
		}
		r.cause = shortID(bl.ID) + " joined"
	case "target":
		r.newTarget(bl)
	case "mstate":
		km := r.kMembers[bl.ID]
		if km == nil {
			km = &kmember{}
			r.kMembers[bl.ID] = km
		}
		km.epoch, km.state = bl.Gen, bl.State
		if p := r.byID[bl.ID]; p != nil {
			for _, tp := range bl.Revoked {
				name := r.topicName(tp)
				if pt := r.byTP[name]; pt != nil && pt.owner == p {
					pt.revoking = true
				}
			}
		}
		r.checkReconciled()
	}
}

// topicName turns "topicId-3" into "topic-3".
func (r *groupReplay) topicName(tp string) string {
	i := strings.LastIndexByte(tp, '-')
	if i < 0 {
		return tp
	}
	if name, ok := r.l.TopicNames[tp[:i]]; ok {
		return name + tp[i:]
	}
	return tp
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// ---- classic rebalances (as metrics/recorder.go books them) ----

func (r *groupReplay) openRebalance(reason string) {
	if r.openRow >= 0 {
		r.rows[r.openRow].EndS = r.now
	}
	r.rows = append(r.rows, metrics.RebalanceRow{Group: r.g.Name, Generation: -1, StartS: r.now, EndS: -1, Cause: reason})
	r.openRow = len(r.rows) - 1
	if !r.rbOpen {
		r.rbOpen, r.rbStart, r.rbFormation = true, r.now, !r.everStable
		r.failureNoticed()
	}
}

func (r *groupReplay) closeClassic(gen int, empty bool) {
	if r.openRow >= 0 {
		row := &r.rows[r.openRow]
		row.EndS = r.now
		if empty {
			row.Generation, row.Members = int32(gen), 0
		}
		r.openRow = -1
	}
	if r.rbOpen {
		if !r.rbFormation {
			r.rbTime += r.now - r.rbStart
		}
		r.rbOpen = false
	}
	if empty || r.everStable {
		return
	}
	members := r.genMembers[gen]
	if r.formedWith(func(p *proc) bool { return members[r.procIndex(p)] }) {
		r.markFormed()
	}
}

// formedWith reports whether every initially started consumer whose process
// is running is a member (the model's group.maybeFormed, sim/group.go).
func (r *groupReplay) formedWith(isMember func(*proc) bool) bool {
	for slot := 0; slot < r.g.Consumers; slot++ {
		p := r.current(slot)
		if p == nil && len(r.slots[slot]) > 0 {
			// NB: the simulator's initial consumers are alive from t = 0,
			// before their start-up jitter ends: one not released yet is an
			// alive non-member.
			return false
		}
		if p != nil && p.alive && !isMember(p) {
			return false
		}
	}
	return true
}

// current is the latest process of a slot started by now.
func (r *groupReplay) current(slot int) *proc {
	var cur *proc
	for _, p := range r.slots[slot] {
		for _, e := range p.log.Events {
			if e.Ev == "start" && e.TS <= r.now {
				cur = p
			}
		}
	}
	return cur
}

func (r *groupReplay) markFormed() {
	if r.everStable {
		return
	}
	if Debug {
		fmt.Printf("%8.3f formed\n", r.now)
	}
	r.everStable, r.formedAt = true, r.now
}

func (r *groupReplay) noteRevoked(n int64) {
	i := r.openRow
	if i < 0 {
		i = len(r.rows) - 1
	}
	if i >= 0 {
		r.rows[i].Revoked += n
	}
}

// ---- KIP-848 target epochs (as protocol/consumer books them) ----

func (r *groupReplay) kidentity(id string) string {
	if p := r.byID[id]; p != nil && p.instance != "" {
		return "static:" + p.instance
	}
	return id
}

func (r *groupReplay) newTarget(bl *BrokerLine) {
	next := ParseTarget(bl.Text, r.l.TopicNames)
	prevOwner := map[string]string{}
	for _, id := range sortedKeys(r.target) {
		for _, tp := range r.target[id] {
			prevOwner[tp] = r.kidentity(id)
		}
	}
	present := map[string]bool{}
	for id := range next { // NB: a set; order cannot matter
		present[r.kidentity(id)] = true
	}
	var moved int64
	for _, id := range sortedKeys(next) {
		for _, tp := range next[id] {
			if prev, ok := prevOwner[tp]; ok && prev != r.kidentity(id) && present[prev] {
				moved++
			}
		}
	}
	first := r.target == nil
	r.target, r.targetEpoch = next, bl.Gen
	if r.openRow >= 0 {
		r.rows[r.openRow].EndS = r.now // superseded before it was reached
	}
	r.rows = append(r.rows, metrics.RebalanceRow{Group: r.g.Name, Generation: int32(bl.Gen), StartS: r.now, EndS: -1,
		Cause: r.cause, Members: len(next), Moved: moved})
	r.openRow = len(r.rows) - 1
	if r.everStable {
		r.moved += moved // moves while the group forms are not rebalances' moves
	}
	if !r.rbOpen {
		r.rbOpen, r.rbStart, r.rbFormation = true, r.now, first || !r.everStable
		r.failureNoticed()
	}
	r.checkReconciled()
}

func (r *groupReplay) checkReconciled() {
	if r.openRow < 0 {
		return
	}
	for _, id := range sortedKeys(r.kMembers) {
		km := r.kMembers[id]
		if km.staticLeft {
			continue
		}
		if km.epoch != r.targetEpoch || km.state != "STABLE" {
			return
		}
	}
	r.rows[r.openRow].EndS = r.now
	r.openRow = -1
	formed := r.formedWith(func(p *proc) bool { return p.memberID != "" && r.kMembers[p.memberID] != nil })
	if r.rbOpen && (r.everStable || formed) {
		if !r.rbFormation {
			r.rbTime += r.now - r.rbStart
		}
		r.rbOpen = false
	}
	if formed {
		r.markFormed()
	}
}

// ---- pauses ----

func (r *groupReplay) aliveMembers() int {
	n := 0
	for _, p := range r.procs {
		if p.alive {
			n++
		}
	}
	return n
}

// failureNoticed: a rebalance opened, so what a failure left unowned now
// waits for the rebalance.
func (r *groupReplay) failureNoticed() {
	for _, pt := range r.parts {
		pt.lostInFailure = false
	}
}

// classify is the model's group.classify (sim/group.go) on the replayed
// state.
func (r *groupReplay) classify(pt *part) int {
	o := pt.owner
	switch {
	case o == nil && (!pt.everAssigned || !r.everStable || r.aliveMembers() == 0):
		return causeUnassigned
	case o == nil && pt.lostInFailure:
		return causeFailure
	case o == nil:
		return causeRebalance
	case !o.alive || o.stalled:
		return causeFailure
	case pt.revoking:
		if !r.everStable {
			return causeUnassigned // the group's formation, not a rebalance
		}
		return causeRebalance
	}
	return causeNone
}

func (r *groupReplay) refreshAll() {
	for _, pt := range r.parts {
		c := r.classify(pt)
		if c == pt.cause {
			continue
		}
		r.account(pt)
		if pt.cause == causeNone && c != causeNone {
			pt.pauseStart = r.now
		}
		if pt.cause != causeNone && c == causeNone {
			r.maxPause = math.Max(r.maxPause, r.now-pt.pauseStart)
		}
		if Debug {
			fmt.Printf("%8.3f %s %d -> %d\n", r.now, pt.name, pt.cause, c)
		}
		pt.cause = c
	}
}

// Debug prints every pause transition of a replay (development aid).
var Debug = false

func (r *groupReplay) account(pt *part) {
	if pt.cause != causeNone {
		r.pause[pt.cause] += r.now - pt.since
	}
	pt.since = r.now
}

// ---- records ----

func (r *groupReplay) processed(e *CEvent) {
	pt := r.byTP[e.TP]
	if pt == nil || e.To <= e.From {
		return
	}
	n := e.To - e.From
	r.consumed += n
	r.sinceSample += n
	fresh := pt.processed.add(e.From, e.To)
	for _, rg := range fresh {
		for off := rg[0]; off < rg[1]; off++ {
			i := off - e.From
			r.latencies = append(r.latencies, (e.DoneS[i]-r.msToS(e.ProduceMs[i]))*1000)
		}
		r.distinct += rg[1] - rg[0]
	}
	var f int64
	for _, rg := range fresh {
		f += rg[1] - rg[0]
	}
	r.dups += n - f
}

// ---- samples ----

func (r *groupReplay) sample(s *Sample) {
	si := r.sc.SampleInterval.Seconds()
	var leo, lag int64
	var lagTime float64
	paused := 0
	committed := s.Committed[r.g.Name]
	for _, pt := range r.parts {
		end := s.LEO[pt.name]
		leo += end
		lag += end - committed[pt.name]
		if hw := pt.processed.prefix(); hw < end {
			if ps, ok := r.produceS(pt, hw); ok {
				lagTime = math.Max(lagTime, s.TS-ps)
			}
		}
		if pt.cause != causeNone {
			paused++
		}
	}
	prevLEO := r.prevLEO
	r.prevLEO = leo
	idle := 0
	if r.g.Protocol == scenario.ProtocolConsumer {
		// As the model counts it (docs/metrics.md): a running member whose
		// target assignment, as the coordinator describes it, is empty (a
		// member no target has included yet has none).
		for _, sm := range s.Groups[r.g.Name].Members {
			if p := r.byID[sm.ID]; p != nil && p.alive && len(sm.Target) == 0 {
				idle++
			}
		}
	} else {
		for _, p := range r.procs {
			if p.alive && p.assigned && len(p.owned) == 0 {
				idle++
			}
		}
	}
	members := len(s.Groups[r.g.Name].Members)
	gen := r.lastGen
	if r.g.Protocol == scenario.ProtocolConsumer {
		gen = int32(r.targetEpoch)
	}
	row := metrics.SeriesRow{
		Group: r.g.Name, TS: metrics.Round(float64(s.K) * si),
		ProducedPerS: metrics.Round(float64(leo-prevLEO) / si), ConsumedPerS: metrics.Round(float64(r.sinceSample) / si),
		Lag: lag, LagTimeS: metrics.Round(lagTime), Members: members, IdleMembers: idle, PausedPartitions: paused,
		Rebalancing: r.openRow >= 0, Generation: gen,
	}
	r.sinceSample = 0
	r.series = append(r.series, row)
	st := &r.stats
	st.n++
	st.lagSum += float64(lag)
	st.lagMax = max(st.lagMax, lag)
	st.lagTimeMax = math.Max(st.lagTimeMax, lagTime)
	st.membersMax = max(st.membersMax, members)
	st.idleSum += float64(idle)
	st.idleMax = max(st.idleMax, idle)
	st.lastIdle, st.lastMembers, st.lastLag, st.lastLEO = idle, members, lag, leo
	st.lastCommitted = committed
}

func (r *groupReplay) finish() {
	end := r.sc.Duration.Seconds()
	r.now = end
	for _, pt := range r.parts {
		r.account(pt)
		if pt.cause != causeNone {
			r.maxPause = math.Max(r.maxPause, end-pt.pauseStart)
		}
	}
	if r.rbOpen && !r.rbFormation {
		r.rbTime += end - r.rbStart
	}
	st := &r.stats
	gr := metrics.GroupResult{Group: r.g.Name, Produced: st.lastLEO, Consumed: r.consumed, Duplicates: r.dups}
	for _, pt := range r.parts {
		if c := st.lastCommitted[pt.name]; c > 0 {
			gr.Lost += c - pt.processed.covered(0, c)
		}
	}
	gr.ThroughputPerS = metrics.Round(float64(r.distinct) / end)
	gr.Lag = metrics.LagStats{Final: st.lastLag, Max: st.lagMax}
	if st.n > 0 {
		gr.Lag.Mean = metrics.Round(st.lagSum / float64(st.n))
		gr.IdleMembers.Mean = metrics.Round(st.idleSum / float64(st.n))
		gr.IdleMembers.Final = st.lastIdle
	}
	gr.LagTimeS.Max = metrics.Round(st.lagTimeMax)
	gr.Members = metrics.MemberStats{Final: st.lastMembers, Max: st.membersMax}
	gr.IdleMembers.Max = st.idleMax
	for _, row := range r.rows {
		if row.Members > 0 && row.Generation >= 0 && r.everStable && row.StartS >= r.formedAt {
			gr.Rebalances++
		}
	}
	gr.RebalanceTimeS = metrics.Round(r.rbTime)
	gr.PartitionPauseS = metrics.PauseStats{
		Rebalance:        metrics.Round(r.pause[causeRebalance]),
		FailureDetection: metrics.Round(r.pause[causeFailure]),
		Unassigned:       metrics.Round(r.pause[causeUnassigned]),
		MaxS:             metrics.Round(r.maxPause),
	}
	gr.PartitionPauseS.Total = metrics.Round(r.pause[causeRebalance] + r.pause[causeFailure] + r.pause[causeUnassigned])
	if r.g.Protocol == scenario.ProtocolClassic {
		r.classicMoves()
	}
	gr.PartitionsMoved = r.moved
	sort.Float64s(r.latencies)
	gr.LatencyMs = metrics.LatencyStats{
		P50: metrics.Round(quantile(r.latencies, 0.50)),
		P99: metrics.Round(quantile(r.latencies, 0.99)),
	}
	if n := len(r.latencies); n > 0 {
		gr.LatencyMs.Max = metrics.Round(r.latencies[n-1])
	}
	for i := range r.rows {
		r.rows[i].StartS = metrics.Round(r.rows[i].StartS)
		if r.rows[i].EndS >= 0 {
			r.rows[i].EndS = metrics.Round(r.rows[i].EndS)
		}
	}
	r.result = gr
}

// classicMoves counts, generation by generation, partitions given to a
// member other than their last owner while that owner is still in the
// group (as metrics/recorder.go counts moves), from the members' assignment callbacks.
func (r *groupReplay) classicMoves() {
	type got struct {
		id    string
		owned []string
	}
	byGen := map[int][]got{}
	var gens []int
	for _, p := range r.procs {
		for _, e := range p.log.Events {
			if e.Ev != "assigned" || e.Gen <= 0 {
				continue
			}
			id := e.Member
			if p.instance != "" {
				id = "static:" + p.instance
			}
			if _, ok := byGen[e.Gen]; !ok {
				gens = append(gens, e.Gen)
			}
			byGen[e.Gen] = append(byGen[e.Gen], got{id, e.Owned})
		}
	}
	sort.Ints(gens)
	last := map[string]string{}
	for _, gen := range gens {
		present := map[string]bool{}
		for _, m := range byGen[gen] {
			present[m.id] = true
		}
		var moved int64
		for _, m := range byGen[gen] {
			for _, tp := range m.owned {
				if o := last[tp]; o != "" && o != m.id && present[o] {
					moved++
				}
				last[tp] = m.id
			}
		}
		r.moved += moved
		for i := range r.rows {
			if int(r.rows[i].Generation) == gen {
				r.rows[i].Moved = moved
			}
		}
	}
}

// quantile is the q-quantile of sorted xs (linear between ranks).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (xs[i+1]-xs[i])*(pos-float64(i))
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
