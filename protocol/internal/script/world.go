package script

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/protocol"
)

// World is the little world a script runs one machine in: a clock, the
// timers the machine armed, and names for processes (m0, m1, m1.2 for
// slot 1's second incarnation) and partitions (t-0).
type World struct {
	Now    protocol.Time
	Top    *protocol.Topology
	timers []armed
	seq    int
}

type armed struct {
	id    protocol.TimerID
	at    protocol.Time
	token uint32
	seq   int
}

// NewWorld parses topics=t:4,u:2 (default t:4) and, optionally, the
// replica racks of every partition: replicas=t:a+b/b+c/c+a/a+b,u:... (per
// topic, partitions separated by '/', a partition's replica racks by '+').
func NewWorld(c *Cmd) *World {
	spec := c.Get("topics", "t:4")
	var names []string
	var counts [][]protocol.CountStep
	for _, s := range strings.Split(spec, ",") {
		name, n, _ := strings.Cut(s, ":")
		k, _ := strconv.Atoi(n)
		names = append(names, name)
		counts = append(counts, []protocol.CountStep{{At: 0, N: int32(k)}})
	}
	top := protocol.NewTopology(names, counts)
	if c.Has("replicas") {
		top.Racks = make([][][]string, len(names))
		for _, s := range strings.Split(c.Get("replicas", ""), ",") {
			name, parts, _ := strings.Cut(s, ":")
			i := top.Lookup(name)
			for _, p := range strings.Split(parts, "/") {
				top.Racks[i] = append(top.Racks[i], strings.Split(p, "+"))
			}
		}
	}
	return &World{Top: top}
}

// Proc parses a process name: m1 or m1.2.
func Proc(s string) protocol.Proc {
	s = strings.TrimPrefix(s, "m")
	slot, inc, found := strings.Cut(s, ".")
	n, _ := strconv.Atoi(slot)
	i := 1
	if found {
		i, _ = strconv.Atoi(inc)
	}
	return protocol.Proc{Slot: int32(n), Inc: int32(i)}
}

// Name is a process's script name.
func Name(p protocol.Proc) string {
	if p.Inc == 1 {
		return fmt.Sprintf("m%d", p.Slot)
	}
	return fmt.Sprintf("m%d.%d", p.Slot, p.Inc)
}

// Parts parses t-0,t-1 (or "none").
func (w *World) Parts(s string) []protocol.TP {
	if s == "" || s == "none" {
		return nil
	}
	var out []protocol.TP
	for _, x := range strings.Split(s, ",") {
		i := strings.LastIndexByte(x, '-')
		p, _ := strconv.Atoi(x[i+1:])
		out = append(out, protocol.TP{Topic: w.Top.Lookup(x[:i]), Part: int32(p)})
	}
	return protocol.SortTPs(out)
}

// Offsets parses t-0:10,t-1:5.
func (w *World) Offsets(s string) []protocol.Offset {
	var out []protocol.Offset
	for _, x := range strings.Split(s, ",") {
		tp, off, _ := strings.Cut(x, ":")
		n, _ := strconv.ParseInt(off, 10, 64)
		out = append(out, protocol.Offset{TP: w.Parts(tp)[0], Off: n})
	}
	return out
}

// PartsString names partitions: [t-0 t-1].
func (w *World) PartsString(tps []protocol.TP) string { return "[" + w.Top.Join(tps) + "]" }

// Duration parses a Go duration.
func Duration(s string) protocol.Time {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return engine.FromDuration(d)
}

// Arm records a timer the machine armed.
func (w *World) Arm(e protocol.Effect) {
	w.seq++
	w.timers = append(w.timers, armed{e.Timer, e.At, e.Token, w.seq})
}

// Tick advances the clock by d, firing due timers in time order (then in
// the order they were armed) through fire; each firing's output is
// prefixed with its time.
func (w *World) Tick(d protocol.Time, fire func(at protocol.Time, id protocol.TimerID, token uint32) []string) []string {
	end := w.Now + d
	var out []string
	for {
		sort.SliceStable(w.timers, func(i, j int) bool {
			if w.timers[i].at != w.timers[j].at {
				return w.timers[i].at < w.timers[j].at
			}
			return w.timers[i].seq < w.timers[j].seq
		})
		if len(w.timers) == 0 || w.timers[0].at > end {
			break
		}
		t := w.timers[0]
		w.timers = slices.Delete(w.timers, 0, 1)
		w.Now = t.at
		if lines := fire(t.at, t.id, t.token); len(lines) > 0 {
			out = append(out, fmt.Sprintf("@%s", Time(t.at)))
			out = append(out, lines...)
		}
	}
	w.Now = end
	return out
}

// Time formats a time in seconds.
func Time(t protocol.Time) string { return strconv.FormatFloat(t.Seconds(), 'f', 3, 64) + "s" }
