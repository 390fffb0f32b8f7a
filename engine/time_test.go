package engine

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestFromSecondsSaturates(t *testing.T) {
	cases := []struct {
		s    float64
		want Time
		ok   bool
	}{
		{0, 0, true},
		{math.Copysign(0, -1), 0, true},
		{1.5, 1500 * Millisecond, true},
		{1e-9, 1, true},
		{4e-10, 0, true},
		{9.2e9, Time(9.2e18), true},
		{maxSeconds, Never, false},
		{1e300, Never, false},
		{math.Inf(1), Never, false},
		{-1e300, -Never, false},
		{math.Inf(-1), -Never, false},
		{math.NaN(), Never, false},
	}
	for _, c := range cases {
		got, ok := FromSecondsChecked(c.s)
		if got != c.want || ok != c.ok || FromSeconds(c.s) != c.want {
			t.Errorf("FromSeconds(%v) = %v, %v; want %v, %v", c.s, got, ok, c.want, c.ok)
		}
	}
}

// FromSeconds keeps its rounding for every value in range: outputs of
// existing runs must not change.
func TestFromSecondsRoundsAsBefore(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100000; i++ {
		s := r.Float64() * math.Pow(10, float64(r.IntN(19)-9))
		if got, want := FromSeconds(s), Time(s*float64(Second)+0.5); got != want {
			t.Fatalf("FromSeconds(%v) = %d, want %d", s, got, want)
		}
	}
}

// Add, Sub and Mul agree with exact integer arithmetic clamped to
// [-Never, Never]; the count helpers clamp to the int64 range.
func TestSaturatingArithmeticIsExactClamped(t *testing.T) {
	edges := []int64{0, 1, -1, 2, -2, 3, 1000, -1000, math.MaxInt32, math.MinInt32, 1 << 32, -(1 << 32),
		math.MaxInt64, math.MaxInt64 - 1, math.MinInt64, math.MinInt64 + 1, 3037000499, 3037000500, -3037000500}
	r := rand.New(rand.NewPCG(5, 6))
	vals := append([]int64(nil), edges...)
	for i := 0; i < 300; i++ {
		vals = append(vals, int64(r.Uint64())>>uint(r.IntN(63)))
	}
	clamp := func(x *big.Int, lo int64) int64 {
		if x.Cmp(big.NewInt(math.MaxInt64)) > 0 {
			return math.MaxInt64
		}
		if x.Cmp(big.NewInt(lo)) < 0 {
			return lo
		}
		return x.Int64()
	}
	for _, a := range vals {
		for _, b := range vals {
			A, B := big.NewInt(a), big.NewInt(b)
			sum, diff, prod := new(big.Int).Add(A, B), new(big.Int).Sub(A, B), new(big.Int).Mul(A, B)
			if got, want := int64(Time(a).Add(Time(b))), clamp(sum, -math.MaxInt64); got != want {
				t.Fatalf("%d.Add(%d) = %d, want %d", a, b, got, want)
			}
			if got, want := int64(Time(a).Sub(Time(b))), clamp(diff, -math.MaxInt64); got != want {
				t.Fatalf("%d.Sub(%d) = %d, want %d", a, b, got, want)
			}
			if got, want := int64(Time(a).Mul(b)), clamp(prod, -math.MaxInt64); got != want {
				t.Fatalf("%d.Mul(%d) = %d, want %d", a, b, got, want)
			}
			if got, want := AddInt64(a, b), clamp(sum, math.MinInt64); got != want {
				t.Fatalf("AddInt64(%d, %d) = %d, want %d", a, b, got, want)
			}
			if got, want := MulInt64(a, b), clamp(prod, math.MinInt64); got != want {
				t.Fatalf("MulInt64(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestScaleAndCountFromFloat(t *testing.T) {
	if got := (2 * Second).Scale(1.5); got != 3*Second {
		t.Errorf("Scale = %v", got)
	}
	if got := Hour.Scale(1e308); got != Never {
		t.Errorf("a slow factor of 1e308 gives %v, want Never", got)
	}
	if got := Hour.Scale(math.NaN()); got != Never {
		t.Errorf("NaN factor gives %v", got)
	}
	for _, c := range []struct {
		x    float64
		want int64
	}{{0, 0}, {-5, 0}, {math.NaN(), 0}, {2.9, 2}, {1e15 + 0.5, 1e15}, {9.2e18, 9.2e18},
		{1e19, math.MaxInt64}, {math.Inf(1), math.MaxInt64}, {float64(math.MaxInt64), math.MaxInt64}} {
		if got := CountFromFloat(c.x); got != c.want {
			t.Errorf("CountFromFloat(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}

// After saturates: an event a huge delay away is scheduled at Never (it
// never fires before the run ends) instead of wrapping into the past.
func TestAfterSaturates(t *testing.T) {
	q := NewQueue(0)
	q.At(10*Second, 0, 0, 0)
	q.Pop()
	q.After(Never, 1, 0, 0)
	q.After(Never-5*Second, 2, 0, 0)
	if q.Peek() != Never {
		t.Errorf("next event at %v, want Never", q.Peek())
	}
}

// A lognormal sum whose moments overflow float64 is +Inf (saturating to
// Never as a time), never NaN.
func TestLognormalSumOverflowIsInfinite(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	if got := LognormalSum(r, 500, 1e-3, 1e300); !math.IsInf(got, 1) {
		t.Errorf("LognormalSum with cv 1e300 = %v, want +Inf", got)
	}
	if got := FromSeconds(LognormalSum(r, 500, 1e-3, 1e300)); got != Never {
		t.Errorf("as a time: %v", got)
	}
}
