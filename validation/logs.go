package validation

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Logs is everything one real run left behind, parsed: the harness's own
// log (t0, kills, samples, producer checkpoints), one log per consumer
// process and the broker's group coordinator lines. Times are seconds
// after t0.
type Logs struct {
	Dir      string
	T0       int64 // epoch microseconds
	EndS     float64
	TopicIDs map[string]string // topic name -> base64 topic id
	// TopicNames is TopicIDs inverted: the coordinator logs topic ids.
	TopicNames map[string]string
	Samples    []Sample
	// Produced holds per partition ("topic-3") checkpoints of acknowledged
	// records, in offset order.
	Produced map[string][]Checkpoint
	Kills    []SlotEvent
	Commands []SlotEvent
	Procs    []*ProcLog // by (group, slot, incarnation)
	Broker   []BrokerLine
	Errors   []string // harness and consumer errors, for the report
	// LateStarts lists processes released late (microseconds), a sign the
	// machine was too busy for the run to mean much.
	LateStarts []string
}

// Sample is one round of Admin calls: what kafka-consumer-groups shows.
type Sample struct {
	TS        float64
	K         int
	LEO       map[string]int64
	Committed map[string]map[string]int64 // group -> partition -> offset
	Groups    map[string]SampleGroup
}

type SampleGroup struct {
	State       string         `json:"state"`
	Epoch       *int           `json:"epoch"`
	TargetEpoch *int           `json:"target_epoch"`
	Members     []SampleMember `json:"members"`
}

type SampleMember struct {
	ID       string   `json:"id"`
	Instance *string  `json:"instance"`
	Assigned []string `json:"assigned"`
	Target   []string `json:"target"`
}

// Checkpoint is an acknowledged record: its offset and produce time.
type Checkpoint struct {
	Offset int64
	TSMs   int64
}

// SlotEvent is something the harness did to one process.
type SlotEvent struct {
	TS    float64
	Group string
	Slot  int
	Inc   int
	Line  string
}

// ProcLog is one consumer process's log.
type ProcLog struct {
	Group  string
	Slot   int
	Inc    int
	Events []CEvent
}

// CEvent is one line of a consumer's log (fields unused by its kind are
// zero).
type CEvent struct {
	TS     float64 // seconds after t0
	Ev     string
	TPs    []string
	Owned  []string
	Gen    int
	ID     string // member id ("member" lines)
	Member string
	TP     string
	From   int64
	To     int64
	// Produce times (epoch ms) and completion times (s after t0) of the
	// records [From, To) of a "proc" line.
	ProduceMs []int64
	DoneS     []float64
	OK        bool
	Ms        int64
	LateUs    int64
	Msg       string
	Instance  *string
}

// rawLine is the union of every JSON line's fields.
type rawLine struct {
	T         int64                       `json:"t"`
	Ev        string                      `json:"ev"`
	T0        int64                       `json:"t0"`
	TopicIDs  map[string]string           `json:"topic_ids"`
	K         int                         `json:"k"`
	LEO       map[string]int64            `json:"leo"`
	Committed map[string]map[string]int64 `json:"committed"`
	Groups    map[string]SampleGroup      `json:"groups"`
	TP        string                      `json:"tp"`
	Off       int64                       `json:"off"`
	TS        int64                       `json:"ts"`
	Group     string                      `json:"group"`
	Slot      int                         `json:"slot"`
	Inc       int                         `json:"inc"`
	Line      string                      `json:"line"`
	Msg       string                      `json:"msg"`
	Error     string                      `json:"error"`
	TPs       []string                    `json:"tps"`
	Owned     []string                    `json:"owned"`
	Gen       int                         `json:"gen"`
	ID        string                      `json:"id"`
	Member    string                      `json:"member"`
	Instance  *string                     `json:"instance"`
	From      int64                       `json:"from"`
	To        int64                       `json:"to"`
	TS0       int64                       `json:"ts0"`
	DTS       []int64                     `json:"dts"`
	DoneT0    int64                       `json:"t0_done"`
	DT        []int64                     `json:"dt"`
	OK        bool                        `json:"ok"`
	Ms        int64                       `json:"ms"`
	LateUs    int64                       `json:"late_us"`
}

// ReadLogs parses the folder a harness run wrote.
func ReadLogs(dir string) (*Logs, error) {
	l := &Logs{Dir: dir, Produced: map[string][]Checkpoint{}}
	if err := l.readHarness(filepath.Join(dir, "harness.jsonl")); err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "consumers", "*.jsonl"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files) // NB: a fixed order; processes are sorted below anyway
	for _, f := range files {
		p, err := l.readConsumer(f)
		if err != nil {
			return nil, err
		}
		l.Procs = append(l.Procs, p)
	}
	sort.Slice(l.Procs, func(i, j int) bool {
		a, b := l.Procs[i], l.Procs[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Slot != b.Slot {
			return a.Slot < b.Slot
		}
		return a.Inc < b.Inc
	})
	b, err := readBroker(filepath.Join(dir, "broker.log"), l.T0)
	if err != nil {
		return nil, err
	}
	l.Broker = b
	return l, nil
}

func (l *Logs) sec(t int64) float64 { return float64(t-l.T0) / 1e6 }

func eachLine(path string, fn func(n int, b []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := fn(n, sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

func (l *Logs) readHarness(path string) error {
	var lines []rawLine
	err := eachLine(path, func(n int, b []byte) error {
		var r rawLine
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s:%d: %v", path, n, err)
		}
		lines = append(lines, r)
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range lines {
		if r.Ev == "t0" {
			l.T0 = r.T0
		}
		if r.Ev == "failed" {
			return fmt.Errorf("%s: the harness failed: %s", path, r.Error)
		}
	}
	if l.T0 == 0 {
		return fmt.Errorf("%s: no t0 line: the run never started", path)
	}
	ended := false
	for _, r := range lines {
		switch r.Ev {
		case "topics_ready":
			l.TopicIDs = r.TopicIDs
			l.TopicNames = map[string]string{}
			for name, id := range r.TopicIDs { // NB: inverting a map; order cannot matter
				l.TopicNames[id] = name
			}
		case "sample":
			l.Samples = append(l.Samples, Sample{TS: l.sec(r.T), K: r.K, LEO: r.LEO, Committed: r.Committed, Groups: r.Groups})
		case "prod":
			l.Produced[r.TP] = append(l.Produced[r.TP], Checkpoint{Offset: r.Off, TSMs: r.TS})
		case "kill":
			l.Kills = append(l.Kills, SlotEvent{TS: l.sec(r.T), Group: r.Group, Slot: r.Slot, Inc: r.Inc})
		case "command":
			l.Commands = append(l.Commands, SlotEvent{TS: l.sec(r.T), Group: r.Group, Slot: r.Slot, Inc: r.Inc, Line: r.Line})
		case "error", "sample_error":
			l.Errors = append(l.Errors, "harness: "+r.Msg)
		case "end":
			l.EndS = l.sec(r.T)
			ended = true
		}
	}
	if !ended {
		return fmt.Errorf("%s: no end line: the run did not finish", path)
	}
	for tp := range l.Produced { // NB: each slice sorted on its own; order of the map is irrelevant
		cs := l.Produced[tp]
		sort.Slice(cs, func(i, j int) bool { return cs[i].Offset < cs[j].Offset })
	}
	return nil
}

var procName = regexp.MustCompile(`^(.+)-(\d+)-(\d+)\.jsonl$`)

func (l *Logs) readConsumer(path string) (*ProcLog, error) {
	m := procName.FindStringSubmatch(filepath.Base(path))
	if m == nil {
		return nil, fmt.Errorf("%s: not a consumer log name", path)
	}
	p := &ProcLog{Group: m[1]}
	p.Slot, _ = strconv.Atoi(m[2])
	p.Inc, _ = strconv.Atoi(m[3])
	err := eachLine(path, func(n int, b []byte) error {
		var r rawLine
		if err := json.Unmarshal(b, &r); err != nil {
			// A SIGKILL can cut the last line short: nothing after it exists.
			return nil
		}
		e := CEvent{TS: l.sec(r.T), Ev: r.Ev, TPs: r.TPs, Owned: r.Owned, Gen: r.Gen, ID: r.ID, Member: r.Member,
			TP: r.TP, From: r.From, To: r.To, OK: r.OK, Ms: r.Ms, LateUs: r.LateUs, Msg: r.Msg + r.Error, Instance: r.Instance}
		if r.Ev == "proc" {
			if len(r.DTS) != int(r.To-r.From) || len(r.DT) != len(r.DTS) {
				return fmt.Errorf("%s:%d: a proc line with %d records but %d/%d times", path, n, r.To-r.From, len(r.DTS), len(r.DT))
			}
			e.ProduceMs = make([]int64, len(r.DTS))
			e.DoneS = make([]float64, len(r.DT))
			for i := range r.DTS {
				e.ProduceMs[i] = r.TS0 + r.DTS[i]
				e.DoneS[i] = l.sec(r.DoneT0 + r.DT[i])
			}
		}
		if r.Ev == "error" {
			l.Errors = append(l.Errors, fmt.Sprintf("%s: %s", filepath.Base(path), r.Msg))
		}
		if r.Ev == "start" && r.LateUs > 200_000 {
			l.LateStarts = append(l.LateStarts, fmt.Sprintf("%s released %.0f ms late", filepath.Base(path), float64(r.LateUs)/1000))
		}
		p.Events = append(p.Events, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// BrokerLine is one group coordinator line of broker.log that the results
// are built from.
type BrokerLine struct {
	TS    float64
	Kind  string // see brokerPatterns
	Group string
	Gen   int    // generation or epoch
	N     int    // members
	ID    string // member id
	Text  string // reason, or the target assignment, or the state
	// KIP-848 member state lines.
	State   string
	Revoked []string // "topicId-partition"
}

var brokerPatterns = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"prepare", regexp.MustCompile(`Preparing to rebalance group (\S+) in state \S+ with old generation (-?\d+) \(reason: (.*)\)\.$`)},
	{"stabilized", regexp.MustCompile(`Stabilized group (\S+) generation (\d+) with (\d+) members\.`)},
	{"synced", regexp.MustCompile(`Assignment received from leader (\S+) for group (\S+) for generation (\d+)\. The group has (\d+) members`)},
	{"empty", regexp.MustCompile(`Group (\S+) with generation (\d+) is now empty\.`)},
	{"expired", regexp.MustCompile(`Member (\S+) in group (\S+) has failed, removing it from the group\.`)},
	{"left", regexp.MustCompile(`\[GroupId (\S+)\] Dynamic member (\S+) has left group through explicit .LeaveGroup. request`)},
	{"stragglers", regexp.MustCompile(`Group (\S+) removed dynamic members who haven't joined: \{(.*)\}`)},
	{"bumped", regexp.MustCompile(`\[GroupId (\S+)\] Bumped group epoch to (\d+) `)},
	{"target", regexp.MustCompile(`\[GroupId (\S+)\] Computed a new target assignment for epoch (\d+) with '(\S+)' assignor in \d+ms(?:: (.*))?\.$`)},
	{"mstate", regexp.MustCompile(`\[GroupId (\S+)\] Member (\S+) new assignment state: epoch=(-?\d+), previousEpoch=-?\d+, state=(\S+), assignedPartitions=\[(.*)\] and revokedPartitions=\[(.*)\]\.$`)},
	{"fenced", regexp.MustCompile(`\[GroupId (\S+)\] Member (\S+) fenced from the group because (.*)\.$`)},
	{"kleft", regexp.MustCompile(`\[GroupId (\S+)\] Member (\S+) left the consumer group\.`)},
	{"kjoin", regexp.MustCompile(`\[GroupId (\S+)\] (?:Static )?[Mm]ember (\S+) (?:with instance id \S+ )?joins the consumer group`)},
}

// brokerTime is slf4j-simple's date format as the harness sets it.
const brokerTime = "2006-01-02T15:04:05.000-0700"

func readBroker(path string, t0 int64) ([]BrokerLine, error) {
	var out []BrokerLine
	err := eachLine(path, func(n int, b []byte) error {
		s := string(b)
		if len(s) < len(brokerTime) || !strings.Contains(s, "coordinator.group") {
			return nil
		}
		t, err := time.Parse(brokerTime, s[:len(brokerTime)])
		if err != nil {
			return nil // a continuation line (a stack trace)
		}
		ts := float64(t.UnixMicro()-t0) / 1e6
		for _, p := range brokerPatterns {
			m := p.re.FindStringSubmatch(s)
			if m == nil {
				continue
			}
			bl := BrokerLine{TS: ts, Kind: p.kind}
			switch p.kind {
			case "prepare":
				bl.Group, bl.Gen, bl.Text = m[1], atoi(m[2]), m[3]
			case "stabilized":
				bl.Group, bl.Gen, bl.N = m[1], atoi(m[2]), atoi(m[3])
			case "synced":
				bl.ID, bl.Group, bl.Gen, bl.N = m[1], m[2], atoi(m[3]), atoi(m[4])
			case "empty":
				bl.Group, bl.Gen = m[1], atoi(m[2])
			case "expired":
				bl.ID, bl.Group = m[1], m[2]
			case "left", "kleft", "kjoin":
				bl.Group, bl.ID = m[1], m[2]
			case "stragglers":
				bl.Group, bl.Text = m[1], m[2]
			case "bumped":
				bl.Group, bl.Gen = m[1], atoi(m[2])
			case "target":
				bl.Group, bl.Gen, bl.State, bl.Text = m[1], atoi(m[2]), m[3], m[4]
			case "mstate":
				bl.Group, bl.ID, bl.Gen, bl.State = m[1], m[2], atoi(m[3]), m[4]
				bl.Revoked = withEpochs(m[6])
			case "fenced":
				bl.Group, bl.ID, bl.Text = m[1], m[2], m[3]
			}
			out = append(out, bl)
			break
		}
		return nil
	})
	return out, err
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// withEpochs parses "id-0@3, id-1@3" (Utils.assignmentWithEpochsToString)
// into "id-0", "id-1".
func withEpochs(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ", ") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if i := strings.LastIndexByte(f, '@'); i > 0 {
			f = f[:i]
		}
		out = append(out, f)
	}
	return out
}

var (
	targetMember = regexp.MustCompile(`([A-Za-z0-9_-]+)=MemberAssignment\(partitions=\{([^}]*)\}\)`)
	targetTopic  = regexp.MustCompile(`([A-Za-z0-9_-]{22})=(?:\[([0-9, ]*)\]|RangeSet\(from=(\d+) \(inclusive\), to=(\d+) \(exclusive\)\))`)
)

// ParseTarget reads a KIP-848 target assignment as GroupMetadataManager
// logs it at DEBUG ({member=MemberAssignment(partitions={topicId=[0, 1]})},
// or topicId=RangeSet(from=0 (inclusive), to=2 (exclusive)) from the range
// assignor)
// into member -> partitions ("topic-0"), topic ids named by names (id ->
// name).
func ParseTarget(s string, names map[string]string) map[string][]string {
	out := map[string][]string{}
	for _, m := range targetMember.FindAllStringSubmatch(s, -1) {
		var tps []string
		for _, t := range targetTopic.FindAllStringSubmatch(m[2], -1) {
			name := names[t[1]]
			if name == "" {
				name = t[1]
			}
			if t[3] != "" {
				// The range assignor's sets print as a range.
				for p, to := atoi(t[3]), atoi(t[4]); p < to; p++ {
					tps = append(tps, name+"-"+strconv.Itoa(p))
				}
				continue
			}
			for _, p := range strings.Split(t[2], ",") {
				p = strings.TrimSpace(p)
				if p != "" {
					tps = append(tps, name+"-"+p)
				}
			}
		}
		sort.Strings(tps)
		out[m[1]] = tps
	}
	return out
}
