package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The hostile table: extreme values, huge counts, deep nesting, odd text.
// Each entry runs the real binary as a child process, under an
// address-space limit and a 30 s timeout, and must end as the table says:
// exit 2 with the file, line, key and reason and nothing written, or exit 0
// with its results in place, never an internal error; each within 30 s and
// 2 GB of peak resident memory (the process and its children).

// hostileFile is an experiment assembled from parts; text left empty keeps
// the part's default. The group table comes last, so `group` lines may be
// followed by more tables in `rest`.
type hostileFile struct {
	name, duration, top, partitions, rate, producer, consumers, processing, group, rest string
}

func (h hostileFile) String() string {
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	name := def(h.name, `name = "h"`)
	return fmt.Sprintf("%s\nduration = %s\n%s\n[topics.t]\npartitions = %s\n\n[producers.p]\ntopic = \"t\"\nrate = %s\n%s\n\n"+
		"[groups.g]\ntopics = [\"t\"]\nconsumers = %s\nprocessing_time = %s\n%s\n%s\n",
		name, def(h.duration, `"1m"`), h.top, def(h.partitions, "4"), def(h.rate, "100"), h.producer,
		def(h.consumers, "2"), def(h.processing, `"1ms"`), h.group, h.rest)
}

type hostileCase struct {
	name string
	src  string   // the experiment file h.toml
	args []string // after `run --quiet --out results`, before the file
	code int
	key  string // exit 2: the key reported (h.toml:LINE: KEY:); "" for a message without one
	msg  string // a part of the message (or, with exit 0, nothing to check)
	slow bool   // runs a real simulation of a few seconds: only without -short
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func seedList(n int) string {
	var b strings.Builder
	b.WriteString("seeds = [")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(strconv.Itoa(i))
	}
	b.WriteString("]")
	return b.String()
}

func hostileCases() []hostileCase {
	f := func(h hostileFile) string { return h.String() }
	const lat0 = "[broker]\nnetwork_latency = \"0s\""
	slowEvent := func(factor string) string {
		return "[[events]]\nat = \"10s\"\naction = \"slow\"\ngroup = \"g\"\nmember = 0\nfactor = " + factor + "\nduration = \"10s\""
	}
	manyEvents := func(n int) string {
		return repeat("[[events]]\nat = \"1s\"\naction = \"pause\"\ngroup = \"g\"\nmember = 0\nduration = \"1s\"\n", n)
	}
	return []hostileCase{
		// Time: durations beyond the clock, at its edge, zero, negative.
		{name: "duration a million hours", src: f(hostileFile{duration: `"1000000h"`}), code: 2, key: "duration", msg: "longer than 87600h (10 years)"},
		{name: "duration at int64 nanoseconds", src: f(hostileFile{duration: `"2562047h"`}), code: 2, key: "duration", msg: "longer than 87600h"},
		{name: "duration past int64", src: f(hostileFile{duration: `"2562048h"`}), code: 2, key: "duration", msg: "is not a duration"},
		{name: "duration zero", src: f(hostileFile{duration: `"0s"`}), code: 2, key: "duration", msg: "greater than 0"},
		{name: "duration negative zero", src: f(hostileFile{duration: `"-0s"`}), code: 2, key: "duration", msg: "greater than 0"},
		{name: "duration negative", src: f(hostileFile{duration: `"-1s"`}), code: 2, key: "duration", msg: "must not be negative"},
		{name: "duration as a number", src: f(hostileFile{duration: "60"}), code: 2, key: "duration", msg: "must be a duration string"},
		{name: "ten years, every interval at its largest", src: f(hostileFile{duration: `"87600h"`,
			top: "sample_interval = \"87600h\"\nbatch_interval = \"87600h\"\n[broker]\n\"group.max.session.timeout.ms\" = 2147483647",
			group: "\"session.timeout.ms\" = 2147483647\n\"heartbeat.interval.ms\" = 2147483646\n\"fetch.max.wait.ms\" = 2147483647\n" +
				"\"max.poll.interval.ms\" = 2147483647\n\"auto.commit.interval.ms\" = 2147483647\nstartup_jitter = \"87600h\"",
			rest: "[[events]]\nat = \"87599h59m59s\"\naction = \"restart\"\ngroup = \"g\"\nmember = 0\ndowntime = \"87600h\""}), code: 0},
		{name: "sample every nanosecond", src: f(hostileFile{top: "sample_interval = \"1ns\"\nbatch_interval = \"1ns\""}), code: 2,
			key: "sample_interval", msg: "samples (duration / sample_interval)"},
		{name: "batch every nanosecond", src: f(hostileFile{top: "batch_interval = \"1ns\""}), code: 2,
			key: "batch_interval", msg: "model steps"},
		{name: "a million samples fits", src: f(hostileFile{duration: `"1000s"`, rate: "10", top: "sample_interval = \"1ms\"\nbatch_interval = \"1ms\""}),
			args: []string{"--no-charts"}, code: 0, slow: true},
		{name: "sample longer than the run", src: f(hostileFile{top: "sample_interval = \"2m\""}), code: 2, key: "sample_interval", msg: "must not be longer than duration"},
		{name: "event at the end", src: f(hostileFile{rest: "[[events]]\nat = \"1m\"\naction = \"crash\"\ngroup = \"g\"\nmember = 0"}), code: 2,
			key: "events[0].at", msg: "before the end of the run"},

		// Processing: huge times, factors and spreads.
		{name: "processing 100000 hours", src: f(hostileFile{processing: `"100000h"`}), code: 2, key: "groups.g.processing_time", msg: "longer than 87600h"},
		{name: "processing batch past the clock", src: f(hostileFile{processing: `"87600h"`}), code: 2, key: "groups.g.processing_time",
			msg: "gives batches of up to"},
		{name: "processing one record an hour", src: f(hostileFile{processing: `"1h"`, group: "\"max.poll.records\" = 1"}), code: 0},
		{name: "processing zero, one record a poll", src: f(hostileFile{processing: `"0s"`, rate: "1e4", group: "\"max.poll.records\" = 1"}), code: 0},
		{name: "lognormal cv 1e300", src: f(hostileFile{group: "processing_distribution = \"lognormal\"\nprocessing_cv = 1e300"}), code: 2,
			key: "groups.g.processing_cv", msg: "is more than 100"},
		{name: "lognormal cv nan", src: f(hostileFile{group: "processing_distribution = \"lognormal\"\nprocessing_cv = nan"}), code: 2,
			key: "groups.g.processing_cv", msg: "finite number, not NaN"},
		{name: "lognormal cv inf", src: f(hostileFile{group: "processing_distribution = \"lognormal\"\nprocessing_cv = +inf"}), code: 2,
			key: "groups.g.processing_cv", msg: "finite number, not +Inf"},
		{name: "lognormal cv 100", src: f(hostileFile{group: "processing_distribution = \"lognormal\"\nprocessing_cv = 100"}), code: 0},
		{name: "lognormal cv with hour-long records", src: f(hostileFile{processing: `"1h"`, group: "processing_distribution = \"lognormal\"\nprocessing_cv = 100"}),
			code: 2, key: "groups.g.processing_time", msg: "six-sigma lognormal draw"},
		{name: "exponential day-long records", src: f(hostileFile{processing: `"24h"`, group: "processing_distribution = \"exponential\""}),
			code: 2, key: "groups.g.processing_time", msg: "up to 45x the mean"},
		{name: "slow factor 1e308", src: f(hostileFile{rest: slowEvent("1e308")}), code: 2, key: "events[0].factor", msg: "a slow factor of 1e+308 on 1ms per record"},
		{name: "slow factor zero", src: f(hostileFile{rest: slowEvent("0")}), code: 2, key: "events[0].factor", msg: "greater than 0"},
		{name: "slow factor negative zero", src: f(hostileFile{rest: slowEvent("-0.0")}), code: 2, key: "events[0].factor", msg: "greater than 0"},
		{name: "slow factor 1e-300", src: f(hostileFile{rest: slowEvent("1e-300")}), code: 0},

		// Rates and record counts.
		{name: "rate 1e19", src: f(hostileFile{rate: "1e19"}), code: 2, key: "producers.p.rate", msg: "record counts are exact only up to 2^53"},
		{name: "rate 1e300", src: f(hostileFile{rate: "1e300"}), code: 2, key: "producers.p.rate", msg: "record counts are exact only up to 2^53"},
		{name: "rate inf", src: f(hostileFile{rate: "inf"}), code: 2, key: "producers.p.rate", msg: "finite number"},
		{name: "rate nan", src: f(hostileFile{rate: "nan"}), code: 2, key: "producers.p.rate", msg: "finite number"},
		{name: "rate negative", src: f(hostileFile{rate: "-1"}), code: 2, key: "producers.p.rate", msg: "must not be negative"},
		{name: "rate negative zero", src: f(hostileFile{rate: "-0.0"}), code: 0},
		{name: "rate 1e-300", src: f(hostileFile{rate: "1e-300"}), code: 0},
		{name: "rate 1e12 for a minute", src: f(hostileFile{rate: "1e12"}), code: 0},
		{name: "rate change to 1e19", src: f(hostileFile{producer: "[[producers.p.rate_changes]]\nat = \"30s\"\nrate = 1e19"}), code: 2,
			key: "producers.p.rate", msg: "2^53"},
		{name: "rate 1e12 for years", src: f(hostileFile{rate: "1e12", duration: `"8000h"`, top: "sample_interval = \"1h\"\nbatch_interval = \"1h\""}),
			code: 2, key: "producers.p.rate", msg: "2^53"},

		// Counts: keys, partitions, members, seeds, sweeps, events.
		{name: "key_count at the Java int limit", src: f(hostileFile{producer: "keys = \"uniform\"\nkey_count = 2147483647"}), code: 2,
			key: "producers.p.key_count", msg: "estimated 32.0 GiB of memory"},
		{name: "key_count past the Java int limit", src: f(hostileFile{producer: "keys = \"uniform\"\nkey_count = 2147483648"}), code: 2,
			key: "producers.p.key_count", msg: "must be from 1 to 2147483647"},
		{name: "key_count 1e8 within a smaller budget", src: f(hostileFile{producer: "keys = \"zipf\"\nkey_count = 100000000"}),
			args: []string{"--max-memory", "1GiB"}, code: 2, key: "producers.p.key_count", msg: "more than the budget of 1.0 GiB (--max-memory)"},
		{name: "partitions past the limit", src: f(hostileFile{partitions: "1000001"}), code: 2, key: "topics.t.partitions", msg: "must be from 1 to 1000000"},
		{name: "partitions 1e5 at 1e8 records/s", src: f(hostileFile{partitions: "100000", rate: "1e8"}), code: 2, key: "topics.t.partitions",
			msg: "produce-time entries"},
		{name: "partitions 2e5 for a second", src: f(hostileFile{partitions: "200000", duration: `"1s"`}), args: []string{"--no-charts"}, code: 0, slow: true},
		{name: "consumers past the limit", src: f(hostileFile{consumers: "10001"}), code: 2, key: "groups.g.consumers", msg: "must be from 0 to 10000"},
		{name: "consumers 2000 on 4 partitions", src: f(hostileFile{consumers: "2000", duration: `"10s"`}), args: []string{"--no-charts"}, code: 0, slow: true},
		{name: "max.poll.records past the Java int limit", src: f(hostileFile{group: "\"max.poll.records\" = 2147483648"}), code: 2,
			key: "groups.g.max.poll.records", msg: "must be from 1 to 2147483647"},
		{name: "integer past int64", src: f(hostileFile{partitions: "99999999999999999999"}), code: 2, key: "", msg: "TOML syntax error"},
		{name: "100001 seeds", src: f(hostileFile{top: seedList(100001)}), code: 2, key: "seeds", msg: "more than 100000 runs"},
		{name: "100000 seeds of two hours", src: f(hostileFile{duration: `"2h"`, top: seedList(100000)}), code: 2, key: "sample_interval",
			msg: "more than the budget of 10.0 GiB (--max-output), mostly 7200 timeseries rows (duration / sample_interval x 1 group(s)) in each of 100000 runs"},
		{name: "seed listed twice", src: f(hostileFile{top: "seeds = [1, 2, 1]"}), code: 2, key: "seeds[2]", msg: "listed twice"},
		{name: "seed negative", src: f(hostileFile{top: "seeds = [-1]"}), code: 2, key: "seeds[0]", msg: "must not be negative"},
		{name: "sweep grid too big", src: f(hostileFile{rest: "[sweep]\n\"groups.g.consumers\" = {from = 0, to = 9999, step = 1}\n\"topics.t.partitions\" = [1, 2]"}),
			code: 2, key: "sweep", msg: "more than 10000 points"},
		{name: "sweep range past int64", src: f(hostileFile{rest: "[sweep]\n\"groups.g.consumers\" = {from = -9223372036854775808, to = 9223372036854775807, step = 1}"}),
			code: 2, key: "sweep.groups.g.consumers", msg: "more than 10000 values"},
		{name: "sweep of 10000 ten-hour runs", src: f(hostileFile{duration: `"10h"`, rest: "[sweep]\n\"producers.p.rate\" = {from = 1, to = 10000, step = 1}"}),
			args: []string{"--max-output", "1TiB"}, code: 2, key: "batch_interval", msg: "model steps"},
		{name: "many events times a big sweep", src: f(hostileFile{rest: manyEvents(20000) + "[sweep]\n\"groups.g.consumers\" = {from = 1, to = 10000, step = 1}"}),
			code: 2, key: "sweep", msg: "expanding this file would take"},
		{name: "rolling restart spanning centuries", src: f(hostileFile{consumers: "1000",
			rest: "[[events]]\nat = \"1s\"\naction = \"rolling_restart\"\ngroup = \"g\"\ninterval = \"87600h\"\ndowntime = \"1s\""}),
			code: 2, key: "events[0].interval", msg: "between restarts of up to 1000 members"},

		// Loops that take no simulated time.
		{name: "no latency, no fetch wait", src: f(hostileFile{top: lat0, group: "\"fetch.max.wait.ms\" = 0"}), code: 2,
			key: "groups.g.fetch.max.wait.ms", msg: "at the same instant forever"},
		{name: "no latency, no retry backoff", src: f(hostileFile{top: lat0, group: "\"retry.backoff.ms\" = 0"}), code: 2,
			key: "groups.g.retry.backoff.ms", msg: "at the same instant forever"},
		{name: "no latency", src: f(hostileFile{top: lat0}), code: 0},
		{name: "heartbeat every millisecond", src: f(hostileFile{duration: `"20s"`, group: "\"heartbeat.interval.ms\" = 1"}), code: 0},

		// Kafka's configuration rules.
		{name: "consumer protocol with a client session timeout", src: f(hostileFile{group: "\"group.protocol\" = \"consumer\"\n\"session.timeout.ms\" = 10000"}),
			code: 2, key: "groups.g.session.timeout.ms", msg: "cannot be set when group.protocol=CONSUMER"},
		{name: "KIP-848 heartbeat below the broker's bound", src: f(hostileFile{top: "[broker]\n\"group.consumer.heartbeat.interval.ms\" = 4000"}),
			code: 2, key: "broker.group.consumer.heartbeat.interval.ms", msg: "greater than or equal to group.consumer.min.heartbeat.interval.ms"},

		// Names, text, encodings.
		{name: "name of 10000 characters", src: f(hostileFile{name: `name = "` + repeat("x", 10000) + `"`}), code: 2, key: "name", msg: "at most 200"},
		{name: "name of 200 characters, with charts", src: f(hostileFile{name: `name = "` + repeat("n", 200) + `"`}), code: 0},
		{name: "group name of 201 characters", src: strings.Replace(f(hostileFile{}), "[groups.g]\ntopics", "[groups."+repeat("g", 201)+"]\ntopics", 1),
			code: 2, key: "groups." + repeat("g", 201), msg: "at most 200"},
		{name: "chart names past 255 bytes", src: f(hostileFile{rest: "[[variants]]\nname = \"" + repeat("v", 200) + "\"\n" +
			"[sweep]\n\"groups.g.session.timeout.ms\" = [45000]\n\"groups.g.heartbeat.interval.ms\" = [3000]"}),
			code: 2, key: "sweep", msg: "more than the 255 a file name may have"},
		{name: "name with a slash", src: f(hostileFile{name: `name = "../escape"`}), code: 2, key: "name", msg: "is not allowed"},
		{name: "name of dots", src: f(hostileFile{name: `name = ".."`}), code: 2, key: "name", msg: "is not allowed"},
		{name: "unicode topic name", src: strings.Replace(strings.Replace(f(hostileFile{}), "[topics.t]", "[topics.\"tópico\"]", 1),
			`topic = "t"`, `topic = "tópico"`, 1), code: 2, key: "topics.tópico", msg: "is not allowed"},
		{name: "escape sequence in the description", src: f(hostileFile{top: `description = "\u001b[2J\u001b[31mgotcha"`}), code: 2,
			key: "description", msg: "control character U+001B"},
		{name: "escape sequence in a key", src: f(hostileFile{group: `"\u001b[2Jx" = 1`}), code: 2,
			key: `groups.g."\x1b[2Jx"`, msg: "unknown key in a group"},
		{name: "unicode description", src: f(hostileFile{top: `description = "Zürich → 東京, ok ✓"`}), code: 0},
		{name: "byte-order mark and CRLF", src: "\ufeff" + strings.ReplaceAll(f(hostileFile{}), "\n", "\r\n"), code: 0},
		{name: "NUL bytes", src: "duration = \"1m\"\n\x00\x00\x00", code: 2, key: "", msg: "TOML syntax error"},
		{name: "invalid UTF-8", src: "name = \"\xff\xfe\"\n" + f(hostileFile{name: "#"}), code: 2, key: "", msg: "TOML syntax error"},
		{name: "date-time for a rate", src: f(hostileFile{rate: "1979-05-27T07:32:00Z"}), code: 2, key: "producers.p.rate", msg: "not a date-time"},

		// Deep and large text.
		{name: "nested arrays 100000 deep", src: f(hostileFile{group: "x = " + repeat("[", 100000) + repeat("]", 100000)}), code: 2,
			key: "groups.g.x...", msg: "nests deeper than 32 levels"},
		{name: "nested inline tables 50000 deep", src: f(hostileFile{group: "x = " + repeat("{a=", 50000) + "1" + repeat("}", 50000)}), code: 2,
			key: "groups.g.x...", msg: "nests deeper than 32 levels"},
		{name: "dotted key 100000 long", src: f(hostileFile{group: repeat("a.", 100000) + "b = 1"}), code: 2, key: "groups.g.a...", msg: "nests deeper"},
		{name: "table header 100000 deep", src: f(hostileFile{rest: "[" + repeat("a.", 100000) + "b]"}), code: 2, key: "a.a.a...", msg: "nests deeper"},
		{name: "file of 9 MB", src: f(hostileFile{top: "# " + repeat("x", 9<<20)}), code: 2, key: "", msg: "larger than 8 MB"},
		{name: "100000 unknown keys", src: f(hostileFile{group: unknownKeys(100000)}), code: 2, key: "groups.g.k0", msg: "more problems not shown"},

		// Flags.
		{name: "bad --max-memory", src: f(hostileFile{}), args: []string{"--max-memory", "-5GB"}, code: 2, key: "", msg: "--max-memory"},
		{name: "bad --max-steps", src: f(hostileFile{}), args: []string{"--max-steps", "NaN"}, code: 2, key: "", msg: "--max-steps"},
	}
}

func unknownKeys(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "k%d = %d\n", i, i)
	}
	return b.String()
}

// stderrKey matches a loader message: FILE:LINE: KEY: ...
var stderrKey = regexp.MustCompile(`h\.toml:(\d+): ([^:]+): `)

func TestHostileInputs(t *testing.T) {
	var cases []hostileCase
	for _, c := range hostileCases() {
		if !c.slow || !testing.Short() {
			cases = append(cases, c)
		}
	}
	sem := make(chan struct{}, 2) // the machine has two cores
	var mu sync.Mutex
	var total time.Duration
	var worstRSS int64
	t.Cleanup(func() {
		t.Logf("%d hostile inputs, %v of process time in all, largest peak RSS %d MB", len(cases), total.Round(time.Millisecond), worstRSS>>20)
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			dir := t.TempDir()
			writeFile(t, dir, "h.toml", c.src)
			args := append(append([]string{"run", "--quiet", "--out", "results"}, c.args...), "h.toml")
			r := runBinary(t, 30*time.Second, dir, "", args...)
			if r.elapsed > 2*time.Second {
				t.Logf("%s took %v", c.name, r.elapsed.Round(time.Millisecond))
			}
			mu.Lock()
			total += r.elapsed
			worstRSS = max(worstRSS, r.maxRSS)
			mu.Unlock()
			if r.timedOut {
				t.Fatalf("did not finish within 30 s")
			}
			if r.maxRSS > 2<<30 {
				t.Errorf("peak resident memory %d MB, more than 2 GB", r.maxRSS>>20)
			}
			if r.code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, c.code, tail(r.stderr, 1500))
			}
			if strings.ContainsRune(r.stderr, 0x1b) {
				t.Errorf("an escape character reached stderr")
			}
			if strings.Contains(r.stderr, "internal error") || strings.Contains(r.stderr, "crashed") {
				t.Errorf("stderr: %s", tail(r.stderr, 1500))
			}
			out := filepath.Join(dir, "results")
			if c.code != 0 {
				if left := entriesOf(out); len(left) > 0 {
					t.Errorf("a refused input left %v behind", left)
				}
				if !strings.Contains(r.stderr, c.msg) {
					t.Errorf("stderr should say %q:\n%s", c.msg, tail(r.stderr, 1500))
				}
				if c.key != "" {
					checkKeyAndLine(t, c, r.stderr)
				}
				return
			}
			for _, e := range entriesOf(out) {
				if strings.HasPrefix(e, ".") {
					t.Errorf("a temporary folder was left: %s", e)
				}
			}
			if _, err := os.Stat(filepath.Join(out, firstName(c.src), "summary.json")); err != nil {
				t.Errorf("no results: %v (results root: %v); stderr:\n%s", err, entriesOf(out), r.stderr)
			}
		})
	}
}

// checkKeyAndLine checks that the message names the key, and that the line
// it gives holds the key (or the table, variant or sweep that sets it).
func checkKeyAndLine(t *testing.T, c hostileCase, stderr string) {
	t.Helper()
	m := stderrKey.FindStringSubmatch(stderr)
	if m == nil || m[2] != c.key {
		t.Errorf("want h.toml:LINE: %s: ..., got:\n%s", truncateText(c.key, 80), tail(stderr, 800))
		return
	}
	n, _ := strconv.Atoi(m[1])
	lines := strings.Split(c.src, "\n")
	segs := strings.Split(strings.TrimSuffix(c.key, "..."), ".")
	last := segs[len(segs)-1]
	if i := strings.IndexByte(last, '['); i >= 0 {
		last = last[:i]
	}
	if n < 1 || n > len(lines) {
		t.Errorf("line %d is outside the file", n)
		return
	}
	// A key left to its default has no line of its own: the message shows
	// the line of a key the cost or the rule depends on.
	written := strings.Contains(c.src, last)
	if line := lines[n-1]; written && !strings.Contains(line, last) && !strings.Contains(line, "[") {
		t.Errorf("line %d (%q) does not hold %s", n, truncateText(line, 80), last)
	}
}

func truncateText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// firstName is the experiment's name: its name key, else the file's.
func firstName(src string) string {
	src = strings.TrimPrefix(src, "\ufeff")
	if m := regexp.MustCompile(`(?m)^name = "([^"]*)"`).FindStringSubmatch(src); m != nil {
		return m[1]
	}
	return "h"
}
