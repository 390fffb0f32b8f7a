package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// testScenario builds a one-topic, one-producer, one-group scenario with
// Kafka's defaults and a ten-minute run, for tests to adjust.
func testScenario(partitions int, rate float64, consumers int, perRecord time.Duration) *scenario.Scenario {
	sc := scenario.Default()
	sc.Duration = 10 * time.Minute
	sc.Topics = []scenario.Topic{{Name: "t", Partitions: partitions}}
	sc.Producers = []scenario.Producer{scenario.DefaultProducer("p", "t", rate)}
	sc.Groups = []scenario.Group{groupCfg("g", consumers, perRecord)}
	return &sc
}

func groupCfg(name string, consumers int, perRecord time.Duration) scenario.Group {
	g := scenario.DefaultGroup(name, []string{"t"}, consumers, perRecord)
	// NB: tests start every consumer at once unless they say otherwise,
	// so hand-computed answers stay exact.
	g.StartupJitter = 0
	return g
}

func run(t *testing.T, sc *scenario.Scenario, trace bool) (*metrics.Result, string) {
	t.Helper()
	var b strings.Builder
	opt := Options{CheckInvariants: true}
	if trace {
		opt.Trace = func(l string) { b.WriteString(l); b.WriteByte('\n') }
	}
	r, err := Run(sc, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r, b.String()
}

func fmtSscan(s string, f *float64) (int, error) { return fmt.Sscan(s, f) }

func fmtInt(i int) string { return fmt.Sprint(i) }
