package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/experiment"
	world "github.com/rebalance-sim/rebalance-sim/sim"
)

// cmdDescribe prints a group as `kafka-consumer-groups.sh --describe` would
// at a simulated moment.
func cmdDescribe(args []string, out, stderr io.Writer) error {
	fs := flag.NewFlagSet("describe", flag.ContinueOnError)
	atS := fs.String("at", "", "simulated moment, e.g. 2m or 95s (required)")
	runID := fs.String("run", "", "run id (default: the first run)")
	groupName := fs.String("group", "", "group (default: every group)")
	var bf budgetFlags
	bf.register(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("describe takes one experiment file")
	}
	if *atS == "" {
		return usagef("--at is required (a duration such as 2m)")
	}
	at, err := time.ParseDuration(*atS)
	if err != nil || at < 0 {
		return usagef("--at %q: want a duration such as 90s or 2m", *atS)
	}
	x, err := experiment.Load(pos[0])
	if err != nil {
		return usageError{err}
	}
	run := &x.Runs[0]
	if *runID != "" {
		run = nil
		var ids []string
		for i := range x.Runs {
			ids = append(ids, x.Runs[i].ID)
			if x.Runs[i].ID == *runID {
				run = &x.Runs[i]
			}
		}
		if run == nil {
			return usagef("--run %q: no such run; runs are: %s", *runID, strings.Join(ids, ", "))
		}
	}
	budget, err := bf.budget(1, false)
	if err != nil {
		return err
	}
	budget.KeepSeries = true // Describe keeps the rows it samples
	for i := range x.Runs {
		if &x.Runs[i] == run {
			budget.Runs = []int{i}
		}
	}
	if _, err := checkBudget(x, budget, stderr, "describe"); err != nil {
		return err
	}
	limitMemory(budget)
	snap, err := world.Describe(run.Scenario, run.Seed, engine.FromDuration(at))
	if err != nil {
		return usageError{err}
	}
	found := false
	for i, g := range snap.Groups {
		if *groupName != "" && g.Group != *groupName {
			continue
		}
		found = true
		if i > 0 && *groupName == "" {
			fmt.Fprintln(out)
		}
		printDescribe(out, &g)
	}
	if !found {
		var names []string
		for _, g := range snap.Groups {
			names = append(names, g.Group)
		}
		return usagef("--group %q: no such group; groups are: %s", *groupName, strings.Join(names, ", "))
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func offset(v int64) string {
	if v < 0 {
		return "-"
	}
	return strconv.FormatInt(v, 10)
}

func printDescribe(out io.Writer, g *world.GroupSnapshot) {
	switch {
	case g.State == "PreparingRebalance" || g.State == "CompletingRebalance":
		fmt.Fprintf(out, "Warning: Consumer group '%s' is rebalancing.\n\n", g.Group)
	case g.Members == 0:
		fmt.Fprintf(out, "Consumer group '%s' has no active members.\n\n", g.Group)
	}
	tw := tabwriter.NewWriter(out, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tTOPIC\tPARTITION\tCURRENT-OFFSET\tLOG-END-OFFSET\tLAG\tCONSUMER-ID\tHOST\tCLIENT-ID")
	for _, r := range g.Rows {
		lag := "-"
		if r.Lag >= 0 {
			lag = strconv.FormatInt(r.Lag, 10)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\n", g.Group, r.Topic, r.Partition, offset(r.CurrentOffset),
			r.LogEndOffset, lag, dash(r.ConsumerID), dash(r.Host), dash(r.ClientID))
	}
	tw.Flush()
	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tSTATE\tGENERATION\tASSIGNMENT-STRATEGY\t#MEMBERS")
	fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\n", g.Group, g.State, g.Generation, dash(g.Protocol), g.Members)
	tw.Flush()
}
