package experiment

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// Limits that follow from the model. Each is checked when a file is loaded,
// so that no value the loader accepts ends in a wrapped clock, a wrapped
// count, a loop that never ends or a name the file system refuses; the
// README's "Limits" section lists them with these reasons. What a run costs
// in memory, output and time is estimated separately (cost.go) and judged
// against budgets the command line can raise.

// MaxTime is the longest time any setting may give, the run's duration
// included: ten 365-day years.
const MaxTime = 10 * 365 * 24 * time.Hour

const (
	maxTimeText = "87600h (10 years)"
	whyMaxTime  = "the simulated clock counts nanoseconds in 63 bits (292 years), and the model adds several " +
		"settings to a time within the run"
)

// maxCV bounds the lognormal's coefficient of variation.
const (
	maxCV    = 100
	whyMaxCV = "beyond that, half of the mean processing time comes from draws rarer than one in a thousand, " +
		"so a run would process far faster than processing_time says"
)

// maxRecords bounds the records a run may produce: offsets and counts are
// int64, and the model adds and averages them as float64, exact only up to
// 2^53 (9.0e15). Beyond it a count rounds, and beyond 2^63 it wraps (a rate
// of 1e19/s overflowed; one of 1e300/s produced nothing at all).
const maxRecords = 1 << 53

// maxNameLen bounds experiment, variant, topic, producer and group names:
// they become file and folder names (results/<name>/, charts named after
// groups and runs), and a file name has at most 255 bytes.
const (
	maxNameLen  = 200
	maxFileName = 255
	// chartNameExtra is what the longest chart file name adds to a group
	// name and a run id: "timeline-" or "heatmap-", a dash, a uniqueness
	// suffix (-123456) and ".svg".
	chartNameExtra = len("timeline-") + 1 + len("-123456") + len(".svg")
)

// nameTooLong reports a name beyond maxNameLen.
func nameTooLong(c *checker, p keyPath, s string) bool {
	if len(s) <= maxNameLen {
		return false
	}
	c.fail(p, fmt.Sprintf("is %d characters long; names may have at most %d, since they become file names "+
		"(at most %d bytes, with the prefixes and suffixes the results add)", len(s), maxNameLen, maxFileName))
	return true
}

// checkText refuses control characters in free text that reaches the
// terminal (the description is printed by `simulate run`): an escape
// sequence in a file must not be able to rewrite the user's screen.
func checkText(c *checker, p keyPath, s string) {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			c.fail(p, fmt.Sprintf("contains the control character %U; only newlines and tabs are allowed "+
				"(the text is printed to the terminal)", r))
			return
		}
	}
}

// limits checks, for one run configuration whose values are each valid,
// the rules that tie values together so that the model's arithmetic cannot
// overflow and no loop can stand still.
func (b *scenarioBuild) limits() {
	c, sc := b.c, b.sc
	groups := keyPath{}.key("groups")

	// A loop that takes no simulated time never ends: with no network
	// latency, an idle consumer that does not wait at the broker
	// (fetch.max.wait.ms = 0) polls again at the same instant, and a
	// request retried without backoff is sent again at once.
	if sc.Broker.NetworkLatency == 0 {
		lat := keyPath{}.keys("broker", "network_latency")
		for _, g := range sc.Groups {
			if g.FetchMaxWait == 0 {
				c.fail(groups.keys(g.Name, "fetch.max.wait.ms"), `0 with broker network_latency = "0s" would let an idle consumer `+
					"poll again at the same instant forever; give one of them a positive value", lat)
			}
			if g.RetryBackoff == 0 {
				c.fail(groups.keys(g.Name, "retry.backoff.ms"), `0 with broker network_latency = "0s" would resend a failed request `+
					"at the same instant forever; give one of them a positive value", lat)
			}
		}
	}

	// Records: the most a run can produce, every producer at its highest
	// rate for the whole run.
	var total float64
	worst, worstN := -1, 0.0
	for i, p := range sc.Producers {
		n := maxRate(sc, &p) * sc.Duration.Seconds()
		total += n
		if n > worstN {
			worst, worstN = i, n
		}
	}
	if total > maxRecords && worst >= 0 {
		p := sc.Producers[worst]
		c.fail(keyPath{}.keys("producers", p.Name, "rate"), fmt.Sprintf("producers would write up to %.3g records in this run "+
			"(their highest rates for its duration), more than %.3g: record counts are exact only up to 2^53; "+
			"shorten duration or lower the rate", total, float64(maxRecords)), durationPath)
	}

	slots := memberSlots(sc)
	for _, g := range sc.Groups {
		gp := groups.key(g.Name)
		// The longest batch: max.poll.records records at the longest
		// processing time (the largest slow factor) and the distribution's
		// far tail. A batch ends at its start plus that.
		slow, slowAt := 1.0, keyPath(nil)
		for i, e := range sc.Events {
			if e.Action == scenario.ActSlow && e.Group == g.Name && e.Factor > slow {
				slow, slowAt = e.Factor, b.eventPaths[i].key("factor")
			}
		}
		plain := g.ProcessingTime.Seconds() * float64(g.MaxPollRecords) * tailFactor(&g)
		batch := plain * slow
		if batch > MaxTime.Seconds() {
			also := []keyPath{gp.key("max.poll.records"), gp.key("processing_distribution"), gp.key("processing_cv")}
			at, what := gp.key("processing_time"), fmt.Sprintf("%v per record", g.ProcessingTime)
			if slowAt != nil {
				also = append(also, at)
				if plain <= MaxTime.Seconds() { // the slow event is what breaks the limit
					at, what = slowAt, fmt.Sprintf("a slow factor of %s on %v per record", formatFloat(slow), g.ProcessingTime)
				}
			}
			c.fail(at, fmt.Sprintf("%s gives batches of up to %s (max.poll.records = %d, slow factor %s, %s), longer than %s, "+
				"the longest time the simulator takes: %s",
				what, formatSeconds(batch), g.MaxPollRecords, formatFloat(slow), tailText(&g), maxTimeText, whyMaxTime), also...)
		}
	}
	b.rackLimits()
	// A rolling restart schedules one step per member, interval apart.
	for i, e := range sc.Events {
		if e.Action != scenario.ActRollingRestart {
			continue
		}
		n := slots[e.Group]
		if span := float64(n-1) * e.Interval.Seconds(); n > 1 && span > MaxTime.Seconds() {
			c.fail(b.eventPaths[i].key("interval"), fmt.Sprintf("%v between restarts of up to %d members "+
				"spans %s, longer than %s, the longest time the simulator takes: %s", e.Interval, n, formatSeconds(span), maxTimeText, whyMaxTime))
		}
	}
}

// maxRate is a producer's highest rate over the run.
func maxRate(sc *scenario.Scenario, p *scenario.Producer) float64 {
	r := p.Rate
	for _, rc := range p.RateChanges {
		r = math.Max(r, rc.Rate)
	}
	for _, e := range sc.Events {
		if e.Action == scenario.ActProducerRate && e.Producer == p.Name {
			r = math.Max(r, e.Rate)
		}
	}
	return r
}

// tailFactor is how much longer than its mean a batch can practically be:
// 1 for constant times; 45 for exponential ones (the largest exponential
// draw Go's generator gives short of a zero uniform, about 44.4 means); a
// six-sigma draw for lognormal ones (one batch in a billion is longer).
func tailFactor(g *scenario.Group) float64 {
	switch g.ProcessingDistribution {
	case scenario.DistExponential:
		return 45
	case scenario.DistLognormal:
		s2 := math.Log1p(g.ProcessingCV * g.ProcessingCV)
		return math.Exp(6*math.Sqrt(s2) - s2/2)
	}
	return 1
}

func tailText(g *scenario.Group) string {
	switch g.ProcessingDistribution {
	case scenario.DistExponential:
		return "up to 45x the mean for exponential times"
	case scenario.DistLognormal:
		return fmt.Sprintf("a six-sigma lognormal draw, %.3gx the mean with processing_cv = %s", tailFactor(g), formatFloat(g.ProcessingCV))
	}
	return "constant times"
}

// memberSlots bounds, per group, the members a run can ever create:
// initial consumers, joins, scale-ups (each may add up to its target) and
// for an autoscaled group max_consumers at every scaling cycle (members
// removed by a scale-down are replaced by new ones).
func memberSlots(sc *scenario.Scenario) map[string]int {
	slots := make(map[string]int, len(sc.Groups)) // NB: lookup only
	for _, g := range sc.Groups {
		n := g.Consumers
		if a := g.Autoscaler; a != nil {
			cycle := max(a.Cooldown, a.PollingInterval)
			n += a.MaxConsumers * int(min(1+sc.Duration/cycle, maxMembers))
		}
		slots[g.Name] = n
	}
	for _, e := range sc.Events {
		switch e.Action {
		case scenario.ActJoin:
			slots[e.Group] += e.Count
		case scenario.ActScale:
			slots[e.Group] += e.To
		}
	}
	return slots
}

// formatSeconds prints a length of time for messages: 1.5s, 3h0m0s, or in
// years beyond what time.Duration holds.
func formatSeconds(s float64) string {
	if s < float64(math.MaxInt64)/1e9 {
		return time.Duration(s * 1e9).Round(time.Millisecond).String()
	}
	return fmt.Sprintf("%.3g years", s/(365*24*3600))
}

// checkChartNames refuses run ids that would give chart file names longer
// than a file system allows: a run's charts are named after its group and
// its id (variant, swept values, seed).
func checkChartNames(c *checker, sw *Sweep, sc *scenario.Scenario, id string, over map[string]origin) {
	longest := ""
	for _, g := range sc.Groups {
		if len(g.Name) > len(longest) {
			longest = g.Name
		}
	}
	if n := chartNameExtra + len(longest) + len(id); n > maxFileName {
		at := keyPath{}.key("variants")
		if sw != nil {
			at = keyPath{}.key("sweep")
		}
		rc := &checker{sink: c.sink, lines: c.lines, over: over}
		rc.fail(at, fmt.Sprintf("run %s... would name its charts with %d bytes (timeline-%s-<run id>.svg), more than the %d "+
			"a file name may have; use shorter variant names or sweep fewer parameters", truncate(id, 60), n,
			truncate(longest, 20), maxFileName))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.TrimRight(s[:n], ".")
}
