package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/scenario"
	world "github.com/rebalance-sim/rebalance-sim/sim"
)

var describeCommand = &command{
	name:    "describe",
	args:    "[flags] FILE --at DURATION",
	summary: "groups as kafka-consumer-groups.sh --describe shows them",
	about: `Runs one run of the experiment FILE up to the simulated moment --at and prints its groups
in the layouts of Kafka 4.4's kafka-consumer-groups.sh --describe: the offsets table by default
(GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID), --members
(GROUP CONSUMER-ID [GROUP-INSTANCE-ID] HOST CLIENT-ID #PARTITIONS) or --state (GROUP
COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS). Groups come in name order, as with
--all-groups; Kafka's warnings ("is rebalancing", "has no active members") go to stderr, as
Kafka prints them.

The first line says which run is shown: the first in the file's run order unless --run names
another (completion lists them). Lag is log end minus committed offset, as Kafka computes it.
Hosts are the model's: each consumer is its own process with an address of its own. The
coordinator is broker 1 until a coordinator_failover event moves the group to the next broker;
while it is unreachable Kafka's tool would fail, and describe says so on stderr.`,
	examples: []string{
		"simulate describe experiments/twenty-on-four.toml --at 2m --members --run 20-consumers/seed=1",
		"simulate describe experiments/rolling-deploy.toml --at 95s --run cooperative-dynamic/seed=1 --state",
		"simulate describe experiments/fan-out.toml --at 1m --group billing",
	},
	positional: "toml",
	values:     map[string]string{"run": "runs", "group": "groups"},
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		var f describeFlags
		fs.StringVar(&f.at, "at", "", "the simulated moment to show, a `DURATION` from the run's start such as 95s or 2m (required)")
		fs.StringVar(&f.run, "run", "", "the run to show, by the `ID` summary.csv gives it (default: the first run)")
		fs.StringVar(&f.group, "group", "", "show only the group `NAME` (default: every group)")
		fs.BoolVar(&f.members, "members", false, "print the members table (kafka-consumer-groups.sh --describe --members)")
		fs.BoolVar(&f.state, "state", false, "print the group state table (kafka-consumer-groups.sh --describe --state)")
		fs.BoolVar(&f.offsets, "offsets", false, "print the offsets table, the default (kafka-consumer-groups.sh --describe --offsets)")
		f.budget.register(fs)
		return func(pos []string) error { return cmdDescribe(f, pos, s.out, s.err) }
	},
}

type describeFlags struct {
	at, run, group          string
	members, state, offsets bool
	budget                  budgetFlags
}

// cmdDescribe prints groups as `kafka-consumer-groups.sh --describe` would
// at a simulated moment.
func cmdDescribe(f describeFlags, pos []string, out, stderr io.Writer) error {
	if len(pos) != 1 {
		return usagef("describe takes one experiment file: simulate describe FILE --at DURATION")
	}
	if f.at == "" {
		return usagef("--at is required (a duration such as 2m)")
	}
	if n := btoi(f.members) + btoi(f.state) + btoi(f.offsets); n > 1 {
		return usagef("give one of --offsets, --members and --state")
	}
	at, err := time.ParseDuration(f.at)
	if err != nil || at < 0 {
		return usagef("--at %q: want a duration such as 90s or 2m", f.at)
	}
	x, err := experiment.Load(pos[0])
	if err != nil {
		return usageError{err}
	}
	index, err := pickRun(x, f.run)
	if err != nil {
		return err
	}
	run := &x.Runs[index]
	budget, err := f.budget.budget(1, false)
	if err != nil {
		return err
	}
	budget.KeepSeries = true // Describe keeps the rows it samples
	budget.Runs = []int{index}
	if _, err := checkBudget(x, budget, stderr, "describe"); err != nil {
		return err
	}
	limitMemory(budget)
	snap, err := world.Describe(run.Scenario, run.Seed, engine.FromDuration(at))
	if err != nil {
		return usageError{err}
	}
	groups := append([]world.GroupSnapshot(nil), snap.Groups...)
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].Group < groups[j].Group })
	if f.group != "" {
		var names []string
		var only []world.GroupSnapshot
		for _, g := range groups {
			names = append(names, g.Group)
			if g.Group == f.group {
				only = append(only, g)
			}
		}
		if len(only) == 0 {
			return usagef("--group %q: no such group; groups are: %s", f.group, strings.Join(names, ", "))
		}
		groups = only
	}
	fmt.Fprintf(out, "Run %s (%s) at %v of %v; %s.\n", run.ID, runWhat(run), at, run.Scenario.Duration, otherRuns(x, index))
	for _, g := range groups {
		warnState(stderr, &g)
		switch {
		case f.members:
			printMembers(out, &g)
		case f.state:
			warnCoordinator(stderr, run.Scenario, g.Group, at)
			printState(out, &g, coordinatorAt(run.Scenario, g.Group, at))
		default:
			printOffsets(out, &g)
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runWhat spells out a run's variant, sweep point and seed.
func runWhat(r *experiment.Run) string {
	var parts []string
	if r.Variant != "" {
		parts = append(parts, "variant "+r.Variant)
	}
	for _, p := range r.Point {
		parts = append(parts, fmt.Sprintf("%s = %v", p.Path, p.Value))
	}
	parts = append(parts, fmt.Sprintf("seed %d", r.Seed))
	return strings.Join(parts, ", ")
}

func otherRuns(x *experiment.Experiment, index int) string {
	if len(x.Runs) == 1 {
		return "the experiment's only run"
	}
	return fmt.Sprintf("run %d of %d, --run ID shows another", index+1, len(x.Runs))
}

// missing is what kafka-consumer-groups prints for a value it has not.
const missing = "-"

func dash(s string) string {
	if s == "" {
		return missing
	}
	return s
}

func offsetText(v int64) string {
	if v < 0 {
		return missing
	}
	return strconv.FormatInt(v, 10)
}

// warnState prints Kafka's notes about the group's state, on stderr as
// ConsumerGroupCommand prints them.
func warnState(stderr io.Writer, g *world.GroupSnapshot) {
	switch g.State {
	case "Empty":
		fmt.Fprintf(stderr, "\nConsumer group '%s' has no active members.\n", g.Group)
	case "PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling":
		fmt.Fprintf(stderr, "\nWarning: Consumer group '%s' is rebalancing.\n", g.Group)
	}
}

// columns pads each cell to its column's width, left-aligned and separated
// by one space, as ConsumerGroupCommand's printf formats do (the last
// column unpadded), and writes each row on a line of its own after a
// blank line.
func columns(out io.Writer, widths []int, rows [][]string) {
	fmt.Fprintln(out)
	for _, r := range rows {
		var b strings.Builder
		for i, cell := range r {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", max(0, widths[i]-len(cell))))
			}
		}
		fmt.Fprintln(out, strings.TrimRight(b.String(), " "))
	}
}

// widest is the width of a column: at least min, or its longest cell.
func widest(min int, cells ...string) int {
	w := min
	for _, c := range cells {
		w = max(w, len(c))
	}
	return w
}

// printOffsets is --describe (--offsets): members with the most partitions
// first, each member's partitions by topic and partition, then partitions
// nobody is assigned that have a committed offset (ConsumerGroupCommand's
// collectGroupsOffsets; a partition with neither is not shown).
func printOffsets(out io.Writer, g *world.GroupSnapshot) {
	type key struct {
		topic string
		p     int32
	}
	row := map[key]*world.DescribeRow{} // NB: lookup only
	for i := range g.Rows {
		row[key{g.Rows[i].Topic, g.Rows[i].Partition}] = &g.Rows[i]
	}
	members := append([]world.MemberSnapshot(nil), g.MemberList...)
	sort.SliceStable(members, func(i, j int) bool { return len(members[i].Assignment) > len(members[j].Assignment) })
	var rows []*world.DescribeRow
	for _, m := range members {
		for _, tp := range m.Assignment {
			if r := row[key{tp.Topic, tp.Partition}]; r != nil {
				rows = append(rows, r)
			}
		}
	}
	for i := range g.Rows {
		if r := &g.Rows[i]; r.ConsumerID == "" && r.CurrentOffset >= 0 {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return // nothing to show: Kafka prints no table either
	}
	cells := [][]string{{"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"}}
	topics, ids, hosts := []string{}, []string{}, []string{}
	for _, r := range rows {
		lag := missing
		if r.Lag >= 0 {
			lag = strconv.FormatInt(r.Lag, 10)
		}
		c := []string{g.Group, r.Topic, strconv.Itoa(int(r.Partition)), offsetText(r.CurrentOffset), strconv.FormatInt(r.LogEndOffset, 10),
			lag, dash(r.ConsumerID), dash(r.Host), dash(r.ClientID)}
		cells = append(cells, c)
		topics, ids, hosts = append(topics, c[1]), append(ids, c[6]), append(hosts, c[7])
	}
	columns(out, []int{widest(15, g.Group), widest(15, topics...), 10, 15, 15, 15, widest(15, ids...), widest(15, hosts...), 0}, cells)
}

// printMembers is --describe --members: every member in the
// coordinator's order, GROUP-INSTANCE-ID only when some member is static.
func printMembers(out io.Writer, g *world.GroupSnapshot) {
	static := false
	for _, m := range g.MemberList {
		static = static || m.InstanceID != ""
	}
	head := []string{"GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS"}
	cells := [][]string{head}
	var ids, instances, hosts, clients []string
	for _, m := range g.MemberList {
		cells = append(cells, []string{g.Group, m.ConsumerID, m.InstanceID, m.Host, m.ClientID, strconv.Itoa(len(m.Assignment))})
		ids, instances, hosts, clients = append(ids, m.ConsumerID), append(instances, m.InstanceID), append(hosts, m.Host), append(clients, m.ClientID)
	}
	widths := []int{widest(15, g.Group), widest(15, ids...), widest(17, instances...), widest(15, hosts...), widest(15, clients...), 0}
	if !static {
		for i := range cells {
			cells[i] = append(cells[i][:2], cells[i][3:]...)
		}
		widths = append(widths[:2], widths[3:]...)
	}
	columns(out, widths, cells)
}

// coordinator is the group's coordinator broker at a moment.
type coordinator struct {
	id int
}

func (c coordinator) String() string { return fmt.Sprintf("broker%d:9092  (%d)", c.id, c.id) }

// coordinatorAt numbers the group's coordinator: broker 1, and the next
// broker after each coordinator_failover whose downtime has passed (the
// model moves the group to another broker then).
func coordinatorAt(sc *scenario.Scenario, group string, at time.Duration) coordinator {
	c := coordinator{id: 1}
	for _, ev := range sc.Events {
		if ev.Action == scenario.ActCoordinatorFailover && ev.Group == group && ev.At+ev.Downtime <= at {
			c.id++
		}
	}
	return c
}

// warnCoordinator says when the group's coordinator is unreachable at the
// moment: during a failover's downtime and while the new one loads the
// group, Kafka's tool gets COORDINATOR_NOT_AVAILABLE instead of an answer.
func warnCoordinator(stderr io.Writer, sc *scenario.Scenario, group string, at time.Duration) {
	for _, ev := range sc.Events {
		if ev.Action != scenario.ActCoordinatorFailover || ev.Group != group {
			continue
		}
		if end := ev.At + ev.Downtime + sc.Broker.GroupLoadTime; at >= ev.At && at < end {
			fmt.Fprintf(stderr, "\nWarning: group '%s' has no reachable coordinator at %v (coordinator_failover at %v, back at %v): "+
				"kafka-consumer-groups.sh would fail with COORDINATOR_NOT_AVAILABLE; shown is what the coordinator holds.\n", group, at, ev.At, end)
		}
	}
}

// printState is --describe --state.
func printState(out io.Writer, g *world.GroupSnapshot, c coordinator) {
	strategy := g.Protocol
	if strategy == "server-range" {
		strategy = "range" // the KIP-848 RangeAssignor's name() in Kafka
	}
	co := c.String()
	cells := [][]string{
		{"GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"},
		{g.Group, co, dash(strategy), g.State, strconv.Itoa(g.Members)},
	}
	columns(out, []int{widest(15, g.Group), widest(25, co), 20, 20, 0}, cells)
}

// pickRun finds the run --run names (the first run when id is ""), or
// says which runs there are.
func pickRun(x *experiment.Experiment, id string) (int, error) {
	if id == "" {
		return 0, nil
	}
	var ids []string
	for i := range x.Runs {
		if x.Runs[i].ID == id {
			return i, nil
		}
		ids = append(ids, x.Runs[i].ID)
	}
	hint := ""
	if best := closest(id, ids); best != "" {
		hint = fmt.Sprintf("; did you mean %s?", best)
	}
	return -1, usagef("--run %q: no such run%s; runs are: %s", id, hint, strings.Join(ids, ", "))
}
