package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func TestQueueOrdersByTimeThenSequence(t *testing.T) {
	q := NewQueue(0)
	r := rand.New(rand.NewPCG(1, 2))
	type key struct {
		at  Time
		seq uint64
	}
	var want []key
	for i := 0; i < 5000; i++ {
		at := Time(r.IntN(100)) // many ties, so the sequence matters
		seq := q.At(at, 1, int32(i), 0)
		want = append(want, key{at, seq})
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].at != want[j].at {
			return want[i].at < want[j].at
		}
		return want[i].seq < want[j].seq
	})
	for i, w := range want {
		ev, ok := q.Pop()
		if !ok || ev.At != w.at || ev.Seq() != w.seq {
			t.Fatalf("pop %d = (%v, %d, %v), want (%v, %d)", i, ev.At, ev.Seq(), ok, w.at, w.seq)
		}
		if q.Now() != w.at {
			t.Fatalf("Now = %v after popping an event at %v", q.Now(), w.at)
		}
	}
	if _, ok := q.Pop(); ok || q.Peek() != Never {
		t.Fatal("queue should be empty")
	}
}

func TestPushIntoThePastPanics(t *testing.T) {
	q := NewQueue(0)
	q.At(10, 0, 0, 0)
	q.Pop()
	defer func() {
		if recover() == nil {
			t.Fatal("scheduling before Now must panic: time never goes backwards")
		}
	}()
	q.At(9, 0, 0, 0)
}

func TestTimerStaleness(t *testing.T) {
	q := NewQueue(0)
	var tm Timer
	q.Arm(&tm, Event{At: 5, Kind: 7})
	q.Arm(&tm, Event{At: 8, Kind: 7}) // re-arm: the firing at 5 goes stale
	if !tm.Armed() || tm.When() != 8 {
		t.Fatalf("timer armed=%v when=%v, want armed at 8", tm.Armed(), tm.When())
	}
	ev, _ := q.Pop()
	if ev.At != 5 || tm.Fired(ev) {
		t.Fatal("the first arming is stale and must not fire")
	}
	ev, _ = q.Pop()
	if ev.At != 8 || !tm.Fired(ev) {
		t.Fatal("the latest arming must fire")
	}
	if tm.Armed() || tm.Fired(ev) {
		t.Fatal("a timer fires once")
	}
	q.Arm(&tm, Event{At: 20})
	tm.Cancel()
	ev, _ = q.Pop()
	if tm.Fired(ev) {
		t.Fatal("a cancelled timer must not fire")
	}
	// An event that never belonged to a timer does not fire one.
	q.At(30, 0, 0, 0)
	ev, _ = q.Pop()
	if tm.Fired(ev) {
		t.Fatal("untimed events must not fire timers")
	}
}

func TestStreamsAreSeededAndIndependent(t *testing.T) {
	a1 := Stream(1, "producer/orders", "arrivals").Uint64()
	a2 := Stream(1, "producer/orders", "arrivals").Uint64()
	if a1 != a2 {
		t.Fatal("same seed, entity and purpose must give the same stream")
	}
	others := []uint64{
		Stream(2, "producer/orders", "arrivals").Uint64(),
		Stream(1, "producer/order", "sarrivals").Uint64(),
		Stream(1, "producer/orders", "keys").Uint64(),
	}
	for i, o := range others {
		if o == a1 {
			t.Fatalf("stream %d collides with the base stream", i)
		}
	}
}

func TestDistributionMeans(t *testing.T) {
	r := Stream(7, "test", "dist")
	const n = 20000
	var sp, sg, sl float64
	for i := 0; i < n; i++ {
		sp += float64(Poisson(r, 3.5))
		sg += Gamma(r, 500, 0.002) // a batch of 500 records at 2 ms: mean 1 s
		sl += LognormalSum(r, 10, 0.01, 1.5)
	}
	check := func(name string, got, want, tol float64) {
		if math.Abs(got-want) > tol*want {
			t.Errorf("%s mean = %.4f, want %.4f within %.0f%%", name, got, want, tol*100)
		}
	}
	check("poisson", sp/n, 3.5, 0.02)
	for _, mean := range []float64{0.3, 9.9, 10, 57, 1000} {
		var sum, sq float64
		for i := 0; i < n; i++ {
			x := float64(Poisson(r, mean))
			sum += x
			sq += x * x
		}
		m := sum / n
		check(fmt.Sprintf("poisson(%g) mean", mean), m, mean, 4*math.Sqrt(mean/n)/mean)
		check(fmt.Sprintf("poisson(%g) variance", mean), sq/n-m*m, mean, 0.05)
	}
	check("gamma", sg/n, 1.0, 0.01)
	check("lognormal sum", sl/n, 0.1, 0.03)
	if Poisson(r, 0) != 0 || Gamma(r, 0, 1) != 0 || LognormalSum(r, 0, 1, 1) != 0 {
		t.Error("degenerate parameters must give 0")
	}
}

// The integer cut-offs and guide table give exactly the draws of plain
// inversion on rand.Float64 (walk the cdf until it passes the uniform).
func TestPoissonInversionMatchesFloatCDF(t *testing.T) {
	for _, mean := range []float64{0.01, 0.3, 1, 2.5, 6, 9.99} {
		d := NewPoisson(mean)
		a, b := Stream(7, "p", "poisson"), Stream(7, "p", "poisson")
		for i := 0; i < 200000; i++ {
			got := d.Rand(a)
			u := b.Float64()
			p := math.Exp(-mean)
			f := p
			var want int64
			for u > f && want < 200 {
				want++
				p *= mean / float64(want)
				f += p
			}
			if got != want {
				t.Fatalf("mean %v draw %d: %d, float inversion gives %d (u = %v)", mean, i, got, want, u)
			}
		}
	}
}
