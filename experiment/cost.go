package experiment

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// What a run costs, estimated from its configuration before anything runs:
// the memory it holds, the bytes it writes and the model steps it takes.
// The command line judges the runs it is about to execute against budgets
// (--max-memory, --max-output, --max-steps) and refuses, naming the key
// that drives the cost, rather than dying out of memory or filling a disk
// hours later.
//
// The figures follow the model's data structures (sim/ and protocol/): a sample event
// queued for every sample up front, a produce-time index per partition of
// at most 1,024 entries after each sample plus the intervals until the next
// (up to 65,536), a member slot per member ever started, a weight per key.
// They are upper bounds for the memory a run holds (TestEstimateBoundsHeap
// measures real runs against them); steps are an order of magnitude, about
// 30 to 150 ns each on a 2024 machine.

// Budget is what the runs about to execute may use.
type Budget struct {
	Memory int64   // bytes the process may hold
	Output int64   // bytes the results may take on disk
	Steps  float64 // model steps, summed over the runs
	// Parallel is the runs in flight at once (0: the number of CPUs is
	// the caller's business; 1 is assumed).
	Parallel int
	// Charts: runs record heat maps and timelines for their charts, and
	// the charts are written.
	Charts bool
	// KeepSeries: the run keeps its timeseries in memory (describe)
	// instead of streaming it to a file.
	KeepSeries bool
	// Runs are the indexes of the runs to execute (a shard); nil: all.
	Runs []int
}

// Default budgets: a laptop's share, raised by flags on bigger machines.
const (
	DefaultMaxMemory = 4 << 30
	DefaultMaxOutput = 10 << 30
	DefaultMaxSteps  = 1e11 // hours of CPU
	// warnSteps and warnOutput are where a run is worth a warning: tens of
	// minutes of CPU, a gigabyte on disk.
	warnSteps  = 1e10
	warnOutput = 1 << 30
)

// DefaultBudget is the budget of a command without flags.
func DefaultBudget() Budget {
	return Budget{Memory: DefaultMaxMemory, Output: DefaultMaxOutput, Steps: DefaultMaxSteps, Parallel: 1, Charts: true}
}

// Per-item sizes, measured on the model's structures (bytes).
const (
	bytesPerSample     = 112     // one queued sample event, with the queue's growth
	bytesPerPartition  = 600     // a partition's log without its index
	bytesPerIndexEntry = 72      // 24 bytes, three times while the slice grows (old and new array)
	bytesPerGroupPart  = 300     // a group's view of one partition
	bytesPerMember     = 4 << 10 // a member slot and what it holds
	bytesPerKey        = 16      // a key's weight, and its share while computed
	bytesPerEvent      = 400     // a scenario event, queued, and its control entry
	bytesPerGroup      = 200 << 10
	bytesPerRun        = 4 << 20 // the simulation's fixed part, a writer's buffers
	bytesRetained      = 8 << 10 // a finished run's result, until written
	bytesPerSeriesRow  = 160     // describe keeps the rows in memory
	bytesPerReplicas   = 64      // a partition's replica lists (ids, racks)
	bytesPerReplica    = 24      // one replica: its id and its rack's name
	bytesPerGroupRacks = 16      // a reading group's rack view of one partition
	bytesPerCSVRow     = 90      // a timeseries.csv row without its run id and group
	heatColumns        = 240     // report.HeatmapColumns
	indexCap           = 1024    // sim: live index entries kept at a sample
	hardIndexCap       = 65536   // sim: most entries between two samples
)

// costInput is what a run configuration's estimate is made from, kept at
// load (the checker knows its keys' lines and overrides) and estimated only
// when a command asks: loading a 20,000-point sweep need not format 20,000
// sets of messages nobody reads.
type costInput struct {
	c          *checker
	sc         *scenario.Scenario
	eventPaths []keyPath
	once       sync.Once
	cost       *runCost
}

func (in *costInput) estimate() *runCost {
	in.once.Do(func() { in.cost = estimate(in.c, in.sc, in.eventPaths) })
	return in.cost
}

// runCost is one run configuration's estimate; runs that differ only in
// seed share it.
type runCost struct {
	memory float64 // while the run goes
	heat   float64 // more while it goes and after, when its charts are drawn
	retain float64 // after it, until the results are written
	output float64 // bytes written, charts aside
	charts float64 // bytes written for its own charts, when drawn
	// chartsFixed is written once per experiment for its groups' charts.
	chartsFixed float64
	steps       float64
	series      float64 // bytes of its timeseries rows kept in memory by describe
	rows        float64 // CSV rows it writes, each starting with the run's columns
	drivers     []driver
}

// driver is one term of an estimate, with the key that sets it.
type driver struct {
	kind   costKind
	amount float64
	what   string // "3.6e+09 samples (duration / sample_interval)"
	at     where
}

type costKind int

const (
	costMemory costKind = iota
	costSteps
	costOutput
)

// estimate computes the cost of one run configuration; c locates its keys
// (with the overrides of the variant or sweep point).
func estimate(c *checker, sc *scenario.Scenario, eventPaths []keyPath) *runCost {
	rc := &runCost{}
	add := func(kind costKind, amount float64, what string, p keyPath, also ...keyPath) {
		switch kind {
		case costMemory:
			rc.memory += amount
		case costSteps:
			rc.steps += amount
		case costOutput:
			rc.output += amount
		}
		rc.drivers = append(rc.drivers, driver{kind: kind, amount: amount, what: what, at: c.locate(p, also...)})
	}
	dur := sc.Duration.Seconds()
	ticks := float64(sc.Duration / sc.BatchInterval)
	samples := float64(sc.Duration / sc.SampleInterval)
	ticksPerSample := float64(sc.SampleInterval / sc.BatchInterval)
	slots := memberSlots(sc)
	var allSlots float64
	for _, n := range slots {
		allSlots += float64(n)
	}

	// Topics: every partition the run will have, and its index.
	parts := map[string]float64{} // NB: lookup only
	var allParts float64
	for _, t := range sc.Topics {
		n := t.Partitions
		for _, e := range sc.Events {
			if e.Action == scenario.ActAddPartitions && e.Topic == t.Name {
				n += e.Count
			}
		}
		parts[t.Name] = float64(n)
		allParts += float64(n)
	}
	readers := map[string]float64{} // NB: lookup only
	for _, g := range sc.Groups {
		for _, t := range g.Topics {
			readers[t]++
		}
	}
	records := map[string]float64{} // NB: lookup only; records per topic over the run, at most
	for _, p := range sc.Producers {
		records[p.Topic] += maxRate(sc, &p) * dur
	}
	for _, t := range sc.Topics {
		p, at := parts[t.Name], keyPath{}.keys("topics", t.Name, "partitions")
		perPart := records[t.Name] / float64(t.Partitions)
		entries := math.Min(indexCap+math.Min(ticksPerSample, hardIndexCap), math.Min(perPart+1, ticks+1))
		add(costMemory, p*(bytesPerPartition+bytesPerIndexEntry*entries),
			fmt.Sprintf("%s partitions of topic %s, each with up to %s produce-time entries", num(p), t.Name, num(entries)), at)
		add(costSteps, p*ticks*(1+readers[t.Name]),
			fmt.Sprintf("%s partitions x %s batch intervals (duration / batch_interval) of topic %s", num(p), num(ticks), t.Name),
			batchPath, durationPath, at)
	}
	if len(sc.Broker.Nodes) > 0 {
		// The broker layout: each partition's replicas (broker ids and
		// racks), placed when the run starts, and each reading group's
		// view of where they are.
		for _, t := range sc.Topics {
			p, rf := parts[t.Name], float64(t.ReplicationFactor)
			at := keyPath{}.keys("topics", t.Name, "replication_factor")
			add(costMemory, p*(bytesPerReplicas+bytesPerReplica*rf+bytesPerGroupRacks*readers[t.Name]),
				fmt.Sprintf("%s partitions of topic %s with %g replicas each", num(p), t.Name, rf), at, keyPath{}.keys("topics", t.Name, "partitions"))
			add(costSteps, p*(rf+readers[t.Name]), fmt.Sprintf("placing %s partitions of topic %s, %g replicas each", num(p), t.Name, rf), at)
		}
	}
	add(costMemory, samples*bytesPerSample, fmt.Sprintf("%s samples (duration / sample_interval), queued up front", num(samples)),
		samplePath, durationPath)
	add(costSteps, samples*(20+allParts+allSlots),
		fmt.Sprintf("%s samples (duration / sample_interval), each visiting %s partitions and %s members", num(samples), num(allParts), num(allSlots)),
		samplePath, durationPath)

	for _, p := range sc.Producers {
		if p.Keys == scenario.KeysNone {
			continue
		}
		at := keyPath{}.keys("producers", p.Name, "key_count")
		counts := 1.0
		for _, e := range sc.Events {
			if e.Action == scenario.ActAddPartitions && e.Topic == p.Topic {
				counts++
			}
		}
		add(costMemory, float64(p.KeyCount)*bytesPerKey, fmt.Sprintf("%s keys of producer %s", num(float64(p.KeyCount)), p.Name), at)
		add(costSteps, float64(p.KeyCount)*counts*3, fmt.Sprintf("%s keys of producer %s, hashed for each of %s partition counts",
			num(float64(p.KeyCount)), p.Name, num(counts)), at)
	}

	lat := sc.Broker.NetworkLatency.Seconds()
	for _, g := range sc.Groups {
		gp := keyPath{}.keys("groups", g.Name)
		n := float64(slots[g.Name])
		var read, recs float64
		for _, t := range g.Topics {
			read += parts[t]
			recs += records[t]
		}
		rc.memory += bytesPerGroup
		add(costMemory, read*bytesPerGroupPart+n*bytesPerMember,
			fmt.Sprintf("group %s: %s partitions read, %s member slots", g.Name, num(read), num(n)), gp.key("consumers"))
		hb := g.HeartbeatInterval.Seconds()
		if g.Protocol == scenario.ProtocolConsumer {
			hb = sc.Broker.ConsumerHeartbeatInterval.Seconds()
		}
		// Heartbeats, and more per member in a large group: its rebalances run
		// assignors that cost more than linear in the members.
		add(costSteps, n*dur/hb*(1+n/100), fmt.Sprintf("group %s: %s members heartbeating every %gs", g.Name, num(n), hb),
			gp.key("consumers"), durationPath)
		// Polls: a full batch each while there is a backlog, as fast as
		// processing allows, and one per fetch wait when idle.
		cycle := math.Max(math.Max(g.FetchMaxWait.Seconds(), sc.BatchInterval.Seconds()), 2*lat)
		busy := recs / float64(g.MaxPollRecords)
		if pt := g.ProcessingTime.Seconds(); pt > 0 {
			busy = math.Min(busy, n*dur/(pt*float64(g.MaxPollRecords)))
		}
		add(costSteps, busy+n*dur/cycle,
			fmt.Sprintf("group %s: polls (%s records, max.poll.records = %d, a fetch every %gs when idle)", g.Name, num(recs), g.MaxPollRecords, cycle),
			gp.key("max.poll.records"), gp.key("fetch.max.wait.ms"))
		if c := heatColumns * read * 8 * 2; c > 0 {
			rc.heat += c + n*64*40 // the heat map, in the run and its result; member timelines
			rc.charts += heatColumns * read * 30
		}
		rc.series += samples * bytesPerSeriesRow
		rc.retain += 3 << 10
		rc.charts += 400 << 10    // a drawn run's timeline and lines, per group
		rc.chartsFixed += 2 << 20 // the group's charts over all runs, its share of report.html
	}
	for i, e := range sc.Events {
		n := float64(slots[e.Group])
		rc.memory += bytesPerEvent + n*bytesPerEvent/4 // rolling restarts queue a step per member
		rc.steps += 10 + n
		if e.Action != scenario.ActCoordinatorFailover {
			continue
		}
		var g *scenario.Group
		for j := range sc.Groups {
			if sc.Groups[j].Name == e.Group {
				g = &sc.Groups[j]
			}
		}
		if g == nil {
			continue
		}
		// Requests fail and are retried while the coordinator is away:
		// the backoff grows from retry.backoff.ms to retry.backoff.max.ms.
		gap := math.Max(math.Max(g.RetryBackoffMax.Seconds(), 2*lat), 1e-9)
		if g.RetryBackoff == 0 {
			gap = math.Max(2*lat, 1e-9)
		}
		add(costSteps, n*(e.Downtime.Seconds()/gap+64), fmt.Sprintf("group %s: %s members retrying every %gs for %v", e.Group, num(n), gap, e.Downtime),
			eventPaths[i].key("downtime"), keyPath{}.keys("groups", e.Group, "retry.backoff.max.ms"))
	}
	rc.memory += bytesPerRun
	rc.retain += bytesRetained
	var longestGroup int
	for _, g := range sc.Groups {
		longestGroup = max(longestGroup, len(g.Name))
	}
	rows := samples * float64(len(sc.Groups))
	rc.rows = rows
	add(costOutput, rows*(bytesPerCSVRow+float64(longestGroup)+40),
		fmt.Sprintf("%s timeseries rows (duration / sample_interval x %d group(s))", num(rows), len(sc.Groups)), samplePath, durationPath)
	rc.output += float64(len(sc.Groups)) * 1500 // summary rows
	return rc
}

// num prints a count for messages: 1200, 3.6e+09.
func num(x float64) string {
	if x < 1e6 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2g", x)
}

// bytesText prints a size for messages: 512 MB, 3.2 GB.
func bytesText(b float64) string {
	switch {
	case b >= 1<<40:
		return fmt.Sprintf("%.1f TiB", b/(1<<40))
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.0f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.0f KiB", b/(1<<10))
}

// Costs are the totals of an estimate over the runs to execute.
type Costs struct {
	Memory, Output, Steps float64
}

// Check estimates what the selected runs need and compares it with b. It
// returns warnings worth printing (long, large runs within the budget) and,
// beyond the budget, an *Error naming the key that drives the cost.
func (x *Experiment) Check(b Budget) (Costs, []string, error) {
	idx := b.Runs
	if idx == nil {
		idx = make([]int, len(x.Runs))
		for i := range idx {
			idx[i] = i
		}
	}
	parallel := max(b.Parallel, 1)
	drawn := 0
	if b.Charts {
		drawn = min(len(idx), 24) // report's maxRunCharts: only these record heat maps
	}
	var total Costs
	var peak, retained float64
	var worst *runCost
	for k, i := range idx {
		if x.Runs[i].cost == nil {
			continue
		}
		rc := x.Runs[i].cost.estimate()
		mem := rc.memory
		if b.KeepSeries {
			mem += rc.series
		}
		if k < drawn {
			mem += rc.heat
			retained += rc.heat / 2
			total.Output += rc.charts
		}
		if mem > peak {
			peak, worst = mem, rc
		}
		retained += rc.retain
		total.Output += rc.output + rc.rows*runColumnBytes(&x.Runs[i])
		total.Steps += rc.steps
	}
	if worst == nil {
		return total, nil, nil
	}
	if b.Charts {
		total.Output += worst.chartsFixed
	}
	inFlight := float64(min(parallel, len(idx)))
	total.Memory = x.loadBytes + inFlight*peak + retained
	var warnings []string
	top := func(rc *runCost, kind costKind) driver {
		var d driver
		for _, t := range rc.drivers {
			if t.kind == kind && t.amount > d.amount {
				d = t
			}
		}
		return d
	}
	runsText := fmt.Sprintf("%d run(s)", len(idx))
	if b.Memory > 0 && total.Memory > float64(b.Memory) {
		d := top(worst, costMemory)
		msg := fmt.Sprintf("the run needs an estimated %s of memory, more than the budget of %s (--max-memory), mostly %s; "+
			"raise --max-memory if the machine has it", bytesText(total.Memory), bytesText(float64(b.Memory)), d.what)
		if len(idx) > 1 {
			msg = fmt.Sprintf("the runs need an estimated %s of memory, more than the budget of %s (--max-memory): "+
				"%s, %g at a time, up to %s each, mostly %s; raise --max-memory if the machine has it, or lower --parallel",
				bytesText(total.Memory), bytesText(float64(b.Memory)), runsText, inFlight, bytesText(peak), d.what)
		}
		if retained > inFlight*peak {
			d = driver{at: x.runsAt}
			msg = fmt.Sprintf("the runs need an estimated %s of memory, more than the budget of %s (--max-memory): "+
				"%s each keep %s of results until all are written; raise --max-memory if the machine has it, or split the experiment",
				bytesText(total.Memory), bytesText(float64(b.Memory)), runsText, bytesText(retained/float64(len(idx))))
		}
		return total, warnings, x.costError(d, msg)
	}
	each := ""
	if len(idx) > 1 {
		each = fmt.Sprintf(" in each of %d runs", len(idx))
	}
	if b.Output > 0 && total.Output > float64(b.Output) {
		d := topOver(x, idx, costOutput, top)
		d.what += each
		return total, warnings, x.costError(d, fmt.Sprintf("the runs would write an estimated %s, more than the budget of %s (--max-output), "+
			"mostly %s; sample less often (sample_interval), or raise --max-output", bytesText(total.Output), bytesText(float64(b.Output)), d.what))
	}
	if b.Steps > 0 && total.Steps > b.Steps {
		d := topOver(x, idx, costSteps, top)
		d.what += each
		return total, warnings, x.costError(d, fmt.Sprintf("the runs would take an estimated %.2g model steps (%s), more than the budget of %.2g "+
			"(--max-steps; about %s of CPU at 100 ns a step), mostly %s", total.Steps, runsText, b.Steps, cpuText(total.Steps), d.what))
	}
	if total.Steps > warnSteps {
		warnings = append(warnings, fmt.Sprintf("%s: an estimated %.2g model steps (%s): this may take about %s of CPU",
			x.File, total.Steps, runsText, cpuText(total.Steps)))
	}
	if total.Output > warnOutput {
		warnings = append(warnings, fmt.Sprintf("%s: the results will take an estimated %s on disk", x.File, bytesText(total.Output)))
	}
	return total, warnings, nil
}

// topOver is the largest driver of a kind summed over the runs, by key.
func topOver(x *Experiment, idx []int, kind costKind, top func(*runCost, costKind) driver) driver {
	sum := map[string]float64{} // NB: lookup only; keys sorted below
	first := map[string]driver{}
	for _, i := range idx {
		if x.Runs[i].cost == nil {
			continue
		}
		rc := x.Runs[i].cost.estimate()
		for _, d := range rc.drivers {
			if d.kind != kind {
				continue
			}
			k := d.at.key + "\x00" + d.what
			sum[k] += d.amount
			if _, ok := first[k]; !ok {
				first[k] = d
			}
		}
	}
	keys := make([]string, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best := ""
	for _, k := range keys {
		if best == "" || sum[k] > sum[best] {
			best = k
		}
	}
	return first[best]
}

func (x *Experiment) costError(d driver, msg string) error {
	return &Error{File: x.File, Line: d.at.line, Key: d.at.key, Msg: msg + d.at.suffix()}
}

// cpuText turns model steps into a rough CPU time.
func cpuText(steps float64) string {
	s := steps * 100e-9
	switch {
	case s >= 2*3600:
		return fmt.Sprintf("%.0f hours", s/3600)
	case s >= 120:
		return fmt.Sprintf("%.0f minutes", s/60)
	}
	return fmt.Sprintf("%.0f seconds", math.Max(s, 1))
}

// loadEstimate is the memory expanding a file takes: every configuration
// (variant x sweep point) is built as its own scenario. It is checked
// before expanding, so that a small file cannot make the loader itself run
// out of memory.
func loadEstimate(root map[string]any, configs, runs int) float64 {
	items := 10.0
	count := func(v any) float64 {
		switch x := v.(type) {
		case []map[string]any:
			return float64(len(x))
		case []any:
			return float64(len(x))
		case map[string]any:
			return float64(len(x))
		}
		return 0
	}
	for _, k := range []string{"events", "topics", "producers", "groups"} {
		items += count(root[k])
	}
	if ps, ok := root["producers"].(map[string]any); ok {
		for _, p := range ps {
			if pm, ok := p.(map[string]any); ok {
				items += count(pm["rate_changes"])
			}
		}
	}
	return float64(configs)*items*600 + float64(runs)*300
}

// loadMessage describes the loader's own need for memory.
func loadMessage(bytes float64) string {
	return strings.TrimSpace(fmt.Sprintf("expanding this file would take an estimated %s of memory before anything runs "+
		"(every variant x sweep point is a scenario of its own, events included), more than %s; sweep fewer points or split the file",
		bytesText(bytes), bytesText(maxLoadMemory)))
}

// maxLoadMemory bounds the loader's own expansion.
const maxLoadMemory = 1 << 30

// runColumnBytes is what the run's columns add to each CSV row it writes:
// its id (quoted when it holds commas), variant, seed and sweep values,
// with their commas.
func runColumnBytes(r *Run) float64 {
	n := len(r.ID) + 2 + len(r.Variant) + 1 + 20 + 1
	for _, p := range r.Point {
		n += len(fmt.Sprint(p.Value)) + 3
	}
	return float64(n)
}
