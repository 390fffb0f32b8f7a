package sim

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/metrics"
	"github.com/rebalance-sim/rebalance-sim/scenario"
)

func rowAt(r *metrics.Result, ts float64) metrics.SeriesRow {
	for _, row := range r.Series {
		if row.TS == ts {
			return row
		}
	}
	return metrics.SeriesRow{}
}

// slow multiplies one member's processing time for a while: a consumer at
// 0.5 ms per record slowed 4x processes 500 records/s instead of keeping up
// with 1,000, and recovers afterwards.
func TestSlowEvent(t *testing.T) {
	sc := testScenario(1, 1000, 1, 500*time.Microsecond)
	sc.Duration = 3 * time.Minute
	sc.Events = []scenario.Event{{At: 60 * time.Second, Action: scenario.ActSlow, Group: "g", Member: 0, Factor: 4, Duration: 60 * time.Second}}
	r, _ := run(t, sc, false)
	near(t, "consumed/s while slow", rowAt(r, 100).ConsumedPerS, 500, 30)
	lagGrowth := float64(rowAt(r, 110).Lag-rowAt(r, 70).Lag) / 40
	near(t, "lag growth while slow", lagGrowth, 500, 40)
	if last := r.Series[len(r.Series)-1]; last.Lag > 6000 {
		t.Errorf("the consumer should have caught up by the end, lag %d", last.Lag)
	}
}

// scale brings the group to `to` members: joins when below, clean leaves of
// the newest when above.
func TestScaleEvent(t *testing.T) {
	sc := testScenario(12, 1200, 2, 500*time.Microsecond)
	sc.Duration = 3 * time.Minute
	sc.Events = []scenario.Event{
		{At: 40 * time.Second, Action: scenario.ActScale, Group: "g", To: 6, Member: -1},
		{At: 100 * time.Second, Action: scenario.ActScale, Group: "g", To: 3, Member: -1},
	}
	r, _ := run(t, sc, false)
	if m := rowAt(r, 90).Members; m != 6 {
		t.Errorf("%d members after scaling to 6", m)
	}
	if m := rowAt(r, 170).Members; m != 3 {
		t.Errorf("%d members after scaling to 3", m)
	}
	g := r.Groups[0]
	if g.Members.Max != 6 || g.Members.Final != 3 {
		t.Errorf("members max %d final %d", g.Members.Max, g.Members.Final)
	}
	// Clean leaves commit first: nothing is processed twice.
	if g.Duplicates != 0 {
		t.Errorf("%d duplicates after clean scale-in", g.Duplicates)
	}
}

// producer_rate changes a producer's rate from its time on, as does a
// rate_changes entry.
func TestProducerRateEvent(t *testing.T) {
	sc := testScenario(2, 1000, 1, 100*time.Microsecond)
	sc.Duration = 3 * time.Minute
	sc.Producers[0].RateChanges = []scenario.RateChange{{At: 60 * time.Second, Rate: 2000}}
	sc.Events = []scenario.Event{{At: 120 * time.Second, Action: scenario.ActProducerRate, Producer: "p", Rate: 500, Member: -1}}
	r, _ := run(t, sc, false)
	near(t, "produced/s before", rowAt(r, 30).ProducedPerS, 1000, 1)
	near(t, "produced/s after the rate change", rowAt(r, 90).ProducedPerS, 2000, 1)
	near(t, "produced/s after producer_rate", rowAt(r, 150).ProducedPerS, 500, 1)
	near(t, "produced in all", float64(r.Groups[0].Produced), 60*1000+60*2000+60*500, 10)
}

// Keys decide partitions with Kafka's murmur2 partitioner: one hot key puts
// most records on one partition.
func TestKeyedProductionFollowsMurmur2(t *testing.T) {
	for key, want := range map[string]int32{"key-0": 29210041, "key-1": 193331640, "key-17": 956945460, "hello": 2132663229,
		"a": -1563381124, "ab": 316155434, "abc": 479470107, "key-12345": -952703915} {
		if got := murmur2([]byte(key)); got != want {
			t.Errorf("murmur2(%q) = %d, want %d (Kafka's Utils.murmur2)", key, got, want)
		}
	}
	sc := testScenario(4, 1000, 1, 100*time.Microsecond)
	sc.Producers[0].Keys = scenario.KeysZipf
	sc.Producers[0].KeyCount = 50
	sc.Producers[0].ZipfS = 3 // key-0 carries ~83% of the traffic
	sc.Duration = time.Minute
	s, err := newSim(sc, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	shares := s.topics[0].feeds[0].shares(4)
	hot := int(murmur2([]byte("key-0"))&0x7fffffff) % 4
	if shares[hot] < 0.8 {
		t.Errorf("partition %d holds key-0 but only %.2f of the traffic: %v", hot, shares[hot], shares)
	}
}

// The autoscaler follows the lag: a burst that one consumer cannot keep up
// with scales the group out (up to the partition count), and once the lag
// is gone and the cooldown has passed it scales back in.
func TestAutoscalerFollowsLag(t *testing.T) {
	sc := testScenario(8, 400, 1, time.Millisecond) // 1 consumer handles 1,000/s
	sc.Producers[0].RateChanges = []scenario.RateChange{{At: 60 * time.Second, Rate: 5000}, {At: 180 * time.Second, Rate: 400}}
	sc.Groups[0].Autoscaler = &scenario.Autoscaler{LagThreshold: 5000, MinConsumers: 1, MaxConsumers: 20,
		PollingInterval: 15 * time.Second, Cooldown: 2 * time.Minute}
	sc.Duration = 10 * time.Minute
	r, tr := run(t, sc, true)
	g := r.Groups[0]
	if len(g.AutoscalerSteps) < 2 {
		t.Fatalf("autoscaler steps %+v\n%s", g.AutoscalerSteps, tr)
	}
	up := g.AutoscalerSteps[0]
	if up.To <= up.From || up.TS < 60 || up.TS > 120 {
		t.Errorf("first step %+v: want a scale-out soon after the burst at 60 s", up)
	}
	maxTo := 0
	for _, st := range g.AutoscalerSteps {
		if st.To > maxTo {
			maxTo = st.To
		}
	}
	if maxTo > 8 {
		t.Errorf("scaled to %d consumers on 8 partitions without allow_idle_consumers", maxTo)
	}
	last := g.AutoscalerSteps[len(g.AutoscalerSteps)-1]
	if last.To != 1 {
		t.Errorf("last step %+v: want back to the minimum once the lag is gone", last)
	}
	if g.Members.Max != maxTo || g.Members.Final != 1 {
		t.Errorf("members max %d final %d, autoscaler max %d", g.Members.Max, g.Members.Final, maxTo)
	}
	if g.Rebalances < 2 {
		t.Errorf("scaling steps should cause rebalances, got %d", g.Rebalances)
	}
}

// Sparse partitions draw arrivals as a Poisson process (exponential gaps)
// instead of a count per interval: counts must still be Poisson, with a
// variance equal to the mean, in both regimes.
func TestPoissonArrivalsSparseAndDense(t *testing.T) {
	for _, rate := range []float64{40, 150, 1000} { // 0.2, 0.75 and 5 records per 5 ms interval
		sc := testScenario(1, rate, 0, time.Millisecond)
		sc.Producers[0].Arrivals = scenario.Poisson
		sc.Duration = 2000 * time.Second
		s, err := newSim(sc, 3, Options{})
		if err != nil {
			t.Fatal(err)
		}
		l := s.topics[0].parts[0]
		// Counts per second: Poisson(rate).
		var sum, sq float64
		prev := int64(0)
		const n = 2000
		for i := 1; i <= n; i++ {
			leo := l.leo(engine.Time(i)*engine.Second, s.dt)
			c := float64(leo - prev)
			prev = leo
			sum += c
			sq += c * c
		}
		mean := sum / n
		variance := sq/n - mean*mean
		near(t, fmt.Sprintf("rate %v: mean per second", rate), mean, rate, 4*math.Sqrt(rate/n))
		near(t, fmt.Sprintf("rate %v: variance per second", rate), variance, rate, 0.1*rate)
	}
}
