package experiment

import (
	"reflect"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/scenario"
)

// The broker's KIP-848 settings and their bounds are read with Kafka 4.4's
// defaults, and a consumer-protocol group that writes none of the classic
// client settings loads (defaults are not settings).
func TestKIP848BrokerSettings(t *testing.T) {
	x, err := Parse("x.toml", []byte(g("\"group.protocol\" = \"consumer\"\n\"group.remote.assignor\" = \"range\"\n")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := x.Runs[0].Scenario.Broker, scenario.DefaultBroker(); !reflect.DeepEqual(got, want) {
		t.Errorf("broker %+v, want the defaults %+v", got, want)
	}
	b := scenario.DefaultBroker()
	if b.ConsumerHeartbeatInterval != 5*time.Second || b.ConsumerMinHeartbeatInterval != 5*time.Second ||
		b.ConsumerMaxHeartbeatInterval != 15*time.Second || b.ConsumerSessionTimeout != 45*time.Second ||
		b.ConsumerMinSessionTimeout != 45*time.Second || b.ConsumerMaxSessionTimeout != time.Minute {
		t.Errorf("Kafka 4.4's defaults: %+v", b)
	}
	// Lower bounds let a shorter heartbeat and session through, as on a
	// broker configured so.
	x, err = Parse("x.toml", []byte(g("\"group.protocol\" = \"consumer\"\n[broker]\n"+
		"\"group.consumer.min.heartbeat.interval.ms\" = 500\n\"group.consumer.heartbeat.interval.ms\" = 1000\n"+
		"\"group.consumer.min.session.timeout.ms\" = 3000\n\"group.consumer.session.timeout.ms\" = 3000\n"+
		"\"group.min.session.timeout.ms\" = 50000\n")))
	if err != nil {
		t.Fatal(err)
	}
	if b := x.Runs[0].Scenario.Broker; b.ConsumerHeartbeatInterval != time.Second || b.ConsumerSessionTimeout != 3*time.Second {
		t.Errorf("broker %+v", b)
	}
	// A classic variant of the same group may set the client settings.
	src := g("[[variants]]\nname = \"classic\"\n\"groups.g.session.timeout.ms\" = 10000\n" +
		"[[variants]]\nname = \"kip848\"\n\"groups.g.group.protocol\" = \"consumer\"\n")
	if _, err := Parse("x.toml", []byte(src)); err != nil {
		t.Errorf("classic-only settings in the classic variant: %v", err)
	}
}
