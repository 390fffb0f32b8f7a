package experiment

import (
	"reflect"
	"testing"
	"time"
)

// Java class names, as pasted from a Java service's config, name the same
// assignors as ours, in a TOML list or in Kafka's comma-separated form.
func TestStrategyTakesJavaClassNames(t *testing.T) {
	for _, c := range []struct {
		value string
		want  []string
	}{
		{`"org.apache.kafka.clients.consumer.CooperativeStickyAssignor"`, []string{"cooperative-sticky"}},
		{`["org.apache.kafka.clients.consumer.RangeAssignor", "cooperative-sticky"]`, []string{"range", "cooperative-sticky"}},
		{`"org.apache.kafka.clients.consumer.RangeAssignor, org.apache.kafka.clients.consumer.CooperativeStickyAssignor"`, []string{"range", "cooperative-sticky"}},
		{`["org.apache.kafka.clients.consumer.RoundRobinAssignor"]`, []string{"roundrobin"}},
		{`"org.apache.kafka.clients.consumer.StickyAssignor"`, []string{"sticky"}},
		{`"range,roundrobin"`, []string{"range", "roundrobin"}},
	} {
		x := mustParse(t, g(`"partition.assignment.strategy" = `+c.value+"\n"))
		if got := x.Runs[0].Scenario.Groups[0].AssignmentStrategy; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: strategy %v, want %v", c.value, got, c.want)
		}
	}
	// Variants and sweeps take them too.
	x := mustParse(t, g("[[variants]]\nname = \"coop\"\n\"groups.g.partition.assignment.strategy\" = \"org.apache.kafka.clients.consumer.CooperativeStickyAssignor\"\n"))
	if got := x.Runs[0].Scenario.Groups[0].AssignmentStrategy; !reflect.DeepEqual(got, []string{"cooperative-sticky"}) {
		t.Errorf("variant: strategy %v", got)
	}
}

func TestAssignorNamesRefusedWithTheReason(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"short class", g(`"partition.assignment.strategy" = "CooperativeStickyAssignor"` + "\n"),
			`x.toml:8: groups.g.partition.assignment.strategy[0]: "CooperativeStickyAssignor": Java needs the whole class name, org.apache.kafka.clients.consumer.CooperativeStickyAssignor (or write "cooperative-sticky")`},
		{"custom class", g(`"partition.assignment.strategy" = "com.example.MyAssignor"` + "\n"),
			`x.toml:8: groups.g.partition.assignment.strategy[0]: "com.example.MyAssignor" is not one of Kafka's assignors; the simulator models Kafka's own: range, roundrobin, sticky, cooperative-sticky, or their classes ` +
				`org.apache.kafka.clients.consumer.CooperativeStickyAssignor, org.apache.kafka.clients.consumer.RangeAssignor, org.apache.kafka.clients.consumer.RoundRobinAssignor, org.apache.kafka.clients.consumer.StickyAssignor`},
		{"server class on the client", g(`"partition.assignment.strategy" = "org.apache.kafka.coordinator.group.assignor.UniformAssignor"` + "\n"),
			`x.toml:8: groups.g.partition.assignment.strategy[0]: "org.apache.kafka.coordinator.group.assignor.UniformAssignor" is a server-side assignor (KIP-848): it runs on the group coordinator, chosen with "group.protocol" = "consumer" and "group.remote.assignor" = "uniform", never in partition.assignment.strategy`},
		{"same assignor twice", g(`"partition.assignment.strategy" = ["range", "org.apache.kafka.clients.consumer.RangeAssignor"]` + "\n"),
			`x.toml:8: groups.g.partition.assignment.strategy[1]: "org.apache.kafka.clients.consumer.RangeAssignor" is "range", listed twice`},
		{"empty list entry", g(`"partition.assignment.strategy" = "range,"` + "\n"),
			`x.toml:8: groups.g.partition.assignment.strategy[1]: must not be empty`},
		// Kafka's coordinator matches group.remote.assignor against its
		// assignors' names and refuses a class name.
		{"remote class", g(`"group.protocol" = "consumer"` + "\n" + `"group.remote.assignor" = "org.apache.kafka.coordinator.group.assignor.RangeAssignor"` + "\n"),
			`x.toml:9: groups.g.group.remote.assignor: "org.apache.kafka.coordinator.group.assignor.RangeAssignor" is the class; group.remote.assignor takes the server assignor's name, "range": ` +
				`Kafka's coordinator refuses anything else with UNSUPPORTED_ASSIGNOR ("ServerAssignor org.apache.kafka.coordinator.group.assignor.RangeAssignor is not supported")`},
		{"remote client class", g(`"group.protocol" = "consumer"` + "\n" + `"group.remote.assignor" = "org.apache.kafka.clients.consumer.RangeAssignor"` + "\n"),
			`x.toml:9: groups.g.group.remote.assignor: "org.apache.kafka.clients.consumer.RangeAssignor" is a client-side assignor, for partition.assignment.strategy with "group.protocol" = "classic"; group.remote.assignor takes uniform or range`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.toml", []byte(c.src))
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != c.want {
				t.Errorf("error\n got %s\nwant %s", got, c.want)
			}
			checkErrorShape(t, err)
		})
	}
}

// [slo] objectives are named after the metrics they bound; the names used
// before are still read, and a number is a count of the name's unit.
func TestSLONamesAndAliases(t *testing.T) {
	want := &SLO{MaxLag: 500, MaxLagTime: 30 * time.Second, P99Latency: 1500 * time.Millisecond, MaxPause: 20 * time.Second}
	for _, src := range []string{
		"[slo]\nlag_max = 500\nlag_time_s_max = \"30s\"\nlatency_ms_p99 = \"1.5s\"\npartition_pause_s_max_single = \"20s\"\n",
		"[slo]\nlag_max = 500\nlag_time_s_max = 30\nlatency_ms_p99 = 1500\npartition_pause_s_max_single = 20.0\n",
		"[slo]\nmax_lag = 500\nmax_lag_time = \"30s\"\np99_latency = \"1.5s\"\nmax_pause = \"20s\"\n",
	} {
		x := mustParse(t, g(src))
		if !reflect.DeepEqual(x.SLO, want) {
			t.Errorf("%s: slo %+v, want %+v", src, x.SLO, want)
		}
	}
	for _, c := range []struct{ src, want string }{
		{"[slo]\nmax_lag_time = \"30s\"\nlag_time_s_max = \"20s\"\n",
			"x.toml:9: slo.max_lag_time: max_lag_time is the older name of lag_time_s_max, also set: give one (lag_time_s_max)"},
		{"[slo]\nlag_time_s_max = -3\n", "x.toml:9: slo.lag_time_s_max: -3 must be from 0 to 87600h (10 years)"},
		{"[slo]\nlatency_ms_p99 = true\n", `x.toml:9: slo.latency_ms_p99: must be a duration string such as "30s" or a number of milliseconds, not the boolean true`},
		{"[slo]\nlag_time_s_max = 0\n", `x.toml:9: slo.lag_time_s_max: "0s" must be greater than 0`},
	} {
		_, err := Parse("x.toml", []byte(g(c.src)))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: error\n got %v\nwant %s", c.src, err, c.want)
		}
	}
}
