package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// eventFields documents each action's fields (SPEC's event table).
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

func cmdList(args []string, out io.Writer) error {
	if len(args) > 0 {
		return usagef("list takes no arguments")
	}
	tw := tabwriter.NewWriter(out, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ASSIGNORS\t\t")
	for _, n := range assignors.Names() {
		info, _ := assignors.Lookup(n)
		where := "group.remote.assignor (KIP-848)"
		if info.Kind == assignors.Classic {
			var ps []string
			for _, p := range info.Protocols {
				ps = append(ps, p.String())
			}
			where = "partition.assignment.strategy, " + strings.Join(ps, "+")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", n, where, info.Doc)
	}
	fmt.Fprintln(tw, "\t\t")
	fmt.Fprintln(tw, "PROTOCOLS\t\t")
	fmt.Fprintln(tw, "  classic\tgroup.protocol = \"classic\"\tJoinGroup/SyncGroup barrier; eager or cooperative by the assignors")
	fmt.Fprintln(tw, "  consumer\tgroup.protocol = \"consumer\"\tKIP-848: heartbeat-driven, per-member reconciliation")
	fmt.Fprintln(tw, "\t\t")
	fmt.Fprintln(tw, "EVENT ACTIONS\t\t")
	for _, a := range scenario.ActionNames() {
		fmt.Fprintf(tw, "  %s\t%s\t\n", a, eventFields[a])
	}
	fmt.Fprintln(tw, "\t\t")
	fmt.Fprintln(tw, "PARAMETERS\tDEFAULT\tMEANING")
	for _, p := range experiment.Parameters() {
		def := p.Default
		if p.Required {
			def = "(required)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.Path, def, p.Doc)
	}
	return tw.Flush()
}
