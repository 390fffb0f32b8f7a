package engine

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Stream returns a PCG random stream seeded from the run seed, the entity
// the stream belongs to and its purpose. Separate streams keep draws for one
// purpose from shifting another's: a producer's arrivals do not change when a
// consumer's processing draws change, so variants of one experiment see the
// same traffic (common random numbers).
func Stream(seed uint64, entity, purpose string) *rand.Rand {
	h1 := fnv64(seed, entity, purpose, 0x9e3779b97f4a7c15)
	h2 := fnv64(seed, entity, purpose, 0xc2b2ae3d27d4eb4f)
	return rand.New(rand.NewPCG(splitmix(h1), splitmix(h2)))
}

func fnv64(seed uint64, a, b string, salt uint64) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037) ^ salt
	for i := 0; i < 8; i++ {
		h ^= (seed >> (8 * i)) & 0xff
		h *= prime
	}
	for i := 0; i < len(a); i++ {
		h ^= uint64(a[i])
		h *= prime
	}
	h ^= 0xff // separator, so ("ab","c") and ("a","bc") differ
	h *= prime
	for i := 0; i < len(b); i++ {
		h ^= uint64(b[i])
		h *= prime
	}
	return h
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Poisson draws a Poisson(mean) count from r. Production draws one count
// per partition per batch interval, which makes this the hottest function of
// a run; gonum's sampler (several exponentials per draw for small means)
// took two thirds of a one-hour run, so this one uses inversion for small
// means (one uniform) and Hörmann's PTRS transformed rejection for large
// ones (about 1.2 pairs of uniforms), both exact.
func Poisson(r *rand.Rand, mean float64) int64 {
	d := NewPoisson(mean)
	return d.Rand(r)
}

// PoissonDist is a Poisson distribution with its constants computed once,
// for callers that draw many times with one mean.
type PoissonDist struct {
	mean float64
	// cut[k] is the cumulative probability of k or fewer, scaled to the
	// 53-bit integers a uniform is made of (mean < 10, up to where the tail
	// is below 1e-15): comparing the integer draw with cut[k] is exactly
	// comparing rand.Float64 with the cdf, without the conversion.
	cut []uint64
	// guide[j] is the first k whose cut reaches the j-th of guideSize equal
	// slices of the integers (Chen and Asau's guide table): a draw starts
	// its scan there and is done in one or two comparisons, whatever the
	// mean.
	guide []uint8
	// PTRS constants (mean >= 10)
	loglam, b, a, invalpha, vr, logInvalpha float64
}

const (
	uniformBits = 53 // rand.Float64's resolution
	guideBits   = 6
	guideSize   = 1 << guideBits
)

// NewPoisson prepares a Poisson(mean) distribution.
func NewPoisson(mean float64) PoissonDist {
	d := PoissonDist{mean: mean}
	if mean > 0 && mean < 10 {
		p := math.Exp(-mean)
		f := p
		const scale = 1 << uniformBits
		// floor(f * 2^53): x <= f*2^53 holds for an integer x exactly when
		// x <= floor(f*2^53), and x/2^53 <= f exactly when x <= f*2^53
		// (scaling by a power of two is exact).
		d.cut = append(d.cut, uint64(math.Floor(f*scale)))
		for k := 1; 1-f > 1e-15 && k < 200; k++ {
			p *= mean / float64(k)
			f += p
			d.cut = append(d.cut, uint64(math.Floor(math.Min(f, 1)*scale)))
		}
		d.guide = make([]uint8, guideSize)
		k := 0
		for j := range d.guide {
			lo := uint64(j) << (uniformBits - guideBits)
			for k < len(d.cut) && d.cut[k] < lo {
				k++
			}
			d.guide[j] = uint8(k)
		}
	}
	if mean >= 10 {
		slam := math.Sqrt(mean)
		d.loglam = math.Log(mean)
		d.b = 0.931 + 2.53*slam
		d.a = -0.059 + 0.02483*d.b
		d.invalpha = 1.1239 + 1.1328/(d.b-3.4)
		d.vr = 0.9277 - 3.6224/(d.b-2)
		d.logInvalpha = math.Log(d.invalpha)
	}
	return d
}

// Mean is the distribution's mean.
func (d *PoissonDist) Mean() float64 { return d.mean }

// Rand draws one count.
func (d *PoissonDist) Rand(r *rand.Rand) int64 {
	mean := d.mean
	switch {
	case mean <= 0:
		return 0
	case mean < 10:
		// Inversion: the smallest k whose cdf reaches one uniform (the
		// same uniform rand.Float64 would give, as an integer).
		x := r.Uint64() << 11 >> 11
		k := int(d.guide[x>>(uniformBits-guideBits)])
		for k < len(d.cut) && x > d.cut[k] {
			k++
		}
		return int64(k)
	}
	// PTRS (W. Hörmann, "The transformed rejection method for generating
	// Poisson random variables", 1993).
	a, b, vr := d.a, d.b, d.vr
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mean + 0.43)
		if us >= 0.07 && v <= vr {
			return CountFromFloat(k) // NB: int64(k) for any count below 2^63
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+d.logInvalpha-math.Log(a/(us*us)+b) <= -mean+k*d.loglam-lg {
			return CountFromFloat(k)
		}
	}
}

// Gamma draws a Gamma(shape, scale) variate: the sum of `shape` independent
// exponentials of mean `scale`, which is how a batch of n exponential service
// times is drawn in one step.
func Gamma(r *rand.Rand, shape, scale float64) float64 {
	if shape <= 0 || scale <= 0 {
		return 0
	}
	return distuv.Gamma{Alpha: shape, Beta: 1 / scale, Src: r}.Rand()
}

// LognormalSum approximates the sum of n independent lognormal variates of
// the given mean and coefficient of variation by one lognormal with the same
// mean and variance (Fenton-Wilkinson), so a batch costs one draw.
func LognormalSum(r *rand.Rand, n int, mean, cv float64) float64 {
	if n <= 0 || mean <= 0 {
		return 0
	}
	m := float64(n) * mean
	v := float64(n) * (cv * mean) * (cv * mean)
	sigma2 := math.Log1p(v / (m * m))
	if math.IsInf(sigma2, 0) || math.IsNaN(sigma2) {
		// Moments beyond float64 (a coefficient of variation near 1e150):
		// the draw is unbounded; say so rather than return NaN, which no
		// caller can turn into a time.
		return math.Inf(1)
	}
	mu := math.Log(m) - sigma2/2
	return math.Exp(mu + math.Sqrt(sigma2)*r.NormFloat64())
}
