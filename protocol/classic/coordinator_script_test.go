package classic

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/protocol"
	"github.com/rebalance-sim/rebalance-sim/protocol/internal/script"
)

// TestCoordinatorScripts drives the classic coordinator alone through
// testdata/coordinator/*.txt. Commands:
//
//	new [topics=t:4] [delay=3s]        a coordinator of an empty group
//	join m1 [id=KNOWN|none] [instance=pod-1] [protocols=range,...] [owned=t-0,...]
//	     [rack=az1] [gen=N] [rebalance=300s] [session=45s]
//	sync m1 [gen=N] [plan=m1:t-0,t-1;m2:t-2]
//	heartbeat m1 [gen=N]
//	leave m1
//	commit m1 [gen=N] offsets=t-0:10,...
//	fetch m1 parts=t-0,...
//	tick 3s                            fire the timers due by then
//	failover / loaded
//	state                              the group as describe shows it
//
// A member's id and generation default to what the coordinator last told
// it. Output: one line per effect.
func TestCoordinatorScripts(t *testing.T) {
	script.RunDir(t, "testdata/coordinator", func(c *script.Cmd) script.Harness { return newCoordHarness(c) })
}

type coordHarness struct {
	w   *script.World
	c   *Coordinator
	ids map[protocol.Proc]string // NB: lookup only
	gen map[protocol.Proc]int32  // NB: lookup only
	// names maps member ids back to processes for printing.
	names map[string]protocol.Proc // NB: lookup only
}

func newCoordHarness(c *script.Cmd) *coordHarness {
	w := script.NewWorld(c)
	cfg := CoordinatorConfig{Group: "g", InitialRebalanceDelay: script.Duration(c.Get("delay", "3s")), Topology: w.Top,
		Committed: func(protocol.TP) bool { return true }, IDs: engine.Stream(1, "coordinator/g", "member-ids")}
	return &coordHarness{w: w, c: NewCoordinator(cfg, false), ids: map[protocol.Proc]string{}, gen: map[protocol.Proc]int32{},
		names: map[string]protocol.Proc{}}
}

func (h *coordHarness) Do(c *script.Cmd) []string {
	now := h.w.Now
	var p protocol.Proc
	if len(c.Args) > 0 {
		p = script.Proc(c.Args[0])
	}
	msg := func(k protocol.Kind) *protocol.Message {
		m := &protocol.Message{Kind: k, From: p, MemberID: h.ids[p], Generation: h.gen[p], ClientID: "c",
			InstanceID: c.Get("instance", "")}
		if id := c.Get("id", ""); id == "none" {
			m.MemberID = ""
		} else if id != "" {
			m.MemberID = id
		}
		if c.Has("gen") {
			fmt.Sscan(c.Get("gen", ""), &m.Generation)
		}
		return m
	}
	switch c.Name {
	case "join":
		m := msg(protocol.JoinGroup)
		m.Subscription = h.w.Top.Names
		m.Protocols = strings.Split(c.Get("protocols", "range"), ",")
		m.Rack = c.Get("rack", "")
		m.Owned = h.w.Parts(c.Get("owned", ""))
		m.RebalanceTimeout = script.Duration(c.Get("rebalance", "300s"))
		m.SessionTimeout = script.Duration(c.Get("session", "45s"))
		h.c.Receive(now, m)
	case "sync":
		m := msg(protocol.SyncGroup)
		if plan := c.Get("plan", ""); plan != "" {
			for _, a := range strings.Split(plan, ";") {
				who, parts, _ := strings.Cut(a, ":")
				m.Plan = append(m.Plan, protocol.MemberAssignment{MemberID: h.ids[script.Proc(who)], Parts: h.w.Parts(parts)})
			}
		}
		h.c.Receive(now, m)
	case "heartbeat":
		h.c.Receive(now, msg(protocol.Heartbeat))
	case "leave":
		h.c.Receive(now, msg(protocol.LeaveGroup))
	case "commit":
		m := msg(protocol.OffsetCommit)
		m.Offsets = h.w.Offsets(c.Get("offsets", ""))
		h.c.Receive(now, m)
	case "fetch":
		m := msg(protocol.OffsetFetch)
		m.Parts = h.w.Parts(c.Get("parts", ""))
		h.c.Receive(now, m)
	case "tick":
		return h.w.Tick(script.Duration(c.Args[0]), func(at protocol.Time, id protocol.TimerID, token uint32) []string {
			h.c.Fire(at, id, token)
			return h.effects()
		})
	case "failover":
		h.c.Failover(now)
	case "loaded":
		h.c.Loaded(now)
	case "state":
		v := h.c.Describe()
		out := []string{fmt.Sprintf("%s generation %d protocol %q", v.State, v.Generation, v.Protocol)}
		for _, m := range v.Members {
			lead := ""
			if h.c.leader != nil && h.c.leader.id == m.ID {
				lead = " (leader)"
			}
			out = append(out, fmt.Sprintf("  %s %s%s %s", script.Name(m.Proc), Short(m.ID), lead, h.w.PartsString(m.Assignment)))
		}
		return out
	default:
		return []string{"unknown command " + c.Name}
	}
	return h.effects()
}

// effects prints what the coordinator asked for, learning member ids and
// generations from its answers as a client would.
func (h *coordHarness) effects() []string {
	var out []string
	effects := h.c.Out().Drain()
	for _, e := range effects {
		if e.Kind == protocol.Respond && e.Msg.Kind == protocol.JoinGroup && e.Msg.MemberID != "" {
			h.names[e.Msg.MemberID] = e.Msg.From
		}
	}
	for _, e := range effects {
		switch e.Kind {
		case protocol.Respond:
			m := e.Msg
			line := fmt.Sprintf("%s <- %v %v", script.Name(m.From), m.Kind, m.Err)
			if m.MemberID != "" && (m.Kind == protocol.JoinGroup) {
				h.ids[m.From] = m.MemberID
				h.names[m.MemberID] = m.From
				line += " id=" + Short(m.MemberID)
			}
			switch {
			case m.Kind == protocol.JoinGroup && m.Err == protocol.None:
				h.gen[m.From] = m.Generation
				line += fmt.Sprintf(" gen=%d leader=%s protocol=%s", m.Generation, script.Name(h.names[m.LeaderID]), m.Protocol)
				if len(m.Members) > 0 {
					var ms []string
					for _, am := range m.Members {
						rack := ""
						if am.Rack != "" {
							rack = "@" + am.Rack
						}
						ms = append(ms, fmt.Sprintf("%s%s%s", script.Name(h.names[am.ID]), rack, ownedString(am.Owned)))
					}
					line += " members=[" + strings.Join(ms, " ") + "]"
				}
			case m.Kind == protocol.SyncGroup && m.Err == protocol.None:
				line += " assignment=" + h.w.PartsString(m.Assignment)
			case m.Kind == protocol.OffsetFetch:
				var os []string
				for _, o := range m.Offsets {
					os = append(os, fmt.Sprintf("%s:%d", h.w.Top.TPString(o.TP), o.Off))
				}
				line += " offsets=[" + strings.Join(os, " ") + "]"
			}
			out = append(out, line)
		case protocol.Arm:
			out = append(out, fmt.Sprintf("timer %s at %s", timerName(e.Timer), script.Time(e.At)))
			h.w.Arm(e)
		case protocol.Removed:
			out = append(out, "removed "+script.Name(e.Proc))
		case protocol.Committed:
			var os []string
			for _, o := range e.Offsets {
				os = append(os, fmt.Sprintf("%s:%d", h.w.Top.TPString(o.TP), o.Off))
			}
			out = append(out, "committed "+strings.Join(os, " "))
		case protocol.Observe:
			n := e.Note
			line := fmt.Sprintf("note %v gen=%d members=%d", n.Kind, n.Gen, n.Members)
			if n.Cause != "" {
				line += fmt.Sprintf(" cause=%q", n.Cause)
			}
			if n.Kind == protocol.RebalanceClosed {
				line += fmt.Sprintf(" moved=%d", n.Moved)
			}
			out = append(out, line)
		}
	}
	return out
}

func ownedString(tps []assignorsTP) string {
	if len(tps) == 0 {
		return ""
	}
	var parts []string
	for _, tp := range tps {
		for _, p := range tp.Partitions {
			parts = append(parts, fmt.Sprintf("%s-%d", tp.Topic, p))
		}
	}
	return "(owns " + strings.Join(parts, " ") + ")"
}

func timerName(id protocol.TimerID) string {
	switch id.Kind {
	case timerJoin:
		return "join"
	case timerSync:
		return "sync"
	case timerSession:
		return fmt.Sprintf("session#%d", id.Key)
	case timerPending:
		return fmt.Sprintf("pending#%d", id.Key)
	}
	return fmt.Sprint(id)
}

type assignorsTP = assignors.TopicPartitions
