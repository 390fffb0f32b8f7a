package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

var listCommand = &command{
	name:    "list",
	args:    "[TOPIC]",
	summary: "every assignor, protocol, event action and experiment key",
	about: `Prints what an experiment file may hold, in sections: the assignors (with the Java class
names that name them too), the group protocols, the event actions and their fields, then every
table of the file ([broker], [topics.NAME], [producers.NAME], [groups.NAME] and its autoscaler,
[[events]], [[variants]], [sweep], [slo]) with each key as it is written, its default and its
meaning. Lines fit in 100 columns.

TOPIC prints one section: assignors, protocols, actions, or a table: top, broker, topics,
producers, rate_changes, groups, autoscaler, events, variants, sweep, slo.`,
	examples:   []string{"simulate list", "simulate list groups", "simulate list slo"},
	positional: strings.Join(listTopics(), " "),
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		return func(pos []string) error { return cmdList(pos, s.out) }
	},
}

// listWidth is the width `simulate list` fits in.
const listWidth = 100

// eventFields documents each action's fields.
var eventFields = map[string]string{
	"join":                 "count: new consumers start and join",
	"leave":                "count | member: clean shutdown (LeaveGroup; a static member sends none)",
	"crash":                "count | member: the process dies; found by session timeout",
	"restart":              "count | member, downtime, clean: crash (or clean stop), back after downtime",
	"rolling_restart":      "interval, downtime: every member restarted one after another",
	"pause":                "count | member, duration: the poll loop stalls; heartbeats go on",
	"slow":                 "count | member, factor, duration: processing time multiplied",
	"scale":                "to: members join or leave cleanly until the group has `to`",
	"add_partitions":       "topic, count: the topic grows; consumers notice at metadata refresh",
	"producer_rate":        "producer, rate: a producer's rate changes",
	"coordinator_failover": "downtime: the coordinator is unreachable, then moves",
}

// tableTopic is the TOPIC that selects each table (by its title).
var tableTopic = map[string]string{
	"top level (keys before any [table])": "top", "[broker]": "broker", "[topics.NAME]": "topics", "[producers.NAME]": "producers",
	"[[producers.NAME.rate_changes]]": "rate_changes", "[groups.NAME]": "groups", "[groups.NAME.autoscaler]": "autoscaler",
	"[[events]]": "events", "[[variants]]": "variants", "[sweep]": "sweep", "[slo]": "slo",
}

func listTopics() []string {
	out := []string{"assignors", "protocols", "actions"}
	for _, s := range experiment.Sections() {
		out = append(out, tableTopic[s.Title])
	}
	return out
}

func cmdList(pos []string, out io.Writer) error {
	if len(pos) > 1 {
		return usagef("list takes at most one topic (one of %s)", strings.Join(listTopics(), ", "))
	}
	topic := ""
	if len(pos) == 1 {
		topic = pos[0]
		known := false
		for _, t := range listTopics() {
			known = known || t == topic
		}
		if !known {
			hint := ""
			if best := closest(topic, listTopics()); best != "" {
				hint = fmt.Sprintf("; did you mean %s?", best)
			}
			return usagef("unknown topic %q%s (topics: %s)", topic, hint, strings.Join(listTopics(), ", "))
		}
	}
	w := &listWriter{out: out}
	if topic == "" {
		w.para(fmt.Sprintf("rebalance-sim %s: everything an experiment file (TOML) may hold. Kafka settings keep Kafka's "+
			"names, quoted because they hold dots; durations are strings (\"250ms\", \"45s\", \"10m\"); rates are records per "+
			"second. A key may be overridden by [[variants]] and swept by [sweep] unless marked fixed. "+
			"`simulate list TOPIC` prints one section (%s).", versionString(), strings.Join(listTopics(), ", ")), "")
	}
	show := func(t string) bool { return topic == "" || topic == t }
	if show("assignors") {
		w.heading("ASSIGNORS", "each by our name or by its Java class, as a Java config names it")
		for _, n := range assignors.Names() {
			info, _ := assignors.Lookup(n)
			var where string
			if info.Kind == assignors.Classic {
				var ps []string
				for _, p := range info.Protocols {
					ps = append(ps, p.String())
				}
				where = fmt.Sprintf("partition.assignment.strategy = %q, group.protocol = \"classic\"; %s", n, strings.Join(ps, " or "))
			} else {
				where = fmt.Sprintf("group.remote.assignor = %q, group.protocol = \"consumer\" (simulate assign: %q)",
					strings.TrimPrefix(n, "server-"), n)
			}
			w.entry(n, where, assignors.JavaClassOf(n), info.Doc)
		}
	}
	if show("protocols") {
		w.heading("PROTOCOLS", `"group.protocol" in [groups.NAME]`)
		w.entry("classic", `the JoinGroup/SyncGroup barrier; eager or cooperative by the assignors (KIP-429)`)
		w.entry("consumer", "KIP-848: heartbeat-driven; the coordinator assigns and each member reconciles on its own")
	}
	if show("actions") {
		w.heading("EVENT ACTIONS", `"action" in [[events]], with the fields each takes ("count | member": one of the two)`)
		for _, a := range scenario.ActionNames() {
			w.entry(a, eventFields[a])
		}
	}
	for _, s := range experiment.Sections() {
		if !show(tableTopic[s.Title]) {
			continue
		}
		variable := false
		for _, p := range s.Params {
			variable = variable || p.Variable
		}
		about := s.About
		if !variable && s.Title != "[sweep]" && s.Title != "[[variants]]" {
			about += " (not set by [[variants]] or [sweep])"
		}
		w.heading(strings.ToUpper(s.Title[:1])+s.Title[1:], about)
		for _, p := range s.Params {
			head := p.Key
			var notes []string
			switch {
			case p.Required:
				notes = append(notes, "required")
			case p.DefaultText:
				notes = append(notes, "default: "+p.Default)
			case p.Default != "":
				head += " = " + p.Default
			}
			if !p.Variable && variable {
				notes = append(notes, "fixed")
			}
			if len(notes) > 0 {
				head += "  (" + strings.Join(notes, "; ") + ")"
			}
			w.entry(head, p.Doc)
		}
	}
	return w.err
}

// listWriter lays out `simulate list`: headings, and entries of a first
// line and indented, wrapped lines under it.
type listWriter struct {
	out     io.Writer
	started bool
	err     error
}

func (w *listWriter) print(s string) {
	if w.err == nil {
		_, w.err = fmt.Fprintln(w.out, s)
	}
}

func (w *listWriter) para(text, indent string) {
	w.print(wrap(text, listWidth, indent, indent))
	w.started = true
}

func (w *listWriter) heading(title, about string) {
	if w.started {
		w.print("")
	}
	w.started = true
	w.print(title)
	if about != "" {
		w.para(about, "  ")
	}
	w.print("")
}

// entry is a name line and its meaning below it; each further line is a
// line of its own, wrapped.
func (w *listWriter) entry(first string, lines ...string) {
	if len(first)+2 <= listWidth {
		w.print("  " + first) // as written: its spaces are part of it
	} else {
		w.print(wrap(first, listWidth, "  ", "      "))
	}
	for _, l := range lines {
		if l != "" {
			w.para(l, "      ")
		}
	}
}
