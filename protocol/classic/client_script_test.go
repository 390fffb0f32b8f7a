package classic

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/protocol"
	"github.com/rebalance-sim/rebalance-sim/protocol/internal/script"
)

// TestClientScripts drives the classic consumer client alone through
// testdata/client/*.txt, answering its requests by hand. Commands:
//
//	new [topics=t:4] [replicas=t:a+b/b/...] [protocols=range,...] [autocommit=false]
//	    [callback] [instance=pod-0] [rack=az1] [session=45s] [heartbeat=3s] [rebalance=300s]
//	start / poll / callback-done / commit-sync / close / poll-timeout / refresh
//	respond KIND [err=E] [id=c-1] [gen=N] [leader=self|other]
//	        [members=m0,m1@az2] [assignment=t-0,...] [offsets=t-0:5]
//	tick 3s / state
//
// respond answers the oldest request of KIND in flight. Output: one line per
// effect, and the gate (may poll() return records?) when it changes.
func TestClientScripts(t *testing.T) {
	script.RunDir(t, "testdata/client", func(c *script.Cmd) script.Harness { return newClientHarness(c) })
}

type clientHarness struct {
	w        *script.World
	c        *Client
	inflight []*protocol.Message
	gate     string
}

func newClientHarness(c *script.Cmd) *clientHarness {
	w := script.NewWorld(c)
	protocols := strings.Split(c.Get("protocols", "range"), ",")
	rb, err := assignors.ClassicProtocol(protocols)
	if err != nil {
		panic(err)
	}
	cfg := ClientConfig{Proc: protocol.Proc{Slot: 0, Inc: 1}, ClientID: "c", InstanceID: c.Get("instance", ""), Rack: c.Get("rack", ""),
		Subscription: w.Top.Names, Protocols: protocols, Rebalance: rb,
		SessionTimeout: script.Duration(c.Get("session", "45s")), HeartbeatInterval: script.Duration(c.Get("heartbeat", "3s")),
		RebalanceTimeout: script.Duration(c.Get("rebalance", "300s")), AutoCommit: c.Get("autocommit", "true") == "true",
		AutoCommitInterval: script.Duration(c.Get("autocommit-interval", "5s")), RetryBackoff: script.Duration("100ms"),
		RetryBackoffMax: script.Duration("1s"), RevokeCallback: slices.Contains(c.Args, "callback"),
		MetadataMaxAge: script.Duration("5m"), Topology: w.Top}
	return &clientHarness{w: w, c: NewClient(cfg, false), gate: "blocked"}
}

func (h *clientHarness) Do(c *script.Cmd) []string {
	now := h.w.Now
	switch c.Name {
	case "start":
		h.c.Start(now)
	case "poll":
		h.c.Poll(now)
	case "callback-done":
		h.c.CallbackDone(now)
	case "commit-sync":
		h.c.CommitSync(now)
	case "close":
		h.c.Close(now)
	case "poll-timeout":
		h.c.PollTimeout(now)
	case "refresh":
		h.c.MetadataRefresh(now)
	case "respond":
		var m *protocol.Message
		for i, x := range h.inflight {
			if x.Kind.String() == c.Args[0] {
				m = x
				h.inflight = slices.Delete(h.inflight, i, i+1)
				break
			}
		}
		if m == nil {
			return []string{"no " + c.Args[0] + " in flight"}
		}
		h.answer(c, m)
		h.c.Receive(now, m)
	case "tick":
		out := h.w.Tick(script.Duration(c.Args[0]), func(at protocol.Time, id protocol.TimerID, token uint32) []string {
			h.c.Fire(at, id, token)
			return h.effects()
		})
		return append(out, h.gateLine()...)
	case "state":
		v := h.c.View()
		return []string{fmt.Sprintf("%v member %s generation %d assignment %s pollwork %s", h.c.st, Short(v.MemberID),
			v.Generation, h.w.PartsString(h.c.owned), script.Time(min(h.c.PollWorkAt(), 999e9)))}
	default:
		return []string{"unknown command " + c.Name}
	}
	return append(h.effects(), h.gateLine()...)
}

// answer fills in the response to m as the command says.
func (h *clientHarness) answer(c *script.Cmd, m *protocol.Message) {
	for _, e := range []protocol.Err{protocol.None, protocol.MemberIDRequired, protocol.UnknownMemberID, protocol.IllegalGeneration,
		protocol.RebalanceInProgress, protocol.CoordinatorNotAvailable, protocol.FencedInstanceID} {
		if e.String() == c.Get("err", "NONE") {
			m.Err = e
		}
	}
	if id := c.Get("id", ""); id != "" {
		m.MemberID = id
	}
	if c.Has("gen") {
		fmt.Sscan(c.Get("gen", ""), &m.Generation)
	}
	m.Protocol = h.c.cfg.Protocols[0]
	switch c.Get("leader", "") {
	case "self":
		m.LeaderID = m.MemberID
		for _, spec := range strings.Split(c.Get("members", "m0"), ",") {
			name, rack, _ := strings.Cut(spec, "@") // m1@az2: the member's client.rack
			id := "c-" + name
			if script.Proc(name).Slot == 0 {
				id = m.MemberID
			}
			m.Members = append(m.Members, assignors.Member{ID: id, Topics: h.w.Top.Names, Generation: -1, Rack: rack})
		}
	case "other":
		m.LeaderID = "c-leader"
	}
	if c.Has("assignment") {
		m.Assignment = h.w.Parts(c.Get("assignment", ""))
	}
	if c.Has("offsets") {
		m.Offsets = h.w.Offsets(c.Get("offsets", ""))
	}
}

func (h *clientHarness) gateLine() []string {
	g := "blocked"
	if h.c.Gate() {
		g = "open"
	}
	if g == h.gate {
		return nil
	}
	h.gate = g
	return []string{"gate " + g}
}

func (h *clientHarness) effects() []string {
	var out []string
	for _, e := range h.c.Out().Drain() {
		switch e.Kind {
		case protocol.Send:
			m := e.Msg
			h.inflight = append(h.inflight, m)
			line := "-> " + m.Kind.String()
			switch m.Kind {
			case protocol.JoinGroup:
				line += fmt.Sprintf(" id=%q gen=%d owned=%s", Short(m.MemberID), m.Generation, h.w.PartsString(m.Owned))
				if m.Rack != "" {
					line += " rack=" + m.Rack
				}
				if m.UserData != nil {
					line += fmt.Sprintf(" userdata=%s@%d", h.w.PartsString(m.UserData), m.UserDataGeneration)
				}
			case protocol.SyncGroup:
				line += fmt.Sprintf(" gen=%d", m.Generation)
				for _, a := range m.Plan {
					line += fmt.Sprintf(" %s=%s", Short(a.MemberID), h.w.PartsString(a.Parts))
				}
			case protocol.Heartbeat, protocol.OffsetCommit:
				line += fmt.Sprintf(" gen=%d", m.Generation)
			case protocol.OffsetFetch:
				line += " " + h.w.PartsString(m.Parts)
			}
			out = append(out, line)
		case protocol.Arm:
			name := map[uint8]string{timerHeartbeat: "heartbeat", timerRetry: "retry", timerAssign: "assign"}[e.Timer.Kind]
			out = append(out, fmt.Sprintf("timer %s at %s", name, script.Time(e.At)))
			h.w.Arm(e)
		case protocol.Assign:
			out = append(out, fmt.Sprintf("assign %s gen=%d", h.w.PartsString(e.Parts), e.Gen))
		case protocol.Revoke:
			line := fmt.Sprintf("revoke %s gen=%d", h.w.PartsString(e.Parts), e.Gen)
			if e.Eager {
				line += " eager"
			}
			out = append(out, line)
		case protocol.Lose:
			out = append(out, "lose "+h.w.PartsString(e.Parts))
		case protocol.PauseFetch:
			out = append(out, "pause fetching "+h.w.PartsString(e.Parts))
		case protocol.Positions:
			var os []string
			for _, o := range e.Offsets {
				os = append(os, fmt.Sprintf("%s:%d", h.w.Top.TPString(o.TP), o.Off))
			}
			out = append(out, "positions "+strings.Join(os, " "))
		case protocol.Callback, protocol.Wake, protocol.Stop:
			out = append(out, strings.ToLower(e.Kind.String()))
		}
	}
	return out
}
