package models

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// scenario builds a one-topic, one-producer, one-group scenario with Kafka's
// defaults, for tests to adjust.
func scenario(partitions int, rate float64, consumers int, perRecord time.Duration) *experiment.Scenario {
	return &experiment.Scenario{
		Duration:       10 * time.Minute,
		SampleInterval: time.Second,
		BatchInterval:  5 * time.Millisecond,
		Broker: experiment.Broker{
			InitialRebalanceDelay:     3 * time.Second,
			NetworkLatency:            time.Millisecond,
			MinSessionTimeout:         6 * time.Second,
			MaxSessionTimeout:         30 * time.Minute,
			ConsumerHeartbeatInterval: 5 * time.Second,
			ConsumerSessionTimeout:    45 * time.Second,
			BrokerSessionTimeout:      9 * time.Second,
			GroupLoadTime:             time.Second,
		},
		Topics:    []experiment.Topic{{Name: "t", Partitions: partitions}},
		Producers: []experiment.Producer{{Name: "p", Topic: "t", Rate: rate, KeyCount: 10000, ZipfS: 1.2}},
		Groups:    []experiment.Group{groupCfg("g", consumers, perRecord)},
	}
}

func groupCfg(name string, consumers int, perRecord time.Duration) experiment.Group {
	return experiment.Group{
		Name: name, Topics: []string{"t"}, Consumers: consumers,
		ProcessingTime: perRecord, ProcessingCV: 1,
		AssignmentStrategy: []string{"range", "cooperative-sticky"},
		RemoteAssignor:     "uniform",
		SessionTimeout:     45 * time.Second, HeartbeatInterval: 3 * time.Second,
		MaxPollInterval: 5 * time.Minute, MaxPollRecords: 500,
		AutoCommitInterval: 5 * time.Second, AutoOffsetReset: "latest",
		FetchMaxWait: 500 * time.Millisecond, MetadataMaxAge: 5 * time.Minute,
		RetryBackoff: 100 * time.Millisecond, RetryBackoffMax: time.Second,
		// NB: tests start every consumer at once unless they say otherwise,
		// so hand-computed answers stay exact.
		StartupJitter: 0,
	}
}

func run(t *testing.T, sc *experiment.Scenario, trace bool) (*Result, string) {
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
