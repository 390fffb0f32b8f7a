package consumer

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/protocol"
	"github.com/rebalance-sim/rebalance-sim/protocol/internal/script"
)

// TestCoordinatorScripts drives the KIP-848 coordinator alone through
// testdata/coordinator/*.txt. Commands:
//
//	new [topics=t:4] [assignor=uniform|server-range] [interval=5s] [session=45s] [assignment=1s]
//	heartbeat m1 [epoch=N] [instance=pod-1] [rack=az1] [owned=t-0,...|none|-] [rebalance=300s]
//	leave m1 [static]                  epoch -1, or -2 for a static member
//	commit m1 [epoch=N] offsets=t-0:10
//	tick 5s / failover / loaded / state
//
// A member's id is its process name; its epoch and what it owns default to
// what the coordinator last told it (as if it reconciled at once);
// owned=- sends no owned partitions (the client sends them only when they
// changed).
func TestCoordinatorScripts(t *testing.T) {
	script.RunDir(t, "testdata/coordinator", func(c *script.Cmd) script.Harness { return newCoordHarness(c) })
}

type coordHarness struct {
	w     *script.World
	c     *Coordinator
	epoch map[protocol.Proc]int32         // NB: lookup only
	owned map[protocol.Proc][]protocol.TP // NB: lookup only
}

func newCoordHarness(c *script.Cmd) *coordHarness {
	w := script.NewWorld(c)
	cfg := CoordinatorConfig{Group: "g", Assignor: c.Get("assignor", "uniform"),
		HeartbeatInterval: script.Duration(c.Get("interval", "5s")), SessionTimeout: script.Duration(c.Get("session", "45s")),
		AssignmentInterval: script.Duration(c.Get("assignment", "1s")), Topology: w.Top, Committed: func(protocol.TP) bool { return true }}
	return &coordHarness{w: w, c: NewCoordinator(cfg, false), epoch: map[protocol.Proc]int32{}, owned: map[protocol.Proc][]protocol.TP{}}
}

func (h *coordHarness) Do(c *script.Cmd) []string {
	now := h.w.Now
	var p protocol.Proc
	if len(c.Args) > 0 {
		p = script.Proc(c.Args[0])
	}
	msg := func() *protocol.Message {
		m := &protocol.Message{Kind: protocol.ConsumerGroupHeartbeat, From: p, MemberID: script.Name(p), Generation: h.epoch[p],
			InstanceID: c.Get("instance", ""), Subscription: h.w.Top.Names, RebalanceTimeout: script.Duration(c.Get("rebalance", "300s")),
			Rack: c.Get("rack", "")}
		if e := c.Get("epoch", ""); e != "" {
			n, _ := strconv.Atoi(e)
			m.Generation = int32(n)
		}
		return m
	}
	switch c.Name {
	case "heartbeat":
		m := msg()
		switch o := c.Get("owned", ""); o {
		case "-":
		case "":
			m.Owned, m.HasOwned = h.owned[p], true
		default:
			m.Owned, m.HasOwned = h.w.Parts(o), true
		}
		h.c.Receive(now, m)
	case "leave":
		m := msg()
		m.Generation = LeaveEpoch
		if len(c.Args) > 1 && c.Args[1] == "static" {
			m.Generation = StaticLeaveEpoch
		}
		h.c.Receive(now, m)
	case "commit":
		m := msg()
		m.Kind = protocol.OffsetCommit
		m.Offsets = h.w.Offsets(c.Get("offsets", ""))
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
		out := []string{fmt.Sprintf("%s group epoch %d target epoch %d", v.State, h.c.groupEpoch, h.c.targetEpoch)}
		for _, m := range h.c.members {
			line := fmt.Sprintf("  %s epoch %d %v assigned %s target %s", script.Name(m.proc), m.epoch, m.state,
				h.w.PartsString(m.assigned), h.w.PartsString(m.target))
			if len(m.pendingRevoke) > 0 {
				line += " revoking " + h.w.PartsString(m.pendingRevoke)
			}
			if m.instanceID != "" {
				line += " instance " + m.instanceID
			}
			if m.rack != "" {
				line += " rack " + m.rack
			}
			out = append(out, line)
		}
		return out
	default:
		return []string{"unknown command " + c.Name}
	}
	return h.effects()
}

func (h *coordHarness) effects() []string {
	var out []string
	for _, e := range h.c.Out().Drain() {
		switch e.Kind {
		case protocol.Respond:
			m := e.Msg
			line := fmt.Sprintf("%s <- %v %v", script.Name(m.From), m.Kind, m.Err)
			if m.Kind == protocol.ConsumerGroupHeartbeat && m.Err == protocol.None && m.Generation >= 0 {
				h.epoch[m.From] = m.Generation
				line += fmt.Sprintf(" epoch=%d", m.Generation)
				if m.HasAssignment {
					h.owned[m.From] = m.Assignment
					line += " assignment=" + h.w.PartsString(m.Assignment)
				}
			}
			out = append(out, line)
		case protocol.Arm:
			name := map[uint8]string{timerSession: "session", timerRevoke: "revocation"}[e.Timer.Kind]
			out = append(out, fmt.Sprintf("timer %s#%d at %s", name, e.Timer.Key, script.Time(e.At)))
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
			line := fmt.Sprintf("note %v epoch=%d", n.Kind, n.Gen)
			switch n.Kind {
			case protocol.RebalanceOpened:
				line = fmt.Sprintf("note %v cause=%q", n.Kind, n.Cause)
			case protocol.Moved:
				line += fmt.Sprintf(" moved=%d", n.Moved)
			case protocol.TargetComputed:
				line += fmt.Sprintf(" members=%d", n.Members)
			}
			out = append(out, line)
		}
	}
	return out
}

// The server assignor gets every member's rack and every partition's
// replica racks, although Kafka 4.4's ignore them (model.md §8.3).
func TestAssignorInputHasRacks(t *testing.T) {
	w := script.NewWorld(&script.Cmd{KV: map[string]string{"topics": "t:2", "replicas": "t:az1+az2/az2+az3"}})
	c := NewCoordinator(CoordinatorConfig{Group: "g", Assignor: "uniform", HeartbeatInterval: script.Duration("5s"),
		SessionTimeout: script.Duration("45s"), Topology: w.Top, Committed: func(protocol.TP) bool { return true }}, false)
	c.Receive(0, &protocol.Message{Kind: protocol.ConsumerGroupHeartbeat, From: protocol.Proc{Slot: 0, Inc: 1}, MemberID: "m0",
		Subscription: w.Top.Names, Rack: "az3"})
	in := c.assignorInput()
	if len(in.Members) != 1 || in.Members[0].Rack != "az3" {
		t.Errorf("members %+v", in.Members)
	}
	if got := fmt.Sprint(in.Topics[0].Racks); got != "[[az1 az2] [az2 az3]]" {
		t.Errorf("replica racks %s", got)
	}
}
